"""How the Whoosh index reads text: tokens, folding, stemming, compounds, and the schema.

The analysers are named in the schema that Whoosh pickles into the index, so a change here
(or to the schema) needs SCHEMA_VERSION raised: an index built otherwise must be rebuilt.
The index is always opened with schema() from here, never the pickled one, so where these
classes live does not matter to an existing index.
"""

import functools
import re
import threading
from collections import Counter
from pickle import dumps

from whoosh import fields, formats
from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.columns import VarBytesColumn
from whoosh.system import pack_uint

from archive.search import stems
from archive.search.text import TOKEN, fold
from archive.search.whoosh import pairs

TOKEN_PATTERN = TOKEN.pattern  # the index's tokens (search/text.py), as the vocabularies and passages read them
COMPOUND_MIN = 7      # only words this long are indexed as possible compounds
COMPOUND_PART_MIN = 4  # a query word must be this long to find compounds ending in it


# Raise when the schema or the analysis changes: an index built otherwise must be rebuilt.
SCHEMA_VERSION = "4"


class Normalize:
    """Lower case, folded, stemmed: one word as the index keeps it, memoised (words repeat a lot)."""

    def __init__(self, lang, digraphs):
        self.lang = lang
        self.digraphs = digraphs
        self.stem = stems.stemmer(lang) if lang else None
        self.memo = {}

    def __call__(self, word):
        memo = self.memo
        found = memo.get(word)
        if found is None:
            found = fold(word, digraphs=self.digraphs)
            if self.stem:
                found = self.stem(found)
            if len(memo) > 500_000:
                memo.clear()
            memo[word] = found
        return found


NORMALIZERS = {
    "de": Normalize("de", True),
    "en": Normalize("en", False),
    "names": Normalize(None, True),
}


class WordTokenizer(Tokenizer):
    """Words (TOKEN_PATTERN) as Normalize(name) keeps them, in one step.

    What RegexTokenizer(TOKEN_PATTERN) | a normalising filter gave, token for token, without a
    second generator per token: analysis was the largest part of indexing. A named normaliser,
    so the schema pickles small.
    """

    def __init__(self, name):
        self.name = name
        self.expression = re.compile(TOKEN_PATTERN)

    def __eq__(self, other):
        return type(other) is type(self) and other.name == self.name

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        normalize = NORMALIZERS[self.name]
        memo = normalize.memo
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = value
            token.text = normalize(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(self.expression.finditer(value), start_pos):
            word = match.group()
            text = memo.get(word)
            token.text = normalize(word) if text is None else text
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token

    def words(self, value):
        """The words of `value` as indexed, in order."""
        normalize = NORMALIZERS[self.name]
        get = normalize.memo.get
        return [get(word) or normalize(word) for word in self.expression.findall(value)]

    def counts(self, value):
        """{word as indexed: how often} in `value`."""
        return Counter(self.words(value))

    def sequence(self, value):
        """words(value), taken from the last positions() made in this thread when it was of `value`:
        a body's pair field (pairs.py) is indexed right after the body itself."""
        last = _LAST.__dict__.get(self.name)
        if last is not None and last[0] is value:
            return last[1]
        return self.words(value)

    def positions(self, value):
        """{word as indexed: [its positions]} in `value`: what the tokens say, without making them."""
        normalize = NORMALIZERS[self.name]
        memo = normalize.memo
        found = {}
        sequence = []
        setattr(_LAST, self.name, (value, sequence))  # one per analyser: the names field comes between
        append = sequence.append
        for pos, word in enumerate(self.expression.findall(value)):
            text = memo.get(word)
            if text is None:
                text = normalize(word)
            append(text)
            positions = found.get(text)
            if positions is None:
                found[text] = [pos]
            else:
                positions.append(pos)
        return found


_LAST = threading.local()


class Text(fields.TEXT):
    """fields.TEXT, whose postings come from WordTokenizer.positions() or .counts() when it can.

    The same (term, frequency, weight, encoded value) as Whoosh's Positions.word_values and
    Frequency.word_values make from tokens (every token's boost is 1), without a token object
    per word: analysis is the largest part of writing the index. tests/test_search_parallel_writing.py
    compares the two indexes.
    """

    def index(self, value, **kwargs):
        format_, analyzer = self.format, self.analyzer
        if kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        kind = type(format_)
        if kind is formats.Positions and type(analyzer) is WordTokenizer:
            return self._with_positions(analyzer.positions(value), format_.field_boost)
        if kind is formats.Frequency:
            if type(analyzer) is WordTokenizer:
                return self._with_counts(analyzer.counts(value), format_.field_boost)
            if analyzer == COMPOUNDS:
                return self._with_counts(_compound_counts(value), format_.field_boost)
        return super().index(value, **kwargs)

    @staticmethod
    def _with_positions(found, boost):
        # Positions.encode(): the count, then the pickled gaps between positions.
        for text, positions in found.items():
            count = len(positions)
            if count == 1:
                encoded = _single_position(positions[0])
            else:
                gaps = [positions[0]]
                gaps.extend(map(int.__sub__, positions[1:], positions[:-1]))
                encoded = pack_uint(count) + dumps(gaps, 2)
            yield text.encode("utf-8"), count, float(count) * boost, encoded

    @staticmethod
    def _with_counts(found, boost):
        for text, count in found.items():
            yield text.encode("utf-8"), count, float(count) * boost, pack_uint(count)


@functools.lru_cache(maxsize=65536)
def _single_position(position):
    return pack_uint(1) + dumps([position], 2)


class CompoundFilter(Filter):
    """Keeps long words, reversed: a prefix search on them finds compounds by their last part."""

    def __call__(self, tokens):
        for token in tokens:
            if len(token.text) >= COMPOUND_MIN:
                token.text = token.text[::-1]
                yield token


class Pairs(fields.FieldType):
    """A body's neighbouring common words, each pair one term, documents only (pairs.py)."""

    scorable = False
    stored = False
    unique = False

    def __init__(self, analyzer, lists=pairs.NONE):
        self.analyzer = analyzer
        self.lists = lists
        self.format = formats.Existence(field_boost=1.0)

    def __eq__(self, other):
        return type(other) is type(self) and other.analyzer == self.analyzer and other.lists == self.lists

    def index(self, value, **kwargs):
        if not self.lists.paired:
            return
        for term in self.lists.terms(self.analyzer.sequence(value)):
            yield term.encode("utf-8"), 1, 1.0, b""


def _compound_counts(value):
    """What COMPOUNDS makes of `value`, counted: its long words, reversed."""
    return Counter(word[::-1] for word in GERMAN.words(value) if len(word) >= COMPOUND_MIN)


GERMAN = WordTokenizer("de")
ENGLISH = WordTokenizer("en")
NAMES = WordTokenizer("names")
COMPOUNDS = GERMAN | CompoundFilter()


def schema(text=Text, lists=None):
    """The index's fields; `text=fields.TEXT` gives Whoosh's own text field, for comparison in the tests.
    `lists`: {language: pairs.Lists}, the index's paired words (none when not given)."""
    lists = lists or {}
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        type=fields.ID(),
        entity=fields.KEYWORD(scorable=True),
        source=fields.ID(),
        lang=fields.ID(),
        date=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        date_end=fields.NUMERIC(int, bits=32, sortable=True, signed=False),  # OPEN_END for an open range
        title_de=text(analyzer=GERMAN, field_boost=3.0),
        title_en=text(analyzer=ENGLISH, field_boost=3.0),
        body_de=text(analyzer=GERMAN),
        body_en=text(analyzer=ENGLISH),
        names=text(analyzer=NAMES, field_boost=2.0),
        compound=text(analyzer=COMPOUNDS, phrase=False, field_boost=0.5),
        spell=text(analyzer=NAMES, phrase=False),
        pairs_de=Pairs(GERMAN, lists.get("de", pairs.NONE)),
        pairs_en=Pairs(ENGLISH, lists.get("en", pairs.NONE)),
        facets=fields.COLUMN(VarBytesColumn()),
        fingerprint=fields.STORED(),  # with the key, what update_index compares with the database
        # What a hit shows, uncompressed: Whoosh's stored fields are a pickle compressed with zlib,
        # and unpacking it was half of reading a hit (some 10-20 microseconds). The document
        # without its text, pickled; and the text, UTF-8, read for its passage.
        doc=fields.COLUMN(VarBytesColumn()),
        text=fields.COLUMN(VarBytesColumn()),
    )


