"""Matching and scoring a compiled Whoosh query from posting blocks, for the Whoosh backend.

Over 400 lines as one piece: the Ranker's evaluation methods recurse into each other over the
query tree and share one budget, and the per-segment tables are what they read.

Whoosh's collectors step through every matching document one at a time and score it
through a tree of matchers, all in Python: a common word in 100k articles cost 100-300 ms.
Here each term's postings are read a block at a time (ids and weights come as arrays),
scored with the same BM25F as Whoosh (same idf, field lengths, boosts and sums) and
added into one dict per query. Phrases are checked from positions read the same way;
a kind of query not handled here goes through Whoosh's own matchers.

The result keeps which terms matched each document: what the snippets mark and what
"why it matched" reports.

Reading blocks uses the internals of Whoosh's posting reader (W3LeafMatcher), which is why
Whoosh-Reloaded is pinned exactly: every such read is in internals.py, checked by
tests/test_search_whoosh_internals.py; tests/test_search_whoosh_ranking.py compares every
kind of query with Whoosh's own results.
"""

import array
import math
import sys
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from pickle import loads

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import fields
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from archive.search.whoosh import bestfirst, counterparts, internals, pairs

K1 = 1.2  # Whoosh's BM25F defaults, so scores stay what Whoosh's own search gave
B = 0.75
NULL = type(wq.NullQuery)
_WORD_FIELDS = (fields.TEXT, fields.ID, fields.KEYWORD)  # their words are their UTF-8 bytes
# A phrase whose rarest word is in fewer documents is checked whole: its total stays exact.
EARLY_STOP_CANDIDATES = 5000


@dataclass
class Matches:
    """Documents (global numbers) with their scores, and which terms produced them."""

    scores: dict
    # (fieldname, text, [dicts]): the term matched a document found in every one of the dicts.
    terms: list = field(default_factory=list)

    def terms_of(self, docnum):
        return [(fieldname, text) for fieldname, text, within in self.terms
                if all(docnum in scores for scores in within)]

    def terms_of_each(self, docnums):
        """terms_of() of each of the documents, in one pass over the terms: a German word's compounds
        make a hundred terms or more, most of them in none of a page's documents."""
        terms = {docnum: [] for docnum in docnums}
        wanted = set(docnums)
        for fieldname, text, within in self.terms:
            for docnum in wanted.intersection(within[0]) if within else docnums:
                if all(docnum in scores for scores in within[1:]):
                    terms[docnum].append((fieldname, text))
        return terms


class TooBroad(Exception):
    """A prefix or fuzzy word of the query expands to more words than the budget allows."""

    def __init__(self, query):
        super().__init__(query)
        self.query = query


@dataclass
class Budget:
    """What one query may cost: words its prefix and fuzzy parts expand to (together), and a time.

    `terms` counts expansions in the fields a reader's query names (see `counted`); `deadline`
    is time.monotonic() past which matching stops and keeps what it has (`late` is then set).
    """

    terms: int = 10**9
    deadline: float = float("inf")
    counted: frozenset = frozenset()  # fields whose expansions count; others are bounded by the deadline only
    spent: int = 0
    late: bool = False

    def over_time(self):
        if not self.late and time.monotonic() > self.deadline:
            self.late = True
        return self.late


class SegmentTables:
    """What a segment holds per document, read once: a segment never changes after it is written
    (deletions aside, which are read per generation), so a new generation rereads only new segments.

    Holds data only, never a reader: a reader is closed with its generation, while a segment's
    tables serve every later generation that still has the segment. Read them through view().
    """

    def __init__(self):
        self.lengths = {}
        self.columns = {}
        self.inverted = {}
        self.words = {}
        self.infos = {}  # (fieldname, text) -> TermInfo or None, up to TERM_INFOS
        self.postings = {}  # (fieldname, text) -> blocks of terms read whole, up to KEPT_POSTINGS postings
        self.kept = 0  # postings in self.postings

    def view(self, reader):
        return SegmentView(self, reader)


