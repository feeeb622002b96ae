"""The passage shown under a Whoosh hit: the part of its text with the most different matched words.

Cheaper than Whoosh's highlighter, which runs every token through the whole analyser chain, and
than stemming each distinct word of the text: searches run in C (bytes.find, regular expressions)
find the words whose first letters could fold to the start of a matched term, and only those are
stemmed. A page's hits are looked through together (snippets()): those of one language matching the
same terms in their texts joined, and each word judged once for all of them.
"""

import functools
import html
import re
from bisect import bisect_left

from archive.search.snippets import lead, unmatched_snippet
from archive.search.text import TOKEN, WORD_START, fold, folding_to, latin_folds, token_starts_at, with_beyond_latin
from archive.search.whoosh.analysis import NORMALIZERS, body_language

SNIPPET_CHARS = 240
MARKED = 24  # the passage is chosen among the first this many matched words
# English stems dying, lying and tying to die, lie and tie: such a word starts otherwise than its stem.
_Y_HEADS = {"di": "dy", "li": "ly", "ti": "ty"}


def snippet(doc, matched_terms):
    """HTML: the passage of the document's text with the most different matched words, escaped,
    matches in <mark>; its lead when none of its text words matched."""
    return snippets([(doc, matched_terms)])[0]


def snippets(hits):
    """snippet() of each (doc, matched_terms), in order. The hits in one language matching the same
    terms (most of a page's) are looked through together: the words that may match are found in
    their texts joined, one pass for all of them instead of one a hit."""
    found = [None] * len(hits)
    groups = {}  # (language, terms) -> [(position, text, wanted, compounds)]
    for position, (doc, matched_terms) in enumerate(hits):
        lang = body_language(doc)
        body_field = f"body_{lang}"
        wanted = {term for fieldname, term in matched_terms if fieldname == body_field}
        compounds = [term for fieldname, term in matched_terms if fieldname == "compound"]
        if not (wanted or compounds):
            found[position] = unmatched_snippet(doc)
            continue
        groups.setdefault((lang, _terms(wanted, compounds)), []).append((position, doc["text"], wanted, compounds))
    for (lang, terms), members in groups.items():
        normalize, plan = NORMALIZERS[lang], _plan(terms)
        verdicts = _judgements(terms, normalize)
        each = _starts_of_each([text for _, text, _, _ in members], plan, normalize.digraphs)
        for (position, text, wanted, compounds), starts in zip(members, each, strict=True):
            spans = _spans_at(text, starts, wanted, compounds, normalize, plan, verdicts)
            found[position] = _passage(text, spans) if spans else html.escape(lead(text))
    return found


def _terms(wanted, compounds):
    """What a text's words are matched against: the wanted terms and the compounds' (indexed reversed)."""
    return tuple(sorted(wanted)) + tuple(sorted(term[::-1] for term in compounds))


def _matched_spans(text, wanted, compounds, normalize):
    """(start, end, word) of the first MARKED words of the text that match: a word matches when it
    normalises to a wanted term, or reversed to a compound's (compounds are indexed reversed)."""
    terms = _terms(wanted, compounds)
    plan = _plan(terms)
    starts = _starts_of_each([text], plan, normalize.digraphs)[0]
    return _spans_at(text, starts, wanted, compounds, normalize, plan, _judgements(terms, normalize))


# Between joined texts: no word character, so no word is found across it and a text's first word starts a word.
_JOINT = "\n"


def _starts_of_each(texts, plan, digraphs):
    """For each text, where the words that may match the terms of `plan` begin (sorted): found in the texts joined."""
    if len(texts) == 1:
        return [sorted(_candidate_starts(texts[0], plan, digraphs))]
    found = sorted(_candidate_starts(_JOINT.join(texts), plan, digraphs))
    each, i, base = [], 0, 0
    for text in texts:
        end = base + len(text)
        local = []
        while i < len(found) and found[i] < end:
            local.append(found[i] - base)
            i += 1
        each.append(local)
        base = end + len(_JOINT)
    return each


