import json
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

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
        parser.add_argument("--background", action="store_true",
                            help="when only the archive's records changed since the last build, keep the "
                                 "dictionary there is and build the new one in a thread of this process")

    def handle(self, *args, source, keep_all=False, force=False, background=False, **options):
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
        if background and not force and dictionary.path().is_file() and marker.is_file() and \
                _same_but_the_records(marker.read_text(), made_from):
            # Searches go on with the dictionary there is (web processes notice the new file by itself,
            # lookup.current); at 100,000 articles reading every text again takes a minute.
            self.thread = threading.Thread(target=self._build, args=(source, keep_all, marker, made_from, started),
                                           name="build_dictionary", daemon=False)
            self.thread.start()
            self.stdout.write(f"the archive's records changed since the last build: building {dictionary.path()} "
                              "anew in the background; searches use the previous one until it is done")
            return
        self._build(source, keep_all, marker, made_from, started)

    def _build(self, source, keep_all, marker, made_from, started):
        try:
            vocabulary = None if keep_all else dictionary.Vocabulary.from_texts(dictionary.archive_texts())
            counts = dictionary.build(source, dictionary.path(), vocabulary)
            # The lookup tables every web process reads (tables.py), built here rather than by the first search.
            tables.ensure(dictionary.path())
            marker.write_text(made_from)
            lookup.forget()
            self.stdout.write(f"pairs read: {counts.read}  kept: {counts.kept}  -> {dictionary.path()} "
                              f"({time.monotonic() - started:.1f}s)")
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()


def _same_but_the_records(old, new):
    """Whether two made-from markers differ at most in the archive's stamp (the word list and options equal)."""
    try:
        old, new = json.loads(old), json.loads(new)
    except ValueError:
        return False
    return len(old) == len(new) == 4 and [old[0], old[1], old[3]] == [new[0], new[1], new[3]]
