"""Words as the search index keeps them, so the vocabularies meet the index on its own terms.

German folds ä/ae alike and English does not (as in the index's analysers); both are then
stemmed by Snowball. A phrase is keyed word by word.
"""

import functools

from whoosh.lang import stopwords_for_language

from archive.search import stems
from archive.search.text import TOKEN, fold

LANGUAGES = ("de", "en")
_STEMMERS = {lang: stems.stemmer(lang) for lang in LANGUAGES}


def other(lang):
    return "en" if lang == "de" else "de"


def tokens(text):
    return TOKEN.findall(text)


@functools.lru_cache(maxsize=200_000)
def folded(word, lang):
    return fold(word, digraphs=lang == "de")


@functools.lru_cache(maxsize=200_000)
def stem(word, lang):
    """The folded, stemmed form of one word."""
    return _STEMMERS[lang](folded(word, lang))


def folded_key(text, lang):
    return " ".join(folded(word, lang) for word in tokens(text))


def stem_key(text, lang):
    return " ".join(stem(word, lang) for word in tokens(text))


@functools.cache
def stop_words(lang):
    """The language's stop words (Snowball's lists, as Whoosh has them), folded."""
    return frozenset(folded(word, lang) for word in stopwords_for_language(lang) or ())
