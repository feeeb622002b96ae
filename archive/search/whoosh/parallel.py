"""Writing many documents on every core: one segment per worker process, joined without a merge.

The documents to write come in contiguous parts, one per worker, in the order a single
writer would add them. This process reads the database and builds the documents
(documents.py), handing each part's documents, a batch at a time, to its own worker; the
worker analyses them and writes them as one Whoosh segment. This process then lists the
segments, in part order, in the index's table of contents, as Whoosh's own multiprocessing
writer does with `multisegment=True`, without merging them. So every document keeps the
number a single writer would give it (ties in ranking and in date order break as before),
and BM25F statistics are read index-wide, so every score is the same.

Whoosh's MpWriter itself is not used: it deals batches to whichever worker is free, so
document numbers would no longer follow the database order.

What it costs: each worker's memory (its posting pool, up to `limitmb`, plus the documents
in flight), and an index of as many segments as workers (a few large segments, which
Whoosh's merge policy leaves alone). The private SegmentWriter steps used here
(_finalize_segment, _merge_segments, _commit_toc, _finish, _added) are the ones
whoosh.multiproc uses; tests/test_search_parallel_writing.py fails if they change.
"""

import multiprocessing
import os
import queue
import threading
from itertools import islice

from django.conf import settings

from archive.search.whoosh import analysis
from archive.search.whoosh.writer import Writer

BATCH = 250      # documents per message to a worker
WAITING = 4      # batches queued per worker before this process waits for it
MIN_PER_WORKER = 2500  # fewer documents than this per worker: one process is quicker than starting more


class WorkerFailed(RuntimeError):
    pass


def workers_for(count):
    """How many worker processes `count` documents are worth: 0 means write them in this process."""
    if threading.active_count() > 1:
        # A forked child has only the calling thread: a lock another thread held at the fork (logging's,
        # a connection pool's) would stay locked in it. Threaded servers write in their own process.
        return 0
    wanted = settings.ARCHIVE_INDEX_WORKERS or len(os.sched_getaffinity(0))
    workers = min(wanted, count // MIN_PER_WORKER)
    return workers if workers >= 2 else 0


def _work(ix, inbox, outbox, number, limitmb, parent):
    """In a worker: add every document of the batches in `inbox` to a new segment; report it to `outbox`."""
    try:
        writer = Writer(ix, _lk=False, limitmb=limitmb)
        while (batch := _next_batch(inbox, parent)) is not None:
            for doc in batch:
                writer.add_document(**analysis.whoosh_fields(doc))
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        # The temporary folder is shared with the other writers: the parent's writer removes it.
        outbox.put((number, segment, None))
    except BaseException as exc:  # said to the parent, not only in this process's stderr
        outbox.put((number, None, f"{type(exc).__name__}: {exc}"))
        raise


def _next_batch(inbox, parent):
    while True:
        try:
            return inbox.get(timeout=2)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed: nobody will read this segment
                raise WorkerFailed("the process writing the index is gone") from None


def write(ix, writer, parts, *, limitmb=128, progress=None):
    """Write `parts` (iterables of documents, in order) in one worker each, then commit `writer`.

    `writer` is the locked SegmentWriter of the index `ix`: deletions made on it before count, and its
    commit adds the workers' segments after whatever it holds itself. Returns the document count.
    On failure the caller cancels `writer` (unless it is closed).
    """
    context = multiprocessing.get_context("fork")  # workers inherit the index and the analysers
    outbox = context.Queue()
    inboxes = [context.Queue(WAITING) for _ in parts]
    workers = [context.Process(target=_work, args=(ix, inbox, outbox, number, limitmb, os.getpid()), daemon=True)
               for number, inbox in enumerate(inboxes)]
    for worker in workers:
        worker.start()
    try:
        count = _feed(parts, inboxes, workers, progress)
        segments = _collect(outbox, workers)
    except BaseException:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join()
        raise
    for worker in workers:
        worker.join()
    _commit(writer, segments)
    return count


def _feed(parts, inboxes, workers, progress):
    """Hand out batches to every worker with room, so none waits while another's part is read."""
    streams = [iter(part) for part in parts]
    open_ = list(range(len(parts)))
    count = 0

    def send(number):
        nonlocal count
        batch = list(islice(streams[number], BATCH))
        if batch:
            _put(inboxes[number], batch, workers[number])
            count += len(batch)
            if progress:
                progress(count)
        if len(batch) < BATCH:  # the part is done: the worker may finish its segment
            _put(inboxes[number], None, workers[number])
            open_.remove(number)

    while open_:
        roomy = [number for number in open_ if not inboxes[number].full()]
        for number in roomy or open_[:1]:  # all full: wait for the first
            send(number)
    return count


def _put(inbox, item, worker):
    while True:
        try:
            inbox.put(item, timeout=1)
            return
        except queue.Full:
            if not worker.is_alive():
                raise WorkerFailed(f"an index writing process stopped (exit code {worker.exitcode})") from None


def _collect(outbox, workers):
    segments = [None] * len(workers)
    for _ in workers:
        while True:
            try:
                number, segment, error = outbox.get(timeout=1)
                break
            except queue.Empty:
                dead = [worker for worker in workers if not worker.is_alive() and worker.exitcode]
                if dead:
                    raise WorkerFailed(f"an index writing process stopped (exit code {dead[0].exitcode})") from None
        if error:
            raise WorkerFailed(f"an index writing process failed: {error}")
        segments[number] = segment
    return [segment for segment in segments if segment is not None]


def _commit(writer, segments):
    # SegmentWriter.commit() with the workers' segments added, as whoosh.multiproc.MpWriter does.
    kept = writer._merge_segments(None, None, None)
    if writer._added:  # what the merge policy merged into this writer, or documents it was given itself
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()
