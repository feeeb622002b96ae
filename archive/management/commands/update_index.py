"""Bring the search index up to date at start-up, in seconds when little has changed.

The archive's change stamp (archive.stamp: a counter that database triggers move on any write to the records)
is kept beside the index after each run. When it has not moved and the index opens cleanly,
nothing is read or written. When it has moved, the index's per-document fingerprints are
compared with the records' (archive.search.check) and only what differs is rewritten. A full
rebuild happens only when the index is missing, from another schema version or damaged, and
the command says which, with progress.
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


def _stamp_now():
    return {"backend": settings.ARCHIVE_SEARCH_BACKEND, "archive": archive_stamp(fresh=True)}


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
        stamp = _stamp_now()
        try:
            readable = search.search("", per_page=1).total
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be used ({exc})", stamp, every)
        if stamp == _saved_stamp():
            self.stdout.write(f"The search index is up to date ({readable} documents); nothing changed since "
                              "the last run.")
            return
        try:
            drift = search.check()
        except search.SearchUnavailable as exc:
            return self._rebuild(f"the index cannot be read ({exc})", stamp, every)
        if drift.records and not drift.indexed:
            return self._rebuild("there is no index yet", stamp, every)
        if not drift.clean:
            search.repair(drift)
        self.stdout.write(f"Updated the search index: {len(drift.missing)} added, {len(drift.stale)} rewritten, "
                          f"{len(drift.orphans)} removed, of {drift.records} records.")
        _stamp_file().write_text(json.dumps(stamp))

    def _rebuild(self, why, stamp, every):
        total = search.count_all()
        self.stdout.write(f"Rebuilding the search index: {why}. Indexing {total} records ...")
        progress = Progress(total=total, unit="indexed", stream=self.stdout, every_count=every)
        try:
            search.rebuild(progress=progress)
            progress.finish()
        except Exception as exc:
            raise CommandError(f"rebuild failed, the previous index stays in use: {exc}") from exc
        self.stdout.write(f"Switched to the new index: {progress.summary()}.")
        _stamp_file().write_text(json.dumps(stamp))
