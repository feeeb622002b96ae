"""The Whoosh engine's answer to one search: filters, matching, facets, the page, snippets and suggestions.

Where the rest lives: analysis.py (how text is read), store.py (the index on disk, writing),
searchers.py (this process's searchers), compile.py (query trees), ranking.py (matching and
scores), internals.py (every read of Whoosh's private structures).
"""

import functools
import heapq
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from contextlib import ExitStack, contextmanager
from itertools import chain, islice
from operator import neg

from django.utils.translation import gettext
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq

from archive.search import query as q
from archive.search.snippets import reasons
from archive.search.text import edit_distance, fold
from archive.search.types import FACETS, Hit, SearchResults
from archive.search.whoosh import pairs, passages, ranking, searchers, store
from archive.search.whoosh.analysis import ENGLISH, GERMAN, analyze
from archive.search.whoosh.compile import compile_tree

# What one query may cost (see docs/search.md, "query budgets"): the words its prefix and fuzzy
# parts expand to in the fields a reader names, all parts together, and the time matching may
# take when the caller gives no deadline of its own.
MAX_EXPANSIONS = 2000
MATCH_SECONDS = 0.6
EXPANDED_FIELDS = frozenset({"title_de", "title_en", "body_de", "body_en", "names"})
# A filter holding fewer than one document in this many is matched with the words (see _search_with).
NARROW = 8


def _undated_last(number):
    """Oldest-first sort key: undated records (0) after every date, as elsewhere on the site."""
    return number or 99999999


def _allowed(state, filters):
    """Documents passing the filters, from the per-generation tables, or None for no filter."""
    wanted = []
    for name, values in (("type", filters.types), ("source", filters.sources), ("language", filters.languages)):
        if values:
            wanted.append([f"{name}={value}" for value in values])
    wanted.extend([f"entity={slug}"] for slug in filters.entities)
    dated = filters.date_from or filters.date_to
    if not wanted and not dated:
        return None
    key = ("allowed", filters)
    caches = state.caches
    docs = caches.get(key)  # a bounded cache (archive.bounded.BoundedCache): read once, as another thread may drop it
    if docs is None:
        docs = None
        if wanted:
            docs = set()
            for _reader, offset, tables in state.ranker.leaves:
                postings = tables.postings("facets", searchers.facet_values)
                groups = sorted((set(chain.from_iterable(postings.get(value, ()) for value in group))
                                 for group in wanted), key=len)
                docs.update(offset + docnum for docnum in groups[0].intersection(*groups[1:]))
        if dated:
            low = int(filters.date_from.strftime("%Y%m%d")) if filters.date_from else 1
            high = int(filters.date_to.strftime("%Y%m%d")) if filters.date_to else 29991231
            within = _overlapping(state, low, high)
            docs = within if docs is None else docs & within
        caches[key] = docs  # never changed after this
    return docs


def _overlapping(state, low, high):
    """Documents whose days overlap low..high (numbers as 20010819), as date: in a query does (docs/dating.md):
    beginning by `high` and ending from `low`; undated records (0) never.

    Looked up in the records ordered by their day, kept with the generation's columns (not among the
    bounded filter sets: sorting it again costs more than the test of every record it replaces, 15 ms at
    100,000 records, which the first search of each period paid). Records of one day (most: an article's)
    are a slice of that order; those spanning days (an incident's) are tested one by one."""
    days, ends = searchers.date_column(state), searchers.per_document(state, "date_end", int)
    columns = state.columns
    by_day = columns.get("by day")
    if by_day is None:
        single = sorted((n for n in range(len(days)) if days[n] and ends[n] == days[n]), key=days.__getitem__)
        spanning = array("i", (n for n in range(len(days)) if days[n] and ends[n] != days[n]))
        by_day = columns["by day"] = (array("q", map(days.__getitem__, single)), array("i", single), spanning)
    starts, single, spanning = by_day
    found = set(single[bisect_left(starts, low):bisect_right(starts, high)])
    found.update(n for n in spanning if days[n] <= high and ends[n] >= low)
    return found


# --- snippets and reasons -------------------------------------------------------------

MATCH_LABELS = {"title_de": "title", "title_en": "title", "body_de": "text", "body_en": "text",
                "names": "entity name", "entity": "entity", "compound": "compound word"}


def _matched_terms(terms):
    # Only text fields: numeric fields (dates) hold encoded numbers, not words.
    return sorted({(fieldname, term) for fieldname, term in terms if fieldname in MATCH_LABELS})


def _matched(terms):
    # A compound is indexed reversed (analysis.CompoundFilter): the reader is shown it the right way round.
    return reasons((MATCH_LABELS[fieldname], word[::-1] if fieldname == "compound" else word)
                   for fieldname, word in terms if fieldname in MATCH_LABELS)


