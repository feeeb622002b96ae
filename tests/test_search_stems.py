"""Stems (archive/search/stems.py): the Snowball project's C stemmers give what Whoosh's Snowball in
Python gave, so an index and a dictionary keep meeting on the same terms; and each thread its own."""

import re
import threading
from pathlib import Path

from whoosh.lang import stemmer_for_language

from archive.search import stems
from archive.search.text import fold

CONTENT = Path(__file__).resolve().parent.parent / "content"
# Where Snowball 2.2 (PyStemmer) and Whoosh's older port part: both stems are Snowball's English.
ENGLISH_DIFFERENT = {"realization": ("realiz", "realize"), "fertlizer": ("fertliz", "fertlize")}


def _words(lang):
    words = set()
    for path in CONTENT.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if lang == "de" and not re.search(r"^lang(uage)?: de", text, re.MULTILINE):
            continue
        words.update(fold(word, digraphs=lang == "de") for word in re.findall(r"\w+", text))
    words.update({"de": "ärger aerger straße strassen häuser öfen übeln sagte sicherheitslücken würmer "
                        "abgebildet abgeschaltet abbrockeln schwachstellen angriffen",
                  "en": "dying lying happily generously emergency evening added erring news skies "
                        "realization fertlizer"}[lang].split())
    return sorted(words)


def test_german_stems_are_whooshs_snowball_stems():
    ours, whooshs = stems.stemmer("de"), stemmer_for_language("de")
    words = _words("de")
    assert len(words) > 500
    assert [ours(word) for word in words] == [whooshs(word) for word in words]
    assert ours("sicherheitslucken") == "sicherheitsluck" and ours("abgebildet") == "abgebildet"


def test_english_stems_are_whooshs_snowball_stems_but_two():
    ours, whooshs = stems.stemmer("en"), stemmer_for_language("en")
    words = _words("en")
    assert len(words) > 1000
    differing = {word: (ours(word), whooshs(word)) for word in words if ours(word) != whooshs(word)}
    assert differing == ENGLISH_DIFFERENT
    assert [ours(word) for word in ("dying", "added", "worms", "happily")] == ["die", "ad", "worm", "happili"]


def test_each_thread_stems_with_its_own_stemmer():
    stem = stems.stemmer("de")
    words = _words("de")
    expected = [stem(word) for word in words]
    found, barrier = [], threading.Barrier(4)

    def run():
        barrier.wait()
        found.append([stem(word) for word in words for _ in range(2)][::2])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [expected] * 4
