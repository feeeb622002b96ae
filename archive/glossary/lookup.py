"""A word or phrase in one language -> its counterparts in the other, weighted: what query expansion asks.

    counterparts("Sicherheitslücken", "de")
    -> [Counterpart("vulnerability", "en", 1.0, "glossary"), Counterpart("security hole", ...), ...]

Order of precedence, first that answers wins:
1. the glossary (curated; where it knows a word, the general dictionary is not asked);
2. the general dictionary (build_dictionary's file);
3. for a German word that neither knows whole: its parts, as German builds compounds
   (Routersicherheitslücke -> Router + Sicherheitslücke), each part looked up by 1-2.
A word matches by its folded form (Sicherheitsluecke = Sicherheitslücke), else by its stem
(Sicherheitslücken = Sicherheitslücke), as the index's analysers see it.

Weights: the dictionary's specificity (dictionary.py); a glossary term weighs 1, shared
out when the word stands in several entries. A compound's parts keep their own weights
and say which part they translate, so the caller can require every part or only the head.

The glossary's tables are built once per process and rebuilt when the glossary or the dictionary
file changes (checked at most every ARCHIVE_STAMP_SECONDS); the dictionary's are read from its
tables file (tables.py), not held in the process; answers are memoised, bounded.
"""

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max

from archive.glossary import dictionary, tables, words

PART_MIN = 3            # shortest part of a compound (Bot, Netz, Web)
LINKS = ("s", "es", "n", "en", "e")   # Fugen: Sicherheit-s-lücke, Schwachstelle-n-scanner
MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class Counterpart:
    term: str
    lang: str
    weight: float
    origin: str         # "glossary" or "dictionary"
    part: str = ""      # for a compound: the (folded) part it translates


class _Side:
    """Terms of one language, each key (folded, stemmed) -> [(counterpart, weight)]."""

    def __init__(self, join_stems=False):
        self.folded, self.stemmed = {}, {}
        self.join_stems = join_stems

    def add(self, term, lang, counterpart, weight):
        for table, key in ((self.folded, words.folded_key(term, lang)), (self.stemmed, words.stem_key(term, lang))):
            found = table.setdefault(key, {})
            found[counterpart] = max(weight, found.get(counterpart, 0.0))

    def find(self, text, lang):
        folded = self.folded.get(words.folded_key(text, lang), {})
        if folded and not self.join_stems:  # the glossary: the word as written is its own entry (Hacker, not Hack)
            return folded
        return _joined(folded, self.stemmed.get(words.stem_key(text, lang), {}))

    def knows_word(self, word, lang):
        return word in self.folded or words.stem(word, lang) in self.stemmed


def _joined(folded, stemmed):
    # The dictionary: both, as "unemployment" is written so only on the Erwerbslosigkeit line, while
    # Arbeitslosigkeit's pair is spelt "arbeitslos :: unemployed", which only the stem finds.
    return {term: max(weight, folded.get(term, 0.0)) for term, weight in stemmed.items()} | \
        {term: weight for term, weight in folded.items() if term not in stemmed}


class _FileSide:
    """The dictionary's terms of one language, as _Side finds them, from its tables file."""

    def __init__(self, found):
        self.tables = found

    def find(self, text, lang):
        return _joined(self.tables.get("f", lang, words.folded_key(text, lang)),
                       self.tables.get("s", lang, words.stem_key(text, lang)))

    def knows_word(self, word, lang):
        return self.tables.has("f", lang, word) or self.tables.has("s", lang, words.stem(word, lang))


