"""Query words -> the same words and their counterparts in the other language: a German query
finds English articles and the other way round (docs/search.md, "Across languages").

    translate(tree) turns the word "Wurm" into Translated(Wurm, [worm 0.2, computer worm 0.2]),
    which each engine compiles as "Wurm, or worm and computer worm weighed less".

Which words: plain words of any field (not prefixes, fuzzy words, titles or keyword fields),
runs of up to PHRASE_WORDS of them that the vocabularies know as one phrase ("security
hole" -> Sicherheitslücke), and quoted phrases the vocabularies know whole. A German
compound the lookup splits stands for its parts' counterparts together (Routersicherheitslücke
-> router AND vulnerability). Which way: each word is looked up as German and as English; a
word both know (Router, Patch, die) is translated only from the language most of the query's
words are known in, or both ways when the query gives no lead; a word the dictionary
writes alike in both languages (Hacker, Virus) is left as written.

Weights: a counterpart weighs WEIGHT times its specificity from the lookup (1 for the
glossary's terms), so the words as written count at least twice as much and a record in the
query's language comes first when both match equally. An engine compares the two languages'
records on one scale for that (Whoosh: whoosh/counterparts.py; PostgreSQL's ts_rank has no
collection figures). 0.5 measured best of 0.2 to 1 on the judged queries without lowering the
single-language ones (docs/benchmarks.md). A query stands for at most
MAX_TRANSLATIONS counterparts, PER_WORD per word; they are plain words and phrases, so
the engines' budget for prefix and fuzzy words is untouched, and the search's deadline
bounds the rest.
"""

import functools
import re

from archive.glossary import lookup
from archive.glossary import words as vocabulary
from archive.search import query as q
from archive.search.text import TOKEN, WORD_START, folding_to, token_starts_at, with_beyond_latin

WEIGHT = 0.5
HEAD_ONLY = 0.5         # a compound known only by its last part: its translation is a guess, weighed less
PER_WORD = 3
PART_ALTERNATIVES = 2   # counterparts kept for each part of a compound
MAX_TRANSLATIONS = 24
PHRASE_WORDS = 4
RELATIVE_FLOOR = 0.3    # a counterpart much less specific than the word's best one is left out
LANGUAGES = ("de", "en")


def _plain(node):
    return isinstance(node, q.Term) and node.field is None and not node.fuzzy and not node.prefix


