"""The archive's change stamp: what moves whenever a page, feed, export or search document could change.

One row (archive_changestamp) holds a counter and the time of the last change. Database
triggers on every table the pages read bump it, so it moves on any write however it is made:
save(), bulk_create(), QuerySet.update() and delete(), raw SQL, a flush. Reading it is one
primary-key lookup, whatever the archive's size. It keys the HTTP validators (ETag,
Last-Modified) and tells the start-up whether the search index and the dictionary may be stale.
Within a process it is reused for ARCHIVE_STAMP_SECONDS, so a burst of requests asks once.

The bump is part of the writing transaction: a reader never sees the new stamp before the new
rows. SQLite fires its triggers per row, PostgreSQL once per statement (a bulk write of 100,000
rows bumps it once, and TRUNCATE is caught too). The triggers are (re)installed after every
`migrate` (archive.apps): SQLite drops a table's triggers when a migration remakes the table.
"""

import contextlib
import contextvars
import datetime as dt
import hashlib
import threading
import time

from django.conf import settings
from django.db import connection

STAMP_TABLE = "archive_changestamp"
# Every table a page, feed, export or search document is made from.
TABLES = ("archive_article", "archive_event", "archive_entity", "archive_entityalias", "archive_mention",
          "archive_coverage", "archive_claim", "archive_hindsightnote", "archive_source", "archive_event_entities")

_lock = threading.Lock()
_cached = {"at": 0.0, "value": None}
# The stamp a request was answered under (archive.caching), so all it asks agrees with its ETag.
_pinned = contextvars.ContextVar("archive_stamp_pinned", default=None)

_SQLITE_TABLE = f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, " \
                "changed TEXT NOT NULL)"
_SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
_SQLITE_TRIGGER = (f"CREATE TRIGGER IF NOT EXISTS {{table}}_stamp_{{op}} AFTER {{op}} ON {{table}} BEGIN "
                   f"INSERT INTO {STAMP_TABLE} (id, version, changed) VALUES (1, 1, {_SQLITE_NOW}) "
                   "ON CONFLICT (id) DO UPDATE SET version = version + 1, changed = excluded.changed; END")

_POSTGRES = [
    f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id integer PRIMARY KEY, version bigint NOT NULL, "
    "changed timestamptz NOT NULL)",
    f"""CREATE OR REPLACE FUNCTION archive_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {STAMP_TABLE} (id, version, changed) VALUES (1, 1, clock_timestamp())
            ON CONFLICT (id) DO UPDATE SET version = {STAMP_TABLE}.version + 1, changed = excluded.changed;
            RETURN NULL;
        END $$""",
]
_POSTGRES_TRIGGER = ("CREATE OR REPLACE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                     "ON {table} FOR EACH STATEMENT EXECUTE FUNCTION archive_stamp_bump()")


def install(using_connection=None):
    """Create the stamp row's table and the triggers on every stamped table that exists; idempotent."""
    target = using_connection or connection
    present = set(target.introspection.table_names())
    tables = [table for table in TABLES if table in present]
    with target.cursor() as cursor:
        if target.vendor == "postgresql":
            for statement in _POSTGRES:
                cursor.execute(statement)
            for table in tables:
                cursor.execute(_POSTGRES_TRIGGER.format(table=table))
            now = "clock_timestamp()"
        else:
            cursor.execute(_SQLITE_TABLE)
            for table in tables:
                for op in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(_SQLITE_TRIGGER.format(table=table, op=op))
            now = _SQLITE_NOW
        # An archive from before the stamp starts at 1, now; an existing stamp is left as it is.
        cursor.execute(f"INSERT INTO {STAMP_TABLE} (id, version, changed) VALUES (1, 1, {now}) "
                       "ON CONFLICT (id) DO NOTHING")


def installed_after_migrate(sender, using, **kwargs):
    from django.db import connections

    from archive.search import changes

    install(connections[using])
    # The search index's log of changed rows: made and lost with the tables, like the stamp's triggers.
    changes.install(connections[using])


def archive_stamp(*, fresh=False):
    """{"version": n, "changed": ISO time}; equal dicts mean an unchanged archive."""
    if not fresh and _pinned.get() is not None:
        return _pinned.get()
    now = time.monotonic()
    with _lock:
        if not fresh and _cached["value"] is not None and now - _cached["at"] < settings.ARCHIVE_STAMP_SECONDS:
            return _cached["value"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, changed FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    value = {"version": row[0], "changed": _iso(row[1])} if row else {"version": 0, "changed": None}
    with _lock:
        _cached.update(at=now, value=value)
    return value


def _iso(changed):
    return changed.isoformat() if isinstance(changed, dt.datetime) else str(changed)


@contextlib.contextmanager
def pinned(value):
    """archive_stamp() gives `value` inside the block (one request's work)."""
    token = _pinned.set(value)
    try:
        yield value
    finally:
        _pinned.reset(token)


def forget():
    with _lock:
        _cached.update(at=0.0, value=None)


def etag(stamp):
    return hashlib.sha1(repr(sorted(stamp.items())).encode()).hexdigest()[:20]


def last_modified(stamp):
    """When the archive last changed (UTC), or None."""
    if not stamp["changed"]:
        return None
    value = dt.datetime.fromisoformat(stamp["changed"])
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
