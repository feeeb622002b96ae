"""The best documents of a query summed from phrases and words, checked best bound first (Ranker.best).

A phrase scores its words' summed scores where it stands in a document and nothing elsewhere, so
what a document's words would score bounds what it does score. Documents are checked in the order
of their bound until the `count`-th best checked score is above every bound left: the page is then
the one checking every document gives, ties included (the older document first).

A stop-word phrase ("of the") holds words most bodies hold (80,000 of 100,000 documents), and
reading those postings whole, to bound every such document, was most of its time. So a part is
read one of two ways:

- a part whose rarest word is in fewer than `least` documents (the phrase in the titles, in the
  other language's fields) is read whole, with positions: its documents are the candidates, each
  bounded by its words' summed scores;
- a commoner part (the phrase in the bodies) is not read: it adds at most `top` to any document,
  from each word's highest weight and shortest field (the term's statistics). A candidate's bound
  counts that; where the candidate comes up, the bound is narrowed by the headers of the posting
  blocks that would hold it (their highest weight, shortest field), then only those blocks are read.

A document that is no candidate scores at most the sum of the commoner parts' `top`: once the
page's last score is above that, no such document can reach it. When it is not (the titles hold
too few good matches), or when the phrase turns out rare among the candidates (checking them one
at a time would cost more), the check becomes the full one: every part read whole, every
candidate checked in the order of its words' summed scores, many at once, until the page is
certain. Of many candidates only the few hundred best bounds are queued at first; the rest wait
until the check gets that far.
"""

import heapq
from bisect import bisect_left, bisect_right
from itertools import repeat

from whoosh import query as wq
from whoosh.util.numeric import length_to_byte

from archive.search.whoosh import internals, ranking

# A bound from a block header or term statistics: the stored highest weight is a float32 of what
# was written, and the sums round; this much above keeps the bound above every score.
MARGIN = 1 + 1e-6
QUEUED = 512  # of a common part's candidates, those queued at once (the best bounds); the rest when reached
ONE_BY_ONE = 500  # candidates checked one at a time before the rest are checked many at once


class Part:
    """One summed part: a phrase in a field (every word, standing in order), a word, or another query.

    `found` holds what is known of checked documents: docnum -> the part's score there, or None
    where it does not hold.
    """

    def __init__(self, leaf, boost, scale, fieldname=None, words=(), word_boost=1.0, phrase=None):
        self.leaf = leaf
        self.boost = boost  # from the sums above it
        self.scale = scale  # a counterpart's scale (counterparts.Scale) or None
        self.fieldname = fieldname
        self.words = list(words)
        self.word_boost = word_boost  # a word's own boost; 1.0 for a phrase's words
        self.phrase = phrase  # the Phrase, or None for a word or another query
        self.cost = 0  # documents holding its rarest word
        self.whole = False  # its documents known: the candidates
        self.candidates = {}  # docnum -> its bound (the words read, and the others' highest scores)
        self.terms = []
        self.found = {}
        self.top = 0.0  # the most it adds to a document, while not read whole
        self.read = {}  # per word, once read whole: ({docnum: score}, {docnum: encoded positions} or None)
        self.segments = None  # per distinct word, while not read whole, per segment: _WordBlocks or None

    def value(self, scores):
        """The part's score from its words' scores, summed as Ranker._phrase sums them."""
        if self.phrase is None:
            return scores[0]
        if len(scores) == 2:
            return (scores[0] + scores[1]) * self.phrase.boost
        return sum(scores) * self.phrase.boost


class _WordBlocks:
    """A word's posting blocks in one segment, each block's bound, and how to score a posting."""

    __slots__ = ("offset", "blocks", "bounds", "factor", "lengths", "norms")

    def __init__(self, offset, blocks, bounds, factor, lengths, norms):
        self.offset, self.blocks, self.bounds = offset, blocks, bounds
        self.factor, self.lengths, self.norms = factor, lengths, norms

    def block_of(self, local):
        """The index of the block that would hold the segment's document `local`, or None."""
        i = bisect_left(self.blocks.last_ids, local)
        return i if i < len(self.blocks.last_ids) else None

    def posting(self, local):
        """(score, encoded positions) of the word in the segment's document `local`, or None."""
        i = self.block_of(local)
        if i is None:
            return None
        ids, weights, values = self.blocks.read(i)
        j = bisect_left(ids, local)
        if j == len(ids) or ids[j] != local:
            return None
        weight = weights[j]
        # As Ranker._term scores it, the same operations in the same order.
        return self.factor * weight / (weight + self.norms[self.lengths[local]]), values[j] if values else None


