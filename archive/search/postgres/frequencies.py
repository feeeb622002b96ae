"""How many documents hold a word or name an entity, counted through the indexes as far as it matters:
related articles leave out what too many documents share (archive/search/related.py).

PostgreSQL keeps no table of counts (ts_stat reads every vector), so each word's stem and each entity
is counted in the GIN (or RUM) index, stopping one past the most that related articles keep: a word in
half the archive costs its posting list, not a visit to every document holding it. The total is the
planner's estimate of the table's rows once it has one worth trusting, else counted. A word counts
wherever the document holds its stem (title, text, or an entity name folded alike); Whoosh counts the
text of the article's language, which is nearly always the same.
"""

from django.db import connection

from archive.search.postgres.compile import STEMMERS
from archive.search.text import fold

TABLE = "archive_searchdocument"
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
        cursor.execute(
            f"""SELECT 'w', w.word, (SELECT count(*) FROM (
                    SELECT 1 FROM {TABLE} d WHERE d.vec @@ quote_literal(
                        coalesce((ts_lexize(%s::regdictionary, w.folded))[1], w.folded))::tsquery LIMIT %s) f)
                FROM unnest(%s::text[], %s::text[]) AS w(word, folded)
                UNION ALL
                SELECT 'e', e.slug, (SELECT count(*) FROM (
                    SELECT 1 FROM {TABLE} d WHERE d.entities @> jsonb_build_array(e.slug) LIMIT %s) f)
                FROM unnest(%s::text[]) AS e(slug)""",
            [STEMMERS["de" if lang == "de" else "en"], enough, list(words), folded, enough, list(entity_slugs)])
        counts = {"w": {}, "e": {}}
        for kind, key, count in cursor.fetchall():
            counts[kind][key] = count
    return total, {word: counts["w"].get(word, 0) for word in words}, \
        {slug: counts["e"].get(slug, 0) for slug in entity_slugs}
