"""Matching and scoring a compiled Whoosh query from posting blocks, for the Whoosh backend.

Whoosh's collectors step through every matching document one at a time and score it
through a tree of matchers, all in Python: a common word in 100k articles cost 100-300 ms.
Here each term's postings are read a block at a time (ids and weights come as arrays),
scored with the same BM25F as Whoosh (same idf, field lengths, boosts and sums) and
added into one dict per query. Phrases and any other query without plain postings still
go through Whoosh's own matchers, which check positions.

The result keeps, for the shown hits only, which terms matched each document: what the
snippets mark and what "why it matched" reports.
"""

import array
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

K1 = 1.2  # Whoosh's BM25F defaults, so scores stay what Whoosh's own search gave
B = 0.75
NULL = type(wq.NullQuery)


@dataclass
class Matches:
    """Documents (global numbers) with their scores, and which terms produced them."""

    scores: dict
    # (fieldname, text, [dicts]): the term matched a document found in every one of the dicts.
    terms: list = field(default_factory=list)

    def terms_of(self, docnum):
        return [(fieldname, text) for fieldname, text, within in self.terms
                if all(docnum in scores for scores in within)]


class SegmentTables:
    """What a segment holds per document, read once: a segment never changes after it is written
    (deletions aside, which are read per generation), so a new generation rereads only new segments."""

    def __init__(self, reader):
        self.reader = reader
        self.lengths = {}
        self.columns = {}
        self.inverted = {}

    def length_bytes(self, fieldname):
        if fieldname not in self.lengths:
            self.lengths[fieldname] = _length_bytes(self.reader, fieldname)
        return self.lengths[fieldname]

    def column(self, fieldname, convert):
        """The column's value for every document of the segment, through convert."""
        if fieldname not in self.columns:
            count = self.reader.doc_count_all()
            column = self.reader.column_reader(fieldname) if count else None
            self.columns[fieldname] = [convert(value) for value in column] if column is not None else []
        return self.columns[fieldname]

    def postings(self, fieldname, convert):
        """Each value of a column whose values are tuples -> the segment's documents holding it."""
        if fieldname not in self.inverted:
            inverted = {}
            for docnum, values in enumerate(self.column(fieldname, convert)):
                for value in values:
                    inverted.setdefault(value, []).append(docnum)
            self.inverted[fieldname] = inverted
        return self.inverted[fieldname]


_SEGMENTS = {}


def segment_tables(folder, reader):
    key = (str(folder), reader.segment().segment_id())
    if key not in _SEGMENTS:
        _SEGMENTS[key] = SegmentTables(reader)
    return _SEGMENTS[key]


def forget_segments_except(folder, readers):
    """Drop the tables of segments the index no longer has (merged away, or another index)."""
    keep = {(str(folder), reader.segment().segment_id()) for reader in readers}
    for key in [key for key in _SEGMENTS if key not in keep]:
        del _SEGMENTS[key]


