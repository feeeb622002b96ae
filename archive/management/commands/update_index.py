"""Bring the search index up to date at start-up, in seconds when little has changed.

The archive's change stamp (archive.stamp: a counter that database triggers move on any write to the records)
is kept beside the index after each run, with the index's own generation. When neither has moved
and the index opens cleanly, nothing more is read or written (opening reads no document: a
search of everything, as this did before, read a column of every document, a second at 100,000).
When either has moved, only the documents the change log names (archive.search.changes: database
triggers log every written row, whatever wrote it) are compared with the index, by fingerprint, and
what differs is rewritten; then the index's and the database's counts must agree. Every document is
compared (search.check, with progress) on --full, on the first run with the log, when the database is
older than the index, after a TRUNCATE, or when the counts disagree. A full rebuild happens only when
the index is missing, from another schema version or damaged, and the command says which, with
progress. It ends with what the engine advises (backend.advice(): a Whoosh index grown a few records at a
time pairs no common words until it is rebuilt).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import search
from archive.progress import Progress
from archive.search import changes
from archive.stamp import archive_stamp


def _stamp_file():
    return Path(settings.DATA_DIR) / "search-stamp.json"


def _stamp(archive, generation):
    """generation: the index's (its folder and commit for Whoosh), which a deleted or replaced index changes."""
    return {"backend": settings.ARCHIVE_SEARCH_BACKEND, "archive": archive, "index": generation, "changes": True}


def _opened_generation():
    """The index's generation, from opening it anew: its schema version and files are read, not taken on
    trust from a searcher this process already holds."""
    if settings.ARCHIVE_SEARCH_BACKEND == "whoosh":
        from archive.search.whoosh.searchers import pool

        pool.close()
    return search.get_backend().generation()


def _saved_stamp():
    try:
        return json.loads(_stamp_file().read_text())
    except (OSError, ValueError):
        return None


class Command(BaseCommand):
    help = "Update the search index from what changed since the last run; rebuild only when it must."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=None, help="Progress line every N documents on a rebuild.")
        parser.add_argument("--full", action="store_true",
                            help="Compare every document with the index, not only those the change log names.")

    def handle(self, *args, every=None, full=False, **options):
        # Read before the work: a record changed meanwhile makes the next run look again.
        archive = archive_stamp(fresh=True)
        logged = changes.read()
        try:
            generation = _opened_generation()
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be used ({exc})", archive, logged, every)
        saved = _saved_stamp()
        if not full and _stamp(archive, generation) == saved:
            self.stdout.write(f"The search index is up to date ({generation}); nothing changed since the last run.")
            self._advise()
            return
        why = "asked for (--full)" if full else _why_full(saved, archive, logged)
        try:
            drift = search.check_keys(logged.keys) if why is None else None
            if drift is not None and drift.records and not drift.indexed:
                return self._rebuild("there is no index yet", archive, logged, every)
            if drift is not None:
                search.repair(drift)
                indexed = search.get_backend().count()
                if indexed != drift.records:
                    why = f"the index holds {indexed} documents, the database {drift.records} records"
            if why is not None:
                drift = self._check(why, every)
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be read ({exc})", archive, logged, every)
        if drift.records and not drift.indexed:
            return self._rebuild("there is no index yet", archive, logged, every)
        if not drift.clean:
            search.repair(drift)
        self.stdout.write(f"Updated the search index: {len(drift.missing)} added, {len(drift.stale)} rewritten, "
                          f"{len(drift.orphans)} removed, of {drift.records} records.")
        _save_stamp(archive)
        changes.forget(logged)
        self._advise()

    def _advise(self):
        for sentence in search.get_backend().advice():
            self.stdout.write(sentence)

    def _check(self, why, every):
        total = search.count_all()
        self.stdout.write(f"Checking every document of the search index: {why}. Reading {total} records ...")
        progress = Progress(total=total, unit="compared", stream=self.stdout, every_count=every)
        drift = search.check(progress=progress)
        progress.finish()
        return drift

    def _rebuild(self, why, archive, logged, every):
        total = search.count_all()
        self.stdout.write(f"Rebuilding the search index: {why}. Indexing {total} records ...")
        progress = Progress(total=total, unit="indexed", stream=self.stdout, every_count=every)
        try:
            search.rebuild(progress=progress)
            progress.finish()
        except Exception as exc:
            raise CommandError(f"rebuild failed, the previous index stays in use: {exc}") from exc
        self.stdout.write(f"Switched to the new index: {progress.summary()}.")
        _save_stamp(archive)
        changes.forget(logged)


def _why_full(saved, archive, logged):
    """Why the change log alone cannot tell what to compare, or None when it can."""
    if not saved or saved.get("backend") != settings.ARCHIVE_SEARCH_BACKEND or not saved.get("changes"):
        return "no earlier run of this version kept the change log for this index"
    if archive["version"] < saved["archive"]["version"]:
        return "the database is older than the index (restored from a copy?)"
    if logged.everything:
        return "a table was emptied at once (TRUNCATE)"
    return None


def _save_stamp(archive):
    """After the index was brought up to date: the archive's stamp from before, the index's generation after.

    Its "changes" says the change log (archive.search.changes) was emptied up to this point: from now on
    it names every change, and the next run may compare only those."""
    _stamp_file().write_text(json.dumps(_stamp(archive, search.get_backend().generation())))
