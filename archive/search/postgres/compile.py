"""A query tree (archive.search.query) -> SQL conditions and tsquery text over archive_searchdocument.

A query tree is compiled twice, for German and for English documents, into tsquery
text built from lexemes (stemmed in one round trip with ts_lexize), joined with SQL
conditions for entity, source, language, type and dates. Proximity ("a b"~3) becomes
"each word followed by the next within three positions", checked pair by pair: it can
accept a document whose pairs sit in different places, which Whoosh would not.
"""

import json
import re

from archive.search import query as q
from archive.search.text import edit_distance, fold

WORDS = "archive_searchword"
STEMMERS = {"de": "archive_german_stem", "en": "archive_english_stem"}
TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
MAX_TOKEN = 100
COMPOUND_PART_MIN = 4
# A fuzzy word's ranking candidates come from the query word and its few nearest neighbours only
# (ranking.py): the RUM index orders those cheaply, where the OR of all twenty to a hundred
# neighbours makes it weigh every document any of them finds. Matches and counts keep every neighbour.
FUZZY_RANK_WORDS = 4
# Past this share of the documents a neighbour is not one of those nearest words ("them~" finding "the",
# in 80% of them): the index would order every document it is in, and its weight in Whoosh's BM25F is
# small (its idf), so the documents found only through it rank low there. It still matches and scores.
COMMON_NEIGHBOUR_SHARE = 0.2


def tokens(text):
    return [token for token in TOKEN.findall(text) if len(token) <= MAX_TOKEN]


