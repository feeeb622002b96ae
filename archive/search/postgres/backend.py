"""The PostgreSQL backend: search in the database every web worker already shares.

Each document is a row of archive_searchdocument (see the postgres_search migration)
with one weighted tsvector, `vec`:

    A  title                      stemmed in the document's language (archive_de / archive_en)
    B  entity names and aliases   folded, not stemmed (archive_names)
    C  text                       stemmed in the document's language
    D  German words of 7+ letters, stemmed and reversed: a prefix query on a reversed
       word finds compounds by their last part ("Wurm" finds "Internetwurm")

ts_rank weighs them 3 : 2 : 1 : 0.5, the field boosts of the Whoosh backend. Text is
tokenised and folded here, in Python, with archive.search.text.fold (so "Muenchen",
"Munchen" and "München" meet, as in Whoosh); PostgreSQL stems it. The configurations
also run unaccent, which is what lets ts_headline mark words in the original text.


Writes are plain upserts in one transaction: every process sees them as soon as they
commit. A sequence counts writes; its value is the generation that caches key on.
"""

import contextlib
import functools
import html
import json
import math
import time
from collections import Counter

from django.db import OperationalError, connection, transaction
from psycopg.errors import QueryCanceled

from archive.search import documents
from archive.search import query as q
from archive.search.postgres import ranking
from archive.search.postgres.compile import STEMMERS, WORDS, any_of, compile_both, quote_lexeme, tokens, where_sql
from archive.search.snippets import reasons, unmatched_snippet
from archive.search.text import edit_distance, fold
from archive.search.types import FACETS, Hit, SearchResults, SearchUnavailable

TABLE = "archive_searchdocument"
CONFIGS = {"de": "archive_de", "en": "archive_en"}
# {D, C, B, A}: compounds 0.5, text 1, entity names 2, title 3, as the Whoosh field boosts.
RANK_WEIGHTS = "{0.1667,0.3333,0.6667,1.0}"
BATCH = 500
MATCH_LABELS = {"A": "title", "B": "entity name", "C": "text", "D": "compound word"}
MARK_START, MARK_END = "\ue000", "\ue001"
# The parser takes <...> for markup and ts_headline drops it: angle brackets go through in disguise.
ANGLES = {"<": "\ue002", ">": "\ue003"}
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")


def _require_postgres():
    if connection.vendor != "postgresql":
        raise SearchUnavailable(
            "ARCHIVE_SEARCH_BACKEND=postgres needs a PostgreSQL database (DATABASE_URL); "
            f"this one is {connection.vendor}"
        )


def words(text, *, digraphs):
    """The text as the index reads it: folded tokens, one space apart."""
    return " ".join(fold(token, digraphs=digraphs) for token in tokens(text))


def _lang(language):
    return "de" if language == "de" else "en"


def _row(doc):
    lang = _lang(doc["language"])
    digraphs = lang == "de"
    return (
        doc["key"], doc["type"], documents.Key.parse(doc["key"]).pk, doc["source"], doc["language"],
        doc["date"], doc["date_precision"], json.dumps(doc["entities"]), json.dumps(doc), doc["fingerprint"],
        CONFIGS[lang], words(doc["title"], digraphs=digraphs), words(" | ".join(doc["names"]), digraphs=True),
        words(doc["text"], digraphs=digraphs), lang == "de",
    )


UPSERT = f"""
INSERT INTO {TABLE} (key, type, record_pk, source, language, date, date_precision, entities, doc, fingerprint, vec)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, archive_search_vector(%s::regconfig, %s, %s, %s, %s))
ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, record_pk = EXCLUDED.record_pk, source = EXCLUDED.source,
    language = EXCLUDED.language, date = EXCLUDED.date, date_precision = EXCLUDED.date_precision,
    entities = EXCLUDED.entities, doc = EXCLUDED.doc, fingerprint = EXCLUDED.fingerprint, vec = EXCLUDED.vec
"""


def _spell_words(doc):
    """Words of titles and entity names, folded: what did-you-mean may offer."""
    return {fold(token) for token in tokens(f"{doc['title']} {' '.join(doc['names'])}") if not token.isdigit()}


