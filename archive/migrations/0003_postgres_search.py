"""The search table, and on PostgreSQL what its backend needs: extensions, text search
configurations, the weighted tsvector column, GIN indexes, a generation counter.
On SQLite only the tables are made; they stay unused."""

from django.db import migrations, models

WORD_TOKENS = "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart"

FORWARD = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TEXT SEARCH DICTIONARY archive_german_stem (TEMPLATE = snowball, Language = german);
CREATE TEXT SEARCH DICTIONARY archive_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION archive_de (COPY = german);
ALTER TEXT SEARCH CONFIGURATION archive_de ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, archive_german_stem;
CREATE TEXT SEARCH CONFIGURATION archive_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION archive_en ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, archive_english_stem;
CREATE TEXT SEARCH CONFIGURATION archive_names (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION archive_names ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, simple;
ALTER TABLE archive_searchdocument ADD COLUMN vec tsvector NOT NULL DEFAULT '';
CREATE INDEX archive_searchdocument_vec ON archive_searchdocument USING gin (vec);
CREATE INDEX archive_searchdocument_entities ON archive_searchdocument USING gin (entities jsonb_path_ops);
CREATE INDEX archive_searchword_trgm ON archive_searchword USING gin (word gin_trgm_ops);
CREATE SEQUENCE archive_search_generation;
-- Weights: A title, B entity names, C text, D German words of 7+ letters reversed (compounds).
CREATE FUNCTION archive_search_vector(config regconfig, title text, names text, body text, compounds boolean)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector(config, title), 'A')
      || setweight(to_tsvector('archive_names', names), 'B')
      || setweight(to_tsvector(config, body), 'C')
      || CASE WHEN compounds THEN setweight(to_tsvector('archive_names', coalesce((
             SELECT string_agg(reverse(lexeme), ' ') FROM unnest(to_tsvector(config, title || ' ' || body))
             WHERE length(lexeme) >= 7), '')), 'D') ELSE ''::tsvector END
$$;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS archive_search_vector(regconfig, text, text, text, boolean);
DROP SEQUENCE IF EXISTS archive_search_generation;
DROP INDEX IF EXISTS archive_searchword_trgm;
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_names;
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_en;
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_de;
DROP TEXT SEARCH DICTIONARY IF EXISTS archive_english_stem;
DROP TEXT SEARCH DICTIONARY IF EXISTS archive_german_stem;
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0002_hindsight_notes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('key', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('type', models.CharField(max_length=10)),
                ('record_pk', models.BigIntegerField()),
                ('source', models.CharField(blank=True, max_length=100)),
                ('language', models.CharField(blank=True, max_length=5)),
                ('date', models.DateField(null=True)),
                ('date_precision', models.CharField(blank=True, max_length=10)),
                ('entities', models.JSONField(default=list)),
                ('doc', models.JSONField()),
                ('fingerprint', models.CharField(max_length=16)),
            ],
            options={
                'indexes': [models.Index(fields=['date'], name='archive_sea_date_idx')],
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=1)),
                ('word', models.CharField(max_length=200)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'word'), name='archive_searchword_unique')],
            },
        ),
        migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