# Fields whose words a segment reads whole at the first prefix: a German word's compound parts are asked
# for by nearly every query, ending in any letter (some 40 ms a segment at 100,000 articles, once).
WHOLE_LEXICONS = frozenset({"compound"})
# Term lookups kept per segment (some 500 bytes each, up to 2 MB a segment): a query asks for each of its
# words in five fields and a German word's compounds, and a search with no record holding every word is
# asked again with any of them.
TERM_INFOS = 4096
# Postings of terms read whole, kept per segment as read (some 40 bytes a posting: up to 2.5 MB a segment).
KEPT_POSTINGS = 60_000
KEPT_TERM_POSTINGS = 10_000
SCORES_KEPT = 50_000  # documents of the scores of terms read whole, per searcher (Ranker._kept_scores)
# Wanted documents of a segment one in this many of a term's postings or more: each of its blocks of 128
# holds two of them on average, so every block is read, and the term is read whole and kept.
DENSE = 64


_UNKNOWN = object()  # a term not looked up yet (SegmentView.term_info)


class SegmentView:
    """A segment's tables, filled where needed through one open reader (one searcher's)."""

    def __init__(self, tables, reader):
        self.tables = tables
        self.reader = reader
        self._columns = {}
        self._term_lookup = None  # internals.term_lookup(reader), made at the first lookup

    def document(self, docnum):
        """The document as indexed (analysis.whoosh_fields): its record, with its text."""
        doc = loads(self._column("doc")[docnum])
        doc["text"] = self._column("text")[docnum].decode("utf-8")
        return doc

    def _column(self, fieldname):
        column = self._columns.get(fieldname)
        if column is None:
            column = self._columns[fieldname] = self.reader.column_reader(fieldname, translate=False)
        return column

    def length_bytes(self, fieldname):
        lengths = self.tables.lengths
        if fieldname not in lengths:
            lengths[fieldname] = internals.length_bytes(self.reader, fieldname)
        return lengths[fieldname]

    def column(self, fieldname, convert):
        """The column's value for every document of the segment, through convert."""
        columns = self.tables.columns
        if fieldname not in columns:
            count = self.reader.doc_count_all()
            column = self.reader.column_reader(fieldname) if count else None
            values = [convert(value) for value in column] if column is not None else []
            columns[fieldname] = array.array("q", values) if convert is int else values
        return columns[fieldname]

    def term_info(self, fieldname, text):
        """The segment's TermInfo of the term (internals.term_info), or None; kept, as the segment's
        terms never change (a whole generation's searchers share it: entries are only added or all dropped)."""
        infos = self.tables.infos
        key = (fieldname, text)
        info = infos.get(key, _UNKNOWN)  # None (not in the segment) is kept too
        if info is not _UNKNOWN:
            return info
        lookup = self._term_lookup
        if lookup is None:
            lookup = self._term_lookup = internals.term_lookup(self.reader)
        info = lookup(fieldname, text)
        if len(infos) >= TERM_INFOS:
            infos.clear()
        infos[key] = info
        return info

    def kept_postings(self, fieldname, text):
        """The blocks (ids, weights, None) of the term's postings in the segment, when kept."""
        return self.tables.postings.get((fieldname, text))

    def keep_postings(self, fieldname, text, blocks, count):
        """Keep the term's postings, read whole: its `count` postings in blocks, as read (converting
        them to arrays took longer than reading them)."""
        tables = self.tables
        if tables.kept + count > KEPT_POSTINGS:
            tables.postings.clear()
            tables.kept = 0
        tables.postings[fieldname, text] = blocks
        tables.kept += count

    def _lexicon(self, fieldname, head):
        """(the segment's words of the field beginning with `head`, its first letter (all for ""), in the
        lexicon's order, joined by line breaks; where each begins, and one past the end): read once, where
        a fuzzy word or a compound part first asks. A letter's share of a field, read in a few milliseconds at
        100,000 articles where a whole field took up to 90.

        Kept as one string: some 8 bytes a word, not a str object of 50-60 and its pointer, plus 4
        for where it begins.
        """
        words = self.tables.words
        key = (fieldname, head)
        if key not in words:
            found = internals.prefixed_terms(self.reader, fieldname, head)
            starts = array.array("i", accumulate(map(len, found), lambda at, size: at + size + 1, initial=0))
            words[key] = ("\n".join(found), starts)
        return words[key]

    def words(self, fieldname, prefix):
        """The segment's words of the field beginning with `prefix`, as text (for fuzzy words)."""
        joined, starts = self._lexicon(fieldname, prefix[:1])
        count = len(starts) - 1
        low, high = 0, count
        if len(prefix) > 1:
            def word(n):
                return joined[starts[n]:starts[n + 1] - 1]

            low = bisect_left(range(count), prefix, key=word)
            # The words beginning with the prefix end before the first at or past its successor.
            successor = prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < sys.maxunicode else None
            high = count if successor is None else low + bisect_left(range(low, count), successor, key=word)
        # Split in C: a word holds no line break.
        return joined[starts[low]:starts[high] - 1].split("\n") if high > low else []

    def prefixed(self, fieldname, prefix):
        """The segment's words of the field beginning with `prefix` (not empty), in the lexicon's order:
        what the segment reader's expand_prefix gives, as text."""
        head = "" if fieldname in WHOLE_LEXICONS else prefix[:1]
        if (fieldname, head) not in self.tables.words:
            if head:
                # A reader's prefix: its few words read from the file cost far less than its letter's
                # share of the field, read whole (tens of milliseconds, which the first queries would pay).
                return internals.prefixed_terms(self.reader, fieldname, prefix)
        joined, starts = self._lexicon(fieldname, head)
        count = len(starts) - 1
        n = bisect_left(range(count), prefix, key=lambda n: joined[starts[n]:starts[n + 1] - 1])
        # Read on while they begin with it (a query's prefixes find a few words each, seldom hundreds).
        found = []
        while n < count:
            word = joined[starts[n]:starts[n + 1] - 1]
            if not word.startswith(prefix):
                break
            found.append(word)
            n += 1
        return found

    def postings(self, fieldname, convert):
        """Each value of a column whose values are tuples -> the segment's documents holding it."""
        inverted = self.tables.inverted
        if fieldname not in inverted:
            found = {}
            for docnum, values in enumerate(self.column(fieldname, convert)):
                for value in values:
                    found.setdefault(value, []).append(docnum)
            # As arrays: 4 bytes a document, not a Python int and its pointer.
            inverted[fieldname] = {value: array.array("i", docnums) for value, docnums in found.items()}
        return inverted[fieldname]


