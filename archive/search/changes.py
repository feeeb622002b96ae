"""Which search documents may have changed since the index last caught up: a log the database keeps.

Triggers on every table a search document is made from add a row (kind, pk) to archive_search_changes
for each row written, however it is written: save(), bulk_create(), QuerySet.update() and delete(),
raw SQL. update_index reads the log, compares only the documents it names with the index, then
removes what it read. So a start after a change reads the changed records, not all of them
(updated_at would miss QuerySet.update() and raw SQL, which do not set it).

Kinds: "article", "event", "entity" (its own document and every article and event that shows its
name), "source" (every article of the source) and EVERYTHING (a PostgreSQL TRUNCATE: check all).
Installed after every migrate with the change stamp (archive.stamp), for the same reason: SQLite
drops a table's triggers when a migration remakes it.
"""

from dataclasses import dataclass

from django.db import connection

from archive.models import Article, Event, Mention
from archive.search.documents import Key

LOG = "archive_search_changes"
EVERYTHING = "*"
# table -> (kind, column): a row written in the table names this document.
SOURCES = {
    "archive_article": ("article", "id"),
    "archive_mention": ("article", "article_id"),
    "archive_event": ("event", "id"),
    "archive_event_entities": ("event", "event_id"),
    "archive_claim": ("event", "event_id"),
    "archive_entity": ("entity", "id"),
    "archive_entityalias": ("entity", "entity_id"),
    "archive_source": ("source", "id"),
}

_SQLITE_TABLE = f"CREATE TABLE IF NOT EXISTS {LOG} (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, " \
                "pk INTEGER NOT NULL)"
_SQLITE_ROW = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}

_POSTGRES_TABLE = f"CREATE TABLE IF NOT EXISTS {LOG} (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, " \
                  "kind text NOT NULL, pk bigint NOT NULL)"
# Once per statement, from its transition tables: a bulk write of 100,000 rows is one INSERT ... SELECT.
_POSTGRES_ROWS = {"INSERT": ("new_rows",), "UPDATE": ("new_rows", "old_rows"), "DELETE": ("old_rows",)}
_POSTGRES_REFERENCING = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                         "DELETE": "OLD TABLE AS old_rows"}


def _sqlite_statements(table, kind, column):
    for op, rows in _SQLITE_ROW.items():
        inserts = [f"INSERT INTO {LOG} (kind, pk) VALUES ('{kind}', NEW.{column});"] if "NEW" in rows else []
        if "OLD" in rows:
            # An update that moves the row (a mention to another article) changes both documents.
            condition = f" WHERE OLD.{column} IS NOT NEW.{column}" if "NEW" in rows else ""
            inserts.append(f"INSERT INTO {LOG} (kind, pk) SELECT '{kind}', OLD.{column}{condition};")
        yield (f"CREATE TRIGGER IF NOT EXISTS {table}_search_{op.lower()} AFTER {op} ON {table} "
               f"BEGIN {' '.join(inserts)} END")


def _postgres_statements(table, kind, column):
    for op, rows in _POSTGRES_ROWS.items():
        name = f"{table}_search_{op.lower()}"
        selects = " UNION ".join(f"SELECT {column} FROM {rows_}" for rows_ in rows)
        yield f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {LOG} (kind, pk) SELECT '{kind}', {column} FROM ({selects}) AS written
                WHERE {column} IS NOT NULL;
                RETURN NULL;
            END $$"""
        yield (f"CREATE OR REPLACE TRIGGER {name} AFTER {op} ON {table} REFERENCING {_POSTGRES_REFERENCING[op]} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    yield f"""CREATE OR REPLACE FUNCTION archive_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {LOG} (kind, pk) VALUES ('{EVERYTHING}', 0);
            RETURN NULL;
        END $$"""
    yield (f"CREATE OR REPLACE TRIGGER {table}_search_truncate AFTER TRUNCATE ON {table} "
           "FOR EACH STATEMENT EXECUTE FUNCTION archive_search_truncated()")


def install(target):
    """Create the log and the triggers on every table of SOURCES that exists; idempotent."""
    present = set(target.introspection.table_names())
    postgres = target.vendor == "postgresql"
    with target.cursor() as cursor:
        cursor.execute(_POSTGRES_TABLE if postgres else _SQLITE_TABLE)
        for table, (kind, column) in SOURCES.items():
            if table not in present:
                continue
            statements = _postgres_statements if postgres else _sqlite_statements
            for statement in statements(table, kind, column):
                cursor.execute(statement)


@dataclass
class Changes:
    read: list           # the log rows read (their seq); forget() removes those, not what came meanwhile
    keys: set            # documents.Key of every document to compare with the index
    everything: bool     # a write the log cannot name row by row (TRUNCATE): compare all


def read():
    """The documents named by the log as it stands now."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, kind, pk FROM {LOG}")
        rows = cursor.fetchall()
    by_kind = {}
    for _, kind, pk in rows:
        by_kind.setdefault(kind, set()).add(pk)
    seqs = [row[0] for row in rows]
    if EVERYTHING in by_kind:
        return Changes(read=seqs, keys=set(), everything=True)
    return Changes(read=seqs, keys=_keys(by_kind), everything=False)


def _keys(by_kind):
    articles = set(by_kind.get("article", ()))
    events = set(by_kind.get("event", ()))
    entities = by_kind.get("entity", set())
    if entities:
        # Today's rows: an entity's name shows in the documents that still tag it; one that stopped
        # tagging it was logged itself (its mention or event row was written).
        articles.update(Mention.objects.filter(entity_id__in=entities).values_list("article_id", flat=True))
        events.update(Event.objects.filter(entities__in=entities).values_list("pk", flat=True))
        events.update(Event.objects.filter(incident_id__in=entities).values_list("pk", flat=True))
    if by_kind.get("source"):
        articles.update(Article.objects.filter(source_id__in=by_kind["source"]).values_list("pk", flat=True))
    return ({Key("article", pk) for pk in articles} | {Key("event", pk) for pk in events}
            | {Key("entity", pk) for pk in entities})


def forget(changes, chunk=500):
    """Remove the log rows `changes` was read from: the index now holds what they named.

    By their numbers, not "up to the last": on PostgreSQL a transaction still open while the log was
    read may commit a row numbered below it, which must stay for the next run.
    """
    with connection.cursor() as cursor:
        for start in range(0, len(changes.read), chunk):
            part = changes.read[start:start + chunk]
            cursor.execute(f"DELETE FROM {LOG} WHERE seq IN ({', '.join(['%s'] * len(part))})", part)
