"""The Whoosh index on disk: its folders, the CURRENT pointer, locks, opening, writing and rebuilding.

Layout inside settings.DATA_DIR/search/:
    CURRENT           name of the index folder in use (replaced atomically by rebuild)
    index-*/          Whoosh index folders
    queue/            keys waiting to be written (see archive/search/pending.py)
    written.log       keys written while a rebuild runs, so it can catch up (pending.py too)
    write.lock        one writer at a time, across processes
    rebuild.lock      one rebuild at a time

Writes go through the queue: a process files the keys of changed records, then takes
write.lock and writes every queued key from the database's current state. Whoever
holds the lock writes everything waiting, so a writer that gives up waiting loses
nothing: its keys are written by the next one. Every store of waiting keys, and why
each exists, is in archive/search/pending.py.
"""

import fcntl
import functools
import itertools
import logging
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from whoosh import index

from archive.search import documents, pending
from archive.search import query as q
from archive.search.types import IndexWriteFailed, SearchUnavailable
from archive.search.whoosh import analysis, pairs, parallel
from archive.search.whoosh.writer import Writer

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 120.0
WRITE_BATCH = 1000


class IndexBusy(RuntimeError):
    pass


class IndexOutdated(SearchUnavailable):
    pass


class IndexDamaged(SearchUnavailable):
    pass


def reading_index():
    """Turn a damaged index into SearchUnavailable saying how to repair it, not a crash."""
    return _READING_INDEX


class _ReadingIndex:
    # A class, not a generator-made context manager: a search enters it three times.

    def __enter__(self):
        return None

    def __exit__(self, kind, exc, traceback):
        if exc is None or isinstance(exc, SearchUnavailable | IndexBusy | q.QueryError) \
                or not isinstance(exc, Exception):
            return False
        # Whoosh reads pickles and packed numbers straight from its files and checks nothing,
        # so a file cut short, garbled or gone gives anything from EOFError to MemoryError (a
        # length read as gigabytes) or ImportError (a pickle naming a module).
        # The details (file names, Whoosh's words) go to the log and check_index, not to readers.
        log.error("the search index cannot be read", exc_info=(kind, exc, traceback))
        raise IndexDamaged("the search index cannot be read (a file of it is damaged or missing); "
                           "run `python manage.py rebuild_index`") from exc


_READING_INDEX = _ReadingIndex()


def create_index(folder, lists=None):
    """A new empty index; `lists` ({language: pairs.Lists}) are the words it pairs (none when not given)."""
    lists = lists or dict.fromkeys(pairs.LANGUAGES, pairs.NONE)
    pairs.write(folder, lists)
    ix = index.create_in(str(folder), analysis.schema(lists=lists))
    (folder / "SCHEMA").write_text(analysis.SCHEMA_VERSION + "\n")
    return ix


def open_index(folder):
    try:
        version = (folder / "SCHEMA").read_text().strip()
    except FileNotFoundError:
        version = None
    if version != analysis.SCHEMA_VERSION:
        raise IndexOutdated("the search index was built by another version of the archive; "
                            "run `python manage.py rebuild_index`")
    return index.open_dir(str(folder), schema=analysis.schema(lists=pairs.read(folder)))


def root_folder():
    # Read at call time: tests give every test its own DATA_DIR.
    return _root_of(settings.DATA_DIR)


@functools.lru_cache(maxsize=64)
def _root_of(data):
    return Path(data) / "search"


def current_name(root):
    return _unless_changed(os.path.join(root, "CURRENT"), _read_current)


def _read_current(path):
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip() or None
    except FileNotFoundError:
        return None


# Every search asks which index folder is current and which generation is newest there: reading the
# pointer and listing the folder took 15-50 microseconds, a stat some 1. An answer is kept while its
# file's or folder's status (inode, size, times) stays as it was; but not one read within SETTLED of
# the last change, as file times may be coarse (a few milliseconds) and a change in the same tick
# as the read would leave the status as it was.
_SETTLED_NS = 1_000_000_000
_KEPT_PATHS = 1000
_kept = {}  # path -> (status, answer)


