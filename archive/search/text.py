"""Folding shared by every backend: what a reader may type for a letter they cannot type.

"München", "Muenchen" and "Munchen" fold alike, and so do "Straße" and "Strasse".
"""

import functools
import re
import unicodedata

_SHARP = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
# ae/oe/ue as typed for ä/ö/ü, but not inside diphthongs and "qu" (neue, Feuer, Bauer, Quelle).
_DIGRAPH = re.compile(r"(?<![aeiouq])([aou])e")


@functools.lru_cache(maxsize=200_000)
def fold(word, *, digraphs=True):
    """Lower-case `word` without accents; with `digraphs`, German ae/oe/ue become a/o/u too."""
    text = word.lower().translate(_SHARP)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if digraphs:
        text = _DIGRAPH.sub(r"\1", text)
    return text

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