class BestFirst:
    """One query's check, best bound first, over the ranker's open searcher."""

    def __init__(self, ranker, parts, allowed):
        self.ranker = ranker
        # Summed in one order for every bound and the score, so a score is never above its bound.
        self.parts = sorted(parts, key=lambda part: part.cost, reverse=True)
        self.allowed = allowed
        self.offsets = [offset for _, offset, _ in ranker.leaves]
        self.seen = set()
        self.queue = []  # (-bound, docnum, stage): stage 0 bounded by candidates, 1 by block headers
        self.heap = []  # the `count` best checked: (score, -docnum), the worst first
        self.reserve = {}  # candidates bounded below `reserve_top`: queued when the check gets that far
        self.reserve_top = None
        self._rest = None  # what a document outside the candidates scores at most (None: there is none)

    # --- reading a part ---

    def read_whole(self, part):
        """Reads the part's postings with positions and makes its documents candidates."""
        self.read(part)
        self.admit(part.candidates)

    def read(self, part):
        """Reads the part's postings with positions: every word, the rarest first, each next one
        only where the ones before are."""
        ranker = self.ranker
        ranker._local.scale = part.scale
        try:
            if part.phrase is None and not part.words:
                found = ranker._evaluate(part.leaf)
                part.candidates = found.scores
                part.terms = found.terms
            else:
                self._read_words(part)
        finally:
            ranker._local.scale = None
        part.whole = True
        self._rest = self._left()

    def _read_words(self, part):
        ranker, fieldname = self.ranker, part.fieldname
        within = None
        for word in sorted(dict.fromkeys(part.words), key=lambda word: ranker._lookup(fieldname, word)[0]):
            positions = {} if part.phrase is not None else None
            scores = ranker._term(fieldname, word, part.word_boost, within, positions).scores
            part.read[word] = (scores, positions)
            within = set(scores) if within is None else within.intersection(scores)
            if not within:
                part.candidates = {}
                return
        words = [part.read[word][0] for word in part.words]
        if part.phrase is None:
            part.candidates = words[0]
        elif len(words) == 2:  # part.value, without a call and a list per document
            first, second, boost = words[0], words[1], part.phrase.boost
            part.candidates = {docnum: (first[docnum] + second[docnum]) * boost for docnum in within}
        else:  # part.value for each, its sums made in C: a phrase of common words has tens of thousands
            docs = list(within)
            sums = map(sum, zip(*[map(found.__getitem__, docs) for found in words], strict=True))
            boost = part.phrase.boost
            part.candidates = {docnum: total * boost for docnum, total in zip(docs, sums, strict=True)}

    def word_blocks(self, part):
        """Per distinct word of a part not read, per segment, its blocks (their headers read now), or None."""
        if part.segments is not None:
            return part.segments
        ranker, fieldname = self.ranker, part.fieldname
        norms = ranker._norm_table(fieldname)
        floor = _floor(norms)
        part.segments = {}
        for word in dict.fromkeys(part.words):
            frequency, present = ranker._lookup(fieldname, word)
            factor = ranker.factor(frequency, part.word_boost, part.scale)
            per_segment = [None] * len(self.offsets)
            for reader, offset, tables, info in present:
                blocks = internals.PostingBlocks(internals.postings_of(reader, fieldname, word, info))
                bounds = [_bound(factor, weight, floor[code])
                          for weight, code in zip(blocks.top_weights, blocks.short_lengths, strict=True)]
                per_segment[bisect_left(self.offsets, offset)] = _WordBlocks(
                    offset, blocks, bounds, factor, tables.length_bytes(fieldname), norms)
            part.segments[word] = per_segment
        return part.segments

    def set_top(self, part):
        """What the part adds to any document at most, from its words' term statistics."""
        ranker, fieldname = self.ranker, part.fieldname
        floor = _floor(ranker._norm_table(fieldname))
        tops = {}
        for word in dict.fromkeys(part.words):
            frequency, present = ranker._lookup(fieldname, word)
            factor = ranker.factor(frequency, part.word_boost, part.scale)
            tops[word] = max((_bound(factor, info.max_weight(), floor[length_to_byte(info.min_length())])
                              for _, _, _, info in present), default=0.0)
        part.top = part.value([tops[word] for word in part.words])

    # --- a part's score in a document ---

    def holds(self, part, docnum):
        """The part's score in the document, or None where it does not hold (checked once)."""
        found = part.found
        if docnum in found:
            return found[docnum]
        if part.phrase is None and not part.words:
            value = part.candidates.get(docnum)
        elif part.whole and docnum not in part.candidates:
            value = None
        else:
            value = self._posted(part, docnum)
        found[docnum] = value
        return value

    def _posted(self, part, docnum):
        """The part's score in the document from its words' postings, read whole or by blocks."""
        segment = None
        postings = {}
        for word in dict.fromkeys(part.words):
            if word in part.read:
                scores, positions = part.read[word]
                if docnum not in scores:
                    return None
                postings[word] = scores[docnum], positions[docnum] if positions is not None else None
                continue
            if segment is None:
                segment = bisect_right(self.offsets, docnum) - 1
            blocks = self.word_blocks(part)[word][segment]
            posting = blocks and blocks.posting(docnum - blocks.offset)
            if posting is None:
                return None
            postings[word] = posting
        if part.phrase is not None and not part.check([docnum], [{docnum: postings[word][1]} for word in part.words]):
            return None
        return part.value([postings[word][0] for word in part.words])

    def header_bound(self, part, docnum):
        """What a part not read scores at most in the document, as the headers of the blocks that
        would hold it allow."""
        segment = bisect_right(self.offsets, docnum) - 1
        bounds = {}
        for word, per_segment in self.word_blocks(part).items():
            blocks = per_segment[segment]
            i = blocks and blocks.block_of(docnum - blocks.offset)
            if i is None:
                return 0.0
            bounds[word] = blocks.bounds[i]
        return part.value([bounds[word] for word in part.words])

    # --- a document's bound and score, summed over the parts in one order ---

    def bound(self, docnum, stage):
        total = 0.0
        for part in self.parts:
            if stage == 0 or (part.phrase is None and not part.words):
                value = part.candidates.get(docnum, 0.0) if part.whole else part.top
            elif part.whole and docnum not in part.candidates:
                value = 0.0
            elif len(part.read) == len(set(part.words)):
                value = self.holds(part, docnum) or 0.0  # every word read: checked now, cheaply
            else:
                value = self.header_bound(part, docnum)
            total += value * part.boost
        return total

    def score(self, docnum):
        """The document's score, or None where no part holds."""
        total, matched = 0.0, False
        for part in self.parts:
            value = self.holds(part, docnum)
            if value is not None:
                total += value * part.boost
                matched = True
        return total if matched else None

    def _left(self):
        """What a document that is no candidate scores at most, or None when every part was read whole."""
        if all(part.whole for part in self.parts):
            return None
        total = 0.0
        for part in self.parts:
            total += (0.0 if part.whole else part.top) * part.boost
        return total

    # --- the check ---

    def first_bounds(self, docnums):
        """bound(docnum, 0) of each, all at once, a part at a time: the same sum in the same order."""
        bounds = dict.fromkeys(docnums, 0.0)
        for part in self.parts:
            boost = part.boost
            if not part.whole:
                add = part.top * boost
                bounds = {docnum: total + add for docnum, total in bounds.items()}
            elif 8 * len(part.candidates) < len(bounds):
                for docnum, value in part.candidates.items():
                    if docnum in bounds:
                        bounds[docnum] += value * boost
            else:  # where the part is not, 0.0 is added: the sum unchanged
                get = part.candidates.get
                bounds = {docnum: total + get(docnum, 0.0) * boost for docnum, total in bounds.items()}
        return bounds

    def new(self, docnums):
        """Those of the documents not yet candidates, nor deleted, nor filtered out: candidates now."""
        new = set(docnums).difference(self.seen, self.ranker.deleted)
        if self.allowed is not None:
            new.intersection_update(self.allowed)
        self.seen.update(new)
        return new

    def admit(self, docnums):
        """Queues the documents not yet candidates (nor deleted, nor filtered out), by their first bound."""
        bounds = self.first_bounds(self.new(docnums))
        if len(bounds) > 4 * QUEUED:  # a common part read whole: the best bounds queued, the rest kept aside
            top = heapq.nlargest(QUEUED, bounds.values())[-1]
            later = {docnum: total for docnum, total in bounds.items() if total < top}
            if later:
                bounds = {docnum: total for docnum, total in bounds.items() if total >= top}
                self.reserve.update(later)
                self.reserve_top = top if self.reserve_top is None else max(self.reserve_top, top)
        self.queue.extend(zip(map(float.__neg__, bounds.values()), bounds, repeat(0)))
        heapq.heapify(self.queue)

    def run(self, count, least):
        """(scores of the checked documents that match, whether every document was checked)."""
        budget = self.ranker._local.budget
        for part in self.parts:
            if part.words:
                self.set_top(part)
            if not part.words or part.cost < least:
                self.read_whole(part)
        self._rest = self._left()
        scores = {}
        heap, queue = self.heap, self.queue
        checked = 0
        while True:
            if budget.over_time():
                return scores, False
            # The best any document left may score: the next candidate's bound, or a document
            # outside the candidates (any number: -docnum <= 0).
            keys = [key for key in ((-queue[0][0], -queue[0][1]) if queue else None,
                                    None if self._rest is None else (self._rest, 0),
                                    None if self.reserve_top is None else (self.reserve_top, 0)) if key is not None]
            if not keys:
                return scores, True
            following = max(keys)
            if len(heap) >= count and heap[0] > following:
                break
            if self._rest is not None and (self._rest, 0) >= following:
                # A document outside the candidates may still reach the page: the common parts are
                # read whole after all, every candidate checked in bound order, many at once.
                return self.check_all(scores, count)
            if self.reserve_top is not None and (self.reserve_top, 0) >= following:
                reserve, self.reserve, self.reserve_top = self.reserve, {}, None
                queue.extend(zip(map(float.__neg__, reserve.values()), reserve, repeat(0)))
                heapq.heapify(queue)
                continue
            _, docnum, stage = heapq.heappop(queue)
            if stage == 0:
                heapq.heappush(queue, (-self.bound(docnum, 1), docnum, 1))
                continue
            checked += 1
            if checked > ONE_BY_ONE or (checked > 64 and len(scores) * 8 < checked):
                # The phrase is rare among the candidates: checking many at once costs less.
                return self.check_all(scores, count)
            score = self.score(docnum)
            if score is None:
                continue
            scores[docnum] = score
            _keep_best(heap, count, (score, -docnum))
        return scores, not self.one_more(scores)

    def check_all(self, scores, count):
        """Reads every part whole, every word, then checks the candidates left in the order of
        their words' summed scores, many at once (a phrase check over a batch): for a phrase rare
        among its candidates, cheaper than one at a time. (scores, whether every one was checked)."""
        left = [docnum for _, docnum, _ in self.queue]
        left.extend(self.reserve)
        for part in self.parts:
            if not part.whole:
                self.read(part)
                left.extend(self.new(part.candidates))
        self.queue, self.reserve, self.reserve_top = [], {}, None
        bounds = self.first_bounds(left)
        # Highest bound first, the older document first among equal ones (a stable sort of the numbers in order).
        order = sorted(sorted(bounds), key=bounds.__getitem__, reverse=True)
        heap, budget = self.heap, self.ranker._local.budget
        visited = 0
        step = count  # then twice as many each time, up to 512
        while visited < len(order):
            if len(heap) >= count and heap[0] > (bounds[order[visited]], -order[visited]):
                break
            if budget.over_time():
                return scores, False
            batch = order[visited:visited + step]
            visited += len(batch)
            step = min(2 * step, 512)
            for docnum, score in self.check_batch(batch).items():
                scores[docnum] = score
                _keep_best(heap, count, (score, -docnum))
        while visited < len(order) and not budget.over_time():
            # Stopped early: one more match, not counted, makes the total a true "more than".
            batch = order[visited:visited + step]
            visited += len(batch)
            if self.check_batch(batch):
                return scores, False
        return scores, visited >= len(order)

    def check_batch(self, docnums):
        """The scores of those of the documents that match, every part read whole: each phrase
        checked over them at once, the sums made a part at a time (in the order of score())."""
        totals = {}
        among = None
        for part in self.parts:
            found, candidates = part.found, part.candidates
            if not candidates:
                continue
            if len(candidates) >= len(docnums):
                inside = [docnum for docnum in docnums if docnum in candidates]
            else:
                among = set(docnums) if among is None else among
                inside = [docnum for docnum in candidates if docnum in among]
            unchecked = [docnum for docnum in inside if docnum not in found]
            if part.phrase is not None and unchecked:
                holding = set(part.check(unchecked, [part.read[word][1] for word in part.words]))
                for docnum in unchecked:
                    found[docnum] = candidates[docnum] if docnum in holding else None
            else:  # a word or another query holds in each of its candidates
                found.update((docnum, candidates[docnum]) for docnum in unchecked)
            boost = part.boost
            get = totals.get
            for docnum in inside:
                value = found[docnum]
                if value is not None:
                    totals[docnum] = get(docnum, 0.0) + value * boost
        return totals

    def one_more(self, scores):
        """Whether a match beyond those counted exists (found and not counted): the total is then a
        true "more than"."""
        budget = self.ranker._local.budget
        queue = self.queue
        while queue and not budget.over_time():
            _, docnum, _ = heapq.heappop(queue)
            if docnum not in scores and self.score(docnum) is not None:
                return True
        for docnum in self.reserve:
            if budget.over_time():
                return False
            if self.score(docnum) is not None:
                return True
        deleted, allowed = self.ranker.deleted, self.allowed
        for part in self.parts:
            if part.whole:
                continue
            # Its documents in order, a block of its first word at a time: a common phrase is found at once.
            for per_segment in list(self.word_blocks(part).values())[:1]:
                for blocks in filter(None, per_segment):
                    for i in range(len(blocks.blocks.last_ids)):
                        if budget.over_time():
                            return False
                        for local in blocks.blocks.read(i)[0]:
                            docnum = blocks.offset + local
                            if docnum in self.seen or docnum in deleted or (
                                    allowed is not None and docnum not in allowed):
                                continue
                            self.seen.add(docnum)
                            if self.score(docnum) is not None:
                                return True
        return False

    def terms(self):
        """Matches.terms: a part's words count in the checked documents where the part holds."""
        terms = []
        for part in self.parts:
            if part.phrase is None and not part.words:
                terms.extend(part.terms)
                continue
            kept = {docnum for docnum, value in part.found.items() if value is not None}
            terms.extend((part.fieldname, ranking._text(word), [kept]) for word in part.words)
        return terms


