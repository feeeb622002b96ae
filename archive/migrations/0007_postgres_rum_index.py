"""On PostgreSQL with the rum extension available (Debian: postgresql-15-rum), the search
vectors are indexed with RUM instead of GIN: RUM keeps each lexeme's positions and weights
in the index, so a query limited to weights (title:, text, entity names) is answered from
the index without reading and unpacking every matching vector. Without the extension the GIN
index stays and search still works, more slowly (docs/production.md). Nothing on SQLite.

The vectors are also stored with lz4 compression, which unpacks several times faster than
the default pglz; rows take it as they are written (rebuild_index rewrites them all).
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') THEN
        CREATE EXTENSION IF NOT EXISTS rum;
        CREATE INDEX IF NOT EXISTS archive_searchdocument_vec_rum ON archive_searchdocument
            USING rum (vec rum_tsvector_ops);
        DROP INDEX IF EXISTS archive_searchdocument_vec;
    ELSE
        RAISE WARNING 'the rum extension is not installed: PostgreSQL search keeps its slower GIN index '
                      '(install postgresql-NN-rum and migrate again: docs/production.md)';
    END IF;
    BEGIN
        ALTER TABLE archive_searchdocument ALTER COLUMN vec SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported THEN
        NULL;  -- a server built without lz4 keeps pglz
    END;
END
$$;
"""

BACKWARD = """
CREATE INDEX IF NOT EXISTS archive_searchdocument_vec ON archive_searchdocument USING gin (vec);
DROP INDEX IF EXISTS archive_searchdocument_vec_rum;
ALTER TABLE archive_searchdocument ALTER COLUMN vec SET COMPRESSION default;
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0006_glossary'),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