# Shared by every thread: entries are only added whole (setdefault) or removed, never changed.
_SEGMENTS = {}


def segment_tables(folder, reader):
    """The segment's tables, seen through `reader`."""
    key = (str(folder), reader.segment().segment_id())
    tables = _SEGMENTS.get(key)
    if tables is None:
        tables = _SEGMENTS.setdefault(key, SegmentTables())
    return tables.view(reader)


def forget_segments_except(folder, readers):
    """Drop the tables of segments the index no longer has (merged away, or another index)."""
    keep = {(str(folder), reader.segment().segment_id()) for reader in readers}
    for key in [key for key in list(_SEGMENTS) if key not in keep]:
        _SEGMENTS.pop(key, None)


class Ranker:
    """Evaluates compiled queries against one open searcher (one index generation)."""

    def __init__(self, searcher, segment_tables):
        self.searcher = searcher
        self.schema = searcher.schema
        self.leaves = []  # (reader, offset, SegmentView)
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if not reader.doc_count_all():
                continue
            self.leaves.append((reader, offset, segment_tables(reader)))
        self._offsets = [offset for _, offset, _ in self.leaves]
        self.deleted = set()
        for reader, offset, _ in self.leaves:
            if reader.has_deletions():
                self.deleted.update(offset + docnum for docnum in internals.deleted_documents(reader))
        self._norms = {}
        self._scales = {}  # counterparts.py: (query language, counterpart language) -> Scale, for this generation
        self._local = threading.local()
        self._scores = {}  # _kept_scores()
        self._scores_count = 0

    # --- public ---

    def document(self, docnum):
        """The document (its global number) as indexed: SegmentView.document."""
        _, offset, view = self.leaves[bisect_right(self._offsets, docnum) - 1]
        return view.document(docnum - offset)

    def matches(self, query, within=None, budget=None):
        """Matches of the query, among the documents `within` (a set) when given.

        With a Budget: raises TooBroad past its words; past its deadline, returns what was
        matched so far and sets budget.late.
        """
        self._start(budget)
        found = self._evaluate(query, within)
        if self.deleted:
            scores = found.scores
            for docnum in self.deleted if len(self.deleted) < len(scores) else list(scores):
                if docnum in self.deleted:
                    scores.pop(docnum, None)
        return found

    def _start(self, budget):
        """This thread's state for one query: its caches emptied, its budget set."""
        self._local.sorted = {}
        self._local.terms = {}
        self._local.budget = budget or Budget()
        self._local.expanded = {}
        self._local.scale = None

    def best(self, query, count, allowed=None, budget=None, least=None):
        """The query's `count` best documents, checking phrase positions best bound first; or None.

        For a query that is a sum of parts (an Or, counterparts, phrases, words) holding a phrase
        whose words are in at least `least` documents: a phrase scores its words' summed scores
        where it stands in the document and nothing elsewhere, so those sums bound a document's
        score from above, and documents are checked in the order of that bound until no document
        left can be among the first `count` (bestfirst.py; parts that common are read a block at a
        time, only for the documents that may still reach the page). The first `count` are what
        checking every one gives, ties included (the older document first). Returns (Matches of the
        checked documents that match, every candidate checked); None where this does not apply
        (the caller matches the usual way). `allowed` (a set), when given, keeps only those
        documents; `least` stands for EARLY_STOP_CANDIDATES.
        """
        leaves = []
        if not _sum_of_parts(query, 1.0, None, leaves) or not any(isinstance(leaf, wq.Phrase) for leaf, _, _ in leaves):
            return None
        self._start(budget)
        least = EARLY_STOP_CANDIDATES if least is None else least
        if max(self._phrase_size(leaf) for leaf, _, _ in leaves if isinstance(leaf, wq.Phrase)) < least:
            return None
        check = bestfirst.BestFirst(self, bestfirst.parts_of(self, leaves), allowed)
        scores, complete = check.run(count, least)
        return Matches(scores, check.terms()), complete

    # --- evaluation ---
    # `within`, when not None, is a set of document numbers: the caller needs no others, so a
    # part of an And is read only where the rarer parts already matched, skipping whole blocks.

    def _evaluate(self, query, within=None):
        budget = self._local.budget
        if budget.over_time():
            return Matches({})
        if isinstance(query, counterparts.Counterpart):
            return self._counterpart(query, within)
        if isinstance(query, wq.MultiTerm):  # Prefix, FuzzyTerm: every expanded term, summed
            return self._union([self._term(fieldname, text, query.boost, within)
                                for fieldname, text in self._expand(query, budget)])
        if isinstance(query, wq.Term):
            return self._term(query.fieldname, query.text, query.boost, within)
        if isinstance(query, wq.Phrase):
            return self._phrase(query, within)
        if isinstance(query, wq.And):
            return self._all(query.subqueries, query.boost, within)
        if isinstance(query, wq.Or):
            return self._union([self._evaluate(sub, within) for sub in query.subqueries], query.boost)
        if isinstance(query, wq.AndNot):
            kept = self._evaluate(query.a, within)
            if kept.scores:
                for docnum in self._evaluate(query.b, set(kept.scores)).scores:
                    kept.scores.pop(docnum, None)
            return kept
        if isinstance(query, NULL):
            return Matches({})
        if isinstance(query, wq.Every):  # deleted documents are dropped at the end
            everything = within if within is not None else range(self.searcher.doc_count_all())
            return Matches(dict.fromkeys(everything, float(query.boost)))
        if isinstance(query, wq.NumericRange):
            # Filters more than words: every match counts the same.
            return _only(Matches(dict.fromkeys(self.searcher.docs_for_query(query), float(query.boost))), within)
        return _only(self._whoosh_matcher(query), within)

    def _scale(self, query):
        key = (query.query_lang, query.lang)
        if key not in self._scales:
            self._scales[key] = counterparts.scale(self.searcher, *key)
        return self._scales[key]

    def _counterpart(self, query, within):
        """A counterpart's words, on the query language's scale (counterparts.py)."""
        self._local.scale = self._scale(query)
        try:
            return self._evaluate(query.child, within)
        finally:
            self._local.scale = None

    def _expand(self, query, budget):
        """The query's words in the index, counted against the budget, until its deadline.

        Expanded once per query object and matching: the And's ordering by size and the
        evaluation read the same list.
        """
        expanded = self._local.expanded
        if id(query) in expanded:
            return expanded[id(query)][1]
        counted = query.fieldname in budget.counted
        terms = []
        for term in self._candidates(query, budget):
            if counted:
                budget.spent += 1
                if budget.spent > budget.terms:
                    raise TooBroad(query)
            terms.append(term)
        expanded[id(query)] = (query, terms)  # the query is kept so its id stays its own
        return terms

    def _candidates(self, query, budget):
        reader = self.searcher.reader()
        fieldname = query.fieldname
        if isinstance(query, wq.FuzzyTerm):
            # Whoosh's terms_within walks every word sharing the prefix through a Python automaton
            # (0.1-0.5 s a word): here each segment's words with the prefix are listed once and
            # measured in C, with the same distance (adjacent swaps count one edit).
            text, maxdist, prefix = query.text, query.maxdist, query.text[:query.prefixlength]
            found = set()
            for _reader, _offset, tables in self.leaves:
                words = tables.words(fieldname, prefix)
                found.update(word for word, _, _ in process.extract(
                    text, words, scorer=OSA.distance, score_cutoff=maxdist, limit=None))
            for word in sorted(found):  # in the lexicon's order, as Whoosh expands
                yield fieldname, word
            return
        if type(query) is wq.Prefix and query.text and fieldname in self.schema \
                and isinstance(self.schema[fieldname], _WORD_FIELDS):
            # Whoosh's expand_prefix merges the segments' lexicons word by word, reading each from the
            # file (some 2.5 microseconds a word); here each segment's words with the prefix are cut
            # from its words with the same first letter, read once and kept, and merged in the lexicon's order.
            found = set()
            for _reader, _offset, tables in self.leaves:
                found.update(tables.prefixed(fieldname, query.text))
            terms = ((fieldname, word) for word in sorted(found))
        else:
            terms = query.expanded_terms(reader)
        for n, term in enumerate(terms):
            if not n % 64 and budget.over_time():
                return
            yield term

    def _size(self, query, reader):
        """Whoosh's estimate_size, but a prefix or fuzzy part expands once, within the budget, and
        a word is looked up once per query."""
        if isinstance(query, wq.MultiTerm):
            terms = self._expand(query, self._local.budget)
            return sum(self._lookup(fieldname, text)[0] for fieldname, text in terms)
        if isinstance(query, wq.Term):
            return self._lookup(query.fieldname, query.text)[0]
        if isinstance(query, wq.Phrase):  # as Whoosh, its words' And; or its pairs'
            return self._phrase_size(query)
        if isinstance(query, counterparts.Counterpart):
            return self._size(query.child, reader)
        if isinstance(query, wq.And):
            return min((self._size(sub, reader) for sub in query.subqueries), default=0)
        if isinstance(query, wq.Or):
            return sum(self._size(sub, reader) for sub in query.subqueries)
        if isinstance(query, wq.AndNot):
            return self._size(query.a, reader)
        return query.estimate_size(reader)

    def _all(self, queries, boost, within):
        """An And: the rarest part first, each next part only where all before it matched."""
        reader = self.searcher.reader()
        parts = []
        for query in sorted(queries, key=lambda query: self._size(query, reader)):
            part = self._evaluate(query, within)
            if not part.scores:
                return Matches({})
            parts.append(part)
            within = set(part.scores) if within is None else within.intersection(part.scores)
        return self._intersection(parts, boost)

    def _whoosh_matcher(self, query):
        """Anything else: Whoosh steps through it."""
        scores = {}
        for subsearcher, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(subsearcher, self.searcher.context())
            while matcher.is_active():
                scores[offset + matcher.id()] = matcher.score()
                matcher.next()
        found = Matches(scores)
        found.terms = [(fieldname, _text(text), [scores]) for fieldname, text in query.iter_all_terms()]
        return found

    def _wanted(self, within):
        """The set as a sorted list, once per set: where blocks may be skipped."""
        if within is None:
            return None
        key = id(within)
        cache = self._local.sorted
        if key not in cache:
            cache[key] = (within, sorted(within))  # the set is kept so its id stays its own
        return cache[key][1]

    def _lookup(self, fieldname, text):
        """(documents holding the term, deleted ones included; [(reader, offset, tables, TermInfo)] of the
        segments holding it): looked up once per query, where its size, idf and postings each asked."""
        key = (fieldname, text)
        known = self._local.terms
        found = known.get(key)
        if found is None:
            present = []
            if fieldname in self.schema:
                for reader, offset, tables in self.leaves:
                    info = tables.term_info(fieldname, text)
                    if info is not None:
                        present.append((reader, offset, tables, info))
            found = known[key] = (sum(leaf[3].doc_frequency() for leaf in present), present)
        return found

    def _idf(self, frequency):
        # Whoosh's (WeightingModel.idf), from the frequency already looked up.
        return math.log(self.searcher.doc_count_all() / (frequency + 1)) + 1

    def factor(self, frequency, boost, scale=None):
        """A word's BM25 factor (idf, k1 + 1, boost); a counterpart's on its query language's scale."""
        if scale is None:
            return self._idf(frequency) * (K1 + 1) * boost
        return counterparts.idf(self.searcher, frequency, scale) * scale.factor * (K1 + 1) * boost

    def _term(self, fieldname, text, boost=1.0, within=None, positions=None):
        """The term's documents and scores; with `positions` (a dict), also each one's encoded positions."""
        frequency, present = self._lookup(fieldname, text)
        if not present:
            return Matches({})
        wanted = self._wanted(within)
        if wanted is not None:
            # A rare word (a German word's compounds) read for a few documents: segments where none of
            # them stands between its first and last document are passed over without opening its postings.
            present = [leaf for leaf in present if _may_hold(wanted, leaf[1], leaf[3])]
        scores = {}
        if not self.schema[fieldname].scorable:
            for reader, offset, _, info in present:
                postings = internals.postings_of(reader, fieldname, text, info)
                for ids, _, _ in internals.blocks(postings, wanted=wanted, offset=offset):
                    found = (offset + docnum for docnum in ids)
                    if within is not None:
                        found = (docnum for docnum in found if docnum in within)
                    scores.update(dict.fromkeys(found, float(boost)))
            return Matches(scores, [(fieldname, _text(text), [scores])])
        scale = self._local.scale
        factor = self.factor(frequency, boost, scale)
        whole = within is None and positions is None
        key = (fieldname, text, boost, scale)
        if whole:
            kept = self._kept_scores().get(key)
            if kept is not None:
                scores = dict(kept)  # a copy: the caller may drop documents from it
                return Matches(scores, [(fieldname, _text(text), [scores])])
        norms = self._norm_table(fieldname)
        budget = self._local.budget
        for reader, offset, tables, info in present:
            lengths = tables.length_bytes(fieldname)
            local = None if within is None else self._local_wanted(wanted, offset, reader.doc_count_all())
            blocks = None if positions is not None else self._whole(reader, tables, fieldname, text, info, local)
            if blocks is None:
                postings = internals.postings_of(reader, fieldname, text, info)
                blocks = internals.blocks(postings, wanted=wanted, offset=offset, values=positions is not None)
            for ids, weights, values in blocks:
                if budget.over_time():
                    break
                if local is not None:
                    # A common word read for a few documents (a rarer word's): the block's wanted ones are
                    # found in C (a set meeting the block's ids), and only those are scored in Python.
                    found = local.intersection(ids)
                    if not found:
                        continue
                    where = dict(zip(ids, range(len(ids)), strict=True))
                    for docnum in found:
                        i = where[docnum]
                        weight = weights[i]
                        scores[offset + docnum] = factor * weight / (weight + norms[lengths[docnum]])
                        if positions is not None:
                            positions[offset + docnum] = values[i]
                elif positions is not None:
                    for docnum, weight, value in zip(ids, weights, values, strict=True):
                        scores[offset + docnum] = factor * weight / (weight + norms[lengths[docnum]])
                        positions[offset + docnum] = value
                else:
                    for docnum, weight in zip(ids, weights, strict=True):
                        scores[offset + docnum] = factor * weight / (weight + norms[lengths[docnum]])
        if whole and not budget.late:
            self._keep_scores(key, scores)
        return Matches(scores, [(fieldname, _text(text), [scores])])

    def _kept_scores(self):
        """Scores of terms read whole by this searcher, by (field, text, boost, counterpart scale): a search
        with no record holding every word is asked again with any of them, and an early-stopped phrase
        check is followed by the usual matching. Up to SCORES_KEPT documents, some 60 bytes each."""
        return self._scores

    def _keep_scores(self, key, scores):
        kept = self._kept_scores()
        if self._scores_count + len(scores) > SCORES_KEPT:
            kept.clear()
            self._scores_count = 0
        kept[key] = dict(scores)
        self._scores_count += len(scores)

    def _whole(self, reader, tables, fieldname, text, info, local):
        """The blocks (ids, weights, None) of all the term's postings in the segment, kept there: when read
        whole, or read for wanted documents (`local`, as the segment numbers them) so many that every
        block would be read anyway (a search with no record holding every word is then asked with any of
        them, and reads the word whole); None when it is to be read a block at a time."""
        frequency = info.doc_frequency()
        if frequency > KEPT_TERM_POSTINGS or (local is not None and len(local) * DENSE < frequency):
            return None
        blocks = tables.kept_postings(fieldname, text)
        if blocks is None:
            blocks = []
            for block in internals.blocks(internals.postings_of(reader, fieldname, text, info)):
                if self._local.budget.over_time():
                    return None  # cut short: read as usual, which stops at once
                blocks.append(block)
            tables.keep_postings(fieldname, text, blocks, frequency)
        return blocks

    def _local_wanted(self, wanted, offset, count):
        """The wanted documents (sorted global numbers) within one segment, as the segment numbers them."""
        key = (id(wanted), offset)
        cache = self._local.sorted
        if key not in cache:
            inside = wanted[bisect_left(wanted, offset):bisect_left(wanted, offset + count)]
            cache[key] = (wanted, set(map((-offset).__add__, inside)))  # the list is kept so its id stays its own
        return cache[key][1]

    def _phrase(self, query, within=None):
        """Documents with every word, then those where the words stand in order, each at most
        `slop` positions after the one before: Whoosh's SpanNear2(ordered, mindist=1), scored as
        Whoosh scores a phrase (the words' scores summed, times the boost)."""
        fieldname = query.fieldname
        words = list(query.words)
        if fieldname not in self.schema or not words:
            return Matches({})
        if len(words) == 1:
            return self._term(fieldname, words[0], query.boost, within)
        pairfield, pair_terms = self._pairs(fieldname, words, query.slop)
        if pair_terms:
            # Neighbouring common words indexed as one term (pairs.py): its documents are where they
            # stand side by side, so the positions are read, if at all, only for those.
            for term in sorted(pair_terms, key=lambda term: self._lookup(pairfield, term)[0]):
                found = self._term(pairfield, term, 1.0, within).scores
                if not found:
                    return Matches({})
                within = set(found) if within is None else within.intersection(found)
            if len(words) == 2:  # its one pair is the phrase: no positions to check
                parts = [self._term(fieldname, word, 1.0, within) for word in words]
                return self._intersection(parts, query.boost)
        # As _all, rarest word first, reading each word's postings once for scores and positions.
        positions = {word: {} for word in words}
        parts = {}
        for word in sorted(positions, key=lambda word: self._lookup(fieldname, word)[0]):
            parts[word] = self._term(fieldname, word, 1.0, within, positions[word])
            if not parts[word].scores:
                return Matches({})
            within = set(parts[word].scores) if within is None else within.intersection(parts[word].scores)
        format_ = self.schema[fieldname].format
        slop = max(1, query.slop)
        if len(words) == 2 and slop == 1:
            # The usual phrase: is some position of the second word one after one of the first?
            kept = internals.followed(within, positions[words[0]], positions[words[1]], format_)
        else:
            kept = _in_order(within, [positions[word] for word in words], slop, internals.position_decoder(format_))
        # A word twice in the phrase counts twice, as in Whoosh.
        return self._intersection([parts[word] for word in words], query.boost, common=kept)

    def _pairs(self, fieldname, words, slop):
        """(pair field, the pair terms of the phrase's neighbouring words that the index pairs), or
        (None, ()): only side by side (slop 1) is a pair."""
        pairfield = pairs.field_of(fieldname)
        if pairfield is None or slop > 1 or pairfield not in self.schema:
            return None, ()
        return pairfield, self.schema[pairfield].lists.terms(words)

    def _phrase_size(self, query):
        """Documents a phrase can match at most: its rarest word's, or its rarest pair's."""
        size = min((self._lookup(query.fieldname, word)[0] for word in query.words), default=0)
        pairfield, pair_terms = self._pairs(query.fieldname, list(query.words), query.slop)
        return min([size, *(self._lookup(pairfield, term)[0] for term in pair_terms)])

    def _norm_table(self, fieldname):
        """BM25's length normalisation for each of the 256 compressed field lengths."""
        if fieldname not in self._norms:
            average = self.searcher.avg_field_length(fieldname) or 1
            self._norms[fieldname] = array.array(
                "d", (K1 * ((1 - B) + B * (byte_to_length(code) if code else 1) / average) for code in range(256)))
        return self._norms[fieldname]

    @staticmethod
    def _union(parts, boost=1.0):
        parts = [part for part in parts if part.scores]
        if not parts:
            return Matches({})
        parts.sort(key=lambda part: len(part.scores), reverse=True)
        scores = dict(parts[0].scores)
        terms = list(parts[0].terms)
        for part in parts[1:]:
            get = scores.get
            for docnum, score in part.scores.items():
                scores[docnum] = get(docnum, 0.0) + score
            terms.extend(part.terms)
        if boost != 1.0:
            scores = {docnum: score * boost for docnum, score in scores.items()}
        return Matches(scores, terms)

    @staticmethod
    def _intersection(parts, boost=1.0, common=None):
        """Documents in every part (or `common`, already known to be), their scores summed."""
        if not parts or any(not part.scores for part in parts):
            return Matches({})
        parts = sorted(parts, key=lambda part: len(part.scores))
        if common is None:
            common = set(parts[0].scores)
            for part in parts[1:]:
                common.intersection_update(part.scores)
        if len(parts) == 2:  # the same sum as below (0 + a + b), without a generator per document
            first, second = parts[0].scores, parts[1].scores
            scores = {docnum: (first[docnum] + second[docnum]) * boost for docnum in common}
        else:
            scores = {docnum: sum(part.scores[docnum] for part in parts) * boost for docnum in common}
        terms = []
        for part in parts:
            # A term under an And counted only where the whole And matched.
            terms.extend((fieldname, text, within + [scores]) for fieldname, text, within in part.terms)
        return Matches(scores, terms)


