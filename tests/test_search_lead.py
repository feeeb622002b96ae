"""A hit's lead (archive/search/snippets.py) reads only the start of its text, and gives what the whole
text's words, their white space read as one, give."""

import random

import pytest

from archive.search.snippets import lead


def whole_text_lead(text, size=200):
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def texts():
    rng = random.Random(11)
    pieces = ["Wurm", "Code Red", "Überträger", "a", "Straße", " ", "  ", "\n\n", "\t", "\u00a0", "\u2003 ", "-"]
    for _ in range(400):
        yield "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 300)))
    # White space long enough that the first reading of the start holds no word, or too few.
    yield " " * 1000 + "Wurm " * 100
    yield "Wurm" + "\n" * 5000 + "Code Red " * 50
    yield "x" * 1000
    yield "ab " * 67 + "c"
    yield ""


@pytest.mark.parametrize("size", [1, 10, 200])
def test_the_lead_is_what_reading_the_whole_text_gives(size):
    for text in texts():
        assert lead(text, size) == whole_text_lead(text, size), text[:60]
