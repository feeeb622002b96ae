"""Snowball stems of German and English words, as the index, the glossary and the passages take them.

From the Snowball project's own C library (PyStemmer), some 3-10 times faster than Whoosh's
Snowball in Python: a query's words, the words around its matches in the passages and the parts
of a German compound are stemmed the first time they are met, so this was a tenth of a query.
PyStemmer 2.2.0.3 (Snowball 2.2) gives Whoosh's stems for every word of the German corpora and
all but two of the 78,738 English words ("realization", "fertlizer"); a later Snowball changes
German stems (abgebildet -> abgebild): an upgrade of it needs analysis.SCHEMA_VERSION and the
dictionary tables' FORMAT raised (tests/test_search_stems.py fails first).
"""

import threading

import Stemmer

ALGORITHMS = {"de": "german", "en": "english"}


def stemmer(lang):
    """A function giving a word's stem in `lang`, safe in any thread: a PyStemmer stemmer keeps its
    work in itself and is not to be shared between threads, so each thread makes its own."""
    algorithm = ALGORITHMS[lang]
    local = threading.local()

    def stem(word):
        found = getattr(local, "stem", None)
        if found is None:
            # No cache of its own: the callers keep theirs (analysis.Normalize, glossary.words).
            found = local.stem = Stemmer.Stemmer(algorithm, 0).stemWord
        return found(word)

    return stem