def _candidate_starts(text, plan, digraphs):
    """Where in `text` the words begin that may normalise to one of the plan's terms (_plan()): a few too
    many, never too few."""
    size, heads, longer, ascii_heads = plan
    # Patterns per head: they repeat from query to query, while a query's set of heads seldom does.
    scanned = _folded_bytes(text) if ascii_heads else None
    if scanned is not None:
        # The first three or four letters, which the words to stem must begin with: "th" stands at the
        # start of a tenth of English words, "thre" seldom; "fre" at some ten words of a German article
        # (frei, Freitag, Freund ...), "frem" at one or two. For terms of two or three letters, their
        # first two.
        spelt = longer if longer is not None and all(head.isascii() for head in longer) else (
            heads if size == 2 else None)
        if spelt is not None:
            starts = set()
            marks = _word_marks(scanned, text)
            for head in spelt:
                starts.update(_head_starts(scanned, head, digraphs, marks))
            # A word beginning with a mark is let through: the marks were found already.
            starts.update(mark for mark in marks if _word_starts(scanned, mark))
            return starts
        # A one-letter term: its letter at a word's start.
        patterns = {found for head in heads for found in _folded_starts(head[:1])}
    else:
        scanned, patterns = text, {_starts(head, size, digraphs) for head in heads}
    starts = set()
    for pattern in patterns:
        starts.update(found.start() for found in pattern.finditer(scanned))
    return starts


def _spans_at(text, starts, wanted, compounds, normalize, plan, verdicts):
    """_matched_spans() of the words beginning at `starts` (sorted; _candidate_starts()), by the terms'
    plan (_plan()) and judgements (_judgements())."""
    size, heads, longer, _ = plan
    digraphs = normalize.digraphs
    spans = []
    for start in starts:
        if not token_starts_at(text, start):
            continue
        token = TOKEN.match(text, start)
        if token is None:
            continue
        token = token.group()
        word = verdicts.get(token, _UNJUDGED)  # read once: another thread's search may empty the dict
        if word is _UNJUDGED:
            folded = fold(token, digraphs=digraphs)
            word = None
            if (len(folded) < size or folded[:size] in heads) and (longer is None or _may_stem_to(folded, longer)):
                word = normalize(token)
                if not (word in wanted or (compounds and word[::-1] in compounds)):
                    word = None
            verdicts[token] = word
        if word is not None:
            spans.append((start, start + len(token), word))
            if len(spans) >= MARKED:
                break
    return spans


# Tokens judged per query's terms: a page's hits share most of theirs (the query's word and its inflections),
# and the next page of the same query more. Kept for the last 64 queries' terms, up to 2,000 tokens each (a
# common word's pages judge a few hundred): a few megabytes at most, a few kilobytes for rare words.
VERDICTS_KEPT = 2000
_UNJUDGED = object()


@functools.lru_cache(maxsize=64)
def _verdicts(terms, normalize):
    """Token -> its normal form (by `normalize`) when it matches one of `terms` (a query's, as _plan gets
    them), else None; shared by the query's hits. Whether a token matches depends on its normal form and the terms
    alone: a word matches a compound's term when reversed it is the term, as it matches a text term."""
    return {}


def _judgements(terms, normalize):
    """_verdicts(), emptied when past VERDICTS_KEPT."""
    verdicts = _verdicts(terms, normalize)
    if len(verdicts) > VERDICTS_KEPT:
        verdicts.clear()
    return verdicts


@functools.lru_cache(maxsize=1024)
def _plan(terms):
    """What the words of a text are looked for by, for the terms (a query's, for each of its hits):
    (size, heads: the terms' first `size` letters, longer: _longer_heads, whether the heads are ASCII)."""
    # Folding and stemming keep a word's first two letters (Straße -> stras, Ärger -> arg,
    # attacks -> attack), so a word whose first two do not fold to the start of a term is none.
    size = 2 if all(len(term) >= 2 for term in terms) else 1
    heads = {term[:size] for term in terms}
    heads.update(_Y_HEADS[head] for head in heads & _Y_HEADS.keys())
    longer = _longer_heads(terms)
    return size, frozenset(heads), longer and frozenset(longer), all(head.isascii() for head in heads)


# A stem longer than n letters begins with the word's first n, folded, for n up to _LONGER (y read as i:
# happy -> happi); shorter ones need not (using -> use, dying -> die). None of the 143,285 different words
# of the corpora breaks it, in either language; tests/test_search_passages.py holds the tricky ones.
# Stemming is most of a passage's cost: a word whose first letters cannot give a term is not stemmed.
_LONGER = 4


