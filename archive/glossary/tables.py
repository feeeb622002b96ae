"""The general dictionary's lookup tables, in an SQLite file beside its word list, read where they lie.

lookup.py asks for a word's counterparts by its folded form and by its stem. Kept as Python
dicts, the tables of a dictionary cut for 100,000 articles (475,000 pairs) took each web process
9 s of CPU to build and some 550 MB of its own memory. Here they are built once per word list,
keys already folded and stemmed (build_dictionary does it after writing the list; a reader that
finds the file missing or made from another list builds it first), and each lookup is an indexed
query: a process holds no more than SQLite's small page cache, and the pages read stay in the
system's file cache, shared by every process.
"""

import fcntl
import os
import sqlite3
import tempfile
import threading
from contextlib import closing
from pathlib import Path

from archive.glossary import dictionary, words

FORMAT = "3"  # raise when the tables' layout or keys change: files of another format are built anew
CACHE_KIB = 1024  # SQLite's page cache per connection
MMAP_BYTES = 1 << 30  # the file read where it lies in the system's cache, not a read() a page
HEAD = 4  # a key's first letters, kept apart: most words a compound's split asks about are no key's start
BATCH = 20_000


def path_for(word_list):
    word_list = Path(word_list)
    return word_list.with_name(word_list.name.split(".")[0] + ".tables.sqlite3")


def _made_from(word_list):
    stat = Path(word_list).stat()
    return f"{FORMAT} {stat.st_mtime_ns} {stat.st_size}"


def _made_from_of(target):
    try:
        with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as connection:
            return connection.execute("SELECT value FROM meta WHERE name = 'made_from'").fetchone()[0]
    except (sqlite3.Error, TypeError):  # no file, not a database, no such row
        return None


def ensure(word_list):
    """The tables file of a word list (dictionary.read's format), built first when missing or out of date."""
    target = path_for(word_list)
    made_from = _made_from(word_list)
    if _made_from_of(target) == made_from:
        return target
    lock = os.open(target.with_name(target.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds; the others wait, then find it made
        if _made_from_of(target) != made_from:
            build(word_list, target, made_from)
    finally:
        os.close(lock)
    return target


def _entries(word_list):
    """(side, language, key, counterpart, weight): side "f" keys by the folded words, "s" by their stems."""
    for de, en, to_en, to_de in dictionary.read(word_list):
        yield "f", "de", words.folded_key(de, "de"), en, to_en
        yield "s", "de", words.stem_key(de, "de"), en, to_en
        yield "f", "en", words.folded_key(en, "en"), de, to_de
        yield "s", "en", words.stem_key(en, "en"), de, to_de


def build(word_list, target, made_from):
    target = Path(target)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with closing(sqlite3.connect(partial)) as connection:
            connection.executescript("""
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
                CREATE TEMP TABLE raw (side TEXT, lang TEXT, key TEXT, term TEXT, weight REAL);
                CREATE TABLE entry (side TEXT, lang TEXT, key TEXT, term TEXT, weight REAL,
                                    PRIMARY KEY (side, lang, key, term)) WITHOUT ROWID;
                CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE head (side TEXT, lang TEXT, head TEXT, PRIMARY KEY (side, lang, head)) WITHOUT ROWID;
            """)
            entries = _entries(word_list)
            while batch := [row for _, row in zip(range(BATCH), entries, strict=False)]:
                connection.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?)", batch)
            # A counterpart reached by several lines keeps its best weight, as the tables in memory did.
            connection.execute("INSERT INTO entry SELECT side, lang, key, term, MAX(weight) FROM raw "
                               "WHERE key != '' GROUP BY side, lang, key, term")
            connection.execute(f"INSERT INTO head SELECT DISTINCT side, lang, substr(key, 1, {HEAD}) FROM entry")
            connection.execute("INSERT INTO meta VALUES ('made_from', ?)", (made_from,))
            connection.commit()
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


class Tables:
    """Read-only lookups in one tables file; a connection per thread (sqlite3's rule)."""

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()
        self._heads = None

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # immutable: the file is never written in place (a new one replaces it), so no locking is needed.
            connection = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self._local.connection = connection
        return connection

    def _may_hold(self, side, lang, key):
        """Whether a key of the side and language begins as `key` does: most of the words a compound's
        split asks about (every ending of it) begin as no key does, and are answered without a query."""
        heads = self._heads
        if heads is None:
            heads = {}
            for found_side, found_lang, head in self._connection().execute("SELECT side, lang, head FROM head"):
                heads.setdefault((found_side, found_lang), set()).add(head)
            self._heads = heads  # some megabytes; two threads reading them at once read the same
        return key[:HEAD] in heads.get((side, lang), ())

    def get(self, side, lang, key):
        """{counterpart: weight} under one key."""
        if not self._may_hold(side, lang, key):
            return {}
        return dict(self._connection().execute(
            "SELECT term, weight FROM entry WHERE side = ? AND lang = ? AND key = ?", (side, lang, key)))

    def has(self, side, lang, key):
        if not self._may_hold(side, lang, key):
            return False
        return self._connection().execute(
            "SELECT 1 FROM entry WHERE side = ? AND lang = ? AND key = ? LIMIT 1", (side, lang, key)).fetchone() \
            is not None
