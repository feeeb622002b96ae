"""Related articles' search on PostgreSQL: the best matches only, without facets, total or snippets.

A search counts the facets and the total of every match before it ranks (ranking.count), which
related articles never show: at 100,000 articles that took 35-280 ms for one article's words. Here the
matches are ranked as a search ranks a page of many (ranking.page: the RUM index's own top candidates
per language, then ts_rank), and only "why it matched" is read for the hits.
"""

from django.db import OperationalError, connection, transaction
from psycopg.errors import QueryCanceled

from archive.search.postgres import backend as engine
from archive.search.postgres import ranking
from archive.search.postgres.compile import compile_both, where_sql
from archive.search.snippets import reasons
from archive.search.types import Hit, SearchResults


def search(request):
    """The request's page of best matches (total and facets left empty); partial and empty past its deadline."""
    engine._require_postgres()
    postgres = engine.backend()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            engine._limit_time(cursor, request.deadline)
            compilers, exprs = compile_both(cursor, request.tree)
            branches = where_sql(exprs, request.filters)
            cursor.execute(f"SELECT count(*) FROM pg_class WHERE relname = '{ranking.RUM_INDEX}'")
            rum = cursor.fetchone()[0] > 0
            engine._limit_time(cursor, request.deadline, ranking.plan_settings(branches))
            ranked = ranking.page(cursor, request, branches, postgres._score(compilers),
                                  total=ranking.RANK_ALL + 1, short=[], rum=rum)
            engine._limit_time(cursor, request.deadline, ranking.RESET_PLAN)
            hits = _hits(cursor, postgres, ranked, compilers) if ranked else []
    except engine._Late:
        return _late()
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            return _late()
        raise
    return SearchResults(total=len(hits), hits=hits, facets={})


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
