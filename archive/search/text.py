"""Folding shared by every backend: what a reader may type for a letter they cannot type.

"München", "Muenchen" and "Munchen" fold alike, and so do "Straße" and "Strasse".
"""

import functools
import operator
import re
import unicodedata

_SHARP = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
# The index's tokens: numbers with separators kept whole, otherwise runs of word characters.
TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+")
# ae/oe/ue as typed for ä/ö/ü, but not inside diphthongs and "qu" (neue, Feuer, Bauer, Quelle).
_DIGRAPH = re.compile(r"(?<![aeiouq])([aou])e")
# The replacement as a function in C: a template ("\\1") is read by a Python function on every call.
_FIRST_GROUP = operator.itemgetter(1)


@functools.lru_cache(maxsize=200_000)
def fold(word, *, digraphs=True):
    """Lower-case `word` without accents; with `digraphs`, German ae/oe/ue become a/o/u too."""
    text = word.lower().translate(_SHARP)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if digraphs:
        text = _DIGRAPH.sub(_FIRST_GROUP, text)
    return text


# Behind a word's first character: no letter (a digit may end a number: 3.14abc), as a pattern's part.
WORD_START = r"(?<![^\W\d].)"


def token_starts_at(text, start):
    """Whether the tokeniser (TOKEN) starts a token at `start` (< len(text)): at the text's start and
    after a non-word character always, after a digit only where a number such as 3.14 ended (3.14abc
    reads 3.14 and abc)."""
    if not start:
        return True
    before = text[start - 1]
    if not (before.isalnum() or before == "_"):
        return True
    begin = start
    while begin and (text[begin - 1].isalnum() or text[begin - 1] in "._,"):
        begin -= 1
    # From a character no token spans, the tokeniser reads this run as it reads the whole text.
    for token in TOKEN.finditer(text, begin, start + 1):
        if token.start() >= start:
            return token.start() == start
    return False


# Characters from U+0100 on (beyond Latin-1) are all let through by the classes below: they seldom begin a
# word of these texts, and a character class holding any of them takes a millisecond or more to compile.
LATIN_END = 0x100


@functools.cache
def latin_folds():
    """Each word character of Latin-1 -> its fold, without digraphs (Ä -> a, ß -> ss, æ -> ae)."""
    unfolded = fold.__wrapped__  # not through fold's cache: these would push out the words it keeps
    word = re.compile(r"\w")
    return {c: unfolded(c, digraphs=False) for c in map(chr, range(LATIN_END)) if word.match(c)}


@functools.cache
def folding_to(letter):
    """The Latin-1 word characters whose fold begins with `letter`."""
    return frozenset(c for c, folded in latin_folds().items() if folded[:1] == letter)


def with_beyond_latin(chars):
    """A regular expression class of `chars` (Latin-1) and every character from U+0100 on, written as the
    ranges of Latin-1 characters it leaves out (quick to compile)."""
    out, last = [], -1
    for code in sorted({ord(c) for c in chars}) + [LATIN_END]:
        if code > last + 1:
            out.append(_escape(last + 1) + (f"-{_escape(code - 1)}" if code - 1 > last + 1 else ""))
        last = code
    return f"[^{''.join(out)}]"


def _escape(code):
    return f"\\x{code:02x}"


def edit_distance(a, b):
    """Edit distance counting a swap of two neighbours as one edit (Hotmial -> Hotmail)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            value = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, rows[-2][j - 2] + 1)
            row.append(value)
        rows.append(row)
    return rows[-1][-1]