def _write(cursor, docs):
    cursor.executemany(UPSERT, [_row(doc) for doc in docs])  # docs in key order, as every writer
    spell = set()
    for doc in docs:
        spell.update(_spell_words(doc))
    if spell:
        cursor.execute(
            f"INSERT INTO {WORDS} (kind, word) SELECT 's', w FROM unnest(%s::text[]) w "
            "WHERE length(w) <= 200 ON CONFLICT DO NOTHING", [sorted(spell)])
    cursor.execute(
        f"INSERT INTO {WORDS} (kind, word) SELECT DISTINCT 'l', u.lexeme FROM {TABLE} d, "
        "unnest(ts_filter(d.vec, '{a,b,c}')) u WHERE d.key = ANY(%s) AND length(u.lexeme) <= 200 "
        "ORDER BY 2 ON CONFLICT DO NOTHING", [[doc["key"] for doc in docs]])  # one order: no deadlock between writers


def _bump(cursor):
    cursor.execute("SELECT nextval('archive_search_generation')")


# --- snippets, reasons, suggestions ------------------------------------------------------

def _snippet_html(marked):
    for bracket, disguise in ANGLES.items():
        marked = marked.replace(disguise, bracket)
    text = html.escape(" ".join(marked.split()))
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")




def _suggest(cursor, query_words):
    corrections = {}
    for word in query_words:
        folded = fold(word)
        if len(folded) < 4 or not folded.isalpha():
            continue
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {WORDS} WHERE kind = 's' AND word = %s) OR EXISTS ("
            f"SELECT 1 FROM {WORDS} WHERE kind = 'l' AND word IN ((ts_lexize(%s, %s))[1], (ts_lexize(%s, %s))[1]))",
            [folded, STEMMERS["de"], folded, STEMMERS["en"], fold(word, digraphs=False)])
        if cursor.fetchone()[0]:
            continue
        edits = 1 if len(folded) < 6 else 2
        cursor.execute("SET pg_trgm.similarity_threshold = 0.2")
        cursor.execute(f"SELECT word FROM {WORDS} WHERE kind = 's' AND word %% %s AND word <> %s "
                       "ORDER BY similarity(word, %s) DESC LIMIT 100", [folded, folded, folded])
        near = [(edit_distance(folded, c), c) for (c,) in cursor.fetchall()]
        near = [pair for pair in near if pair[0] <= edits]
        if not near:
            continue
        best_distance = min(d for d, _ in near)
        tied = sorted(c for d, c in near if d == best_distance)
        if len(tied) > 1:
            cursor.execute(
                f"SELECT w, (SELECT count(*) FROM {TABLE} d WHERE d.vec @@ (quote_literal(w) || ':AB')::tsquery) "
                "FROM unnest(%s::text[]) w", [tied])
            frequency = dict(cursor.fetchall())
            tied.sort(key=lambda c: (-frequency.get(c, 0), c))
        best = tied[0]
        cursor.execute("SELECT ts_lexize(%s, %s) = ts_lexize(%s, %s) OR ts_lexize(%s, %s) = ts_lexize(%s, %s)",
                       [STEMMERS["de"], best, STEMMERS["de"], folded, STEMMERS["en"], best, STEMMERS["en"], folded])
        if cursor.fetchone()[0]:
            continue  # only an inflection of a known word
        corrections[word] = best.capitalize() if word[:1].isupper() else best
    return corrections


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


# --- the backend ------------------------------------------------------------------------