def _longer_heads(terms):
    """Each term's first letters (all but its last, up to _LONGER; y as i), or None when a term is too short
    to tell by."""
    if any(len(term) < 4 for term in terms):
        return None
    return {term[:min(_LONGER, len(term) - 1)].replace("y", "i") for term in terms}


def _may_stem_to(folded, heads):
    """Whether the folded word may stem to a term whose first letters are among `heads` (_longer_heads)."""
    head = folded[:_LONGER].replace("y", "i")
    return head in heads or head[:3] in heads


def _passage(text, spans):
    best, best_score = 0, -1
    starts = [start for start, _, _ in spans]
    for i, start in enumerate(starts):
        window = {word for _, _, word in spans[i:bisect_left(starts, start + SNIPPET_CHARS, i)]}
        if len(window) > best_score:
            best, best_score = i, len(window)
    start = max(0, spans[best][0] - 60)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + SNIPPET_CHARS)
    shown = [span for span in spans[best:] if span[1] <= end]
    window = text[start:end]
    if _OPEN in window or _CLOSE in window:
        marked = _escaped_each(text, start, end, shown)
    else:
        # Escaped at once, the marks standing as characters of Unicode's private use meanwhile.
        pieces, cursor = [], start
        for s, e, _ in shown:
            pieces += (text[cursor:s], _OPEN, text[s:e], _CLOSE)
            cursor = e
        pieces.append(text[cursor:end])
        marked = html.escape("".join(pieces)).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    passage = " ".join(marked.split())
    return ("… " if start else "") + passage + (" …" if end < len(text) else "")


_OPEN, _CLOSE = "\ue000", "\ue001"


def _escaped_each(text, start, end, shown):
    """The window with its marks, each piece escaped: for a text holding _OPEN or _CLOSE itself."""
    out, cursor = [], start
    for s, e, _ in shown:
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


# A character folding to two letters or more (ß -> ss, æ -> ae, þ -> th) stands as this in the folded bytes,
# one beyond Latin-1 (or folding to one) as "?": a word beginning with either is let through.
_MANY, _BEYOND = b"\x01", b"?"


def _folded_bytes(text):
    """The text as one byte a character, each Latin-1 word character folded to its first letter (Ärger ->
    arger, Straße -> stra\x01e), those beyond Latin-1 as "?": there a head's letters are bytes the regular
    expression engine looks for as a string, several times faster than for classes of letters (_starts)."""
    # One "?" a character beyond Latin-1 (most German articles hold a few: „ “ –).
    return text.encode("latin-1", "replace").translate(_folding_table())


@functools.cache
def _folding_table():
    table = bytearray(range(256))
    for c, folded in latin_folds().items():
        if len(folded) != 1:
            table[ord(c)] = _MANY[0]
        else:
            table[ord(c)] = ord(folded) if folded < "\x80" else _BEYOND[0]
    return bytes(table)


@functools.lru_cache(maxsize=64)
def _folded_starts(letter):
    """Patterns finding, in _folded_bytes() of a text, every word beginning with `letter` (ASCII), and
    every word beginning with a character folding to several letters or beyond Latin-1."""
    return (re.compile(re.escape(letter.encode()) + WORD_START.encode()),) + tuple(
        _let_through(found) for found in (_MANY, _BEYOND))


def _head_starts(scanned, head, digraphs, marks):
    """Where, in _folded_bytes() of a text, the words begin whose first letters fold to `head`
    (two letters, or three or four of _longer_heads; y read as i): where a spelling of it stands (i as i or y;
    after a, o or u with digraphs an e may stand, as ae folds to a), and where a character folding to
    several letters or beyond Latin-1 (at `marks`, _word_marks()) stands after a spelling of its first
    letters, which lets the word through.

    Each spelling is looked for as a string (bytes.find, in C), and a word's start checked where one
    is found: a regular expression per head took 50-80 microseconds to compile, and most queries
    bring heads not seen before."""
    words, before_mark, sizes, last_letters = _spellings(head, digraphs)
    starts = []
    find = scanned.find
    for needle in words:
        at = find(needle)
        while at >= 0:
            if _word_starts(scanned, at):
                starts.append(at)
            at = find(needle, at + 1)
    for mark in marks:
        # Most marks (the ß of daß, groß, Straße) follow a letter no spelling of the head's first letters ends in.
        if mark and scanned[mark - 1] in last_letters:
            for size in sizes:
                at = mark - size
                if at >= 0 and scanned[at:mark] in before_mark and _word_starts(scanned, at):
                    starts.append(at)
    return starts