def _length_bytes(reader, fieldname):
    """One byte per document: Whoosh's compressed length of the field (0 where absent)."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:  # no document of the segment has the field
        return bytes(count)
    # A column of one unsigned byte per document, written up to the last non-zero one.
    raw = column._dbfile.get(column._basepos, column._count)
    return bytes(raw) + bytes(count - len(raw))


class Ranker:
    """Evaluates compiled queries against one open searcher (one index generation)."""

    def __init__(self, searcher, segment_tables):
        self.searcher = searcher
        self.schema = searcher.schema
        self.leaves = []  # (reader, offset, SegmentTables)
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if not reader.doc_count_all():
                continue
            self.leaves.append((reader, offset, segment_tables(reader)))
        self.deleted = set()
        for reader, offset, _ in self.leaves:
            if reader.has_deletions():
                self.deleted.update(offset + docnum for docnum in reader.deleted_docs_set)
        self._norms = {}

    # --- public ---

    def matches(self, query):
        found = self._evaluate(query)
        if self.deleted:
            scores = found.scores
            for docnum in self.deleted if len(self.deleted) < len(scores) else list(scores):
                if docnum in self.deleted:
                    scores.pop(docnum, None)
        return found

    # --- evaluation ---

    def _evaluate(self, query):
        if isinstance(query, wq.MultiTerm):  # Prefix, FuzzyTerm: every expanded term, summed
            return self._union([self._term(fieldname, text, query.boost)
                                for fieldname, text in query.expanded_terms(self.searcher.reader())])
        if isinstance(query, wq.Term):
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, wq.Phrase):
            return self._phrase(query)
        if isinstance(query, wq.And):
            return self._intersection([self._evaluate(sub) for sub in query.subqueries], query.boost)
        if isinstance(query, wq.Or):
            return self._union([self._evaluate(sub) for sub in query.subqueries], query.boost)
        if isinstance(query, wq.AndNot):
            kept = self._evaluate(query.a)
            for docnum in self._evaluate(query.b).scores:
                kept.scores.pop(docnum, None)
            return kept
        if isinstance(query, NULL):
            return Matches({})
        if isinstance(query, wq.Every):  # deleted documents are dropped at the end
            return Matches(dict.fromkeys(range(self.searcher.doc_count_all()), float(query.boost)))
        if isinstance(query, wq.NumericRange):
            # Filters more than words: every match counts the same.
            return Matches(dict.fromkeys(self.searcher.docs_for_query(query), float(query.boost)))
        return self._whoosh_matcher(query)

    def _whoosh_matcher(self, query):
        """Phrases and the rest: Whoosh steps through them, checking positions where needed."""
        scores = {}
        for subsearcher, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(subsearcher, self.searcher.context())
            while matcher.is_active():
                scores[offset + matcher.id()] = matcher.score()
                matcher.next()
        found = Matches(scores)
        found.terms = [(fieldname, _text(text), [scores]) for fieldname, text in query.iter_all_terms()]
        return found

    def _term(self, fieldname, text, boost=1.0):
        if fieldname not in self.schema:
            return Matches({})
        present = [leaf for leaf in self.leaves if (fieldname, text) in leaf[0]]
        if not present:
            return Matches({})
        scores = {}
        if not self.schema[fieldname].scorable:
            for reader, offset, _ in present:
                for ids, _ in _blocks(_postings(reader, fieldname, text)):
                    scores.update(dict.fromkeys((offset + docnum for docnum in ids), float(boost)))
            return Matches(scores, [(fieldname, _text(text), [scores])])
        factor = self.searcher.idf(fieldname, text) * (K1 + 1) * boost
        norms = self._norm_table(fieldname)
        for reader, offset, tables in present:
            lengths = tables.length_bytes(fieldname)
            for ids, weights in _blocks(_postings(reader, fieldname, text)):
                for docnum, weight in zip(ids, weights, strict=True):
                    scores[offset + docnum] = factor * weight / (weight + norms[lengths[docnum]])
        return Matches(scores, [(fieldname, _text(text), [scores])])

    def _phrase(self, query):
        """Documents with every word, then those where the words stand in order, each at most
        `slop` positions after the one before: Whoosh's SpanNear2(ordered, mindist=1), scored as
        Whoosh scores a phrase (the words' scores summed, times the boost)."""
        fieldname = query.fieldname
        words = list(query.words)
        if fieldname not in self.schema or not words:
            return Matches({})
        found = self._intersection([self._term(fieldname, word) for word in words], query.boost)
        if not found.scores or len(words) == 1:
            return found
        decode = self.schema[fieldname].format.decode_positions
        positions = {word: self._values(fieldname, word, found.scores) for word in dict.fromkeys(words)}
        slop = query.slop
        for docnum in list(found.scores):
            ends = decode(positions[words[0]][docnum])
            for word in words[1:]:
                ends = [end for end in decode(positions[word][docnum])
                        if any(0 < end - before <= slop for before in ends)]
                if not ends:
                    del found.scores[docnum]
                    break
        return found

    def _values(self, fieldname, text, wanted):
        """The posting values (encoded positions) of the term for the wanted documents."""
        values = {}
        for reader, offset in ((leaf[0], leaf[1]) for leaf in self.leaves):
            if (fieldname, text) not in reader:
                continue
            for ids, block_values in _blocks(_postings(reader, fieldname, text), values=True):
                for docnum, value in zip(ids, block_values, strict=True):
                    if offset + docnum in wanted:
                        values[offset + docnum] = value
        return values

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
    def _intersection(parts, boost=1.0):
        if not parts or any(not part.scores for part in parts):
            return Matches({})
        parts = sorted(parts, key=lambda part: len(part.scores))
        common = set(parts[0].scores)
        for part in parts[1:]:
            common.intersection_update(part.scores)
        scores = {docnum: sum(part.scores[docnum] for part in parts) * boost for docnum in common}
        terms = []
        for part in parts:
            # A term under an And counted only where the whole And matched.
            terms.extend((fieldname, text, within + [scores]) for fieldname, text, within in part.terms)
        return Matches(scores, terms)


def _postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    # Deleted documents are dropped once, from the query's result, not posting by posting.
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _blocks(matcher, values=False):
    """(ids, weights) or (ids, values) a block at a time; a term stored inline has a list matcher instead."""
    if not hasattr(matcher, "_read_ids"):
        ids, other = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            other.append(matcher.value() if values else matcher.weight())
            matcher.next()
        yield ids, other
        return
    while matcher.is_active():
        matcher._read_ids()
        if values:
            matcher._read_values()
            yield matcher._ids, matcher._values
        else:
            matcher._read_weights()
            yield matcher._ids, matcher._weights
        matcher._next_block()


def _text(text):
    return text.decode("utf-8") if isinstance(text, bytes) else str(text)
