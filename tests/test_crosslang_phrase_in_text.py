"""Why a hit matched a counterpart phrase (crosslang.reasons): the phrase's words must stand one after the
other in the hit's text. It is looked for where words begin with the stems' first letters, and gives what
stemming every word of the text gives."""

import random

import pytest

from archive.glossary import words as vocabulary
from archive.search import crosslang

WORDS = {
    "en": ["present", "day", "Days", "presents", "security", "hole", "holes", "of", "the", "happy", "happiness",
           "dying", "die", "ƿynn", "café", "cafe", "Æon", "aeons", "ｐresent", "ﬁrewall", "firewall", "x_day",
           "3.14", "2day", "day2", "Present-day", "presentday"],
    "de": ["Sicherheits", "Lücke", "Luecke", "lücken", "über", "Ueber", "uber", "Straße", "strasse", "Äpfel",
           "Aepfel", "apfel", "neue", "Feuer", "Quelle", "ß", "ist", "die", "Tür", "Tuer", "3.14", "1,5", "Ölpreis"],
}
SEPARATORS = [" ", "  ", ", ", "\n", "-", " – ", "„", "“ ", ".", ""]


def every_word(text, wanted, lang):
    found = [vocabulary.stem(word, lang) for word in vocabulary.tokens(text)]
    return any(found[i:i + len(wanted)] == list(wanted) for i in range(len(found) - len(wanted) + 1))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_phrase_stands_in_a_text_as_stemming_every_word_says(lang):
    rng = random.Random(7)
    for _ in range(1500):
        words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(1, 30))]
        text = "".join(word + rng.choice(SEPARATORS) for word in words)
        size = rng.randint(2, 3)
        start = rng.randrange(len(words))
        phrase = words[start:start + size] if rng.random() < 0.7 else rng.sample(WORDS[lang], size)
        wanted = tuple(vocabulary.stem(word, lang) for word in phrase)
        document = crosslang._Document({"title": "", "text": text})
        assert document.holds(wanted, lang) == every_word(document.text, wanted, lang), (text, phrase)


def test_a_phrase_across_title_and_text_stands_as_before():
    document = crosslang._Document({"title": "A hole in the", "text": "security of it"})
    assert document.holds(("secur", "of"), "en")
    assert not document.holds(("hole", "secur"), "en")
