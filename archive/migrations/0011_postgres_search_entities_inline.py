"""On PostgreSQL, each search document's entity slugs (`entities`) stay in its table row.

Migration 0008 moved the wide values out of the rows (toast_tuple_target = 128) so that
counting a common word's matches reads a narrow table; `entities` went out with them, and
the entity facet then fetched it from the TOAST table, a few buffer reads per match: two
thirds of the time of a search matching ten thousand documents. With storage MAIN the
small list stays in the row (compressed there if it is long). The rows are rewritten once
so that the values already stored move in. Nothing on SQLite.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE archive_searchdocument ALTER COLUMN entities SET STORAGE MAIN;
-- A new value (not the same TOAST pointer) makes PostgreSQL store it again, now in the row.
UPDATE archive_searchdocument SET entities = entities || '[]'::jsonb;
"""

BACKWARD = """
ALTER TABLE archive_searchdocument ALTER COLUMN entities SET STORAGE EXTENDED;
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0010_entity_summaries'),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