def quote_lexeme(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(parts):
    parts = [part for part in dict.fromkeys(parts) if part]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


class Lexicon:
    """Stems and fuzzy neighbours of query words, fetched in one round trip after a dry compile."""

    def __init__(self):
        self.stems = {}      # (lang, folded word) -> stem
        self.near = {}       # (word, edits) -> vocabulary words within that many edits
        self.common = set()  # fuzzy neighbours in more than COMMON_NEIGHBOUR_SHARE of the documents
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
            self._fill_common(cursor)

    def _fill_common(self, cursor):
        """The neighbours in more than COMMON_NEIGHBOUR_SHARE of the documents, from the planner's statistics
        of the vectors (their most common elements, down to about 2%): nothing is counted."""
        words = sorted({word for found in self.near.values() for word in found})
        cursor.execute(
            "SELECT u.elem FROM pg_stats p, unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) "
            "AS u(elem, freq) WHERE p.schemaname = current_schema() AND p.tablename = 'archive_searchdocument' "
            "AND p.attname = 'vec' AND u.freq > %s AND u.elem = ANY(%s)", [COMMON_NEIGHBOUR_SHARE, words])
        self.common = {word for (word,) in cursor.fetchall()}


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
        self.narrow = []     # (a fuzzy word's tsquery text, that of its nearest words): where candidates come from
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
            parts.append(f"{quote_lexeme(stem)}:{weights}")
            self._note(stem, False, weights)
        if names and "B" not in weights:
            name = fold(token)
            parts.append(f"{quote_lexeme(name)}:B")
            self._note(name, False, "B")
        return parts, stems

    def _phrase_tsq(self, toks, weights, slop, names=True):
        if len(toks) == 1:
            parts, _ = self._word(toks[0], weights, names=names)
            return any_of(parts)
        chains = []
        text_lexemes = [self.lexicon.stem(self.lang, fold(t, digraphs=self.digraphs)) for t in toks]
        for lexeme in text_lexemes:
            self._note(lexeme, False, weights)
        chains.append(_chain([f"{quote_lexeme(x)}:{weights}" for x in text_lexemes], slop))
        if names:
            name_lexemes = [fold(t) for t in toks]
            for lexeme in name_lexemes:
                self._note(lexeme, False, "B")
            chains.append(_chain([f"{quote_lexeme(x)}:B" for x in name_lexemes], slop))
        return any_of(chains)

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
            parts = [f"{quote_lexeme(fold(node.text, digraphs=self.digraphs))}:*{weights}"]
            self._note(fold(node.text, digraphs=self.digraphs), True, weights)
            if names:
                parts.append(f"{quote_lexeme(fold(node.text))}:*B")
                self._note(fold(node.text), True, "B")
            return self._tsq(any_of(parts))
        if len(toks) > 1:
            return self._tsq(self._phrase_tsq(toks, weights, 0, names))
        if node.fuzzy:
            stem = self.lexicon.stem(self.lang, fold(toks[0], digraphs=self.digraphs))
            probes = {stem, fold(toks[0])}
            found = {word for probe in probes for word in self.lexicon.neighbours(probe, node.fuzzy)} | probes
            field_weights = "A" if node.field == "title" else "ABC"
            for word in sorted(found):
                self._note(word, False, field_weights)
            text = any_of([f"{quote_lexeme(word)}:{field_weights}" for word in sorted(found)])
            # The query word itself always, a very common neighbour never.
            near = [word for word in found if word in probes or word not in self.lexicon.common]
            nearest = sorted(near, key=lambda word: (min(edit_distance(probe, word) for probe in probes),
                                                    word not in probes, word))[:FUZZY_RANK_WORDS]
            few = any_of([f"{quote_lexeme(word)}:{field_weights}" for word in sorted(nearest)])
            if not self.negated and few != text:
                self.narrow.append((text, few))
            return self._tsq(text)
        parts, stems = self._word(toks[0], weights, variants=True, names=names)
        if names:
            german = [self.lexicon.stem("de", fold(form, digraphs=True)) for form in (toks[0], toks[0] + "s",
                                                                                     toks[0] + "en")]
            for stem in dict.fromkeys(german):
                if len(stem) >= COMPOUND_PART_MIN:
                    parts.append(f"{quote_lexeme(stem[::-1])}:*D")
                    self._note(stem[::-1], True, "D")
        return self._tsq(any_of(parts))

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
        return _chain([f"{quote_lexeme(x)}:B" for x in names], 0)

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
        return _or([tagged, self._tsq(any_of(phrases))])

    def translated(self, node):
        # The words as written; a counterpart only for documents of its own language. ts_rank averages
        # over the query's lexemes, so a document matched only through a counterpart ranks below one
        # matching the words as written (search/crosslang.py).
        counterparts = [self.compile(t.node()) for t in node.translations if t.lang == self.lang]
        return _or([self.compile(node.original)] + counterparts)

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
        if isinstance(node, q.Translated):
            return self.translated(node)
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


def compile_both(cursor, tree):
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
    """Dated documents whose days overlap start to end (either may be None): SQL conditions and parameters.

    A record's last day (a month's, a range's; none for an open range) is its document's date_end."""
    conditions, params = ["d.date IS NOT NULL"], []
    if start:
        conditions.append("(d.date >= %s OR COALESCE((d.doc->>'date_end')::date, 'infinity') >= %s)")
        params.extend([start, start])
    if end:
        conditions.append("d.date <= %s")
        params.append(end)
    return conditions, params


def where_sql(exprs, filters):
    """The condition on documents as branches [(language or None, sql, params)], one per language
    when the German and English queries differ. Branches, not one OR of both: in a branch, `vec @@
    query` stays a condition the index answers by itself, so no match's vector need be read."""
    de_sql, de_params = exprs["de"].as_sql()
    en_sql, en_params = exprs["en"].as_sql()
    more, more_params = _filters_sql(filters)
    if (de_sql, de_params) == (en_sql, en_params):
        return [(None, " AND ".join([de_sql, *more]), de_params + more_params)]
    return [("de", " AND ".join(["d.language = 'de'", de_sql, *more]), de_params + more_params),
            ("en", " AND ".join(["d.language <> 'de'", en_sql, *more]), en_params + more_params)]
