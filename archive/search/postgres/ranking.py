"""Counting and ranking a PostgreSQL search's matches without reading every match's vector.

Facets and the total come from the matches' small columns (type, source, language, date,
entities). With the RUM index (migration postgres_rum_index) the index decides `vec @@ query`,
weights and phrases included, without going back to the vectors, so counting reads none.

Ranking reads the vector of each document it ranks, so it ranks only what it must:

* up to RANK_ALL matches: all of them, with ts_rank: the exact order;
* more: ts_rank on candidates: per language, the RUM index's own top CANDIDATES (its `<=>`
  order, computed inside the index from the positions and weights it keeps, by ts_rank_cd's
  formula with RUM's weights and without length normalisation); the CANDIDATES shortest matches
  (by `vec_length`: ts_rank divides by the length, which the index's order does not see); every
  matching entity and event record; and for each entity the query names, the top CANDIDATES
  tagged with it (they get the entity boost). The page is the best of those by ts_rank.
* sorted by date: the page is picked by date and only its rows are ranked.

Without the RUM index (the extension missing) every match is ranked, as before.
"""

import json
import re
from collections import Counter

from archive.search.types import FACETS

TABLE = "archive_searchdocument"
RUM_INDEX = "archive_searchdocument_vec_rum"
RANK_ALL = 1000
CANDIDATES = 300
SHORT_MAX = 2000  # matching entity and event records ranked as candidates, at most
# Facets and the total count at most this many matches (the first in the table's order), one more
# to know there are more: past it the total says "more than COUNT_CAP" and the facets are lower bounds.
COUNT_CAP = 10000
TYPE_ORDER = "CASE type WHEN 'article' THEN 0 WHEN 'event' THEN 1 ELSE 2 END"
RELEVANCE = f"score DESC, {TYPE_ORDER}, record_pk"


def plan_settings(branches):
    """Settings for the search's statements, set with its time limit (one round trip), reset after."""
    # The planner prices `vec @@ query` as cheap and, for a common word, reads the whole table instead
    # of the index: every vector it reads is unpacked, several times slower than the index. The index it is.
    # (Where no index can serve, as for "NOT entity:x", the table is read all the same; the price of a
    # disabled plan would make PostgreSQL compile it with JIT, which takes longer than any search here.)
    if any("@@" in where for _, where, _ in branches):
        return "SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
    return ""


RESET_PLAN = "RESET enable_seqscan; RESET jit"


def _matches(columns, branches, column_params=()):
    """SQL selecting `columns` (with `column_params`) of every match, and its parameters: the branches' rows,
    which never overlap."""
    branches = [(lang, *_split_disjunction(where, params)) for lang, where, params in branches]
    sql = " UNION ALL ".join(f"SELECT {columns} FROM {TABLE} d WHERE {where}" for _, where, _ in branches)
    return sql, [value for _, _, params in branches for value in [*column_params, *params]]


VEC_MATCH = "d.vec @@ %s::tsquery"
SPLIT_MIN = 4
TERM = re.compile(r"'(?:[^']|'')+'(?::\*?[A-D]*)?")


def _split_disjunction(where, params):
    """`vec @@ (a | b | c | ...)` as `vec @@ a OR vec @@ b OR ...` when the tsquery is an OR of many terms.

    The RUM index checks every term of an OR against every document any term finds: for the twenty to
    hundred words a fuzzy word stands for, several times slower than one index scan per word, the
    scans' bitmaps ORed together (and no document's vector read either way)."""
    if where.count(VEC_MATCH) != 1:
        return where, params
    index = where[:where.index(VEC_MATCH)].count("%s")
    terms = _disjuncts(params[index])
    if len(terms) < SPLIT_MIN or not all(TERM.fullmatch(term) for term in terms):
        return where, params
    split = "(" + " OR ".join([VEC_MATCH] * len(terms)) + ")"
    return where.replace(VEC_MATCH, split), [*params[:index], *terms, *params[index + 1:]]


