"""Neighbouring common words indexed as one term, so a phrase of them is found without positions.

A phrase's documents are those holding every word, kept where the words stand side by side:
the check decodes each candidate's positions in Python. When both words are common ("said
making", "corp said") a thousand candidates may hold both for a handful where they stand
together, and that check was most of the query. So each body field has a companion field
(pairs_en, pairs_de) holding, per document, every pair of neighbouring words that are both
common, as the term "first second": its postings are exactly the documents where the phrase
stands (Lucene's CommonGrams, for a phrase of two; a longer one starts from its pairs' documents
and checks the rest as before). Scores still come from the words' own postings, as Whoosh
scores a phrase.

"Common" is decided once per index, from a sample of the archive when the index is built
(`choose`), and kept in the index's folder (PAIRS): every document of an index is paired
with the same lists, so a pair's postings are complete. Words in at least PAIRED_SHARE of the
sample's documents are paired; a pair of two words both in at least TOP_SHARE ("of the") is
not: it would be in most documents, and such phrases are read by blocks (bestfirst.py). An
index built from too small an archive pairs nothing until it is rebuilt (or, while still empty,
takes a bulk write: store._pairs_chosen).
"""

import json
from dataclasses import dataclass

SAMPLE = 2000          # documents read to choose the common words
MIN_DOCUMENTS = 500    # of one language in the sample: fewer decide nothing
PAIRED_SHARE = 0.05    # of the sample's documents of the language
TOP_SHARE = 0.5
FILE = "PAIRS"
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Lists:
    """The words of one language paired in an index."""

    paired: frozenset = frozenset()
    top: frozenset = frozenset()

    def pairable(self, first, second):
        paired, top = self.paired, self.top
        return first in paired and second in paired and not (first in top and second in top)

    def terms(self, words):
        """The pair terms of a document whose words, as indexed, are `words` (in order)."""
        paired, top = self.paired, self.top  # pairable() inline: this runs for every word written
        found = set()
        for first, second in zip(words, words[1:]):  # noqa: B905 - one shorter on purpose
            if first in paired and second in paired and not (first in top and second in top):
                found.add(f"{first} {second}")
        return found


NONE = Lists()


def any_paired(lists):
    """Whether {language: Lists} pairs any word."""
    return any(found.paired for found in lists.values())


def field_of(fieldname):
    """The pair field of a body field, or None."""
    return {"body_en": "pairs_en", "body_de": "pairs_de"}.get(fieldname)


def choose(texts, words_of):
    """{language: Lists} from (language, text) pairs, `words_of[language](text)` giving the words."""
    counts = {lang: {} for lang in LANGUAGES}
    documents = dict.fromkeys(LANGUAGES, 0)
    for lang, text in texts:
        if lang not in counts or not text:
            continue
        documents[lang] += 1
        seen = counts[lang]
        for word in set(words_of[lang](text)):
            seen[word] = seen.get(word, 0) + 1
    chosen = {}
    for lang in LANGUAGES:
        total = documents[lang]
        if total < MIN_DOCUMENTS:
            chosen[lang] = NONE
            continue
        seen = counts[lang]
        chosen[lang] = Lists(frozenset(word for word, count in seen.items() if count >= PAIRED_SHARE * total),
                             frozenset(word for word, count in seen.items() if count >= TOP_SHARE * total))
    return chosen


def write(folder, lists):
    data = {lang: {"paired": sorted(found.paired), "top": sorted(found.top)} for lang, found in lists.items()}
    (folder / FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def read(folder):
    """The index's lists; none paired where the file is missing (an index built before pairs)."""
    try:
        data = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return dict.fromkeys(LANGUAGES, NONE)
    return {lang: Lists(frozenset(data.get(lang, {}).get("paired", ())), frozenset(data.get(lang, {}).get("top", ())))
            for lang in LANGUAGES}
