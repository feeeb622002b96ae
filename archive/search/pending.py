"""Keys waiting on disk: every record key that is committed but not yet in the index, in one module.

Three stores, each for a different wait; all hold plain "article:12" lines and survive the
process that wrote them, which is their point:

1. ARCHIVE_DATA_DIR/search-pending/ (PendingKeys, start, adopt), any engine: a bulk run
   (import_articles, tag_entities, inside deferred_indexing) writes the index once, at its
   end. Until then the keys of the records it saves wait in a file of its own, each written
   before its transaction commits (so no committed record is missed), locked for as long as
   the run's process lives. A run killed before its write leaves the file unlocked; the next
   bulk run adopts its keys and writes them with its own, so the records the killed run
   committed reach the index without a repair. (`check_index --fix` repairs it too; a
   rebuild makes the leftovers moot.)

2. ARCHIVE_DATA_DIR/search/queue/ (queue_keys, queued, unqueue), Whoosh only: one process
   writes the index at a time (write.lock). A writer files its keys here first, then takes
   the lock and writes every queued key from the database's current state. Whoever holds the
   lock writes everything waiting, so a writer that gives up waiting loses nothing, and nobody
   is shown a lock error. (PostgreSQL writes in the database's own transactions: no queue.)

3. ARCHIVE_DATA_DIR/search/written.log (log_written, written_since, clear_written), Whoosh
   only: a rebuild reads the database and builds a new index beside the one in use; keys
   written to the old index meanwhile are logged with the time, so the rebuild writes them
   again before it switches and loses none. Emptied at the switch.
"""

import fcntl
import logging
import os
import time
import uuid
from pathlib import Path

from django.conf import settings

from archive.search import documents

log = logging.getLogger(__name__)


# --- 1. search-pending/: bulk runs -------------------------------------------------------

def _folder():
    return Path(settings.DATA_DIR) / "search-pending"


class PendingKeys:
    """The file of one bulk run, locked while the run lives."""

    def __init__(self):
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{uuid.uuid4().hex}"
        # Locked under a name adopters do not look at, then renamed: nobody adopts it half made.
        partial = folder / f"{name}.new"
        self.file = open(partial, "a", encoding="utf-8")  # kept open, and locked, until done
        fcntl.flock(self.file, fcntl.LOCK_EX)
        self.path = folder / f"{name}.keys"
        os.replace(partial, self.path)

    def add(self, keys):
        if self.file.closed:
            return
        try:
            self.file.write("".join(f"{key}\n" for key in keys))
            self.file.flush()
        except OSError as exc:  # a full disk: the run goes on, its one write at the end still comes
            log.warning("cannot keep pending index keys in %s: %s", self.path, exc)
            self.file.close()

    def done(self):
        """The keys are written: forget them."""
        try:
            self.path.unlink(missing_ok=True)
        finally:
            self.file.close()

    def abandon(self):
        """The keys are not written: leave them to the next bulk run."""
        self.file.close()

    def forget(self):
        """After abandon(): the keys were written after all."""
        self.path.unlink(missing_ok=True)


def start():
    """A PendingKeys for a new bulk run, or None where the data folder cannot take one."""
    try:
        return PendingKeys()
    except OSError as exc:
        log.warning("cannot keep pending index keys (%s); a killed run will need check_index --fix", exc)
        return None


def adopt():
    """Keys left by bulk runs that died before writing them; their files are removed."""
    folder = _folder()
    if not folder.is_dir():
        return set()
    keys = set()
    try:
        paths = list(folder.glob("*.keys"))
    except OSError:
        return keys
    for path in paths:
        try:
            handle = open(path, encoding="utf-8")  # closed below, after the lock is tried
        except OSError:
            continue  # adopted by another process just now, or unreadable: check_index still finds it
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its run is still going
            keys.update(documents.Key.parse(line) for line in handle.read().split())
            try:
                path.unlink()
            except OSError:
                continue  # adopted just now by another run, or a read-only folder: written twice at worst
    return keys


# --- 2. search/queue/: keys waiting for write.lock -------------------------------------------

def queue_keys(queue, keys):
    """File `keys` (strings) as one batch in the folder `queue`, whole or not at all."""
    queue.mkdir(parents=True, exist_ok=True)
    tmp = queue / f".{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_text("\n".join(sorted(keys)) + "\n")
        os.replace(tmp, queue / f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.keys")
    finally:
        tmp.unlink(missing_ok=True)


def queued(queue):
    """The batch files waiting in `queue`, oldest first, and their keys. Read under write.lock."""
    files = sorted(queue.glob("*.keys")) if queue.is_dir() else []
    keys = set()
    for path in files:
        keys.update(line for line in path.read_text().split() if line)
    return files, keys


def unqueue(files):
    """The keys of these batches are committed to the index."""
    for path in files:
        path.unlink()


# --- 3. search/written.log: keys a running rebuild must catch up on ---------------------------

def log_written(path, keys):
    with open(path, "a", encoding="utf-8") as logfile:
        stamp = time.time_ns()
        logfile.write("".join(f"{stamp} {key}\n" for key in sorted(keys)))


def written_since(path, started):
    """Keys logged at or after `started` (time.time_ns())."""
    keys = set()
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return keys
    for line in lines:
        stamp, _, key = line.partition(" ")
        if stamp.isdigit() and int(stamp) >= started and key:
            keys.add(key)
    return keys


def clear_written(path):
    path.write_text("")