# --- suggestions ----------------------------------------------------------------------



def _frequency(state, fieldname, text):
    """reader.doc_frequency() (deleted documents included), from the segments' kept term lookups: the
    words of the query were looked up for matching a moment before."""
    found = 0
    for _reader, _offset, tables in state.ranker.leaves:
        info = tables.term_info(fieldname, text)
        if info is not None:
            found += info.doc_frequency()
    return found


def _known(state, word):
    """The word, or its stem in either language, occurs somewhere in the archive."""
    if _frequency(state, "spell", fold(word)):
        return True
    for fieldname, analyzer in (("body_de", GERMAN), ("body_en", ENGLISH), ("title_de", GERMAN), ("title_en", ENGLISH)):
        stems = analyze(analyzer, word)
        if len(stems) == 1 and _frequency(state, fieldname, stems[0]):
            return True
    return False


def _near_words(state, folded, maxdist):
    """The words of titles and names (the spell field) within `maxdist` edits of `folded` (a swap of
    neighbours one edit), beginning with its first letter.

    Whoosh's terms_within walks the whole field's words through a Python automaton: 0.1 s a word at
    10,000 articles, 0.3 s at 100,000, for every misspelt word. Here each segment's words of that letter
    (read once and kept) are measured in C. A typo seldom falls on the first letter; Lucene's spell
    checker assumes the same (DirectSpellChecker's minPrefix of 1)."""
    found = set()
    for _reader, _offset, tables in state.ranker.leaves:
        found.update(word for word, _, _ in process.extract(
            folded, tables.words("spell", folded[:1]), scorer=OSA.distance, score_cutoff=maxdist, limit=None))
    found.discard(folded)
    return found


def _suggest(state, words, deadline=float("inf")):
    corrections = {}
    for word in words:
        if time.monotonic() > deadline:
            break
        folded = fold(word)
        if len(folded) < 4 or not folded.isalpha() or _known(state, word):
            continue
        maxdist = 1 if len(folded) < 6 else 2
        candidates = _near_words(state, folded, maxdist)
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (edit_distance(folded, c), -_frequency(state, "spell", c), c))
        if analyze(ENGLISH, best) == analyze(ENGLISH, folded) or analyze(GERMAN, best) == analyze(GERMAN, folded):
            continue  # only an inflection of a known word ("modem" for "modems")
        corrections[word] = best.capitalize() if word[:1].isupper() else best
    return corrections


def _facet_counts(state, docnums):
    table = searchers.facet_table(state)
    return Counter(chain.from_iterable(map(table.__getitem__, docnums)))


def _top(scores, count, sort, state):
    """The first `count` document numbers in the requested order; ties go to the older document."""
    if sort == "relevance":
        if count and len(scores) > 8 * count:
            # Many matches: only those scoring at least the count-th best score (floats compared in C) can be
            # among the first, ties included.
            least = heapq.nlargest(count, scores.values())[-1]
            scores = {docnum: score for docnum, score in scores.items() if score >= least}
        # (score, -docnum) pairs compared in C, not through a key function called for every match.
        return [-negated for _, negated in heapq.nlargest(count, zip(scores.values(), map(neg, scores), strict=True))]
    days = searchers.date_column(state)
    if sort == "-date":  # undated records hold 0: last
        key = lambda docnum: (-days[docnum], docnum)  # noqa: E731
    else:
        key = lambda docnum: (_undated_last(days[docnum]), docnum)  # noqa: E731
    if len(scores) * 20 < len(days):
        return heapq.nsmallest(count, scores, key=key)
    # Many hits (browsing by date): walk the index in date order, kept per generation, to the first `count`.
    order = state.caches.get(("order", sort))
    if order is None:
        order = state.caches[("order", sort)] = array("i", sorted(range(len(days)), key=key))
    return list(islice((docnum for docnum in order if docnum in scores), count))


# --- the backend ----------------------------------------------------------------------