class _Translator:
    def __init__(self):
        self.vocabularies = lookup.current()
        self.left = MAX_TRANSLATIONS
        self.found = []   # the Translated nodes made, in the order of the query

    def known(self, text):
        """lang -> counterparts, for each language the vocabularies know the text in."""
        out = {}
        for lang in LANGUAGES:
            found = self.vocabularies.counterparts(text, lang)
            if found:
                out[lang] = found
        return out

    def lead(self, tree):
        """The language most of the query's words are known in only, or None."""
        counts = dict.fromkeys(LANGUAGES, 0)
        for node in q.walk(tree):
            if _plain(node):
                langs = [lang for lang, found in self.known(node.text).items() if not found[0].part]
                if len(langs) == 1:
                    counts[langs[0]] += 1
        if counts["de"] == counts["en"]:
            return None
        return max(counts, key=counts.get)

    def translations(self, text, found):
        """Translation nodes for `text` from one language's counterparts, best first, within the budget."""
        if not found or self.left <= 0:
            return []
        written = vocabulary.folded_key(text, found[0].lang)
        if found[0].part:   # a compound: every part's counterparts together, as one translation
            parts = {}
            for counterpart in found:
                group = parts.setdefault(counterpart.part, {})
                if len(group) < PART_ALTERNATIVES:
                    searched = _searched_as(counterpart.term, counterpart.lang)
                    if searched is not None:
                        group.setdefault(searched, counterpart.weight)
            # A part whose counterparts are all stop words (man: one, we) leaves the others to stand for it.
            parts = {part: group for part, group in parts.items() if group}
            if not parts:
                return []
            alternatives = tuple(tuple(group) for group in parts.values())
            weight = WEIGHT * min(next(iter(group.values())) for group in parts.values())
            if len(parts) == 1:
                weight *= HEAD_ONLY
            self.left -= 1
            return [q.Translation(parts=alternatives, lang=found[0].lang, weight=round(weight, 4))]
        # Folding every counterpart of a common word (klein: dozens) took most of a query's translation:
        # only those beginning with the word's first letter, folded, can be written as it is.
        alike = [c for c in found if _initial(c.term, c.lang) == written[:1]
                 and vocabulary.folded_key(c.term, c.lang) == written]
        if any(c.origin == "dictionary" for c in alike):
            # Written alike in both languages (Hacker, Virus): the word as written finds both already, and the
            # general dictionary's other counterparts (Hacker -> hack) would only lift the other language's
            # records above its own. The glossary's are kept (ransomware -> Erpressungstrojaner).
            return []
        best = found[0].weight
        out = []
        for counterpart in found:
            if counterpart in alike:
                continue
            if len(out) >= min(PER_WORD, self.left) or counterpart.weight < best * RELATIVE_FLOOR:
                break
            searched = _searched_as(counterpart.term, counterpart.lang)
            if searched is None or any(made.parts == ((searched,),) for made in out):
                continue
            out.append(q.Translation(parts=((searched,),), lang=counterpart.lang,
                                     weight=round(WEIGHT * counterpart.weight, 4)))
        self.left -= len(out)
        return out

    def translated(self, original, text, lead):
        known = self.known(text)
        langs = [lang for lang in LANGUAGES if lang in known]
        if len(langs) == 2:
            whole = [lang for lang in langs if not known[lang][0].part]
            langs = [lead] if lead in whole else whole or langs
        made = []
        for lang in langs:
            made.extend(self.translations(text, known[lang]))
        if not made:
            return None
        # A word known both ways takes the query's lead as its language, for the page's note.
        node = q.Translated(original=original, text=text, lang=lead if lead in langs else langs[0],
                            translations=tuple(made))
        self.found.append(node)
        return node

    def run(self, items, lead):
        """A sequence of an And's items: the longest runs of plain words the vocabularies know as a phrase."""
        out = []
        i = 0
        while i < len(items):
            done = False
            for size in range(min(PHRASE_WORDS, len(items) - i), 1, -1):
                chunk = items[i:i + size]
                if not all(_plain(node) for node in chunk):
                    continue
                text = " ".join(node.text for node in chunk)
                if any(found and not found[0].part for found in self.known(text).values()):
                    node = self.translated(q.And(tuple(chunk)), text, lead)
                    if node is not None:
                        out.append(node)
                        i += size
                        done = True
                        break
            if not done:
                out.append(self.visit(items[i], lead))
                i += 1
        return tuple(out)

    def visit(self, node, lead):
        if isinstance(node, q.And):
            return q.And(self.run(node.items, lead))
        if isinstance(node, q.Or):
            return q.Or(tuple(self.visit(item, lead) for item in node.items))
        if isinstance(node, q.Not):
            return node  # what a reader leaves out stays as written
        if _plain(node):
            return self.translated(node, node.text, lead) or node
        if isinstance(node, q.Phrase) and node.field is None and node.slop == 0:
            text = " ".join(node.words)
            whole = {lang: found for lang, found in self.known(text).items() if not found[0].part}
            if whole:
                return self.translated(node, text, lead) or node
        return node


def _initial(term, lang):
    """The first letter of the term's first word, folded (as vocabulary.folded_key begins)."""
    first = TOKEN.search(term)
    return vocabulary.folded(first.group()[0], lang)[:1] if first else ""


def _searched_as(term, lang):
    """A counterpart as it is searched for: without the stop words it begins with where two words or more
    that are none remain (of the present day: present day; a/the song's lyrics: song's lyrics; but dieses
    Jahr stays whole, as Jahr alone is any year), or None when it is nothing but stop words (each other):
    they stand in nearly every record of the language and tell nothing about it."""
    stop = vocabulary.stop_words(lang)
    tokens = list(TOKEN.finditer(term))
    telling = [token for token in tokens if vocabulary.folded(token.group(), lang) not in stop]
    if not telling:
        return None
    return term[telling[0].start():] if len(telling) >= 2 else term


def _other(lang):
    return "en" if lang == "de" else "de"


def translate(tree):
    """The tree with its words' counterparts in the other language, and the Translated nodes made."""
    if tree is None:
        return tree, []
    translator = _Translator()
    tree = translator.visit(tree, translator.lead(tree))
    return tree, translator.found