def _disjuncts(tsquery):
    """The parts of a tsquery text joined by | at its top level (its outer parentheses taken off)."""
    text = tsquery.strip()
    if text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1]
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(text):
        if char == "'":
            quoted = not quoted  # '' inside a lexeme turns it off and on again
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == "|":
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _closing(text, opening):
    """The index of the parenthesis closing the one at `opening` (outside quoted lexemes), or -1."""
    depth, quoted = 0, False
    for i in range(opening, len(text)):
        char = text[i]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def count(cursor, request, branches, scoring):
    """Facet counters, the total, candidates found without vectors (non-articles, the shortest), RUM or not,
    and for a query by relevance with up to RANK_ALL matches the page itself, all ranked (else None)."""
    matches, params = _matches("d.key, d.type, d.source, d.language, d.date, d.date_precision, d.entities, "
                               "d.vec_length", branches)
    # Past the cap, the shortest of every match: none is longer than the CANDIDATES-th shortest of the first
    # COUNT_CAP, so only matches up to that length are read (the length's index ANDed with the word's).
    short_matches, short_params = _matches("d.key, d.vec_length", [
        (lang, f"{where} AND d.vec_length <= (SELECT max(vec_length) FROM shortest)", values)
        for lang, where, values in branches])
    params = params + short_params
    score, score_params, *_ = scoring
    limit, offset = request.per_page, (request.page - 1) * request.per_page
    small = ""
    if request.sort == "relevance":
        # PostgreSQL checks the count first and ranks nothing when there are more.
        small = f"""UNION ALL (SELECT 'hit', key, n, score FROM (
                SELECT key, score, row_number() OVER (ORDER BY {RELEVANCE}) n FROM (
                    SELECT d.key, d.type, d.record_pk, {score} AS score FROM m JOIN {TABLE} d ON d.key = m.key
                    WHERE (SELECT count(*) FROM m) <= {RANK_ALL}) s) r
            WHERE n > %s AND n <= %s)"""
        params = params + score_params + [offset, offset + limit]
    # Bitmaps, not an index scan, which would walk the lengths' index checking each row's vector for the word.
    cursor.execute("SET LOCAL enable_indexscan = off")
    cursor.execute(f"""
        WITH a AS MATERIALIZED (SELECT * FROM ({matches}) u LIMIT {COUNT_CAP + 1}),
             m AS (SELECT * FROM a LIMIT {COUNT_CAP}),
             shortest AS MATERIALIZED (SELECT key, vec_length FROM a ORDER BY vec_length, key LIMIT {CANDIDATES})
        SELECT CASE GROUPING(type, source, language, y, mo)
                   WHEN 15 THEN 'type' WHEN 23 THEN 'source' WHEN 27 THEN 'language'
                   WHEN 29 THEN 'year' ELSE 'month' END,
               coalesce(type, source, language, to_char(y, 'YYYY'), to_char(mo, 'YYYY-MM')), sum(n)::bigint,
               NULL::float8
        FROM (SELECT type, nullif(source, '') source, nullif(language, '') language, date_trunc('year', mo) y,
                     CASE WHEN dated_to_month THEN mo END mo, n
              -- Grouped first by what the facets read, with cheap keys (no time zones): a few hundred
              -- groups for the five facets' pass instead of every match.
              FROM (SELECT type, source, language, date_trunc('month', date::timestamp) mo,
                           date_precision IN ('day', 'month') dated_to_month, count(*) n
                    FROM m GROUP BY 1, 2, 3, 4, 5) g) f
        GROUP BY GROUPING SETS ((type), (source), (language), (y), (mo))  -- one pass for five facets
        HAVING coalesce(type, source, language, to_char(y, 'YYYY'), to_char(mo, 'YYYY-MM')) IS NOT NULL
        UNION ALL SELECT 'entity', e, count(*), NULL FROM m, jsonb_array_elements_text(m.entities) e GROUP BY e
        UNION ALL (SELECT 'short', key, 0, NULL FROM m WHERE type <> 'article' LIMIT {SHORT_MAX})
        UNION ALL (SELECT 'short', key, 0, NULL FROM shortest WHERE (SELECT count(*) FROM a) <= {COUNT_CAP})
        UNION ALL (SELECT 'short', key, 0, NULL FROM ({short_matches}) s WHERE (SELECT count(*) FROM a) > {COUNT_CAP}
                   ORDER BY vec_length, key LIMIT {CANDIDATES})
        UNION ALL SELECT 'rum', NULL, count(*), NULL FROM pg_class WHERE relname = '{RUM_INDEX}'
        UNION ALL SELECT 'more', NULL, count(*), NULL FROM a
        {small}
    """, params)
    rows = cursor.fetchall()
    cursor.execute("RESET enable_indexscan")
    facets = {name: Counter() for name in FACETS}
    short, rum, hits, capped = [], False, [], False
    for name, value, number, *score_value in rows:
        if name == "short":
            short.append(value)
        elif name == "rum":
            rum = number > 0
        elif name == "more":
            capped = number > COUNT_CAP
        elif name == "hit":
            hits.append((number, value, float(score_value[0])))
        else:
            facets[name][value] = number
    total = sum(facets["type"].values())
    ranked = [(key, value) for _, key, value in sorted(hits)] if small and total <= RANK_ALL else None
    return facets, total, capped, short, rum, ranked


