from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from archive.contentfiles import apply, loaded, reader
from archive.glossary import files as glossary


class Command(BaseCommand):
    help = "Load the archive's content files (sources, entities, articles, events) into the database."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default=None, help="content folder (default: content/)")
        parser.add_argument(
            "--prune", action="store_true", help="delete records that are no longer in the folder"
        )
        parser.add_argument(
            "--if-changed", action="store_true",
            help="do nothing when neither the folder's files nor the database changed since the last load "
                 "(make run's start-up)")

    def handle(self, *args, folder=None, prune=False, if_changed=False, **options):
        folder = Path(folder) if folder else settings.CONTENT_DIR
        try:
            if if_changed and loaded.unchanged(folder, prune=prune):
                self.stdout.write("Nothing changed: neither the content files nor the records changed since "
                                  "the last load.")
                return
            found = reader.read_folder(folder)
            terms = glossary.read_folder(folder)  # content/glossary/, validated with the rest
            problems = found.problems + terms.problems
            if problems:
                for problem in problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{len(problems)} problem(s) in {folder}; nothing was written.")
            with transaction.atomic():
                counts = apply.apply(found, prune=prune)
                glossary.apply(terms, counts, prune=prune)
            loaded.remember(folder, prune=prune)
        except DatabaseError as exc:
            # A missing or read-only data folder, or a database not yet migrated:
            # say which, without a traceback; the transaction has left nothing behind.
            raise CommandError(
                f"the database cannot be used ({exc}); nothing was written. Check that the data folder "
                f"{settings.DATA_DIR} (ARCHIVE_DATA_DIR) exists and is writable and that "
                "`python manage.py migrate` has run."
            ) from None
        self.stdout.write(counts.line())
        if not (counts.created or counts.updated or counts.deleted):
            self.stdout.write("Nothing changed: the database already matches the content files.")