def summary(found):
    """What the query was also searched as, for the page and the API."""
    return [{"text": node.text, "language": node.lang,
             "counterparts": [{"text": " ".join(" / ".join(part) for part in t.parts), "language": t.lang,
                               "weight": t.weight} for t in node.translations]}
            for node in found]


# --- why it matched -------------------------------------------------------------------

def _forms(word, lang):
    """What an engine may report for a word it matched: the word folded, stemmed, or inflected as a query
    asks for it (the German stemmer cuts Modem to mod but Modems to modem)."""
    forms = {vocabulary.folded(word, lang), vocabulary.stem(word, lang), vocabulary.folded(word, "de")}
    if lang == "de":
        forms.update(vocabulary.stem(word + ending, "de") for ending in ("s", "en"))
    return forms


def _matched(text, lang, matched, document):
    words = vocabulary.tokens(text)
    for word in words:
        forms = _forms(word, lang)
        stems = [form for form in forms if len(form) >= 4] if lang == "de" else []
        if not any(entry["term"] in forms
                   or (entry["field"] == "compound word" and any(entry["term"].endswith(s) for s in stems))
                   for entry in matched):
            return False
    if len(words) == 1:
        return True
    # An engine may report each word of a phrase wherever it stands: the phrase must stand in the text.
    return document.holds(tuple(vocabulary.stem(word, lang) for word in words), lang)


class _Document:
    """A hit's title and text, as one string, and its words stemmed in a language when asked."""

    def __init__(self, doc):
        self.text = f"{doc.get('title', '')} {doc.get('text', '')}"
        self._stemmed = {}

    def words(self, lang):
        if lang not in self._stemmed:
            self._stemmed[lang] = [vocabulary.stem(word, lang) for word in vocabulary.tokens(self.text)]
        return self._stemmed[lang]

    def holds(self, wanted, lang):
        """Whether the stems `wanted` stand one after the other among its words (stemmed in `lang`):
        looked for where its words begin with the stems' first letters, one after the other, and only
        those words stemmed (stemming every word of a long text took a millisecond a hit)."""
        pattern = _first_letters(wanted)
        if pattern is None:
            found, wanted = self.words(lang), list(wanted)
            return any(found[i:i + len(wanted)] == wanted for i in range(len(found) - len(wanted) + 1))
        return _stands_in_text(self.text, pattern, list(wanted), lang)


def _stands_in_text(text, pattern, wanted, lang):
    """_Document.holds() where `pattern` (_first_letters()) finds the places to stem; `wanted` a list."""
    at = 0
    while (begins := pattern.search(text, at)) is not None:
        at = begins.start()
        if token_starts_at(text, at):
            stems = [vocabulary.stem(token.group(), lang) for token, _ in zip(TOKEN.finditer(text, at), wanted,
                                                                               strict=False)]
            if stems == wanted:
                return True
        at += 1
    return False


def _first_letters(wanted):
    """A pattern finding two words, one after the other, whose first letters may fold to the first letters
    of the stems `wanted`' first two (a stem begins as its word folded does: Äpfel, apfel); None for one stem,
    or when a stem is not plain letters (the words are then compared one by one)."""
    if len(wanted) < 2 or not all(stem.isascii() and stem.isalpha() for stem in wanted):
        return None
    return _two_words(wanted[0][0], wanted[1][0])


@functools.lru_cache(maxsize=1024)
def _two_words(first, second):
    """The pattern of _first_letters, by two letters: compiling one takes some 0.1 ms, a phrase's own
    more each new query (its counterparts are seldom those of the one before)."""
    return re.compile(with_beyond_latin(folding_to(first)) + WORD_START + r"\w*\W+"
                      + with_beyond_latin(folding_to(second)))


def reasons(found, matched, doc):
    """For one hit (its "matched" entries, {"field", "term"}, and its document): which counterparts it matched.

    [{"word": "Wurm", "word_language": "de", "counterpart": "worm", "counterpart_language": "en"}]
    """
    document = _Document(doc)

    out = []
    for node in found:
        for translation in node.translations:
            texts = []
            for alternatives in translation.parts:
                hit = next((text for text in alternatives
                            if _matched(text, translation.lang, matched, document)), None)
                if hit is None:
                    break
                texts.append(hit)
            else:
                entry = {"word": node.text, "word_language": _other(translation.lang), "counterpart": " ".join(texts),
                         "counterpart_language": translation.lang}
                if entry not in out:
                    out.append(entry)
    return out
