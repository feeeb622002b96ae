"""On PostgreSQL with the rum extension available (Debian: postgresql-15-rum), the search
vectors are indexed with RUM instead of GIN: RUM keeps each lexeme's positions and weights
in the index, so a query limited to weights (title:, text, entity names) is answered from
the index without reading and unpacking every matching vector. Without the extension the GIN
index stays and search still works, more slowly (docs/production.md). Nothing on SQLite.

Beside it: each vector's length in words (`vec_length`, what ts_rank's length normalisation
divides by), so the shortest matches can be ranked as candidates without reading their vectors;
the vectors and stored documents kept out of the table's rows (toast_tuple_target), so counting
the matches of a common word reads a narrow table; and lz4 compression, which unpacks several
times faster than pglz. Rows take the last two as they are written: run rebuild_index once.
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
    CREATE FUNCTION archive_search_length(vec tsvector) RETURNS integer LANGUAGE sql IMMUTABLE AS
        'SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0)::integer FROM unnest(vec)';
    ALTER TABLE archive_searchdocument ADD COLUMN vec_length integer
        GENERATED ALWAYS AS (archive_search_length(vec)) STORED;
    ALTER TABLE archive_searchdocument SET (toast_tuple_target = 128);
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
ALTER TABLE archive_searchdocument RESET (toast_tuple_target);
ALTER TABLE archive_searchdocument DROP COLUMN IF EXISTS vec_length;
DROP FUNCTION IF EXISTS archive_search_length(tsvector);
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0007_article_created_at_index'),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
