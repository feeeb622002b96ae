"""The per-entity aggregates' triggers now remove a count at zero *or below*.

A count is taken down by upserting -1. Where its row was already gone (Django's flush empties the
tables in no set order, so the aggregates may go before the mentions), the upsert wrote a new row
of -1 that nothing removed. The triggers are installed after every `migrate` (archive.apps):
PostgreSQL's are created or replaced there; SQLite's are created only where missing, so the old
ones are dropped here for the new ones to take their place. Rows left below zero are removed.
"""

from django.db import migrations

SQLITE_TRIGGERS = ("archive_summary_mention_insert", "archive_summary_mention_delete",
                   "archive_summary_mention_update", "archive_summary_article_update")


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in ("archive_entitymonth", "archive_entitypair"):
            cursor.execute(f"DELETE FROM {table} WHERE articles < 0")


class Migration(migrations.Migration):
    dependencies = [("archive", "0015_postgres_search_german_and_length_indexes")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