def _unless_changed(path, read):
    """read(path), or its answer kept from before if `path` has not changed since."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        _kept.pop(path, None)
        return read(path)
    key = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
    kept = _kept.get(path)
    if kept is not None and kept[0] == key:
        return kept[1]
    now = time.time_ns()
    answer = read(path)
    if now - max(status.st_mtime_ns, status.st_ctime_ns) > _SETTLED_NS:
        if len(_kept) >= _KEPT_PATHS:
            _kept.clear()
        _kept[path] = (key, answer)
    return answer


def point_to(root, name):
    tmp = root / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(name + "\n")
    os.replace(tmp, root / "CURRENT")


@contextmanager
def flock(path, timeout, what):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"the search index is busy ({what}); try again shortly") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def rebuild_running(root):
    fd = os.open(root / "rebuild.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def open_current(root, *, locked=False):
    """The index in use; created empty (under the write lock) when there is none yet."""
    name = current_name(root)
    if name and (root / name).is_dir():
        return open_index(root / name), name
    if locked:
        return create_current(root)
    with flock(root / "write.lock", LOCK_TIMEOUT, "creating"):
        return create_current(root)


def create_current(root):
    name = current_name(root)
    if not (name and (root / name).is_dir()):
        name = f"index-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        (root / name).mkdir(parents=True)
        create_index(root / name)
        point_to(root, name)
    return open_index(root / name), name


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def generation_on_disk(folder):
    """The newest generation whose table of contents is on disk (-1 for none yet)."""
    return _unless_changed(str(folder), _newest_toc)


def _newest_toc(folder):
    best = -1
    for entry in os.scandir(folder):
        match = _TOC.match(entry.name)
        if match:
            best = max(best, int(match.group(1)))
    return best


# --- writing

def update(keys):
    """File the keys, then write every filed key from the database (see the module docstring)."""
    keys = {str(key) for key in keys}
    if not keys:
        return
    root = root_folder()
    queue = root / "queue"
    queued = False
    try:
        pending.queue_keys(queue, keys)
        queued = True
        drain()
    except IndexBusy:
        # The keys stay queued; the next writer writes them. Nobody is shown a lock error.
        log.warning("search index busy; %d updates left queued for the next writer", len(keys))
    except OSError as exc:
        # A read-only or full disk: the database has the records, the index misses them.
        # check_index lists them as missing; queued keys are also written by the next writer.
        where = exc.filename or root
        left = "left queued for the next writer" if queued else "not queued"
        raise IndexWriteFailed(
            f"the search index cannot be written ({exc.strerror or exc} in {where}): {len(keys)} update(s) "
            f"{left}; the database is unaffected. Once the folder is writable, run "
            "`python manage.py check_index --fix`"
        ) from exc


def drain(timeout=LOCK_TIMEOUT):
    """Write every queued key; returns how many were written."""
    root = root_folder()
    queue = root / "queue"
    with flock(root / "write.lock", timeout, "writing"):
        files, keys = pending.queued(queue)
        if not files:
            return 0
        ix, name = open_current(root, locked=True)
        _write(_pairs_chosen(ix, root / name, len(keys)), keys)
        if rebuild_running(root):
            # A rebuild reading the database before this commit must catch up on these keys.
            # Without one running, any later rebuild reads this commit itself: no log needed.
            pending.log_written(root / "written.log", keys)
        pending.unqueue(files)
        return len(keys)


def _pairs_chosen(ix, folder, count):
    """The index, pairing the archive's common words (pairs.py) when it is still empty and is about to
    take enough documents to choose them: a bulk import into a new archive pairs them as a rebuild
    would. An index that holds documents keeps its words (their pairs are in its postings)."""
    if count < pairs.MIN_DOCUMENTS or ix.doc_count_all() or pairs.any_paired(pairs.read(folder)):
        return ix
    lists = _paired_words()
    if not pairs.any_paired(lists):
        return ix
    pairs.write(folder, lists)
    return open_index(folder)


def _write(ix, keys):
    parsed = sorted((documents.Key.parse(key) for key in keys), key=str)
    writer = Writer(ix, timeout=LOCK_TIMEOUT)
    try:
        workers = parallel.workers_for(len(parsed))
        if workers:  # a bulk import's documents: on every core
            for key in parsed:  # what update_document() would delete, all before the additions
                writer.delete_by_term("key", str(key))
            parallel.write(ix, writer, [_documents_of(part) for part in _cut(parsed, workers)])
            return
        for key, doc in _keyed_documents(parsed):
            if doc is None:
                writer.delete_by_term("key", str(key))
            else:
                writer.update_document(**analysis.whoosh_fields(doc))
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    writer.commit()


def _keyed_documents(keys):
    # In batches, so a bulk import's hundred thousand documents never sit in memory at once.
    for start in range(0, len(keys), WRITE_BATCH):
        yield from documents.documents_for(keys[start:start + WRITE_BATCH]).items()


def _documents_of(keys):
    return (doc for _, doc in _keyed_documents(keys) if doc is not None)


def _cut(items, parts):
    """`items` in `parts` contiguous pieces of (nearly) equal length."""
    bounds = [len(items) * number // parts for number in range(parts + 1)]
    return [items[low:high] for low, high in itertools.pairwise(bounds)]


def rebuild(*, progress=None):
    """Build a complete new index beside the old one, then switch to it. Returns the document count."""
    root = root_folder()
    root.mkdir(parents=True, exist_ok=True)
    with flock(root / "rebuild.lock", 0, "another rebuild is running"):
        started = time.time_ns()
        current = current_name(root)
        for stale in root.glob("index-*"):
            if stale.name != current:
                shutil.rmtree(stale, ignore_errors=True)
        name = f"index-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder = root / name
        folder.mkdir()
        ix = create_index(folder, _paired_words())
        writer = Writer(ix, limitmb=256)
        try:
            count = _write_all(ix, writer, progress)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        with flock(root / "write.lock", LOCK_TIMEOUT, "switching to the new index"):
            caught_up = pending.written_since(root / "written.log", started)
            if caught_up:
                _write(ix, caught_up)
            point_to(root, name)
            pending.clear_written(root / "written.log")
        return count


def _paired_words():
    """The common words a new index pairs, chosen from a sample of the archive's documents (pairs.py)."""
    return analysis.paired_words(documents.sample(pairs.SAMPLE))


def pairs_chosen():
    """Whether the index in use pairs any common words."""
    root = root_folder()
    name = current_name(root)
    return bool(name) and pairs.any_paired(pairs.read(root / name))


def would_pair():
    """Whether a rebuild would pair common words: the archive has enough documents of a language to tell."""
    return pairs.any_paired(_paired_words())


def _write_all(ix, writer, progress):
    """Every document into the new index `ix`, on every core when there are enough; commits."""
    order = documents.order()
    workers = parallel.workers_for(len(order))
    if workers:
        starts = [order[len(order) * number // workers] for number in range(1, workers)]
        bounds = [None, *starts, None]
        parts = [documents.documents_between(low, high) for low, high in itertools.pairwise(bounds)]
        return parallel.write(ix, writer, parts, progress=progress)
    count = 0
    for doc in documents.all_documents():
        writer.add_document(**analysis.whoosh_fields(doc))
        count += 1
        if progress:
            progress(count)
    writer.commit()
    return count
