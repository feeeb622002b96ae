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

A query tree is compiled twice, for German and for English documents, into tsquery
text built from lexemes (stemmed in one round trip with ts_lexize), joined with SQL
conditions for entity, source, language, type and dates. Proximity ("a b"~3) becomes
"each word followed by the next within three positions", checked pair by pair: it can
accept a document whose pairs sit in different places, which Whoosh would not.

Writes are plain upserts in one transaction: every process sees them as soon as they
commit. A sequence counts writes; its value is the generation that caches key on.
"""

import functools
import html
import json
import re
from collections import Counter

from django.db import connection, transaction

from archive.search import documents
from archive.search import query as q
from archive.search.text import edit_distance, fold
from archive.search.types import Hit, SearchResults, SearchUnavailable

TABLE = "archive_searchdocument"
WORDS = "archive_searchword"
CONFIGS = {"de": "archive_de", "en": "archive_en"}
STEMMERS = {"de": "archive_german_stem", "en": "archive_english_stem"}
# {D, C, B, A}: compounds 0.5, text 1, entity names 2, title 3, as the Whoosh field boosts.
RANK_WEIGHTS = "{0.1667,0.3333,0.6667,1.0}"
TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
MAX_TOKEN = 100
COMPOUND_PART_MIN = 4
FACETS = ("type", "entity", "source", "year", "month", "language")
BATCH = 500
MATCH_LABELS = {"A": "title", "B": "entity name", "C": "text", "D": "compound word"}
MARK_START, MARK_END = "\ue000", "\ue001"
# The parser takes <...> for markup and ts_headline drops it: angle brackets go through in disguise.
ANGLES = {"<": "\ue002", ">": "\ue003"}
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")
TYPE_ORDER = "CASE type WHEN 'article' THEN 0 WHEN 'event' THEN 1 ELSE 2 END"


def _require_postgres():
    if connection.vendor != "postgresql":
        raise SearchUnavailable(
            "ARCHIVE_SEARCH_BACKEND=postgres needs a PostgreSQL database (DATABASE_URL); "
            f"this one is {connection.vendor}"
        )


def tokens(text):
    return [token for token in TOKEN.findall(text) if len(token) <= MAX_TOKEN]


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


# --- compiling a query tree -------------------------------------------------------------

def _lexeme(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _any(parts):
    parts = [part for part in dict.fromkeys(parts) if part]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


class Lexicon:
    """Stems and fuzzy neighbours of query words, fetched in one round trip after a dry compile."""

    def __init__(self):
        self.stems = {}      # (lang, folded word) -> stem
        self.near = {}       # (word, edits) -> vocabulary words within that many edits
        self.missing_stems = set()
        self.missing_near = set()

    def stem(self, lang, word):
        found = self.stems.get((lang, word))
        if found is None:
            self.missing_stems.add((lang, word))
            return word
        return found

    def neighbours(self, word, edits):
        found = self.near.get((word, edits))
        if found is None:
            self.missing_near.add((word, edits))
            return ()
        return found

    def fill(self, cursor):
        if self.missing_stems:
            pairs = sorted(self.missing_stems)
            cursor.execute(
                "SELECT w.lang, w.word, (ts_lexize(CASE w.lang WHEN 'de' THEN %s ELSE %s END::regdictionary, "
                "w.word))[1] FROM unnest(%s::text[], %s::text[]) AS w(lang, word)",
                [STEMMERS["de"], STEMMERS["en"], [p[0] for p in pairs], [p[1] for p in pairs]])
            for lang, word, stem in cursor.fetchall():
                self.stems[(lang, word)] = stem or word
            self.missing_stems.clear()
        if self.missing_near:
            cursor.execute("SET pg_trgm.similarity_threshold = 0.2")
            for word, edits in sorted(self.missing_near):
                cursor.execute(
                    f"SELECT word FROM {WORDS} WHERE kind = 'l' AND word %% %s AND left(word, 1) = left(%s, 1) "
                    "AND abs(length(word) - length(%s)) <= %s ORDER BY similarity(word, %s) DESC LIMIT 200",
                    [word, word, word, edits, word])
                self.near[(word, edits)] = tuple(
                    found for (found,) in cursor.fetchall() if edit_distance(word, found) <= edits)
            self.missing_near.clear()


class Expr:
    """Either tsquery text (`tsq`) or an SQL condition with parameters."""

    def __init__(self, tsq=None, sql=None, params=()):
        self.tsq, self.sql, self.params = tsq, sql, list(params)

    def as_sql(self):
        if self.tsq is not None:
            return "d.vec @@ %s::tsquery", [self.tsq]
        return self.sql, self.params


FALSE = Expr(sql="FALSE")
TRUE = Expr(sql="TRUE")


class Compiler:
    """One query tree -> one condition for the documents of one language (de or en)."""

    def __init__(self, lang, lexicon):
        self.lang, self.lexicon = lang, lexicon
        self.digraphs = lang == "de"
        self.rank = []       # tsquery parts that count for the score (not under NOT)
        self.terms = []      # (lexeme, prefix, weights) that may show why a document matched
        self.entities = []   # entity slugs asked for
        self.negated = 0

    def _note(self, lexeme, prefix, weights):
        if not self.negated:
            self.terms.append((lexeme, prefix, weights))

    def _word(self, token, weights, *, variants=False, names=True):
        """One word: its stem(s) in the text fields, folded in the name field."""
        folded = fold(token, digraphs=self.digraphs)
        forms = [folded, fold(token + "s", digraphs=True), fold(token + "en", digraphs=True)] \
            if variants and self.lang == "de" else [folded]
        stems = list(dict.fromkeys(self.lexicon.stem(self.lang, form) for form in forms))
        parts = []
        for stem in stems:
            parts.append(f"{_lexeme(stem)}:{weights}")
            self._note(stem, False, weights)
        if names and "B" not in weights:
            name = fold(token)
            parts.append(f"{_lexeme(name)}:B")
            self._note(name, False, "B")
        return parts, stems

    def _phrase_tsq(self, toks, weights, slop, names=True):
        if len(toks) == 1:
            parts, _ = self._word(toks[0], weights, names=names)
            return _any(parts)
        chains = []
        text_lexemes = [self.lexicon.stem(self.lang, fold(t, digraphs=self.digraphs)) for t in toks]
        for lexeme in text_lexemes:
            self._note(lexeme, False, weights)
        chains.append(_chain([f"{_lexeme(x)}:{weights}" for x in text_lexemes], slop))
        if names:
            name_lexemes = [fold(t) for t in toks]
            for lexeme in name_lexemes:
                self._note(lexeme, False, "B")
            chains.append(_chain([f"{_lexeme(x)}:B" for x in name_lexemes], slop))
        return _any(chains)

    def _tsq(self, text):
        if not text:
            return FALSE
        if not self.negated:
            self.rank.append(text)
        return Expr(tsq=text)

    def term(self, node):
        weights = "A" if node.field == "title" else "AC"
        names = node.field is None
        toks = tokens(node.text)
        if not toks:
            return FALSE
        if node.prefix:
            parts = [f"{_lexeme(fold(node.text, digraphs=self.digraphs))}:*{weights}"]
            self._note(fold(node.text, digraphs=self.digraphs), True, weights)
            if names:
                parts.append(f"{_lexeme(fold(node.text))}:*B")
                self._note(fold(node.text), True, "B")
            return self._tsq(_any(parts))
        if len(toks) > 1:
            return self._tsq(self._phrase_tsq(toks, weights, 0, names))
        if node.fuzzy:
            stem = self.lexicon.stem(self.lang, fold(toks[0], digraphs=self.digraphs))
            probes = {stem, fold(toks[0])}
            found = {word for probe in probes for word in self.lexicon.neighbours(probe, node.fuzzy)} | probes
            field_weights = "A" if node.field == "title" else "ABC"
            for word in sorted(found):
                self._note(word, False, field_weights)
            return self._tsq(_any([f"{_lexeme(word)}:{field_weights}" for word in sorted(found)]))
        parts, stems = self._word(toks[0], weights, variants=True, names=names)
        if names:
            german = [self.lexicon.stem("de", fold(form, digraphs=True)) for form in (toks[0], toks[0] + "s",
                                                                                     toks[0] + "en")]
            for stem in dict.fromkeys(german):
                if len(stem) >= COMPOUND_PART_MIN:
                    parts.append(f"{_lexeme(stem[::-1])}:*D")
                    self._note(stem[::-1], True, "D")
        return self._tsq(_any(parts))

    def phrase(self, node):
        weights = "A" if node.field == "title" else "AC"
        toks = [t for word in node.words for t in tokens(word)]
        if not toks:
            return FALSE
        return self._tsq(self._phrase_tsq(toks, weights, node.slop, names=node.field is None))

    def names_phrase(self, text):
        toks = tokens(text)
        if not toks:
            return None
        names = [fold(t) for t in toks]
        for lexeme in names:
            self._note(lexeme, False, "B")
        return _chain([f"{_lexeme(x)}:B" for x in names], 0)

    def match(self, node):
        if node.field in ("type", "lang", "source"):
            column = {"type": "d.type", "lang": "d.language", "source": "d.source"}[node.field]
            value = node.value.lower() if node.field == "source" else node.value
            return Expr(sql=f"{column} = %s", params=[value])
        slug = node.value.lower()
        if not self.negated:
            self.entities.append(slug)
        names = self.names_phrase(node.value)
        tagged = Expr(sql="d.entities @> %s::jsonb", params=[json.dumps([slug])])
        return _or([tagged, self._tsq(names)]) if names else tagged

    def alias(self, node):
        if not self.negated:
            self.entities.append(node.entity)
        tagged = Expr(sql="d.entities @> %s::jsonb", params=[json.dumps([node.entity])])
        phrases = [self._phrase_tsq([t for w in name.split() for t in tokens(w)], "AC", 0)
                   for name in node.names if tokens(name)]
        return _or([tagged, self._tsq(_any(phrases))])

    def date_range(self, node):
        conditions, params = _date_conditions(node.start, node.end)
        return Expr(sql="(" + " AND ".join(conditions) + ")", params=params)

    def compile(self, node):
        if node is None:
            return TRUE
        if isinstance(node, q.And):
            return _and([self.compile(item) for item in node.items])
        if isinstance(node, q.Or):
            return _or([self.compile(item) for item in node.items])
        if isinstance(node, q.Not):
            self.negated += 1
            try:
                inner = self.compile(node.item)
            finally:
                self.negated -= 1
            if inner.tsq is not None:
                return Expr(tsq=f"!({inner.tsq})")
            sql, params = inner.as_sql()
            return Expr(sql=f"NOT ({sql})", params=params)
        if isinstance(node, q.Term):
            return self.term(node)
        if isinstance(node, q.Phrase):
            return self.phrase(node)
        if isinstance(node, q.Match):
            return self.match(node)
        if isinstance(node, q.DateRange):
            return self.date_range(node)
        if isinstance(node, q.Alias):
            return self.alias(node)
        raise TypeError(f"cannot compile {node!r}")


def _chain(items, slop):
    if len(items) == 1:
        return items[0]
    if slop <= 1:
        return "(" + " <-> ".join(items) + ")"
    pairs = []
    for left, right in zip(items, items[1:], strict=False):
        pairs.append("(" + " | ".join(f"{left} <{gap}> {right}" for gap in range(1, slop + 1)) + ")")
    return "(" + " & ".join(pairs) + ")"


def _and(exprs):
    if any(e is FALSE for e in exprs):
        return FALSE
    exprs = [e for e in exprs if e is not TRUE]
    if not exprs:
        return TRUE
    tsqs = [e.tsq for e in exprs if e.tsq is not None]
    sqls = [e for e in exprs if e.tsq is None]
    if not sqls:
        return Expr(tsq="(" + " & ".join(tsqs) + ")")
    parts, params = [], []
    if tsqs:
        parts.append("d.vec @@ %s::tsquery")
        params.append("(" + " & ".join(tsqs) + ")")
    for e in sqls:
        parts.append(e.sql)
        params.extend(e.params)
    return Expr(sql="(" + " AND ".join(parts) + ")", params=params)


def _or(exprs):
    if any(e is TRUE for e in exprs):
        return TRUE
    exprs = [e for e in exprs if e is not FALSE]
    if not exprs:
        return FALSE
    if all(e.tsq is not None for e in exprs):
        return Expr(tsq="(" + " | ".join(e.tsq for e in exprs) + ")")
    parts, params = [], []
    for e in exprs:
        sql, more = e.as_sql()
        parts.append(sql)
        params.extend(more)
    return Expr(sql="(" + " OR ".join(parts) + ")", params=params)


def _compile_both(cursor, tree):
    """Compilers for German and English documents, with every stem and neighbour looked up."""
    lexicon = Lexicon()
    # Pass one finds the words to stem, pass two the stems whose fuzzy neighbours to fetch.
    while True:
        compilers = {lang: Compiler(lang, lexicon) for lang in ("de", "en")}
        exprs = {lang: compiler.compile(tree) for lang, compiler in compilers.items()}
        if not (lexicon.missing_stems or lexicon.missing_near):
            return compilers, exprs
        lexicon.fill(cursor)


def _filters_sql(filters):
    parts, params = [], []
    for column, values in (("d.type", filters.types), ("d.source", filters.sources),
                           ("d.language", filters.languages)):
        if values:
            parts.append(f"{column} = ANY(%s)")
            params.append(list(values))
    for slug in filters.entities:
        parts.append("d.entities @> %s::jsonb")
        params.append(json.dumps([slug]))
    if filters.date_from or filters.date_to:
        conditions, dates = _date_conditions(filters.date_from, filters.date_to)
        parts.extend(conditions)
        params.extend(dates)
    return parts, params


def _date_conditions(start, end):
    """Dated documents from start to end (either may be None): SQL conditions and their parameters."""
    conditions, params = ["d.date IS NOT NULL"], []
    if start:
        conditions.append("d.date >= %s")
        params.append(start)
    if end:
        conditions.append("d.date <= %s")
        params.append(end)
    return conditions, params


def _where(exprs, filters):
    de_sql, de_params = exprs["de"].as_sql()
    en_sql, en_params = exprs["en"].as_sql()
    if (de_sql, de_params) == (en_sql, en_params):
        parts, params = [de_sql], list(de_params)
    else:
        parts = [f"((d.language = 'de' AND {de_sql}) OR (d.language <> 'de' AND {en_sql}))"]
        params = de_params + en_params
    more, more_params = _filters_sql(filters)
    return " AND ".join(parts + more), params + more_params


# --- snippets, reasons, suggestions ------------------------------------------------------

def _lead(text, size=200):
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


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

    def search(self, request):
        _require_postgres()
        with connection.cursor() as cursor:
            compilers, exprs = _compile_both(cursor, request.tree)
            where, params = _where(exprs, request.filters)
            facets, total, ranked = self._matches(cursor, request, compilers, where, params)
            hits = self._hits(cursor, ranked, compilers) if ranked else []
            query_words = [node.text for node in q.walk(request.tree)
                           if isinstance(node, q.Term) and not node.prefix and node.field in (None, "title")]
            suggestion_words = _suggest(cursor, query_words) if query_words else {}
        return SearchResults(total=total, hits=hits, facets=facets, suggestion_words=suggestion_words)

    def _matches(self, cursor, request, compilers, where, params):
        """Facet counts, the total and the page's keys with their scores, from one pass over the matches:
        each match's vector is read (and unpacked from TOAST) once, for the condition and the rank together."""
        score, score_params = self._score(compilers)
        if request.sort == "relevance":
            order = f"score DESC, {TYPE_ORDER}, record_pk"
        else:
            order = f"date {'DESC' if request.sort == '-date' else 'ASC'} NULLS LAST, {TYPE_ORDER}, record_pk"
        cursor.execute(f"""
            WITH m AS MATERIALIZED (
                SELECT d.key, d.type, d.source, d.language, d.date, d.date_precision, d.entities, d.record_pk,
                       {score} AS score
                FROM {TABLE} d WHERE {where})
            SELECT 'type', type, count(*), NULL::float8 FROM m GROUP BY type
            UNION ALL SELECT 'source', source, count(*), NULL FROM m WHERE source <> '' GROUP BY source
            UNION ALL SELECT 'language', language, count(*), NULL FROM m WHERE language <> '' GROUP BY language
            UNION ALL SELECT 'year', to_char(date, 'YYYY'), count(*), NULL FROM m WHERE date IS NOT NULL GROUP BY 2
            UNION ALL SELECT 'month', to_char(date, 'YYYY-MM'), count(*), NULL FROM m
                      WHERE date IS NOT NULL AND date_precision IN ('day', 'month') GROUP BY 2
            UNION ALL SELECT 'entity', e, count(*), NULL FROM m, jsonb_array_elements_text(m.entities) e GROUP BY e
            UNION ALL (SELECT 'hit', key, row_number() OVER (ORDER BY {order}), score FROM m
                       ORDER BY {order} LIMIT %s OFFSET %s)
        """, score_params + params + [request.per_page, (request.page - 1) * request.per_page])
        facets = {name: Counter() for name in FACETS}
        ranked = []
        for name, value, count, score_value in cursor.fetchall():
            if name == "hit":
                ranked.append((count, value, float(score_value)))
            else:
                facets[name][value] = count
        return facets, sum(facets["type"].values()), [(key, score_value) for _, key, score_value in sorted(ranked)]

    def _score(self, compilers):
        rank_de = _any(compilers["de"].rank)
        rank_en = _any(compilers["en"].rank)
        if rank_de or rank_en:
            score = (f"ts_rank('{RANK_WEIGHTS}', d.vec, CASE WHEN d.language = 'de' THEN %s::tsquery "
                     "ELSE %s::tsquery END, 1)")
            score_params = [rank_de or "", rank_en or ""]
        else:
            score, score_params = "0.0", []
        for slug in dict.fromkeys(compilers["en"].entities):
            # A tagged entity the query names counts, as the boosted entity term in Whoosh, and the
            # entity's own record (tagged with itself) counts again: "Code Red" finds Code Red first.
            score += (" + CASE WHEN d.entities @> %s::jsonb THEN 0.1 ELSE 0 END"
                      " + CASE WHEN d.type = 'entity' AND d.entities @> %s::jsonb THEN 0.1 ELSE 0 END")
            score_params.extend([json.dumps([slug])] * 2)
        return score, score_params

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
            reasons = []
            for lexeme, weights in matched.get(key, []):
                for weight in weights:
                    term = lexeme[::-1] if weight == "D" else lexeme
                    reasons.append({"field": MATCH_LABELS[weight], "term": term})
            reasons.extend({"field": "entity", "term": slug} for slug in entities if slug in doc["entities"])
            unique = []
            for reason in reasons:
                if reason not in unique:
                    unique.append(reason)
            hits.append(Hit(doc=doc, score=score, snippet=snippets[key], matched=unique))
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
                queries.append(" | ".join(_lexeme(lexeme) for lexeme in body))
            else:
                snippets[key] = "" if doc["type"] == "entity" else html.escape(_lead(doc["text"]))
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
