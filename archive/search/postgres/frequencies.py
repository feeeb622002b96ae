"""How many documents hold a word or name an entity, counted through the indexes as far as it matters:
related articles leave out what too many documents share (archive/search/related.py).

PostgreSQL keeps no table of counts (ts_stat reads every vector), but its planner keeps the vector
column's most common elements with their frequencies (ANALYZE's sample: with the default statistics
target the thousand commonest stems, down to about 2% of the rows at 100,000 articles). A stem among
them counts as its frequency times the rows, any other as rare: the ceiling is that list's, a little
above Whoosh's 1%. Without statistics (a small table, never analysed) each stem is counted in the RUM
or GIN index, stopping one past the most related articles keep. An entity counts its mentions (an
index-only count) and its own record, as the index's documents tagged with it. The total is the
planner's estimate of the rows once it has one worth trusting, else counted. A word counts
wherever the document holds its stem (title, text, or an entity name folded alike); Whoosh counts the
text of the article's language, which is nearly always the same.
"""

from django.db import connection

from archive.models import Entity, Mention
from archive.search.postgres.compile import STEMMERS
from archive.search.text import fold

TABLE = "archive_searchdocument"
MENTIONS, ENTITIES = Mention._meta.db_table, Entity._meta.db_table
ESTIMATED_FROM = 10_000  # below this many rows the table is counted: small, and perhaps never analysed


def shares(words, lang, entity_slugs):
    """(documents in all, {word: documents}, {entity slug: documents}); counts stop one past what
    related articles keep, so a larger count means "too common"."""
    from archive.search import related  # its thresholds; it imports this module by the engine's name

    if connection.vendor != "postgresql":
        return None  # the search says why it cannot answer
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE oid = '{TABLE}'::regclass")
        row = cursor.fetchone()
        total = row[0] if row and row[0] >= ESTIMATED_FROM else None
        if total is None:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            total = cursor.fetchone()[0]
        enough = int(max(related.MAX_SHARE * total, related.MIN_COMMON)) + 1
        folded = [fold(word, digraphs=lang == "de") for word in words]
        # With statistics, a stem among the column's most common elements counts by its frequency there, any other
        # as none: counting it would visit up to `enough` rows (some 40 ms for twelve words at 100,000 articles).
        # Without (a small table, never analysed) each is counted, as far as it matters.
        cursor.execute(
            f"""WITH common AS MATERIALIZED (
                    SELECT u.elem, u.freq FROM pg_stats p,
                        unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS u(elem, freq)
                    WHERE p.schemaname = current_schema() AND p.tablename = '{TABLE}' AND p.attname = 'vec'),
                stems AS (
                    SELECT w.word, coalesce((ts_lexize(%s::regdictionary, w.folded))[1], w.folded) AS stem
                    FROM unnest(%s::text[], %s::text[]) AS w(word, folded))
                SELECT 'w', s.word, CASE
                    WHEN c.freq IS NOT NULL THEN round(c.freq * %s)::bigint
                    WHEN (SELECT count(*) FROM common) > 0 THEN 0
                    ELSE (SELECT count(*) FROM (SELECT 1 FROM {TABLE} d WHERE d.vec @@ quote_literal(s.stem)::tsquery
                                                LIMIT %s) f) END
                FROM stems s LEFT JOIN common c ON c.elem = s.stem
                UNION ALL
                SELECT 'e', e.slug, (SELECT count(*) + 1 FROM {MENTIONS} m JOIN {ENTITIES} x ON x.id = m.entity_id
                                     WHERE x.slug = e.slug)
                FROM unnest(%s::text[]) AS e(slug)""",
            [STEMMERS["de" if lang == "de" else "en"], list(words), folded, total, enough, list(entity_slugs)])
        counts = {"w": {}, "e": {}}
        for kind, key, count in cursor.fetchall():
            counts[kind][key] = count
    return total, {word: counts["w"].get(word, 0) for word in words}, \
        {slug: counts["e"].get(slug, 0) for slug in entity_slugs}
