"""A query tree (archive.search.query) -> a Whoosh query over the fields of analysis.py."""

import contextvars

from whoosh import query as wq

from archive.search import query as q
from archive.search.text import fold
from archive.search.whoosh import analysis, internals
from archive.search.whoosh.analysis import ENGLISH, GERMAN, NAMES, OPEN_END
from archive.search.whoosh.counterparts import Counterpart

TEXT_FIELDS = (("title_de", GERMAN), ("title_en", ENGLISH), ("body_de", GERMAN), ("body_en", ENGLISH),
               ("names", NAMES))
TITLE_FIELDS = (("title_de", GERMAN), ("title_en", ENGLISH))


_ANALYSED = {}  # (analyser's id, text) -> words; the analysers are the module's own, never freed
# The fields a part of the query is compiled for (None: all): a counterpart's in its own language only, where
# analysing it for the other language's fields (German stems and compounds of an English word) was thrown away.
_FIELDS = contextvars.ContextVar("fields", default=None)


def _compiled_for(fieldname):
    fields = _FIELDS.get()
    return fields is None or fieldname in fields


def _wanted(field_list):
    return [(name, analyzer) for name, analyzer in field_list if _compiled_for(name)]


def analyze(analyzer, text):
    """The words of `text` as the field's analyser indexes them, kept for the next query with
    the same words (a word's part of the query is analysed up to nine times)."""
    key = (id(analyzer), text)
    words = _ANALYSED.get(key)
    if words is None:
        if len(_ANALYSED) > 10_000:
            _ANALYSED.clear()
        words = _ANALYSED[key] = tuple(analysis.analyze(analyzer, text))
    return words


def _words_query(fieldname, words, slop=1):
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(fieldname, words[0])
    return wq.Phrase(fieldname, list(words), slop=max(1, slop))


def _any(queries):
    queries = [query for query in queries if query is not None]
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _german_stems(text):
    """Stems of a word and of its commonest inflections: the German stemmer cuts "Modem" to "mod"
    but "Modems" to "modem", so a query asks for both."""
    stems = []
    for form in (text, text + "s", text + "en"):
        for stem in analyze(GERMAN, form):
            if stem not in stems:
                stems.append(stem)
    return stems if len(analyze(GERMAN, text)) == 1 else analyze(GERMAN, text)


def _term(node):
    field_list = _wanted(TITLE_FIELDS if node.field == "title" else TEXT_FIELDS)
    parts = []
    for fieldname, analyzer in field_list:
        if node.prefix:
            base = fold(node.text.lower(), digraphs=analyzer is not ENGLISH)
            parts.append(_written_as(wq.Prefix(fieldname, base), f"{node.text}*"))
            continue
        words = analyze(analyzer, node.text)
        if node.fuzzy and len(words) == 1:
            fuzzy = wq.FuzzyTerm(fieldname, words[0], maxdist=node.fuzzy, prefixlength=1)
            parts.append(_written_as(fuzzy, f"{node.text}~{node.fuzzy}"))
        elif analyzer is GERMAN and len(words) == 1:
            parts.extend(wq.Term(fieldname, stem) for stem in _german_stems(node.text))
        else:
            parts.append(_words_query(fieldname, words))
    if node.field is None and not node.prefix and not node.fuzzy and _compiled_for("compound") \
            and len(analyze(GERMAN, node.text)) == 1:
        for stem in _german_stems(node.text):
            if len(stem) >= analysis.COMPOUND_PART_MIN:
                parts.append(wq.Prefix("compound", stem[::-1]))
    return _any(parts)


def _written_as(query, text):
    # What the reader wrote, for a refusal to name: the compiled query holds the folded word.
    query.written = text
    return query


def _phrase(node, field_list=None):
    text = " ".join(node.words)
    field_list = _wanted(field_list or (TITLE_FIELDS if node.field == "title" else TEXT_FIELDS))
    parts = []
    for fieldname, analyzer in field_list:
        words = analyze(analyzer, text)
        if len(words) == 1:
            parts.append(wq.Term(fieldname, words[0]))
        elif words:
            parts.append(wq.Phrase(fieldname, list(words), slop=max(1, node.slop)))
    return _any(parts)


def _match(node):
    value = node.value
    if node.field == "type":
        return wq.Term("type", value)
    if node.field == "lang":
        return wq.Term("lang", value)
    if node.field == "source":
        return wq.Term("source", value.lower())
    # entity: a slug, or any words of an entity's names
    return _any([wq.Term("entity", value.lower()), _phrase(q.Phrase(tuple(value.split())), (("names", NAMES),))])


def _date_range(node):
    # A record matches when its days overlap the window: it starts by the window's end, ends from its start.
    start = int(node.start.strftime("%Y%m%d")) if node.start else 1
    end = int(node.end.strftime("%Y%m%d")) if node.end else OPEN_END
    return wq.And([wq.NumericRange("date", 1, end), wq.NumericRange("date_end", start, OPEN_END)])


def _alias(node):
    parts = [wq.Term("entity", node.entity, boost=2.0)]
    for name in node.names:
        parts.append(_phrase(q.Phrase(tuple(name.split()))))
    return _any(parts)


_LANGUAGE_FIELDS = {"de": frozenset({"title_de", "body_de", "compound"}), "en": frozenset({"title_en", "body_en"})}


def _translated(node):
    # The words as written, and each counterpart in the other language weighed below them, in the text of
    # its own language only: a record in the query's language scores as without them (search/crosslang.py),
    # one in the other language by that language's figures on the query language's scale (counterparts.py).
    counterparts = [wq.Or([Counterpart(_in_fields(_compiled_in(t.node(), _LANGUAGE_FIELDS[t.lang]),
                                                  _LANGUAGE_FIELDS[t.lang]), t.lang)], boost=t.weight)
                    for t in node.translations]
    return _any([compile_tree(node.original)] + counterparts)


def _compiled_in(node, fields):
    """compile_tree(node) for those fields only (what _in_fields then keeps of the whole)."""
    token = _FIELDS.set(fields)
    try:
        return compile_tree(node)
    finally:
        _FIELDS.reset(token)


def _in_fields(query, fields):
    if isinstance(query, wq.And | wq.Or):
        kept = [_in_fields(sub, fields) for sub in query.subqueries]
        if isinstance(query, wq.And) and wq.NullQuery in kept:
            return wq.NullQuery
        kept = [sub for sub in kept if sub is not wq.NullQuery]
        return type(query)(kept, boost=query.boost) if kept else wq.NullQuery
    return query if getattr(query, "fieldname", None) in fields else wq.NullQuery


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return internals.AndNotMatcher(self.a.matcher(searcher, context), excluded)


def compile_tree(node):
    if node is None:
        return wq.Every()
    if isinstance(node, q.And):
        positive = [compile_tree(item) for item in node.items if not isinstance(item, q.Not)]
        negative = [compile_tree(item.item) for item in node.items if isinstance(item, q.Not)]
        result = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
        for item in negative:
            result = _AndNot(result, item)
        return result
    if isinstance(node, q.Or):
        return wq.Or([compile_tree(item) for item in node.items])
    if isinstance(node, q.Not):
        return _AndNot(wq.Every(), compile_tree(node.item))
    if isinstance(node, q.Term):
        return _term(node)
    if isinstance(node, q.Phrase):
        return _phrase(node)
    if isinstance(node, q.Match):
        return _match(node)
    if isinstance(node, q.DateRange):
        return _date_range(node)
    if isinstance(node, q.Alias):
        return _alias(node)
    if isinstance(node, q.Translated):
        return _translated(node)
    raise TypeError(f"cannot compile {node!r}")