class WhooshBackend:
    name = "whoosh"

    def update(self, keys):
        store.update(keys)

    def rebuild(self, *, progress=None):
        return store.rebuild(progress=progress)

    @contextmanager
    def reading(self):
        """One consistent view of the index for the calls inside: see searchers.ReaderPool.holding."""
        with ExitStack() as stack:
            with store.reading_index():  # only taking the searcher: an error of the caller's is its own
                stack.enter_context(searchers.pool.holding())
            yield

    def generation(self):
        with store.reading_index():
            with searchers.pool.reader() as reader:
                return reader.generation.label

    def fingerprints(self):
        """Key -> fingerprint of every indexed document."""
        with store.reading_index():
            with searchers.pool.reader() as reader:
                return {fields_["key"]: fields_["fingerprint"] for fields_ in reader.searcher.all_stored_fields()}

    def fingerprints_of(self, keys):
        """Key -> fingerprint of the indexed documents among `keys` (key strings), looked up by key."""
        found = {}
        with store.reading_index():
            with searchers.pool.reader() as reader:
                searcher = reader.searcher
                for key in keys:
                    number = searcher.document_number(key=key)
                    if number is not None:
                        found[key] = searcher.stored_fields(number)["fingerprint"]
        return found

    def count(self):
        """How many documents the index holds (deleted ones not counted)."""
        with store.reading_index():
            with searchers.pool.reader() as reader:
                return reader.searcher.doc_count()

    def advice(self):
        """An index that grew a few records at a time pairs no common words (pairs.py), so a phrase of them
        is checked word by word, until a rebuild chooses them from the archive: said when a rebuild would."""
        if store.pairs_chosen() or self.count() < pairs.MIN_DOCUMENTS or not store.would_pair():
            return []
        return ["The search index pairs no common words: it grew a few records at a time, and phrases of "
                "common words are slower until `python manage.py rebuild_index` chooses them from the archive "
                "(docs/production.md, \"Start-up and caching\")."]

    def search(self, request):
        compiled = compile_tree(request.tree)
        with store.reading_index():
            return self._search(request, compiled)

    def _search(self, request, compiled):
        with searchers.pool.reader() as reader:
            return self._search_with(reader, request, compiled)

    def _search_with(self, state, request, compiled):
        allowed = _allowed(state, request.filters)
        if allowed is not None and not allowed:
            return SearchResults(total=0, hits=[], facets={name: Counter() for name in FACETS})
        deadline = request.deadline or time.monotonic() + MATCH_SECONDS
        budget = ranking.Budget(terms=MAX_EXPANSIONS, deadline=deadline, counted=EXPANDED_FIELDS)
        start = (request.page - 1) * request.per_page
        lower_bound = False
        try:
            # A phrase of common words: checked best bound first, until the page is certain (ranking.best).
            best = state.ranker.best(compiled, start + request.per_page, allowed, budget) \
                if request.sort == "relevance" else None
            if best is not None:
                found, complete = best
                lower_bound = not complete and not budget.late
            else:
                # A narrow filter read with the words: blocks of their postings holding none of its documents
                # are passed over, and only its documents scored. A wide one (a language) would only be sorted.
                narrow = allowed is not None and len(allowed) * NARROW < state.searcher.doc_count_all()
                found = state.ranker.matches(compiled, within=allowed if narrow else None, budget=budget)
        except ranking.TooBroad as exc:
            written = getattr(exc.query, "written", exc.query.text)
            raise q.QueryError(gettext("“%(part)s” stands for too many words (with the other words ending in * "
                                       "or ~, more than %(most)d); make it longer or less fuzzy.")
                               % {"part": written, "most": MAX_EXPANSIONS}) from None
        scores = found.scores
        if allowed is not None and best is None:
            scores = {docnum: score for docnum, score in scores.items() if docnum in allowed} \
                if len(scores) <= len(allowed) else {docnum: scores[docnum] for docnum in allowed if docnum in scores}
        if isinstance(compiled, wq.Every) and allowed is None:  # everything: the same counts until the index changes
            counts = state.caches.get("all counts")
            if counts is None:
                counts = state.caches["all counts"] = _facet_counts(state, scores)
        else:
            counts = _facet_counts(state, scores)
        facets = {name: Counter() for name in FACETS}
        for value, count in counts.items():
            name, _, facet_value = value.partition("=")
            facets[name][facet_value] = count

        shown = _top(scores, start + request.per_page, request.sort, state)[start:]
        matched = found.terms_of_each(shown)
        docs = [state.ranker.document(docnum) for docnum in shown]
        terms = [_matched_terms(matched[docnum]) for docnum in shown]
        shown_passages = passages.snippets(list(zip(docs, terms, strict=True)))  # the page's hits together
        hits = [Hit(doc=doc, score=float(scores[docnum]), snippet=snippet, matched=_matched(doc_terms))
                for docnum, doc, doc_terms, snippet in zip(shown, docs, terms, shown_passages, strict=True)]

        words = q.plain_words(request.tree)
        # Suggestions are a nicety: a query already out of time goes without them.
        late = budget.over_time()
        suggestion_words = _suggest(state, words, deadline) if words and not late else {}
        return SearchResults(total=len(scores), hits=hits, facets=facets, suggestion_words=suggestion_words,
                             partial=budget.late, total_is_lower_bound=lower_bound)


@functools.cache
def backend():
    return WhooshBackend()