RECORD_PICKLE = 5  # the pickle protocol of a document's record (the doc column)

# The last day of an open range; larger numbers confuse NumericRange.
OPEN_END = 29991231


def _date_number(iso):
    return int(iso.replace("-", "")) if iso else 0



def _facet_bytes(doc):
    values = [f"type={doc['type']}"]
    if doc["source"]:
        values.append(f"source={doc['source']}")
    if doc["language"]:
        values.append(f"language={doc['language']}")
    if doc["date"]:
        values.append(f"year={doc['date'][:4]}")
        if doc["date_precision"] in ("day", "month"):
            values.append(f"month={doc['date'][:7]}")
    values.extend(f"entity={slug}" for slug in doc["entities"])
    return "\x1f".join(values).encode("utf-8")


def body_language(doc):
    """The language of the document's body field: German, or English for any other."""
    return "de" if doc["language"] == "de" else "en"


def paired_words(docs):
    """The common words an index of documents like `docs` pairs (pairs.choose), by their bodies' words."""
    words_of = {"en": ENGLISH.words, "de": GERMAN.words}
    return pairs.choose(((body_language(doc), doc["text"]) for doc in docs), words_of)


def whoosh_fields(doc):
    lang = body_language(doc)
    german = lang == "de"
    names = " | ".join(doc["names"])
    fields_ = {
        "key": doc["key"],
        "type": doc["type"],
        "entity": " ".join(doc["entities"]),
        "source": doc["source"],
        "lang": doc["language"],
        "date": _date_number(doc["date"]),
        "date_end": _date_number(doc.get("date_end")) or (OPEN_END if doc["date"] else 0),
        f"title_{lang}": doc["title"],
        f"body_{lang}": doc["text"],
        f"pairs_{lang}": doc["text"],  # the same string: its words are analysed once (WordTokenizer.sequence)
        "names": names,
        "spell": f"{doc['title']} {names}",
        "facets": _facet_bytes(doc),
        "fingerprint": doc["fingerprint"],
        "doc": dumps({name: value for name, value in doc.items() if name != "text"}, RECORD_PICKLE),
        "text": doc["text"].encode("utf-8"),
    }
    if german:
        fields_["compound"] = f"{doc['title']} {doc['text']}"
    return {name: value for name, value in fields_.items() if value not in ("", None)}


def analyze(analyzer, text):
    return [token.text for token in analyzer(text, mode="query")]