def _keep_best(heap, count, item):
    """Keep `item` among the heap's `count` best (score, -docnum): the worst of them first."""
    if len(heap) < count:
        heapq.heappush(heap, item)
    elif item > heap[0]:
        heapq.heapreplace(heap, item)


def _bound(factor, weight, norm):
    """Above the score of a posting of at most `weight` in a field normalised by at least `norm`."""
    return factor * weight / (weight + norm) * MARGIN


def _floor(norms):
    """Per length byte, the least length normalisation of that length or any longer: a bound holds
    however the table runs."""
    floor = list(norms)
    for code in range(len(floor) - 2, -1, -1):
        floor[code] = min(floor[code], floor[code + 1])
    return floor


def parts_of(ranker, leaves):
    """A Part for each (leaf, boost, counterpart) of a sum (ranking._sum_of_parts)."""
    schema = ranker.schema
    parts = []
    for leaf, boost, counterpart in leaves:
        scale = None if counterpart is None else ranker._scale(counterpart)
        fieldname = getattr(leaf, "fieldname", None)
        field = schema[fieldname] if fieldname in schema else None
        scorable = field is not None and field.scorable
        if isinstance(leaf, wq.Phrase) and len(leaf.words) > 1 and scorable and field.format.supports("positions"):
            part = Part(leaf, boost, scale, fieldname, leaf.words, phrase=leaf)
            part.check = _checker(part, field.format)
        elif isinstance(leaf, wq.Phrase) and len(leaf.words) == 1 and scorable:
            part = Part(leaf, boost, scale, fieldname, leaf.words, word_boost=leaf.boost)
        elif isinstance(leaf, wq.Term) and scorable:
            part = Part(leaf, boost, scale, fieldname, [leaf.text], word_boost=leaf.boost)
        else:
            part = Part(leaf, boost, scale)
        part.cost = min((ranker._lookup(fieldname, word)[0] for word in part.words), default=0)
        parts.append(part)
    return parts


def _checker(part, format_):
    """check(docnums, positions): the documents where the phrase stands, positions[n][docnum] the
    encoded positions of the phrase's word n."""
    slop = max(1, part.phrase.slop)
    decode = internals.position_decoder(format_)

    def check(docnums, positions):
        if len(positions) == 2 and slop == 1:
            return internals.followed(docnums, positions[0], positions[1], format_)
        return ranking._in_order(docnums, positions, slop, decode)
    return check
