"""On PostgreSQL, an index of the German documents' search vectors alone (a partial index, the
same kind as the main one: RUM where the extension is installed, else GIN), and one of the
vectors' lengths.

A query is compiled once per language and the German branch asks `language = 'de' AND vec @@
german query`. The German stems of an English word (`were`, `time`) are found in tens of thousands
of English documents, and the main index cannot tell the languages apart: PostgreSQL read each of
those rows to find the few hundred German ones, three times per search (count, shortest, candidates:
about 150 ms of a 450 ms search for "were" at 100,000 articles). The partial index holds the German
documents only (5% of the table at 100,000 articles), so the German branch reads only its matches.

The lengths' index lets a search matching more than it counts find the shortest matches (ranking
candidates: ts_rank divides by the length) among the matches no longer than the shortest ones
it counted, a bitmap of short documents ANDed with the word's, instead of reading every match.
Nothing on SQLite.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum') THEN
        CREATE INDEX IF NOT EXISTS archive_searchdocument_vec_de ON archive_searchdocument
            USING rum (vec rum_tsvector_ops) WHERE language = 'de';
    ELSE
        CREATE INDEX IF NOT EXISTS archive_searchdocument_vec_de ON archive_searchdocument
            USING gin (vec) WHERE language = 'de';
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS archive_searchdocument_vec_length ON archive_searchdocument (vec_length);
"""

BACKWARD = """
DROP INDEX IF EXISTS archive_searchdocument_vec_de;
DROP INDEX IF EXISTS archive_searchdocument_vec_length;
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0014_article_list_order_indexes'),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
