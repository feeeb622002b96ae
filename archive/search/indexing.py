"""The index follows the database: keys of changed records, written after their transaction commits.

Writes:  index_record(record), index_records(records), remove_record(record), update_keys(keys),
         deferred_indexing(), rebuild(progress=None), check(progress=None), check_keys(keys), repair(drift)

Engine-neutral: which documents to rewrite, and when. How an engine writes them is its own
(whoosh/store.py, postgres/backend.py); what waits on disk meanwhile is pending.py.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from archive.search import documents, engine, pending

_local = threading.local()


def _deferred():
    if not hasattr(_local, "deferred"):
        _local.deferred = []
    return _local.deferred


def update_keys(keys):
    """Write the documents for `keys` (documents.Key) as the database holds them once committed."""
    keys = set(keys)
    if not keys:
        return
    deferred = _deferred()
    if deferred:
        deferred[-1].update(keys)
        waiting = getattr(_local, "pending", None)
        if waiting:
            # On disk at once, before the commit: a run killed just after committing still leaves
            # the key; one whose transaction never commits leaves a key whose write removes nothing.
            waiting.add(keys)
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One batch per transaction, written after it commits. A batch whose callback
        # Django dropped (a rolled-back savepoint) is not reused.
        batch = getattr(_local, "batch", None)
        if batch is None or not any(entry[1] is batch[0] for entry in connection.run_on_commit):
            waiting = set()

            def flush():
                _write_now(waiting)

            transaction.on_commit(flush, robust=True)
            batch = _local.batch = (flush, waiting)
        batch[1].update(keys)
        return
    _write_now(keys)


def _write_now(keys):
    if keys:
        engine.get_backend().update(keys)


def index_record(record):
    """Index `record` (Article, Event or Entity) and every document that shows part of it."""
    update_keys(documents.dependent_keys(record))


def index_records(records):
    keys = set()
    for record in records:
        keys.update(documents.dependent_keys(record))
    update_keys(keys)


def remove_record(record):
    """Remove `record` from the index; call it while record.pk is still set (e.g. in post_delete)."""
    update_keys({documents.key_for(record)})


@contextmanager
def deferred_indexing():
    """Collect every index update made inside the block and write them once at its end.

    For bulk importers: thousands of saves become one index write (after the
    surrounding transaction commits, if there is one). The outermost block also writes
    what an earlier bulk run, killed before its write, left pending (see pending.py).
    """
    deferred = _deferred()
    outermost = not deferred
    deferred.append(set())
    try:
        if outermost:
            _local.pending = pending.start()
            left = pending.adopt()
            deferred[-1].update(left)
            if _local.pending:
                _local.pending.add(left)
        yield
    finally:
        keys = deferred.pop()
        waiting = None
        if outermost:
            waiting, _local.pending = getattr(_local, "pending", None), None
        try:
            update_keys(keys)
        except BaseException:
            if waiting:
                waiting.abandon()
            raise
        if waiting:
            if transaction.get_connection().in_atomic_block:
                # The write waits for the commit: until then the keys stay on disk, unlocked, and if the
                # transaction rolls back the next bulk run writes them (removing what never came to be).
                waiting.abandon()
                transaction.on_commit(waiting.forget)
            else:
                waiting.done()


def rebuild(*, progress=None):
    """Build the whole index anew beside the old one and switch to it when complete.

    `progress(count)` is called after each document. Returns the number of documents.
    """
    return engine.get_backend().rebuild(progress=progress)


@dataclass
class Drift:
    missing: list = field(default_factory=list)   # in the database, not in the index
    stale: list = field(default_factory=list)     # indexed from an older state of the record
    orphans: list = field(default_factory=list)   # in the index, gone from the database
    records: int = 0
    indexed: int = 0

    @property
    def clean(self):
        return not (self.missing or self.stale or self.orphans)


def check(*, progress=None):
    """Compare the index with the database, document by document; `progress(count)` after each record's."""
    indexed = engine.get_backend().fingerprints()
    wanted = {}
    for doc in documents.all_documents():
        wanted[doc["key"]] = doc["fingerprint"]
        if progress:
            progress(len(wanted))
    drift = Drift(records=len(wanted), indexed=len(indexed))
    for key, print_ in wanted.items():
        if key not in indexed:
            drift.missing.append(key)
        elif indexed[key] != print_:
            drift.stale.append(key)
    drift.orphans = sorted(set(indexed) - set(wanted))
    drift.missing.sort()
    drift.stale.sort()
    return drift


def check_keys(keys):
    """Compare the index with the database for the documents of `keys` (documents.Key) alone.

    Drift.records and Drift.indexed count the whole database and index (cheap counts, no document read).
    """
    backend = engine.get_backend()
    indexed = backend.fingerprints_of({str(key) for key in keys})
    drift = Drift(records=documents.count_all(), indexed=backend.count())
    for key, doc in documents.documents_for(set(keys)).items():
        name = str(key)
        if doc is None:
            if name in indexed:
                drift.orphans.append(name)
        elif name not in indexed:
            drift.missing.append(name)
        elif indexed[name] != doc["fingerprint"]:
            drift.stale.append(name)
    for found in (drift.missing, drift.stale, drift.orphans):
        found.sort()
    return drift


def repair(drift):
    """Rewrite what check() found wrong."""
    keys = [documents.Key.parse(key) for key in drift.missing + drift.stale + drift.orphans]
    _write_now(set(keys))
