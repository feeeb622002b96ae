from django.core.management.base import BaseCommand, CommandError

from archive import search
from archive.progress import Progress


class Command(BaseCommand):
    help = "Build the search index anew beside the old one; switch to it only when complete."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=None, help="Print a progress line every N documents.")

    def handle(self, *args, every=None, verbosity=1, **options):
        total = search.count_all()
        progress = Progress(total=total, unit="indexed", stream=self.stdout, enabled=bool(verbosity), every_count=every)
        if verbosity:
            self.stdout.write(f"Indexing {total} records into a new index ...")
        try:
            search.rebuild(progress=progress)
            progress.finish()
        except Exception as exc:
            raise CommandError(f"rebuild failed, the previous index stays in use: {exc}") from exc
        if verbosity:
            self.stdout.write(f"Switched to the new index: {progress.summary()}.")

