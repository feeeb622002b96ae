"""Keys a bulk run has committed but not yet written to the index, kept on disk meanwhile.

A bulk run (import_articles, tag_entities) writes the index once, at its end. Until then
the keys of the records it saves wait in a file of ARCHIVE_DATA_DIR/search-pending/
(each written before its transaction commits, so no committed record is missed), locked
for as long as the run's process lives. A run killed before its write leaves the
file unlocked; the next bulk run adopts its keys and writes them with its own, so the
records the killed run committed reach the index without a repair. (`check_index --fix`
repairs it too; a rebuild makes the leftovers moot.)
"""

import fcntl
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings

from archive.search import documents

log = logging.getLogger(__name__)


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
        self.file = open(partial, "a", encoding="utf-8")  # noqa: SIM115 (kept open, and locked, until done)
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
            handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed below, after the lock is tried)
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
