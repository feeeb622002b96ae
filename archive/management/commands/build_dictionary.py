import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.glossary import dictionary, lookup


class Command(BaseCommand):
    help = ("Derive the general German-English dictionary from Debian's trans-de-en word list, "
            "keeping the pairs the loaded articles and the glossary can use.")

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(dictionary.DING),
                            help="a Ding-format word list (default: the trans-de-en package's)")
        parser.add_argument("--keep-all", action="store_true",
                            help="keep every pair, not only those the archive's vocabulary can use")

    def handle(self, *args, source, keep_all=False, **options):
        started = time.monotonic()
        if not Path(source).is_file():
            raise CommandError(f"{source} is not there; install it with `apt-get install trans-de-en` "
                               "(make run does)")
        vocabulary = None if keep_all else dictionary.Vocabulary.from_texts(dictionary.archive_texts())
        counts = dictionary.build(source, dictionary.path(), vocabulary)
        lookup.forget()
        self.stdout.write(f"pairs read: {counts.read}  kept: {counts.kept}  -> {dictionary.path()} "
                          f"({time.monotonic() - started:.1f}s)")
