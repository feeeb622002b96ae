import time

from django.core.management.base import BaseCommand, CommandError

from archive.contentfiles.export import ExportError, export_archive
from archive.glossary import files as glossary
from archive.models import Article, Entity, Event, Source
from archive.progress import Progress


class Command(BaseCommand):
    help = "Write every record into FOLDER in the content/ format, so `load_content FOLDER` rebuilds the archive."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder to write into")

    def handle(self, *args, folder, **options):
        started = time.monotonic()
        total = sum(model.objects.count() for model in (Source, Entity, Article, Event))
        bar = Progress(total=total, label="exporting", unit="records", stream=self.stderr,
                       enabled=options["verbosity"] > 0)
        try:
            with bar:
                counts = export_archive(folder=folder, progress=lambda kind, count: bar.advance())
            # The glossary goes into the finished backup as content/glossary/.
            terms = glossary.export_into(folder)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        except (OSError, ValueError) as exc:
            raise CommandError(f"the records were written to {folder}, the glossary was not: {exc}") from None
        for repair in counts.repaired:
            self.stderr.write(f"repaired in the export: {repair}")
        self.stdout.write(f"{counts.line()}  glossary: {terms}  -> {folder} ({time.monotonic() - started:.1f}s)")