def _sum_of_parts(query, boost, scale, leaves):
    """Whether the query scores as a sum of parts (Or, counterparts) down to phrases and other
    queries; gathers (part, boost, counterpart scale) into `leaves`."""
    if isinstance(query, wq.Or) and type(query) is wq.Or:
        return all(_sum_of_parts(sub, boost * query.boost, scale, leaves) for sub in query.subqueries)
    if isinstance(query, counterparts.Counterpart):
        return scale is None and _sum_of_parts(query.child, boost, query, leaves)
    if isinstance(query, wq.Phrase | wq.Term):
        leaves.append((query, boost, scale))
        return True
    return False


def _in_order(candidates, positions, slop, decode):
    """The candidates where the words stand in order, each at most `slop` positions after the one
    before: positions[n][docnum] is where word n stands in the document (encoded)."""
    steps = [gap.__add__ for gap in range(1, slop + 1)]
    kept = []
    for docnum in candidates:
        ends = set(decode(positions[0][docnum]))
        for found in positions[1:]:
            # Where the next word may stand, met with where it does stand.
            reachable = set(map(steps[0], ends)).union(*(map(step, ends) for step in steps[1:]))
            ends = reachable.intersection(decode(found[docnum]))
            if not ends:
                break
        if ends:
            kept.append(docnum)
    return kept


def _only(found, within):
    if within is not None:
        for docnum in [docnum for docnum in found.scores if docnum not in within]:
            del found.scores[docnum]
    return found


def _text(text):
    return text.decode("utf-8") if isinstance(text, bytes) else str(text)


def _may_hold(wanted, offset, info):
    """Whether some of the wanted documents (sorted) stand between the term's first and last document
    in the segment at `offset`."""
    i = bisect_left(wanted, offset + info.min_id())
    return i < len(wanted) and wanted[i] <= offset + info.max_id()
