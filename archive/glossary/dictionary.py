"""The general German-English dictionary: Debian's trans-de-en (the Ding word list), cut to what the archive uses.

Ding lines read "German :: English". Each side holds the same number of groups split by
" | " (a word, then its inflections or phrases with it), and a group holds synonyms split
by "; ". Braces, brackets, parentheses and angle brackets annotate (gender, field, usage)
and are not part of a term.

build() keeps a pair where the archive could use it: every word of one side occurs, as the
index stems it, in the loaded articles of that language (a German word may also end a
longer word there, since compounds are found by their last part) or in the glossary.

Each pair is weighted in both directions by how specific the word is. A Ding line is one
sense of a word, and the synonyms on it are equally good translations, so a word with
many synonyms for one meaning (Geldautomat: cash machine, cashpoint, ATM ...) is not
ambiguous; a word on many lines is. The weight of word -> translation is the share of the
word's lines that give that translation, counted over the whole list before the cut:
Parlament -> parliament is 1, Wurm -> worm less, since Wurm is also a serpent and a
little child.
"""

import gzip
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from archive.glossary import words

DING = Path("/usr/share/trans/de-en")
FILE_NAME = "dictionary-de-en.tsv.gz"
MAX_WORDS = 4           # longer "terms" are examples and idioms, not translations of a query word
COMPOUND_MIN = 7        # as the index: only words this long are taken for compounds
SUFFIX_MIN = 4

_ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|(?:^|\s)/[^/\s][^/]*/(?=\s|$)")
# Placeholders for an object in verb phrases ("jdn. angreifen", "to attack sb.", "sb.’s copyright");
# the list writes the possessive with a straight or a curly apostrophe.
_PLACEHOLDERS = {"etw.", "jdn.", "jdm.", "jds.", "jd.", "sb.", "sth.", "sb.'s", "sth.'s", "sb.’s", "sth.’s",
                 "...", "…"}


def path():
    return Path(settings.DATA_DIR) / FILE_NAME


def _term(text, lang):
    text = _ANNOTATION.sub(" ", text)
    parts = [part for part in text.split() if part not in _PLACEHOLDERS]
    if lang == "en" and parts[:1] == ["to"] and len(parts) > 1:
        parts = parts[1:]
    term = " ".join(parts).strip(" ,;:")
    if not term or len(term.split()) > MAX_WORDS or not words.tokens(term):
        return None
    return term


def _group_terms(group, lang):
    terms = []
    for piece in group.split(";"):
        term = _term(piece, lang)
        if term and term not in terms:
            terms.append(term)
    return terms


def read_ding(lines):
    """(line number, German term, English term) of Ding-format lines, in order, without repeats in a line."""
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#") or " :: " not in line:
            continue
        german, _, english = line.partition(" :: ")
        de_groups, en_groups = german.split(" | "), english.split(" | ")
        if len(de_groups) != len(en_groups):
            # Misaligned groups cannot be matched up; the first pair is still the headword's.
            de_groups, en_groups = de_groups[:1], en_groups[:1]
        seen = set()
        for de_group, en_group in zip(de_groups, en_groups, strict=True):
            for de in _group_terms(de_group, "de"):
                for en in _group_terms(en_group, "en"):
                    if (de, en) not in seen:
                        seen.add((de, en))
                        yield number, de, en


def freedict_headwords(index_path):
    """The headwords of a dictd index (headword TAB offset TAB length), for comparing word lists."""
    with open(index_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            headword = line.split("\t", 1)[0]
            if headword and not headword.startswith("00-database"):
                yield headword


@dataclass
class Vocabulary:
    """Stemmed words per language, and (German) the endings of long words, for compounds."""

    de: set
    en: set
    de_endings: set

    @classmethod
    def from_texts(cls, texts):
        """texts: (language, text) pairs; a text of neither language counts for both."""
        found = {"de": set(), "en": set()}
        for lang, text in texts:
            for target in (lang,) if lang in found else words.LANGUAGES:
                found[target].update(words.stem(word, target) for word in words.tokens(text))
        endings = {word[start:] for word in found["de"] if len(word) >= COMPOUND_MIN
                   for start in range(1, len(word) - SUFFIX_MIN + 1)}
        return cls(found["de"], found["en"], endings)

    def usable(self, term, lang):
        stems = words.stem_key(term, lang).split()
        if lang == "de":
            return all(stem in self.de or stem in self.de_endings for stem in stems)
        return all(stem in self.en for stem in stems)


def archive_texts():
    """(language, text) of every article and glossary term: the vocabulary the dictionary serves."""
    from archive.glossary.models import GlossaryEntry
    from archive.models import Article

    fields = ("language", "title", "kicker", "teaser", "body", "abstract")
    for language, *texts in Article.objects.values_list(*fields).iterator(chunk_size=500):
        yield language, " ".join(text or "" for text in texts)
    for de, en in GlossaryEntry.objects.values_list("de", "en"):
        yield "de", " ".join(de)
        yield "en", " ".join(en)


def weigh(rows):
    """(de, en, weight de->en, weight en->de) per pair from read_ding's rows; see the module's doc."""
    keys = {"de": {}, "en": {}}

    def key(term, lang):
        found = keys[lang].get(term)
        if found is None:
            found = keys[lang][term] = words.stem_key(term, lang)
        return found

    senses = {"de": {}, "en": {}}
    shared, first = {}, {}
    for number, de, en in rows:
        pair = key(de, "de"), key(en, "en")
        senses["de"].setdefault(pair[0], set()).add(number)
        senses["en"].setdefault(pair[1], set()).add(number)
        shared.setdefault(pair, set()).add(number)
        first.setdefault(pair, (de, en))  # one spelling per pair of words: the list's first
    for pair, (de, en) in first.items():
        lines = len(shared[pair])
        yield de, en, lines / len(senses["de"][pair[0]]), lines / len(senses["en"][pair[1]])


@dataclass
class BuildCounts:
    read: int = 0
    kept: int = 0


def build(source, target, vocabulary=None):
    """Write the cut, weighted word list to target (gzip TSV); vocabulary None keeps every pair."""
    counts = BuildCounts()
    with open(source, encoding="utf-8", errors="replace") as handle:
        weighted = list(weigh(read_ding(handle)))
    counts.read = len(weighted)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            out.write("# de\ten\tweight de->en\tweight en->de\n")
            for de, en, to_en, to_de in weighted:
                if vocabulary is None or vocabulary.usable(en, "en") or vocabulary.usable(de, "de"):
                    out.write(f"{de}\t{en}\t{to_en:.4g}\t{to_de:.4g}\n")
                    counts.kept += 1
        os.chmod(partial, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return counts


def read(file):
    """The rows build() wrote: (de, en, weight de->en, weight en->de)."""
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            de, en, to_en, to_de = line.rstrip("\n").split("\t")
            yield de, en, float(to_en), float(to_de)
