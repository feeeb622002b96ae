import sys
import time

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.export import ExportError, export_archive


class Command(BaseCommand):
    help = "Write every record into FOLDER in the content/ format, so `load_content FOLDER` rebuilds the archive."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder to write into")

    def handle(self, *args, folder, **options):
        started = time.monotonic()
        tty = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(kind, count):
            if tty and count % 100 == 0:
                rate = count / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"\r{kind}: {count} ({rate:.0f}/s)", ending="")
            elif not tty and count % 1000 == 0 and options["verbosity"] > 0:
                self.stdout.write(f"{kind}: {count}")

        try:
            counts = export_archive(folder=folder, progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        if tty:
            self.stdout.write("\r", ending="")
        self.stdout.write(f"{counts.line()}  -> {folder} ({time.monotonic() - started:.1f}s)")
