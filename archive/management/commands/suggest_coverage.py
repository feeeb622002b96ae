import time

from django.core.management.base import BaseCommand, CommandError

from archive.models import Event
from archive.timeline.coverage import DEFAULT_MIN_SHARED, DEFAULT_WINDOW_DAYS, suggest_coverage


class Command(BaseCommand):
    help = (
        "Suggest which articles covered which events: articles dated within a window after an event that share "
        "entities with it. Suggestions are stored unconfirmed, for an editor to confirm in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--window", type=int, default=DEFAULT_WINDOW_DAYS,
                            help=f"days after the event's period (default {DEFAULT_WINDOW_DAYS})")
        parser.add_argument("--min-shared", type=int, default=DEFAULT_MIN_SHARED,
                            help=f"entities an article must share with the event (default {DEFAULT_MIN_SHARED})")
        parser.add_argument("--event", action="append", default=[], metavar="SLUG", help="only this event (repeatable)")

    def handle(self, *args, window, min_shared, event, **options):
        if window < 0:
            raise CommandError("--window must be 0 or more days")
        if min_shared < 1:
            raise CommandError("--min-shared must be at least 1")
        events = Event.objects.filter(date__isnull=False)
        if event:
            missing = sorted(set(event) - set(events.filter(slug__in=event).values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"no dated event with slug: {', '.join(missing)}")
            events = events.filter(slug__in=event)
        result = suggest_coverage(window_days=window, min_shared=min_shared, events=events,
                                  progress=self._progress(options["verbosity"]))
        self.stdout.write(f"suggested: {result.created}  already linked: {result.existing}")

    def _progress(self, verbosity):
        """A bar with count and rate on a terminal, a plain line every 500 events otherwise."""
        if verbosity < 1:
            return None
        started = time.monotonic()
        tty = self.stdout.isatty()

        def report(done, total):
            rate = done / max(time.monotonic() - started, 1e-6)
            if tty:
                filled = int(30 * done / total)
                end = "\n" if done == total else ""
                self.stdout.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} events  {rate:.0f}/s",
                                  ending=end)
                self.stdout.flush()
            elif done % 500 == 0 or done == total:
                self.stdout.write(f"{done}/{total} events  {rate:.0f}/s")

        return report
