"""Related articles' search on PostgreSQL: the best matches only, without facets, total or snippets.

A search counts the facets and the total of every match before it ranks (ranking.count), which
related articles never show. With the RUM index, the candidates are the index's own top CANDIDATES
for the query's stems as plain words (half for the words as written, half with their counterparts;
both languages' stems in one OR, without weights or compounds: a
scan of a few milliseconds where the weighted query took 10-15 ms per language at 100,000 articles),
and ts_rank reads only those; a candidate that the query itself does not match scores nothing and is
left out. Should ts_rank run out of time, the index's order answers (never an empty list for want of
ranking). Without the RUM index every match is ranked as a search ranks (ranking.page). Only "why it
matched" is read for the hits.
"""

import dataclasses
import time

from django.db import OperationalError, connection, transaction
from psycopg.errors import QueryCanceled

from archive.search import query as q
from archive.search.postgres import backend as engine
from archive.search.postgres import ranking
from archive.search.postgres.compile import compile_both, where_sql
from archive.search.snippets import reasons
from archive.search.types import Hit, SearchResults

CANDIDATES = 60       # ranked by ts_rank (half for the words as written); 200 took the index 3x as long at 100k
RANK_SECONDS = None   # at most this long for ts_rank (None: the request's deadline); past it, the index's order
HITS_SECONDS = 0.02   # reading the hits' documents when ts_rank used the time up


def search(request):
    """The request's page of best matches (total and facets left empty); partial and empty past its deadline."""
    engine._require_postgres()
    postgres = engine.backend()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            engine._limit_time(cursor, request.deadline)
            compilers, exprs = compile_both(cursor, request.tree)
            cursor.execute(f"SELECT count(*) FROM pg_class WHERE relname = '{ranking.RUM_INDEX}'")
            rum = cursor.fetchone()[0] > 0
            scoring = postgres._score(compilers)
            stems = _plain_stems(scoring[2].values())
            if rum and stems:
                as_written = _as_written(cursor, request.tree) if _translated(request.tree) else stems
                ranked, partial = _rank_candidates(cursor, request, scoring, stems, as_written)
            else:
                ranked, partial = _rank_all(cursor, request, where_sql(exprs, request.filters), scoring), False
            hits = _hits(cursor, postgres, ranked, compilers) if ranked else []
    except engine._Late:
        return _late()
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            return _late()
        raise
    return SearchResults(total=len(hits), hits=hits, facets={}, partial=partial)


def _plain_stems(rank_queries):
    """The rank queries' lexemes without weights, as one OR; compounds (weight D, indexed reversed, matched
    as prefixes) and prefixes left out: they cost the index the most and the words themselves are there."""
    stems = {}
    for tsquery in rank_queries:
        for term in ranking.TERM.findall(tsquery or ""):
            lexeme, _, suffix = term.rpartition("'")
            if "*" not in suffix and "D" not in suffix:
                stems.setdefault(lexeme + "'")
    return " | ".join(stems)


def _translated(node):
    return isinstance(node, q.Translated) or any(_translated(item) for item in getattr(node, "items", ()))


def _without_counterparts(node):
    if isinstance(node, q.Translated):
        return node.original
    if isinstance(node, (q.Or, q.And)):
        return dataclasses.replace(node, items=tuple(_without_counterparts(item) for item in node.items))
    return node


def _as_written(cursor, tree):
    """The plain stems of the query without the words' counterparts."""
    compilers, _ = compile_both(cursor, _without_counterparts(tree))
    return _plain_stems(engine.backend()._score(compilers)[2].values()) or None


def _rank_candidates(cursor, request, scoring, stems, as_written):
    """(key, score) of the best candidates and whether ts_rank ran out of time (the index's order then).

    The candidates: the index's top for the words as written and entities, then for all with the counterparts
    (in the index's order counterparts weigh as much as the words, which ts_rank does not: alone, they crowded
    out the articles sharing the words themselves, precision@5 0.408 against 0.435 on the judged topics)."""
    score, score_params = scoring[:2]
    types = list(request.filters.types or ("article",))
    engine._limit_time(cursor, request.deadline, ranking.plan_settings([(None, "d.vec @@", [])]))
    scans = [as_written] if as_written == stems or not as_written else [as_written, stems]
    share = CANDIDATES // len(scans)
    cursor.execute(" UNION ALL ".join(
        f"(SELECT d.key FROM {ranking.TABLE} d WHERE d.vec @@ %s::tsquery AND d.type = ANY(%s) "
        f"ORDER BY d.vec <=> %s::tsquery LIMIT {share})" for _ in scans),
        [value for query in scans for value in (query, types, query)])
    candidates = list(dict.fromkeys(key for key, in cursor.fetchall()))
    if not candidates:
        return [], False
    limit = request.per_page
    try:
        with transaction.atomic():  # a savepoint: a cancelled ts_rank leaves the candidates usable
            deadline = request.deadline
            if RANK_SECONDS is not None:
                deadline = min(deadline or float("inf"), time.monotonic() + RANK_SECONDS)
            engine._limit_time(cursor, deadline)
            cursor.execute(f"""
                SELECT key, score FROM (SELECT d.key, d.type, d.record_pk, {score} AS score
                                        FROM {ranking.TABLE} d WHERE d.key = ANY(%s)) s
                WHERE score > 0 ORDER BY {ranking.RELEVANCE} LIMIT %s
            """, score_params + [candidates, limit])
            return [(key, float(value)) for key, value in cursor.fetchall()], False
    except (engine._Late, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not isinstance(exc.__cause__, QueryCanceled):
            raise
    engine._limit_time(cursor, time.monotonic() + HITS_SECONDS, ranking.RESET_PLAN)
    return [(key, 0.0) for key in candidates[:limit]], True


def _rank_all(cursor, request, branches, scoring):
    """Every match ranked, as a search without the RUM index ranks them."""
    engine._limit_time(cursor, request.deadline, ranking.plan_settings(branches))
    ranked = ranking.page(cursor, request, branches, scoring, total=ranking.RANK_ALL + 1, short=[], rum=False)
    engine._limit_time(cursor, request.deadline, ranking.RESET_PLAN)
    return ranked


def _hits(cursor, postgres, ranked, compilers):
    entities = list(dict.fromkeys(compilers["en"].entities))
    cursor.execute(f"SELECT key, doc FROM {engine.TABLE} WHERE key = ANY(%s)", [[key for key, _ in ranked]])
    stored = dict(cursor.fetchall())
    rows = [(key, engine._json(stored[key]), score) for key, score in ranked]
    matched = postgres._matched_lexemes(cursor, rows, compilers)
    hits = []
    for key, doc, score in rows:
        found = [(engine.MATCH_LABELS[weight], lexeme[::-1] if weight == "D" else lexeme)
                 for lexeme, weights in matched.get(key, []) for weight in weights]
        found.extend(("entity", slug) for slug in entities if slug in doc["entities"])
        hits.append(Hit(doc=doc, score=score, snippet="", matched=reasons(found)))
    return hits


def _late():
    return SearchResults(total=0, hits=[], facets={}, partial=True)
