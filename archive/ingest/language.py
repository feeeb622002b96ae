"""German or English? Counted from each language's commonest short words.

Function words (der, und, ist / the, and, is) make up a third or more of any
running text and hardly overlap between the two languages, so counting them
tells German from English reliably on a few sentences; `bench/bench_import.py`
measures it against the labelled corpora. Text with too few of either (a list
of names, another language) is left undecided rather than guessed.
"""

import re

STOPWORDS = {
    "de": frozenset(
        "der die das den dem des ein eine einen einem einer eines und oder aber nicht ist sind war "
        "waren wird werden wurde wurden hat haben hatte sich mit von zu zum zur auf für im in ins "
        "auch noch nur schon als wie dass daß bei nach aus über unter vor durch gegen ohne sein seine "
        "ihre ihr er sie es wir man kann können soll sollen muss müssen bis beim vom am um wenn weil "
        "doch so sehr mehr dieser diese dieses jetzt heute".split()
    ),
    "en": frozenset(
        "the a an and or but not is are was were will would be been being has have had with of to "
        "for on in into at by from as that this these those it its he she they we you his her their "
        "which who what when where there than then can could should may might must about after over "
        "also more said says just only up out if".split()
    ),
}
MIN_HITS = 3  # fewer function words than this is not a text to judge
MARGIN = 1.5  # the winner needs this many times the other's count

_WORD = re.compile(r"[^\W\d_]+")


def detect(text, *, sample=4000):
    """Return "de", "en", or None when the text does not say clearly."""
    counts = dict.fromkeys(STOPWORDS, 0)
    for match in _WORD.finditer(text[:sample]):
        word = match.group().lower()
        for language, words in STOPWORDS.items():
            if word in words:
                counts[language] += 1
    (best, best_count), (_, other_count) = sorted(counts.items(), key=lambda item: -item[1])
    if best_count < MIN_HITS or best_count < MARGIN * other_count:
        return None
    return best