def _marks(scanned):
    """Where characters folding to several letters or beyond Latin-1 stand (few, in most texts)."""
    found = []
    for mark in (_MANY, _BEYOND):
        at = scanned.find(mark)
        while at >= 0:
            found.append(at)
            at = scanned.find(mark, at + 1)
    return found


def _word_marks(scanned, text):
    """_marks() standing for a word character (ß, œ, ł; not a dash, a quotation mark or a question mark,
    which are most marks of a German article: – „ “). A mark standing for anything else begins no
    word, and ends the word before it, which is then shorter than any term looked for: its letters
    are characters folding to one letter each, a head's first letters at most, and stemming never
    lengthens a word."""
    if text.isascii():  # every mark a question mark or a control character
        return []
    return [mark for mark in _marks(scanned) if text[mark].isalnum()]


# Before a word's first letter: no letter or underscore (a digit may end a number: 3.14abc), as WORD_START.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def _word_starts(scanned, at):
    """Whether a word may start at `at` in _folded_bytes() of a text, as WORD_START says."""
    return not at or scanned[at - 1] not in _WORD_BYTES


@functools.lru_cache(maxsize=20000)
def _spellings(head, digraphs):
    """(the byte strings a word beginning with `head` may begin with in _folded_bytes(), those of its
    first letters (all but the last) a mark may follow, their lengths, and their last letters): i as i
    or y, ae/oe/ue for a/o/u with digraphs."""
    def letter(c):
        return (b"i", b"y") if c == "i" else (c.encode(),)

    def then(c):  # ae, oe and ue fold to a, o and u
        return (b"", b"e") if digraphs and c in "aou" else (b"",)

    spelt, before_mark = [b""], []
    for c in head[:-1]:
        spelt = [before + first + e for before in spelt for first in letter(c) for e in then(c)]
        before_mark.extend(spelt)
    words = frozenset(before + last for before in spelt for last in letter(head[-1]))
    return (words, frozenset(before_mark), tuple(sorted({len(before) for before in before_mark})),
            frozenset(before[-1] for before in before_mark))


@functools.cache
def _let_through(mark):
    return re.compile(re.escape(mark) + WORD_START.encode())


@functools.lru_cache(maxsize=4000)
def _starts(head, size, digraphs):
    """A pattern finding, at a word's start (after a non-word character or a digit), every word whose
    first `size` letters could fold to `head`: a few too many, never too few.

    It begins with one character class, which the regular expression engine scans for in C; the
    word's start and its second letter are checked behind and after that character.
    """
    nothing = folding_to("")  # characters folding to nothing: the next ones give the head
    first = folding_to(head[0])
    if size == 1 or len(head) < 2:
        return re.compile(with_beyond_latin(first | nothing) + WORD_START)
    follow = folding_to(head[1])
    if digraphs and head[0] in "aou":  # ae, oe and ue fold to a, o and u: the head's second letter is later
        follow |= folding_to("e")
    # A letter folding to two (ß -> ss, æ -> ae) may give the whole head, or with digraphs fold further
    # (æ -> ae -> a): it is let through with whatever follows, as are those folding to nothing.
    singles = _doubles(head[0]) | nothing
    return re.compile(with_beyond_latin(first | singles) + WORD_START + f"(?:(?<={_latin_class(first)})"
                      + f"{with_beyond_latin(follow | nothing)}|(?<={with_beyond_latin(singles)}))")




@functools.cache
def _doubles(letter):
    """The Latin characters folding to two letters or more, the first `letter` (ß, æ, œ)."""
    return frozenset(c for c, folded in latin_folds().items() if len(folded) > 1 and folded[0] == letter)


def _latin_class(chars):
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]" if chars else "[^\\s\\S]"
