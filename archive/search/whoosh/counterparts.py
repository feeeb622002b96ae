"""A counterpart in the other language, scored on the scale of the query's language.

Whoosh's BM25F measures every field against every document of the index: a word's document
frequency against all of them (idf = log(N / (df + 1)) + 1) and a field's average length over
all of them, those without the field included. Each language's text has fields of its own
(analysis.py), so a German field's figures depend on how many English documents the archive
holds: in the judged queries' archive (163 German documents, 3,471 others) a German text of
average length stands at 22 times its field's average, an English one at 1.05. Among one
language's words the bias is the same for all, and plain queries rank as Whoosh ranks them.

A counterpart is compared with the words as written in the other language, and there the bias
decided: one occurrence in a German text of average length scored a tenth of one in an English
text, so the English article came before the German one for a German word. A counterpart is
therefore put on the query language's scale: its document frequency counts as it would if its
language held as many documents as the query's, and its score is multiplied by what one
occurrence in a text of average length scores in the query's language over what it scores in
the counterpart's. Its language's records keep their order among themselves (as that language's
own word would rank them), and a record holding the counterpart as a record of the query's
language holds the word scores the same before the counterpart's weight (crosslang.WEIGHT): the
query's own language ranks first when both match equally, whatever the languages' shares.
"""

import math
from dataclasses import dataclass

from whoosh import query as wq

K1, B = 1.2, 0.75  # ranking.py's, Whoosh's BM25F defaults


class Counterpart(wq.WrappingQuery):
    """The compiled query of a counterpart in `lang` (de or en) of words in the other language."""

    def __init__(self, child, lang):
        super().__init__(child)
        self.lang = lang
        self.query_lang = "en" if lang == "de" else "de"

    def __eq__(self, other):
        return type(other) is type(self) and other.child == self.child and other.lang == self.lang

    def __hash__(self):
        return hash((type(self).__name__, self.child, self.lang))

    def __repr__(self):
        return f"Counterpart({self.child!r}, {self.lang})"

    def _rewrap(self, child):
        return type(self)(child, self.lang)


@dataclass(frozen=True)
class Scale:
    frequency: float   # a counterpart's document frequency counts times this
    factor: float      # and its score


NONE = Scale(1.0, 1.0)


def documents_in(searcher, lang):
    """The index's documents with fields of the language (deleted ones included, as in idf)."""
    german = searcher.doc_frequency("lang", "de")
    return german if lang == "de" else searcher.doc_count_all() - german


def _one_occurrence(length):
    """BM25's term frequency part for one occurrence in a text `length` times its field's average."""
    return (K1 + 1) / (1 + K1 * (1 - B + B * length))


def scale(searcher, query_lang, lang):
    """The Scale of counterparts in `lang` for words in `query_lang`; none when either has no documents."""
    everything = searcher.doc_count_all()
    mine, theirs = documents_in(searcher, query_lang), documents_in(searcher, lang)
    if not (mine and theirs):
        return NONE
    # A text of its language's average length stands at everything / (its language's documents) of the average.
    return Scale(frequency=mine / theirs,
                 factor=_one_occurrence(everything / mine) / _one_occurrence(everything / theirs))


def idf(searcher, frequency, scale_):
    """Whoosh's idf of a word in `frequency` documents, that frequency as it would be at the scale."""
    return math.log(searcher.doc_count_all() / (frequency * scale_.frequency + 1)) + 1