class Vocabularies:
    def __init__(self, entries, rows, dictionary_tables=None):
        """entries: (de terms, en terms) of the glossary; rows: the dictionary's (de, en, to_en, to_de), or
        dictionary_tables: a tables.Tables of its file (the rows are then not held here)."""
        self.glossary = {lang: _Side() for lang in words.LANGUAGES}
        self.dictionary = {lang: _FileSide(dictionary_tables) if dictionary_tables else _Side(join_stems=True)
                           for lang in words.LANGUAGES}
        self.memo = {}
        # Several entries may hold one word (Patch as a fix, Patch as a plaster): each gets its share.
        holders = {lang: {} for lang in words.LANGUAGES}
        for number, entry in enumerate(entries):
            for lang, terms in zip(words.LANGUAGES, entry, strict=True):
                for term in terms:
                    holders[lang].setdefault(words.folded_key(term, lang), set()).add(number)
        for entry in entries:
            for lang, terms in zip(words.LANGUAGES, entry, strict=True):
                counterparts = entry[1] if lang == "de" else entry[0]
                for term in terms:
                    share = 1 / len(holders[lang][words.folded_key(term, lang)])
                    for counterpart in counterparts:
                        self.glossary[lang].add(term, lang, counterpart, share)
        for de, en, to_en, to_de in rows:
            self.dictionary["de"].add(de, "de", en, to_en)
            self.dictionary["en"].add(en, "en", de, to_de)

    def counterparts(self, text, lang):
        key = (text, lang)
        found = self.memo.get(key)
        if found is None:
            found = self._counterparts(text, lang)
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = found
        return found

    def _whole(self, text, lang, part=""):
        target = words.other(lang)
        for origin, sides in (("glossary", self.glossary), ("dictionary", self.dictionary)):
            found = sides[lang].find(text, lang)
            if found:
                ranked = sorted(found.items(), key=lambda item: (-item[1], item[0].lower()))
                return [Counterpart(term, target, round(weight, 4), origin, part) for term, weight in ranked]
        return []

    def _counterparts(self, text, lang):
        if lang not in words.LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        found = self._whole(text, lang)
        tokens = words.tokens(text)
        if found or lang != "de" or len(tokens) != 1:
            return found
        parts = self.split(tokens[0])
        return [counterpart for part in parts for counterpart in self._whole(part, "de", part)]

    def _knows(self, word):
        return any(side["de"].knows_word(word, "de") for side in (self.glossary, self.dictionary))

    def split(self, word):
        """The parts of a German compound, folded; [] when it does not split into known words.

        The longest known ending is taken first (the head, which names what the compound is),
        then the rest is split the same way; if the rest does not split, the head alone stands.
        """
        word = words.folded(word, "de")
        whole = self._split(word)
        if whole:
            return whole
        for start in range(PART_MIN, len(word) - PART_MIN + 1):
            if self._knows(word[start:]):
                return [word[start:]]
        return []

    def _split(self, word, depth=0):
        if depth > 4:
            return None
        for start in range(PART_MIN, len(word) - PART_MIN + 1):
            head = word[start:]
            if not self._knows(head):
                continue
            rest = word[:start]
            for stripped in [rest] + [rest[: -len(link)] for link in LINKS if rest.endswith(link)]:
                if len(stripped) < PART_MIN:
                    continue
                if self._knows(stripped):
                    return [stripped, head]
                before = self._split(stripped, depth + 1)
                if before:
                    return before + [head]
        return None


_lock = threading.Lock()      # guards _state, held for moments only
_loading = threading.Lock()   # held by the one thread reading the tables anew
_state = {"vocabularies": None, "version": None, "checked": 0.0}


def _version():
    from archive.glossary.models import GlossaryEntry

    glossary = GlossaryEntry.objects.aggregate(count=Count("id"), top=Max("id"), newest=Max("updated_at"))
    try:
        stat = dictionary.path().stat()
        file = (str(dictionary.path()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        file = None
    return (glossary["count"], glossary["top"], str(glossary["newest"]), file)


def _load():
    from archive.glossary.models import GlossaryEntry

    entries = [(entry.de, entry.en) for entry in GlossaryEntry.objects.order_by("topic", "position")]
    file = dictionary.path()
    if not file.is_file():
        return Vocabularies(entries, [])
    try:
        found = tables.Tables(tables.ensure(file))
    except (OSError, sqlite3.Error):
        # No tables file yet and a data folder this process cannot write to: the rows in memory, as before.
        logging.getLogger(__name__).warning("The dictionary's tables file cannot be made", exc_info=True)
        return Vocabularies(entries, list(dictionary.read(file)))
    return Vocabularies(entries, [], dictionary_tables=found)


def current():
    """The process's tables, rebuilt if the glossary or the dictionary changed since they were built.

    A rebuild reads the glossary and opens the dictionary's tables file, which takes seconds only when
    that file must be built first (a word list newer than it): one thread does it while every other
    search goes on with the tables it had, rather than waiting behind a lock.
    """
    now = time.monotonic()
    with _lock:
        held = _state["vocabularies"]
        if held is not None and now - _state["checked"] < settings.ARCHIVE_STAMP_SECONDS:
            return held
        _state["checked"] = now  # the others go on with the tables held until this check is done
    version = _version()
    if held is not None and (version == _state["version"] or _loading.locked()):
        return held
    with _loading:
        with _lock:
            if _state["vocabularies"] is not None and _state["version"] == version:
                return _state["vocabularies"]
        loaded = _load()
        with _lock:
            _state.update(vocabularies=loaded, version=version)
        return loaded


def forget():
    with _lock:
        _state.update(vocabularies=None, version=None, checked=0.0)


def counterparts(text, lang):
    """[Counterpart] of text (a word or phrase in lang, "de" or "en") in the other language, best first."""
    return current().counterparts(text, lang)
