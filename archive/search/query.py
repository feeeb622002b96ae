"""The query language, parsed into a small tree that every backend compiles its own way.

    words            all must match (AND is the default; AND may be written)
    a OR b           either
    NOT a, -a        must not match
    "a b"            phrase;  "a b"~5  words within five positions
    word~  word~2    fuzzy (one or two edits)
    wor*             prefix
    title: entity: source: lang: type:   one field
    date:2001  date:2001-08  date:[2001-07 to 2001-09]   date ranges
    ( ... )          grouping
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext

from archive import dates

MAX_LENGTH = 500
MAX_CLAUSES = 40
FIELDS = ("title", "entity", "source", "lang", "type", "date")
TYPES = {"article": "article", "articles": "article", "event": "event", "events": "event",
         "entity": "entity", "entities": "entity"}
LANGUAGES = {"de": "de", "en": "en", "german": "de", "english": "en", "deutsch": "de", "englisch": "en"}


class QueryError(ValueError):
    """A query that cannot be understood; the message says what to change."""

    def __init__(self, message, parameter="q"):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None  # None: every text field; "title": titles only
    fuzzy: int = 0
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class Match:
    """An exact value of a keyword field: entity, source, lang or type."""

    field: str
    value: str


@dataclass(frozen=True)
class DateRange:
    start: object  # datetime.date or None for open
    end: object


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Alias:
    """Words that name an entity, expanded to the entity and all its names."""

    text: str
    entity: str
    names: tuple = field(default=())


@dataclass(frozen=True)
class Translation:
    """One counterpart in the other language of query words (archive/search/crosslang.py).

    `parts` holds, for each part of the original (one for a word or phrase, one per part of a
    German compound), the counterparts that stand for that part; a record must match every part.
    """

    parts: tuple       # ((text, ...), ...)
    lang: str
    weight: float      # below 1: the words as written count more

    def node(self):
        """The counterpart as a query tree in its own language."""
        items = []
        for alternatives in self.parts:
            nodes = tuple(_text_node(text) for text in alternatives)
            items.append(nodes[0] if len(nodes) == 1 else Or(nodes))
        return items[0] if len(items) == 1 else And(tuple(items))


@dataclass(frozen=True)
class Translated:
    """Query words (a Term, a Phrase, or an And of Terms) and their counterparts in the other language:
    a record matches the words as written or any counterpart, each weighed by its weight."""

    original: object
    text: str          # the words as written
    lang: str          # their language
    translations: tuple = field(default=())


def _text_node(text):
    words = tuple(text.split())
    return Term(words[0]) if len(words) == 1 else Phrase(words)


_WORD_END = re.compile(r'[\s()"]')
_FIELD = re.compile(r"^([A-Za-z]+):(.*)$", re.S)
_TILDE = re.compile(r"^~(\d*)")


def check_text(text, parameter="q"):
    if len(text) > MAX_LENGTH:
        raise QueryError(gettext("The query is %(length)d characters long; use at most %(most)d.")
                         % {"length": len(text), "most": MAX_LENGTH}, parameter)
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char not in "\t\n\r":
            raise QueryError(gettext("The query contains a control character (%(code)s); remove it.")
                             % {"code": f"U+{ord(char):04X}"}, parameter)


def parse(text):
    """Parse a query string into a tree, or None for an empty query. Raises QueryError."""
    check_text(text)
    tokens = _Lexer(text).tokens()
    if not tokens:
        return None
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.peek() is not None:
        raise QueryError(gettext("There is a ')' without a matching '('."))
    if _count(tree) > MAX_CLAUSES:
        raise QueryError(gettext("The query has too many parts; use at most %(most)d words and filters.")
                         % {"most": MAX_CLAUSES})
    return tree


def _count(node):
    if isinstance(node, And | Or):
        return sum(_count(item) for item in node.items)
    if isinstance(node, Not):
        return _count(node.item)
    return 1


# Tokens: ("(",), (")",), ("-",), ("word", text), ("phrase", words, slop, field), ("node", node)
class _Lexer:
    def __init__(self, text):
        self.text = " ".join(text.split())
        self.pos = 0

    def tokens(self):
        out = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == " ":
                self.pos += 1
            elif char in "()":
                out.append((char,))
                self.pos += 1
            elif char == "-" and self.pos + 1 < len(text) and text[self.pos + 1] not in " -":
                out.append(("-",))
                self.pos += 1
            elif char == '"':
                out.append(self._phrase(None))
            else:
                out.append(self._word())
        return out

    def _phrase(self, field_name):
        start = self.pos
        end = self.text.find('"', start + 1)
        if end < 0:
            raise QueryError(gettext("A quotation mark opened at position %(position)d is never closed.")
                             % {"position": start + 1})
        words = tuple(self.text[start + 1:end].split())
        self.pos = end + 1
        slop = 0
        tilde = _TILDE.match(self.text[self.pos:])
        if tilde:
            self.pos += tilde.end()
            slop = int(tilde.group(1) or 1)
            if slop > 20:
                raise QueryError(gettext('Proximity "..."~%(slop)d is too wide; use at most ~20.') % {"slop": slop})
        return ("phrase", words, slop, field_name)

    def _word(self):
        match = _WORD_END.search(self.text, self.pos)
        end = match.start() if match else len(self.text)
        word = self.text[self.pos:end]
        self.pos = end
        field_match = _FIELD.match(word)
        if field_match:
            name = field_match.group(1).lower()
            value = field_match.group(2)
            if name not in FIELDS:
                raise QueryError(
                    gettext('Unknown field %(field)s: use one of %(fields)s or put the word in quotes ("...").')
                    % {"field": repr(field_match.group(1)), "fields": ", ".join(f + ":" for f in FIELDS)}
                )
            if not value:
                if self.pos < len(self.text) and self.text[self.pos] == '"':
                    return ("field", name, self._phrase(name))
                raise QueryError(
                    gettext("The field %(field)s: needs a value right after the colon, e.g. %(field)s:%(example)s.")
                    % {"field": name, "example": _EXAMPLE[name]}
                )
            if name == "date" and value.startswith("["):
                return ("node", self._range(word))
            return ("field", name, ("word", value))
        return ("word", word)

    def _range(self, word):
        start = self.pos - len(word) + len("date:")
        end = self.text.find("]", start)
        if end < 0:
            raise QueryError(gettext("A date range needs a closing ']', e.g. date:[2001-07 to 2001-09]."))
        inner = self.text[start + 1:end]
        self.pos = end + 1
        parts = re.split(r"\s+to\s+", inner.strip(), flags=re.I)
        if len(parts) != 2 or not all(parts):
            raise QueryError(gettext("The date range [%(range)s] needs two ends, e.g. date:[2001-07 to 2001-09] "
                                     "(* for open).") % {"range": inner})
        low = None if parts[0] == "*" else _partial(parts[0])
        high = None if parts[1] == "*" else _partial(parts[1])
        if low and high and low.date > high.end:
            raise QueryError(gettext("The date range [%(range)s] ends before it starts.") % {"range": inner})
        return DateRange(low.date if low else None, high.end if high else None)


_EXAMPLE = {"title": "hotmail", "entity": "symantec", "source": "taz", "lang": "de", "type": "article",
            "date": "2001-08"}


def _partial(text):
    try:
        return dates.PartialDate.parse(text)
    except dates.PartialDateError as exc:
        raise QueryError(f"date: {exc}.") from None


def _term(word, field_name=None):
    fuzzy = 0
    prefix = False
    tilde = re.search(r"~(\d*)$", word)
    if tilde:
        fuzzy = int(tilde.group(1) or 1)
        if fuzzy not in (1, 2):
            raise QueryError(gettext("Fuzzy %(word)s: use ~1 or ~2 (edits allowed).") % {"word": repr(word)})
        word = word[:tilde.start()]
    if word.endswith("*"):
        prefix = True
        word = word.rstrip("*")
        if len(word) < 2:
            raise QueryError(gettext("A prefix search needs at least two letters before '*'."))
    if "*" in word or "~" in word:
        raise QueryError(gettext("%(word)s: '*' and '~' are allowed only at the end of a word.") % {"word": repr(word)})
    if not any(c.isalnum() for c in word):
        return None
    return Term(word, field_name, fuzzy, prefix)


def _field_node(name, value_token):
    if value_token[0] == "phrase":
        _, words, slop, _ = value_token
        text = " ".join(words)
    else:
        text = value_token[1]
        words, slop = (text,), 0
    if name == "title":
        if value_token[0] == "phrase":
            return Phrase(words, "title", slop)
        return _term(text, "title")
    if name == "date":
        period = _partial(text)
        return DateRange(period.date, period.end)
    if name == "lang":
        if text.lower() not in LANGUAGES:
            raise QueryError(gettext("lang:%(value)s is not a language here: use lang:de or lang:en.")
                             % {"value": text})
        return Match("lang", LANGUAGES[text.lower()])
    if name == "type":
        if text.lower() not in TYPES:
            raise QueryError(gettext("type:%(value)s is not a record type: use type:article, type:event or "
                                     "type:entity.") % {"value": text})
        return Match("type", TYPES[text.lower()])
    return Match(name, text)


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def expression(self):
        items = [self.conjunction()]
        while self._is_word("OR"):
            self.take()
            items.append(self.conjunction())
        items = [item for item in items if item is not None]
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        # As in Lucene, "a OR b -c" leaves c out of the whole group, not only out of b.
        excluded, kept = [], []
        for item in items:
            if isinstance(item, And) and any(isinstance(part, Not) for part in item.items):
                positive = tuple(part for part in item.items if not isinstance(part, Not))
                excluded.extend(part for part in item.items if isinstance(part, Not))
                if positive:
                    kept.append(positive[0] if len(positive) == 1 else And(positive))
            elif isinstance(item, Not):
                excluded.append(item)
            else:
                kept.append(item)
        group = Or(tuple(kept)) if len(kept) > 1 else (kept[0] if kept else None)
        if not excluded:
            return group
        return And(((group,) if group else ()) + tuple(excluded))

    def conjunction(self):
        items = []
        while True:
            token = self.peek()
            if token is None or token == (")",) or self._is_word("OR"):
                break
            if self._is_word("AND"):
                self.take()
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        if self.peek() == ("-",) or self._is_word("NOT"):
            self.take()
            if self.peek() is None or self.peek() == (")",):
                raise QueryError(gettext("NOT (or '-') must be followed by what to leave out, e.g. -entity:microsoft."))
            node = self.unary()
            return Not(node) if node is not None else None
        return self.primary()

    def primary(self):
        token = self.take()
        kind = token[0]
        if kind == "(":
            self.depth += 1
            if self.depth > 8:
                raise QueryError(gettext("Parentheses are nested too deeply."))
            node = self.expression()
            if self.take() != (")",):
                raise QueryError(gettext("A '(' is never closed with ')'."))
            self.depth -= 1
            return node
        if kind == ")":
            raise QueryError(gettext("There is a ')' without a matching '('."))
        if kind == "node":
            return token[1]
        if kind == "phrase":
            _, words, slop, _ = token
            words = tuple(w for w in words if any(c.isalnum() for c in w))
            if not words:
                return None
            return Phrase(words, None, slop) if len(words) > 1 else Term(words[0])
        if kind == "field":
            return _field_node(token[1], token[2])
        return _term(token[1])

    def _is_word(self, operator):
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] == operator


def walk(node):
    """Every node of a tree, parents first."""
    if node is None:
        return
    yield node
    if isinstance(node, And | Or):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Translated):  # the words as written; their translations are not the reader's
        yield from walk(node.original)


def plain_words(tree):
    """The words a reader wrote as words (not prefixes, not fuzzy words, whose near spellings are
    already searched; not in a keyword field): what "did you mean" checks."""
    return [node.text for node in walk(tree)
            if isinstance(node, Term) and not node.prefix and not node.fuzzy and node.field in (None, "title")]
