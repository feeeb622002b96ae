import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive import stamp
from archive.glossary import dictionary, lookup, tables


class Command(BaseCommand):
    help = ("Derive the general German-English dictionary from Debian's trans-de-en word list, "
            "keeping the pairs the loaded articles and the glossary can use.")

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(dictionary.DING),
                            help="a Ding-format word list (default: the trans-de-en package's)")
        parser.add_argument("--keep-all", action="store_true",
                            help="keep every pair, not only those the archive's vocabulary can use")
        parser.add_argument("--force", action="store_true",
                            help="build even when nothing it is made from changed since the last build")

    def handle(self, *args, source, keep_all=False, force=False, **options):
        started = time.monotonic()
        if not Path(source).is_file():
            raise CommandError(f"{source} is not there; install it with `apt-get install trans-de-en` "
                               "(make run does)")
        # What the derived file is made from: the word list, the archive's records, the option.
        # `make run` calls this on every start; rebuilding an unchanged dictionary costs half a minute.
        made_from = json.dumps([str(Path(source).resolve()), Path(source).stat().st_mtime_ns,
                                stamp.etag(stamp.archive_stamp(fresh=True)), keep_all])
        marker = dictionary.path().with_name(dictionary.path().name + ".made-from")
        if not force and dictionary.path().is_file() and marker.is_file() and marker.read_text() == made_from:
            tables.ensure(dictionary.path())  # a dictionary from before the tables file gets one now, once
            self.stdout.write(f"up to date: {dictionary.path()} "
                              "(nothing it is made from changed; --force builds anyway)")
            return
        vocabulary = None if keep_all else dictionary.Vocabulary.from_texts(dictionary.archive_texts())
        counts = dictionary.build(source, dictionary.path(), vocabulary)
        # The lookup tables every web process reads (tables.py), built here rather than by the first search.
        tables.ensure(dictionary.path())
        marker.write_text(made_from)
        lookup.forget()
        self.stdout.write(f"pairs read: {counts.read}  kept: {counts.kept}  -> {dictionary.path()} "
                          f"({time.monotonic() - started:.1f}s)")