class PostgresBackend:
    name = "postgres"

    def update(self, keys):
        """Write the documents for `keys` as the database holds them now; remove those whose records are gone."""
        _require_postgres()
        keys = sorted(set(keys), key=str)
        if not keys:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            # In batches, so a bulk import's hundred thousand keys never sit in memory as documents at once.
            for start in range(0, len(keys), BATCH):
                docs = documents.documents_for(keys[start:start + BATCH])
                gone = [str(key) for key, doc in docs.items() if doc is None]
                if gone:
                    cursor.execute(f"DELETE FROM {TABLE} WHERE key = ANY(%s)", [gone])
                present = [doc for doc in docs.values() if doc is not None]
                if present:
                    _write(cursor, present)
            _bump(cursor)

    def rebuild(self, *, progress=None):
        """Rewrite every document in one transaction: readers see the old table until it commits."""
        _require_postgres()
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            # One rebuild at a time; writers keep writing and wait only for the rows they touch.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('archive_search_rebuild'))")
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {WORDS}")
            batch = []
            for doc in documents.all_documents():
                batch.append(doc)
                if len(batch) >= BATCH:
                    cursor.executemany(UPSERT, [_row(d) for d in batch])
                    count += len(batch)
                    self._progress(progress, count, len(batch))
                    self._spell(cursor, batch)
                    batch = []
            if batch:
                cursor.executemany(UPSERT, [_row(d) for d in batch])
                count += len(batch)
                self._progress(progress, count, len(batch))
                self._spell(cursor, batch)
            cursor.execute(
                f"INSERT INTO {WORDS} (kind, word) SELECT DISTINCT 'l', u.lexeme FROM {TABLE} d, "
                "unnest(ts_filter(d.vec, '{a,b,c}')) u WHERE length(u.lexeme) <= 200 ON CONFLICT DO NOTHING")
            _bump(cursor)
        return count

    @staticmethod
    def _progress(progress, count, size):
        if progress:
            for done in range(count - size + 1, count + 1):
                progress(done)

    @staticmethod
    def _spell(cursor, batch):
        spell = set()
        for doc in batch:
            spell.update(_spell_words(doc))
        cursor.execute(f"INSERT INTO {WORDS} (kind, word) SELECT 's', w FROM unnest(%s::text[]) w "
                       "WHERE length(w) <= 200 ON CONFLICT DO NOTHING", [sorted(spell)])

    def reading(self):
        """The calls inside read the database as each reads it: no view to hold."""
        return contextlib.nullcontext()

    def generation(self):
        _require_postgres()
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM archive_search_generation")
            value, called = cursor.fetchone()
        return f"pg:{value if called else 0}"

    def fingerprints(self):
        _require_postgres()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, fingerprint FROM {TABLE}")
            return dict(cursor.fetchall())

    def fingerprints_of(self, keys):
        """Key -> fingerprint of the indexed documents among `keys` (key strings)."""
        _require_postgres()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, fingerprint FROM {TABLE} WHERE key = ANY(%s)", [sorted(keys)])
            return dict(cursor.fetchall())

    def count(self):
        _require_postgres()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def advice(self):
        """Nothing to say: this table has no per-index choices that a rebuild would make better."""
        return []

    def search(self, request):
        _require_postgres()
        try:
            # A transaction of its own (a savepoint inside another), so the time limit set for it ends with it.
            with transaction.atomic(), connection.cursor() as cursor:
                _limit_time(cursor, request.deadline)
                compilers, exprs = compile_both(cursor, request.tree)
                branches = where_sql(exprs, request.filters)
                _limit_time(cursor, request.deadline, ranking.plan_settings(branches))
                facets, total, capped, ranked = self._matches(cursor, request, compilers, branches)
                _limit_time(cursor, request.deadline, ranking.RESET_PLAN)
                hits = self._hits(cursor, ranked, compilers) if ranked else []
                query_words = q.plain_words(request.tree)
                suggestion_words = _suggest(cursor, query_words) if query_words else {}
        except _Late:
            return _nothing_in_time()
        except OperationalError as exc:
            if isinstance(exc.__cause__, QueryCanceled):
                return _nothing_in_time()
            raise
        return SearchResults(total=total, hits=hits, facets=facets, suggestion_words=suggestion_words,
                             total_is_lower_bound=capped)

    def _matches(self, cursor, request, compilers, branches):
        """Facet counts, the total (capped or not) and the page's keys with their scores (ranking.py)."""
        scoring = self._score(compilers)
        facets, total, capped, short, rum, ranked = ranking.count(cursor, request, branches, scoring)
        if total and ranked is None:
            _limit_time(cursor, request.deadline)
            ranked = ranking.page(cursor, request, branches, scoring, total=total, short=short, rum=rum)
        return facets, total, capped, ranked or []

    def _score(self, compilers):
        """The score's SQL and parameters, the rank tsquery of each language, the entity slugs that count."""
        rank_queries = {lang: any_of(compilers[lang].rank) for lang in ("de", "en")}
        if any(rank_queries.values()):
            score = (f"ts_rank('{RANK_WEIGHTS}', d.vec, CASE WHEN d.language = 'de' THEN %s::tsquery "
                     "ELSE %s::tsquery END, 1)")
            score_params = [rank_queries["de"] or "", rank_queries["en"] or ""]
        else:
            score, score_params = "0.0", []
        slugs = list(dict.fromkeys(compilers["en"].entities))
        for slug in slugs:
            # A tagged entity the query names counts, as the boosted entity term in Whoosh, and the
            # entity's own record (tagged with itself) counts again: "Code Red" finds Code Red first.
            score += (" + CASE WHEN d.entities @> %s::jsonb THEN 0.1 ELSE 0 END"
                      " + CASE WHEN d.type = 'entity' AND d.entities @> %s::jsonb THEN 0.1 ELSE 0 END")
            score_params.extend([json.dumps([slug])] * 2)
        narrow = compilers["de"].narrow + compilers["en"].narrow
        return score, score_params, rank_queries, slugs, narrow

    def _hits(self, cursor, ranked, compilers):
        entities = list(dict.fromkeys(compilers["en"].entities))
        # The stored documents of the page's rows only.
        cursor.execute(f"SELECT key, doc FROM {TABLE} WHERE key = ANY(%s)", [[key for key, _ in ranked]])
        stored = dict(cursor.fetchall())
        rows = [(key, _json(stored[key]), score) for key, score in ranked]
        matched = self._matched_lexemes(cursor, rows, compilers)
        snippets = self._snippets(cursor, rows, matched)
        hits = []
        for key, doc, score in rows:
            # Compounds (weight D) are indexed reversed: the reader is shown them the right way round.
            found = [(MATCH_LABELS[weight], lexeme[::-1] if weight == "D" else lexeme)
                     for lexeme, weights in matched.get(key, []) for weight in weights]
            found.extend(("entity", slug) for slug in entities if slug in doc["entities"])
            hits.append(Hit(doc=doc, score=score, snippet=snippets[key], matched=reasons(found)))
        return hits

    def _matched_lexemes(self, cursor, rows, compilers):
        """Per hit, the query's lexemes found in it, with the weights (fields) they were found in."""
        specs = compilers["de"].terms + compilers["en"].terms
        exact = sorted({lexeme for lexeme, prefix, _ in specs if not prefix})
        prefixes = sorted({_like(lexeme) for lexeme, prefix, _ in specs if prefix})
        wanted = {}
        for lexeme, prefix, weights in specs:
            wanted.setdefault((lexeme, prefix), set()).update(weights)
        if not (exact or prefixes):
            return {}
        cursor.execute(
            f"SELECT d.key, u.lexeme, u.weights FROM {TABLE} d, unnest(d.vec) u "
            "WHERE d.key = ANY(%s) AND (u.lexeme = ANY(%s) OR u.lexeme LIKE ANY(%s))",
            [[key for key, _, _ in rows], exact, prefixes])
        found = {}
        for key, lexeme, weights in cursor.fetchall():
            allowed = set(wanted.get((lexeme, False), ()))
            for (text, prefix), asked in wanted.items():
                if prefix and lexeme.startswith(text):
                    allowed |= asked
            got = "".join(sorted({str(w) for w in (weights or ["D"])} & allowed))
            if got:
                found.setdefault(key, []).append((lexeme, got))
        for pairs in found.values():
            pairs.sort()
        return found

    def _snippets(self, cursor, rows, matched):
        """ts_headline over the original text for hits matched in their text; else its lead."""
        keys, queries, snippets = [], [], {}
        for key, doc, _ in rows:
            body = [lexeme for lexeme, weights in matched.get(key, []) if "C" in weights]
            if body:
                keys.append(key)
                queries.append(" | ".join(quote_lexeme(lexeme) for lexeme in body))
            else:
                snippets[key] = unmatched_snippet(doc)
        if keys:
            cursor.execute(
                f"SELECT d.key, ts_headline(CASE WHEN d.language = 'de' THEN 'archive_de' ELSE 'archive_en' END"
                f"::regconfig, translate(d.doc ->> 'text', %s, %s), h.query::tsquery, %s) "
                f"FROM unnest(%s::text[], %s::text[]) AS h(key, query) JOIN {TABLE} d ON d.key = h.key",
                ["<>" + MARK_START + MARK_END, "".join(ANGLES.values()), HEADLINE_OPTIONS, keys, queries])
            for key, marked in cursor.fetchall():
                snippets[key] = _snippet_html(marked)
        return snippets


def _like(prefix):
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@functools.cache
def backend():
    return PostgresBackend()


class _Late(Exception):
    """The search's time was up before its next statement."""


def _limit_time(cursor, deadline, settings=""):
    """Give the next statements what is left of the search's time (PostgreSQL cancels them past it).

    The SQL engine cannot stop a statement halfway and keep what it found, so a search past its
    deadline answers with no matches and says so (partial), rather than holding a worker.
    `settings` (more SET statements) go in the same round trip.
    """
    statements = [settings] if settings else []
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Late
        statements.insert(0, f"SET LOCAL statement_timeout = {max(1, math.ceil(left * 1000))}")
    if statements:
        cursor.execute("; ".join(statements))


def _nothing_in_time():
    return SearchResults(total=0, hits=[], facets={name: Counter() for name in FACETS}, partial=True)
