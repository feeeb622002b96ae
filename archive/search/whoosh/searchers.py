"""The searchers of this process: one Generation of the index at a time, a searcher per reading thread."""

import sys
import threading
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archive.bounded import BoundedCache
from archive.search.whoosh import ranking, store


@dataclass(eq=False)
class Generation:
    """One generation of the index as this process reads it, and everything cached from it.

    Its caches hold data only (filter sets and orders, a bounded number; columns), shared by the
    generation's searchers; they go when the generation does. Whoosh readers share file handles and are not
    safe in two threads at once, so each thread reading takes a searcher of its own from `idle`
    (opening one when none is free) and gives it back: a threaded server opens as many searchers
    as it has queries at the same moment, a single-threaded worker one.
    """

    root: Path
    name: str
    number: int
    # Filter sets and orders, each up to one number per document: settings.ARCHIVE_SEARCH_CACHED_SETS of them.
    caches: BoundedCache = field(default_factory=lambda: BoundedCache(setting="ARCHIVE_SEARCH_CACHED_SETS"))
    columns: dict = field(default_factory=dict)  # a few fields' values per document, kept whole
    idle: list = field(default_factory=list)
    retired: bool = False

    @property
    def label(self):
        return f"{self.name}:{self.number}"


@dataclass(eq=False)
class Reader:
    """One searcher, used by one thread at a time, and its ranker."""

    generation: Generation
    searcher: object
    _ranker: object = None

    @property
    def caches(self):
        return self.generation.caches

    @property
    def columns(self):
        return self.generation.columns

    @property
    def ranker(self):
        if self._ranker is None:
            folder = self.generation.root / self.generation.name
            self._ranker = ranking.Ranker(
                self.searcher, lambda reader: ranking.segment_tables(folder, reader))
            ranking.forget_segments_except(folder, [reader for reader, _, _ in self._ranker.leaves])
        return self._ranker


class ReaderPool:
    """The searchers of this process, for the index generation on disk.

    Never Searcher.refresh(): in this Whoosh it returns merged documents twice. When the index
    changes, a new generation's searchers are opened; the old one's are closed as soon as no
    thread reads them (at once when idle, else when given back), so no searcher is closed under
    a reader and none is kept open for longer than its last query.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.current = None
        self._held = threading.local()

    @contextmanager
    def reader(self):
        held = getattr(self._held, "reader", None)
        if held is not None:
            yield held
            return
        reader = self._take()
        try:
            yield reader
        finally:
            self._give_back(reader)

    @contextmanager
    def holding(self):
        """One searcher for everything this thread reads until the block ends: the steps of one search
        (its generation's entity names, matching) see the same generation, and the index on disk is
        checked for a newer one once, not at each step (some 0.1 ms each)."""
        if getattr(self._held, "reader", None) is not None:
            yield
            return
        with self.reader() as reader:
            self._held.reader = reader
            try:
                yield
            finally:
                self._held.reader = None

    def _take(self):
        root = store.root_folder()
        name = store.current_name(root)
        current = self.current
        if current and current.root == root and current.name == name and name \
                and store.generation_on_disk(root / name) == current.number:
            with self.lock:
                if not current.retired and current.idle:
                    return current.idle.pop()
        # Opened outside the lock (some 200 ms at 50k documents): other threads go on reading.
        ix, name, on_disk, searcher = _open_searcher(root)
        number = searcher.reader().generation()
        number = on_disk if number is None else number  # an empty index's reader has none
        with self.lock:
            current = self.current
            if current and (current.root, current.name, current.number) == (root, name, number):
                generation = current
            elif current is None or (current.root, current.name) != (root, name) or number > current.number:
                generation = Generation(root, name, number)
                if current:
                    self._retire(current)
                self.current = generation
            else:
                # A writer committed between reading the pointer and opening: this searcher is of
                # a generation already replaced, so it serves this one query and is closed.
                generation = Generation(root, name, number, retired=True)
            return Reader(generation, searcher)

    def _give_back(self, reader):
        with self.lock:
            if reader.generation.retired:
                reader.searcher.close()
            else:
                reader.generation.idle.append(reader)

    def _retire(self, generation):
        generation.retired = True
        for reader in generation.idle:
            reader.searcher.close()
        generation.idle.clear()

    def close(self):
        """Close every idle searcher (those in use close when given back)."""
        with self.lock:
            if self.current:
                self._retire(self.current)
            self.current = None


def _open_searcher(root, attempts=5):
    """A searcher of the newest generation.

    A writer committing meanwhile deletes the files of the generation before (its TOC, segments
    merged away) between Whoosh listing them and opening them: then the newer one is opened.
    """
    for attempt in range(attempts):
        try:
            ix, name = store.open_current(root)
            on_disk = store.generation_on_disk(root / name)
            return ix, name, on_disk, ix.searcher()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))



pool = ReaderPool()


def per_document(state, fieldname, convert):
    """A column's value for every document number of the index, from the per-segment tables
    (numbers in an array: 8 bytes a document, not a Python int of 28 and its pointer)."""
    columns = state.columns
    if fieldname not in columns:
        values = array("q") if convert is int else []
        for _reader, _offset, tables in state.ranker.leaves:
            values.extend(tables.column(fieldname, convert))
        columns[fieldname] = values
    return columns[fieldname]


def facet_values(value):
    # Interned: the same few thousand values stand in every document's tuple once, not each a copy.
    return tuple(map(sys.intern, value.decode("utf-8").split("\x1f"))) if value else ()


def facet_table(state):
    return per_document(state, "facets", facet_values)


def date_column(state):
    return per_document(state, "date", int)
