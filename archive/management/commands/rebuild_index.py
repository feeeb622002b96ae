from django.core.management.base import BaseCommand, CommandError

from archive import search


class Command(BaseCommand):
    help = "Build the search index anew beside the old one; switch to it only when complete."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=None, help="Print a progress line every N documents.")

    def handle(self, *args, every=None, verbosity=1, **options):
        total = search.count_all()
        progress = search.Progress(self.stdout if verbosity else _Null(), total, every=every)
        if verbosity:
            self.stdout.write(f"Indexing {total} records into a new index ...")
        try:
            count = search.rebuild(progress=progress)
        except Exception as exc:
            raise CommandError(f"rebuild failed, the previous index stays in use: {exc}") from exc
        if verbosity:
            self.stdout.write(f"Switched to the new index: {progress.done(count)}.")


class _Null:
    def write(self, text):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False


