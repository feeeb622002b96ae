"""Bring the search index up to date at start-up, in seconds when little has changed.

The archive's change stamp (archive.stamp: a counter that database triggers move on any write to the records)
is kept beside the index after each run, with the index's own generation. When neither has moved
and the index opens cleanly, nothing more is read or written (opening reads no document: a
search of everything, as this did before, read a column of every document, a second at 100,000).
When either has moved, the index's per-document fingerprints are compared with the records'
(archive.search.check) and only what differs is rewritten. A full rebuild happens only when the
index is missing, from another schema version or damaged, and the command says which, with
progress.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import search
from archive.progress import Progress
from archive.stamp import archive_stamp


def _stamp_file():
    return Path(settings.DATA_DIR) / "search-stamp.json"


def _stamp(archive, generation):
    """generation: the index's (its folder and commit for Whoosh), which a deleted or replaced index changes."""
    return {"backend": settings.ARCHIVE_SEARCH_BACKEND, "archive": archive, "index": generation}


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

    def handle(self, *args, every=None, **options):
        # Read before the work: a record changed meanwhile makes the next run look again.
        archive = archive_stamp(fresh=True)
        try:
            generation = _opened_generation()
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be used ({exc})", archive, every)
        if _stamp(archive, generation) == _saved_stamp():
            self.stdout.write(f"The search index is up to date ({generation}); nothing changed since the last run.")
            return
        try:
            drift = search.check()
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be read ({exc})", archive, every)
        if drift.records and not drift.indexed:
            return self._rebuild("there is no index yet", archive, every)
        if not drift.clean:
            search.repair(drift)
        self.stdout.write(f"Updated the search index: {len(drift.missing)} added, {len(drift.stale)} rewritten, "
                          f"{len(drift.orphans)} removed, of {drift.records} records.")
        _save_stamp(archive)

    def _rebuild(self, why, archive, every):
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


def _save_stamp(archive):
    """After the index was brought up to date: the archive's stamp from before, the index's generation after."""
    _stamp_file().write_text(json.dumps(_stamp(archive, search.get_backend().generation())))