def page(cursor, request, branches, scoring, *, total, short, rum):
    """The page's (key, score) pairs, best first (or in date order)."""
    score, score_params, rank_queries, slugs, narrow = scoring
    limit, offset = request.per_page, (request.page - 1) * request.per_page
    if request.sort != "relevance":
        direction = "DESC" if request.sort == "-date" else "ASC"
        order = f"date {direction} NULLS LAST, {TYPE_ORDER}, record_pk"
        matches, params = _matches("d.key, d.type, d.record_pk, d.date", branches)
        cursor.execute(f"""
            SELECT p.key, {score} FROM (
                SELECT key, row_number() OVER (ORDER BY {order}) n FROM ({matches}) m
                ORDER BY {order} LIMIT %s OFFSET %s) p
            JOIN {TABLE} d ON d.key = p.key ORDER BY p.n
        """, score_params + params + [limit, offset])
        return [(key, float(value)) for key, value in cursor.fetchall()]
    order = RELEVANCE
    if not rum or total <= RANK_ALL or not any(rank_queries.values()) or offset + limit > CANDIDATES:
        # The parameters as _matches gives them: a fuzzy word's OR split into one condition per word.
        matches, params = _matches(f"d.key, d.type, d.record_pk, {score} AS score", branches, score_params)
        cursor.execute(f"SELECT key, score FROM ({matches}) s ORDER BY {order} LIMIT %s OFFSET %s",
                       params + [limit, offset])
        return [(key, float(value)) for key, value in cursor.fetchall()]
    parts, part_params = [], []
    languages = (("de", "d.language = 'de'"), ("en", "d.language <> 'de'"))
    if rank_queries["de"] == rank_queries["en"]:
        languages = (("en", None),)  # one query for both (prefixes, names): one scan of the index
    for lang, condition in languages:
        if not rank_queries[lang]:
            continue
        for branch_lang, where, params in branches:
            if branch_lang not in (None, lang):
                continue
            # A fuzzy word's candidates: the documents its nearest words find (compile.FUZZY_RANK_WORDS).
            params = [_narrowed(value, narrow) for value in params]
            rank_query = _narrowed(rank_queries[lang], narrow)
            only = f" AND {condition}" if branch_lang is None and condition else ""
            for slug in [None, *slugs]:
                # The rank query as a condition of its own: the RUM index then returns the matches in its
                # order, where a condition it cannot answer alone ("entities @> x OR vec @@ q", an entity
                # named in the query) made PostgreSQL weigh every match. The query's own `vec @@` is checked
                # on those rows too (as a function, which PostgreSQL does not fold into the index's
                # condition: it did, and read every match again). The tag is checked on the rows
                # the index returns (jsonb_exists, which no index answers): a bitmap of the tagged rows
                # ANDed with the matches would have PostgreSQL weigh every one of those instead.
                tagged = " AND jsonb_exists(d.entities, %s)" if slug else ""
                checked, checked_params = _unindexed(where, params, rank_query)
                parts.append(f"(SELECT d.key FROM {TABLE} d WHERE {VEC_MATCH} AND {checked}{only}{tagged} "
                             f"ORDER BY d.vec <=> %s::tsquery LIMIT {CANDIDATES})")
                part_params += [rank_query, *checked_params, *([slug] if slug else []), rank_query]
                if slug:
                    # Tagged matches the rank query does not find score the entity's boost alone, and tie
                    # in the order the page breaks ties by: the first of those, no vector read.
                    parts.append(f"(SELECT d.key FROM {TABLE} d WHERE {where}{only} AND d.entities @> %s::jsonb "
                                 f"ORDER BY {TYPE_ORDER}, d.record_pk LIMIT {CANDIDATES})")
                    part_params += [*params, json.dumps([slug])]
    parts.append("(SELECT unnest(%s::text[]))")
    part_params.append(short)
    cursor.execute(f"""
        WITH c(key) AS ({" UNION ".join(parts)})
        SELECT key, score FROM (SELECT d.key, d.type, d.record_pk, {score} AS score
                                FROM {TABLE} d JOIN c ON c.key = d.key) s
        ORDER BY {order} LIMIT %s OFFSET %s
    """, part_params + score_params + [limit, offset])
    return [(key, float(value)) for key, value in cursor.fetchall()]


def _unindexed(where, params, rank_query):
    """The condition and its parameters with each `vec @@ query` as the function behind the operator, checked
    row by row, or as TRUE where its query is the rank query, which the index already matched on these rows.

    A common word's condition is its rank query alone: checking it again unpacked the vector of every row
    the index returned, and where a branch's language leaves few of them (an English word in the German
    branch) PostgreSQL checked it before the language, on every match (150 ms for "were")."""
    pieces = where.split(VEC_MATCH)
    sql, kept, used = [pieces[0]], [], 0
    for piece in pieces[1:]:
        before = sql[-1].count("%s")
        kept += params[used:used + before]
        query = params[used + before]
        used += before + 1
        if query == rank_query:
            sql.append("TRUE")
        else:
            sql.append("ts_match_vq(d.vec, %s::tsquery)")
            kept.append(query)
        sql.append(piece)
    kept += params[used:]
    return "".join(sql), kept


def _narrowed(value, narrow):
    """A tsquery text with each fuzzy word's OR of neighbours cut to its nearest ones; other values as they are."""
    if isinstance(value, str):
        for text, few in narrow:
            value = value.replace(text, few)
    return value

