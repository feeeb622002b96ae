"""The archive's change stamp: what moves whenever a page, feed, export or search document could change.

Counts and newest updates of every table the pages read, from one query. It keys the HTTP
validators (ETag, Last-Modified) and tells the start-up whether the search index may be stale.
Within a process it is reused for ARCHIVE_STAMP_SECONDS, so a burst of requests asks the database once.
"""

import datetime as dt
import hashlib
import threading
import time

from django.conf import settings
from django.db import connection

# Table -> what shows an edit: the newest updated_at, or, where there is none, the summed length of
# the words a page shows (a renamed entity changes it; the tables are small).
TABLES = {
    "archive_article": "MAX(updated_at)", "archive_event": "MAX(updated_at)",
    "archive_entity": "SUM(LENGTH(name) + LENGTH(description) + LENGTH(kind))",
    "archive_entityalias": "SUM(LENGTH(name))", "archive_mention": None,
    "archive_coverage": "SUM(CASE WHEN confirmed THEN 1 ELSE 0 END)",
    "archive_claim": "SUM(LENGTH(text))", "archive_hindsightnote": None, "archive_source": "SUM(LENGTH(name))",
}
DATED = {"archive_article", "archive_event"}

_lock = threading.Lock()
_cached = {"at": 0.0, "value": None}


def _query():
    parts = []
    for table, updated in TABLES.items():
        # As text: the tables' measures differ in type, and PostgreSQL's UNION wants one type per column.
        parts.append(f"SELECT '{table}', COUNT(*), MAX(id), CAST({updated or 'NULL'} AS TEXT) FROM {table}")
    return " UNION ALL ".join(parts)


def archive_stamp(*, fresh=False):
    """A dict of table -> [count, max id, newest update]; equal dicts mean an unchanged archive."""
    now = time.monotonic()
    with _lock:
        if not fresh and _cached["value"] is not None and now - _cached["at"] < settings.ARCHIVE_STAMP_SECONDS:
            return _cached["value"]
    with connection.cursor() as cursor:
        cursor.execute(_query())
        value = {table: [count, top, str(newest) if newest else None] for table, count, top, newest in cursor}
    with _lock:
        _cached.update(at=now, value=value)
    return value


def forget():
    with _lock:
        _cached.update(at=0.0, value=None)


def etag(stamp):
    return hashlib.sha1(repr(sorted(stamp.items())).encode()).hexdigest()[:20]


def last_modified(stamp):
    """The newest update among the stamped tables, or None."""
    found = []
    for table, (_count, _top, newest) in stamp.items():
        if table in DATED and newest:
            value = dt.datetime.fromisoformat(str(newest).replace(" ", "T"))
            found.append(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    return max(found) if found else None
