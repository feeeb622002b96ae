"""The Whoosh backend: every Whoosh detail lives here.

Layout inside settings.DATA_DIR/search/:
    CURRENT           name of the index folder in use (replaced atomically by rebuild)
    index-*/          Whoosh index folders
    queue/            keys waiting to be written (one file per batch; deleted once committed)
    written.log       keys committed since the last rebuild, so a rebuild can catch up
    write.lock        one writer at a time, across processes
    rebuild.lock      one rebuild at a time

Writes go through the queue: a process files the keys of changed records, then takes
write.lock and writes every queued key from the database's current state. Whoever
holds the lock writes everything waiting, so a writer that gives up waiting loses
nothing: its keys are written by the next one.
"""

import fcntl
import functools
import heapq
import html
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from whoosh import fields, index
from whoosh import query as wq
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.lang import stemmer_for_language
from whoosh.matching import AndNotMatcher

from archive.search import documents, whoosh_ranking
from archive.search import query as q
from archive.search.text import edit_distance, fold
from archive.search.types import Hit, IndexWriteFailed, SearchResults, SearchUnavailable

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 120.0
WRITE_BATCH = 1000
TOKEN_PATTERN = r"\d+(?:[.,]\d+)+|\w+"
COMPOUND_MIN = 7      # only words this long are indexed as possible compounds
COMPOUND_PART_MIN = 4  # a query word must be this long to find compounds ending in it
FACETS = ("type", "entity", "source", "year", "month", "language")
# What one query may cost (see docs/search.md, "query budgets"): the words its prefix and fuzzy
# parts expand to in the fields a reader names, all parts together, and the time matching may
# take when the caller gives no deadline of its own.
MAX_EXPANSIONS = 2000
MATCH_SECONDS = 0.6
EXPANDED_FIELDS = frozenset({"title_de", "title_en", "body_de", "body_en", "names"})


# Raise when the schema or the analysis changes: an index built otherwise must be rebuilt.
SCHEMA_VERSION = "1"


class IndexBusy(RuntimeError):
    pass


class IndexOutdated(SearchUnavailable):
    pass


class IndexDamaged(SearchUnavailable):
    pass


@contextmanager
def _reading_index():
    """Turn a damaged index into SearchUnavailable saying how to repair it, not a crash."""
    try:
        yield
    except (SearchUnavailable, IndexBusy, q.QueryError):
        raise
    except Exception as exc:
        # Whoosh reads pickles and packed numbers straight from its files and checks nothing,
        # so a file cut short, garbled or gone gives anything from EOFError to MemoryError (a
        # length read as gigabytes) or ImportError (a pickle naming a module).
        # The details (file names, Whoosh's words) go to the log and check_index, not to readers.
        log.exception("the search index cannot be read")
        raise IndexDamaged("the search index cannot be read (a file of it is damaged or missing); "
                           "run `python manage.py rebuild_index`") from exc


def _create_index(folder):
    ix = index.create_in(str(folder), schema())
    (folder / "SCHEMA").write_text(SCHEMA_VERSION + "\n")
    return ix


def _open_index(folder):
    try:
        version = (folder / "SCHEMA").read_text().strip()
    except FileNotFoundError:
        version = None
    if version != SCHEMA_VERSION:
        raise IndexOutdated("the search index was built by another version of the archive; "
                            "run `python manage.py rebuild_index`")
    return index.open_dir(str(folder), schema=schema())


# --- analysis -------------------------------------------------------------------------

class Normalize:
    """Lower case, folded, stemmed: one word as the index keeps it, memoised (words repeat a lot)."""

    def __init__(self, lang, digraphs):
        self.lang = lang
        self.digraphs = digraphs
        self.stem = stemmer_for_language(lang) if lang else None
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


_NORMALIZERS = {
    "de": Normalize("de", True),
    "en": Normalize("en", False),
    "names": Normalize(None, True),
}


class NormalizeFilter(Filter):
    """Tokens through Normalize; a named normaliser so the schema pickles small."""

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return type(other) is type(self) and other.name == self.name

    def __call__(self, tokens):
        normalize = _NORMALIZERS[self.name]
        for token in tokens:
            token.text = normalize(token.text)
            yield token


class CompoundFilter(Filter):
    """Keeps long words, reversed: a prefix search on them finds compounds by their last part."""

    def __call__(self, tokens):
        for token in tokens:
            if len(token.text) >= COMPOUND_MIN:
                token.text = token.text[::-1]
                yield token


def _tokenizer():
    return RegexTokenizer(TOKEN_PATTERN)


GERMAN = _tokenizer() | NormalizeFilter("de")
ENGLISH = _tokenizer() | NormalizeFilter("en")
NAMES = _tokenizer() | NormalizeFilter("names")
COMPOUNDS = GERMAN | CompoundFilter()


def schema():
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        type=fields.ID(),
        entity=fields.KEYWORD(scorable=True),
        source=fields.ID(),
        lang=fields.ID(),
        date=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        title_de=fields.TEXT(analyzer=GERMAN, field_boost=3.0),
        title_en=fields.TEXT(analyzer=ENGLISH, field_boost=3.0),
        body_de=fields.TEXT(analyzer=GERMAN),
        body_en=fields.TEXT(analyzer=ENGLISH),
        names=fields.TEXT(analyzer=NAMES, field_boost=2.0),
        compound=fields.TEXT(analyzer=COMPOUNDS, phrase=False, field_boost=0.5),
        spell=fields.TEXT(analyzer=NAMES, phrase=False),
        facets=fields.COLUMN(VarBytesColumn()),
        doc=fields.STORED(),
    )


def _date_number(iso):
    return int(iso.replace("-", "")) if iso else 0


def _undated_last(number):
    """Oldest-first sort key: undated records (0) after every date, as elsewhere on the site."""
    return number or 99999999


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


def whoosh_fields(doc):
    german = doc["language"] == "de"
    lang = "de" if german else "en"
    names = " | ".join(doc["names"])
    fields_ = {
        "key": doc["key"],
        "type": doc["type"],
        "entity": " ".join(doc["entities"]),
        "source": doc["source"],
        "lang": doc["language"],
        "date": _date_number(doc["date"]),
        f"title_{lang}": doc["title"],
        f"body_{lang}": doc["text"],
        "names": names,
        "spell": f"{doc['title']} {names}",
        "facets": _facet_bytes(doc),
        "doc": doc,
    }
    if german:
        fields_["compound"] = f"{doc['title']} {doc['text']}"
    return {name: value for name, value in fields_.items() if value not in ("", None)}


# --- places on disk -------------------------------------------------------------------

def _root():
    # Read at call time: tests give every test its own DATA_DIR.
    return Path(settings.DATA_DIR) / "search"


def _current_name(root):
    try:
        return (root / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


def _point_to(root, name):
    tmp = root / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(name + "\n")
    os.replace(tmp, root / "CURRENT")


@contextmanager
def _flock(path, timeout, what):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"the search index is busy ({what}); try again shortly") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _rebuild_running(root):
    fd = os.open(root / "rebuild.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _open_current(root, *, locked=False):
    """The index in use; created empty (under the write lock) when there is none yet."""
    name = _current_name(root)
    if name and (root / name).is_dir():
        return _open_index(root / name), name
    if locked:
        return _create_current(root)
    with _flock(root / "write.lock", LOCK_TIMEOUT, "creating"):
        return _create_current(root)


def _create_current(root):
    name = _current_name(root)
    if not (name and (root / name).is_dir()):
        name = f"index-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        (root / name).mkdir(parents=True)
        _create_index(root / name)
        _point_to(root, name)
    return _open_index(root / name), name


# --- the per-process searchers --------------------------------------------------------

@dataclass(eq=False)
class Generation:
    """One generation of the index as this process reads it, and everything cached from it.

    Its caches hold data only (columns, filter sets, orders), shared by the generation's
    searchers; they go when the generation does. Whoosh readers share file handles and are not
    safe in two threads at once, so each thread reading takes a searcher of its own from `idle`
    (opening one when none is free) and gives it back: a threaded server opens as many searchers
    as it has queries at the same moment, a single-threaded worker one.
    """

    root: Path
    name: str
    number: int
    caches: dict = field(default_factory=dict)
    idle: list = field(default_factory=list)
    retired: bool = False

    @property
    def label(self):
        return f"{self.name}:{self.number}"


@dataclass(eq=False)
class Reader:
    """One searcher, used by one thread at a time, and its ranker."""

    generation: Generation
    searcher: object
    _ranker: object = None

    @property
    def caches(self):
        return self.generation.caches

    @property
    def ranker(self):
        if self._ranker is None:
            folder = self.generation.root / self.generation.name
            self._ranker = whoosh_ranking.Ranker(
                self.searcher, lambda reader: whoosh_ranking.segment_tables(folder, reader))
            whoosh_ranking.forget_segments_except(folder, [reader for reader, _, _ in self._ranker.leaves])
        return self._ranker


class _Reading:
    """The searchers of this process, for the index generation on disk.

    Never Searcher.refresh(): in this Whoosh it returns merged documents twice. When the index
    changes, a new generation's searchers are opened; the old one's are closed as soon as no
    thread reads them (at once when idle, else when given back), so no searcher is closed under
    a reader and none is kept open for longer than its last query.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.current = None

    @contextmanager
    def reader(self):
        reader = self._take()
        try:
            yield reader
        finally:
            self._give_back(reader)

    def _take(self):
        root = _root()
        name = _current_name(root)
        current = self.current
        if current and current.root == root and current.name == name and name \
                and _generation(root / name) == current.number:
            with self.lock:
                if not current.retired and current.idle:
                    return current.idle.pop()
        # Opened outside the lock (some 200 ms at 50k documents): other threads go on reading.
        ix, name, on_disk, searcher = _open_searcher(root)
        number = searcher.reader().generation()
        number = on_disk if number is None else number  # an empty index's reader has none
        with self.lock:
            current = self.current
            if current and (current.root, current.name, current.number) == (root, name, number):
                generation = current
            elif current is None or (current.root, current.name) != (root, name) or number > current.number:
                generation = Generation(root, name, number)
                if current:
                    self._retire(current)
                self.current = generation
            else:
                # A writer committed between reading the pointer and opening: this searcher is of
                # a generation already replaced, so it serves this one query and is closed.
                generation = Generation(root, name, number, retired=True)
            return Reader(generation, searcher)

    def _give_back(self, reader):
        with self.lock:
            if reader.generation.retired:
                reader.searcher.close()
            else:
                reader.generation.idle.append(reader)

    def _retire(self, generation):
        generation.retired = True
        for reader in generation.idle:
            reader.searcher.close()
        generation.idle.clear()

    def close(self):
        """Close every idle searcher (those in use close when given back)."""
        with self.lock:
            if self.current:
                self._retire(self.current)
            self.current = None


def _open_searcher(root, attempts=5):
    """A searcher of the newest generation.

    A writer committing meanwhile deletes the files of the generation before (its TOC, segments
    merged away) between Whoosh listing them and opening them: then the newer one is opened.
    """
    for attempt in range(attempts):
        try:
            ix, name = _open_current(root)
            on_disk = _generation(root / name)
            return ix, name, on_disk, ix.searcher()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def _generation(folder):
    best = -1
    for entry in os.scandir(folder):
        match = _TOC.match(entry.name)
        if match:
            best = max(best, int(match.group(1)))
    return best


_reading = _Reading()


def _per_document(state, fieldname, convert):
    """A column's value for every document number of the index, from the per-segment tables."""
    caches = state.caches
    if fieldname not in caches:
        values = []
        for _reader, _offset, tables in state.ranker.leaves:
            values.extend(tables.column(fieldname, convert))
        caches[fieldname] = values
    return caches[fieldname]


def _facet_values(value):
    return tuple(value.decode("utf-8").split("\x1f")) if value else ()


def _facet_table(state):
    return _per_document(state, "facets", _facet_values)


# --- compiling a query tree -----------------------------------------------------------

TEXT_FIELDS = (("title_de", GERMAN), ("title_en", ENGLISH), ("body_de", GERMAN), ("body_en", ENGLISH),
               ("names", NAMES))
TITLE_FIELDS = (("title_de", GERMAN), ("title_en", ENGLISH))


def _analyze(analyzer, text):
    return [token.text for token in analyzer(text, mode="query")]


def _words_query(fieldname, words, slop=1):
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(fieldname, words[0])
    return wq.Phrase(fieldname, words, slop=max(1, slop))


def _any(queries):
    queries = [query for query in queries if query is not None]
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _german_stems(text):
    """Stems of a word and of its commonest inflections: the German stemmer cuts "Modem" to "mod"
    but "Modems" to "modem", so a query asks for both."""
    stems = []
    for form in (text, text + "s", text + "en"):
        for stem in _analyze(GERMAN, form):
            if stem not in stems:
                stems.append(stem)
    return stems if len(_analyze(GERMAN, text)) == 1 else _analyze(GERMAN, text)


def _term(node):
    field_list = TITLE_FIELDS if node.field == "title" else TEXT_FIELDS
    parts = []
    for fieldname, analyzer in field_list:
        if node.prefix:
            base = fold(node.text.lower(), digraphs=analyzer is not ENGLISH)
            parts.append(_written_as(wq.Prefix(fieldname, base), f"{node.text}*"))
            continue
        words = _analyze(analyzer, node.text)
        if node.fuzzy and len(words) == 1:
            fuzzy = wq.FuzzyTerm(fieldname, words[0], maxdist=node.fuzzy, prefixlength=1)
            parts.append(_written_as(fuzzy, f"{node.text}~{node.fuzzy}"))
        elif analyzer is GERMAN and len(words) == 1:
            parts.extend(wq.Term(fieldname, stem) for stem in _german_stems(node.text))
        else:
            parts.append(_words_query(fieldname, words))
    if node.field is None and not node.prefix and not node.fuzzy and len(_analyze(GERMAN, node.text)) == 1:
        for stem in _german_stems(node.text):
            if len(stem) >= COMPOUND_PART_MIN:
                parts.append(wq.Prefix("compound", stem[::-1]))
    return _any(parts)


def _written_as(query, text):
    # What the reader wrote, for a refusal to name: the compiled query holds the folded word.
    query.written = text
    return query


def _phrase(node, field_list=None):
    text = " ".join(node.words)
    field_list = field_list or (TITLE_FIELDS if node.field == "title" else TEXT_FIELDS)
    parts = []
    for fieldname, analyzer in field_list:
        words = _analyze(analyzer, text)
        if len(words) == 1:
            parts.append(wq.Term(fieldname, words[0]))
        elif words:
            parts.append(wq.Phrase(fieldname, words, slop=max(1, node.slop)))
    return _any(parts)


def _match(node):
    value = node.value
    if node.field == "type":
        return wq.Term("type", value)
    if node.field == "lang":
        return wq.Term("lang", value)
    if node.field == "source":
        return wq.Term("source", value.lower())
    # entity: a slug, or any words of an entity's names
    return _any([wq.Term("entity", value.lower()), _phrase(q.Phrase(tuple(value.split())), (("names", NAMES),))])


def _date_range(node):
    start = int(node.start.strftime("%Y%m%d")) if node.start else 1
    end = int(node.end.strftime("%Y%m%d")) if node.end else 29991231  # larger ends confuse NumericRange
    return wq.NumericRange("date", start, end)


def _alias(node):
    parts = [wq.Term("entity", node.entity, boost=2.0)]
    for name in node.names:
        parts.append(_phrase(q.Phrase(tuple(name.split()))))
    return _any(parts)


class _AndNotMatcher(AndNotMatcher):
    # Whoosh checks its first document against the excluded side only when both sides start
    # on the same document: an excluded record whose excluded term also occurs in an earlier
    # document came through ("Wurm -entity:microsoft" kept a Microsoft article).
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def compile_tree(node):
    if node is None:
        return wq.Every()
    if isinstance(node, q.And):
        positive = [compile_tree(item) for item in node.items if not isinstance(item, q.Not)]
        negative = [compile_tree(item.item) for item in node.items if isinstance(item, q.Not)]
        result = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
        for item in negative:
            result = _AndNot(result, item)
        return result
    if isinstance(node, q.Or):
        return wq.Or([compile_tree(item) for item in node.items])
    if isinstance(node, q.Not):
        return _AndNot(wq.Every(), compile_tree(node.item))
    if isinstance(node, q.Term):
        return _term(node)
    if isinstance(node, q.Phrase):
        return _phrase(node)
    if isinstance(node, q.Match):
        return _match(node)
    if isinstance(node, q.DateRange):
        return _date_range(node)
    if isinstance(node, q.Alias):
        return _alias(node)
    raise TypeError(f"cannot compile {node!r}")


def _date_column(state):
    return _per_document(state, "date", int)


def _allowed(state, filters):
    """Documents passing the filters, from the per-generation tables, or None for no filter."""
    wanted = []
    for name, values in (("type", filters.types), ("source", filters.sources), ("language", filters.languages)):
        if values:
            wanted.append([f"{name}={value}" for value in values])
    wanted.extend([f"entity={slug}"] for slug in filters.entities)
    dated = filters.date_from or filters.date_to
    if not wanted and not dated:
        return None
    key = ("allowed", filters)
    caches = state.caches
    if key not in caches:
        docs = set()
        for _reader, offset, tables in state.ranker.leaves:
            postings = tables.postings("facets", _facet_values)
            groups = sorted((set(chain.from_iterable(postings.get(value, ()) for value in group)) for group in wanted),
                            key=len)
            found = groups[0].intersection(*groups[1:]) if groups else range(tables.reader.doc_count_all())
            docs.update(offset + docnum for docnum in found)
        if dated:
            low = int(filters.date_from.strftime("%Y%m%d")) if filters.date_from else 1
            high = int(filters.date_to.strftime("%Y%m%d")) if filters.date_to else 29991231
            days = _date_column(state)
            docs = {n for n in docs if low <= days[n] <= high}
        if len(caches) > 200:  # keep the cache of filter sets small
            for stale in [k for k in list(caches) if isinstance(k, tuple) and k[0] == "allowed"]:
                caches.pop(stale, None)
        caches[key] = docs  # never changed after this
    return caches[key]


# --- snippets and reasons -------------------------------------------------------------

MATCH_LABELS = {"title_de": "title", "title_en": "title", "body_de": "text", "body_en": "text",
                "names": "entity name", "entity": "entity", "compound": "compound word"}
_TOKEN = re.compile(TOKEN_PATTERN)
SNIPPET_CHARS = 240


def _snippet(doc, matched_terms):
    """The passage with the most different matched words, escaped, matches in <mark>.

    Cheaper than Whoosh's highlighter, which runs every token through the whole analyzer chain.
    """
    lang = "de" if doc["language"] == "de" else "en"
    body_field = f"body_{lang}"
    wanted = {term for fieldname, term in matched_terms if fieldname == body_field}
    compounds = [term for fieldname, term in matched_terms if fieldname == "compound"]
    text = doc["text"]
    if not (wanted or compounds):
        return "" if doc["type"] == "entity" else html.escape(_lead(text))
    normalize = _NORMALIZERS[lang]
    spans = []
    for match in _TOKEN.finditer(text):
        word = normalize(match.group())
        if word in wanted or (compounds and word[::-1] in compounds):
            spans.append((match.start(), match.end(), word))
            if len(spans) >= 24:
                break
    if not spans:
        return html.escape(_lead(text))
    best, best_score = 0, -1
    for i, (start, _, _) in enumerate(spans):
        window = {word for s, _, word in spans[i:] if s < start + SNIPPET_CHARS}
        if len(window) > best_score:
            best, best_score = i, len(window)
    start = max(0, spans[best][0] - 60)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + SNIPPET_CHARS)
    out, cursor = [], start
    for s, e, _ in spans[best:]:
        if e > end:
            break
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    passage = " ".join("".join(out).split())
    return ("… " if start else "") + passage + (" …" if end < len(text) else "")


def _lead(text, size=200):
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def _matched_terms(terms):
    # Only text fields: numeric fields (dates) hold encoded numbers, not words.
    return sorted({(fieldname, term) for fieldname, term in terms if fieldname in MATCH_LABELS})


def _matched(terms):
    reasons = []
    for fieldname, word in terms:
        if fieldname == "compound":
            word = word[::-1]
        if fieldname in MATCH_LABELS:
            reasons.append({"field": MATCH_LABELS[fieldname], "term": word})
    unique = []
    for reason in reasons:
        if reason not in unique:
            unique.append(reason)
    return unique


# --- suggestions ----------------------------------------------------------------------



def _known(reader, word):
    """The word, or its stem in either language, occurs somewhere in the archive."""
    if reader.doc_frequency("spell", fold(word)):
        return True
    for fieldname, analyzer in (("body_de", GERMAN), ("body_en", ENGLISH), ("title_de", GERMAN), ("title_en", ENGLISH)):
        stems = _analyze(analyzer, word)
        if len(stems) == 1 and reader.doc_frequency(fieldname, stems[0]):
            return True
    return False


def _suggest(reader, words, deadline=float("inf")):
    corrections = {}
    for word in words:
        if time.monotonic() > deadline:
            break
        folded = fold(word)
        if len(folded) < 4 or not folded.isalpha() or _known(reader, word):
            continue
        maxdist = 1 if len(folded) < 6 else 2
        candidates = [c for c in reader.terms_within("spell", folded, maxdist) if c != folded]
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (edit_distance(folded, c), -reader.doc_frequency("spell", c), c))
        if _analyze(ENGLISH, best) == _analyze(ENGLISH, folded) or _analyze(GERMAN, best) == _analyze(GERMAN, folded):
            continue  # only an inflection of a known word ("modem" for "modems")
        corrections[word] = best.capitalize() if word[:1].isupper() else best
    return corrections


def _facet_counts(state, docnums):
    table = _facet_table(state)
    return Counter(chain.from_iterable(map(table.__getitem__, docnums)))


def _top(scores, count, sort, state):
    """The first `count` document numbers in the requested order; ties go to the older document."""
    if sort == "relevance":
        return [docnum for docnum, _ in heapq.nlargest(count, scores.items(), key=lambda item: (item[1], -item[0]))]
    days = _date_column(state)
    if sort == "-date":  # undated records hold 0: last
        key = lambda docnum: (-days[docnum], docnum)  # noqa: E731
    else:
        key = lambda docnum: (_undated_last(days[docnum]), docnum)  # noqa: E731
    if len(scores) * 20 < len(days):
        return heapq.nsmallest(count, scores, key=key)
    # Many hits (browsing by date): walk the index in date order, kept per generation, to the first `count`.
    caches = state.caches
    if ("order", sort) not in caches:
        caches[("order", sort)] = sorted(range(len(days)), key=key)
    return list(islice((docnum for docnum in caches[("order", sort)] if docnum in scores), count))


# --- the backend ----------------------------------------------------------------------

class WhooshBackend:
    name = "whoosh"

    # writing

    def update(self, keys):
        """File the keys, then write every filed key from the database (see the module docstring)."""
        keys = {str(key) for key in keys}
        if not keys:
            return
        root = _root()
        queue = root / "queue"
        queued = False
        try:
            queue.mkdir(parents=True, exist_ok=True)
            tmp = queue / f".{uuid.uuid4().hex}.tmp"
            try:
                tmp.write_text("\n".join(sorted(keys)) + "\n")
                os.replace(tmp, queue / f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.keys")
            finally:
                tmp.unlink(missing_ok=True)
            queued = True
            self.drain()
        except IndexBusy:
            # The keys stay queued; the next writer writes them. Nobody is shown a lock error.
            log.warning("search index busy; %d updates left queued for the next writer", len(keys))
        except OSError as exc:
            # A read-only or full disk: the database has the records, the index misses them.
            # check_index lists them as missing; queued keys are also written by the next writer.
            where = exc.filename or root
            left = "left queued for the next writer" if queued else "not queued"
            raise IndexWriteFailed(
                f"the search index cannot be written ({exc.strerror or exc} in {where}): {len(keys)} update(s) "
                f"{left}; the database is unaffected. Once the folder is writable, run "
                "`python manage.py check_index --fix`"
            ) from exc

    def drain(self, timeout=LOCK_TIMEOUT):
        """Write every queued key; returns how many were written."""
        root = _root()
        queue = root / "queue"
        with _flock(root / "write.lock", timeout, "writing"):
            files = sorted(queue.glob("*.keys")) if queue.is_dir() else []
            if not files:
                return 0
            keys = set()
            for path in files:
                keys.update(line for line in path.read_text().split() if line)
            ix, _ = _open_current(root, locked=True)
            self._write(ix, keys)
            if _rebuild_running(root):
                # A rebuild reading the database before this commit must catch up on these keys.
                # Without one running, any later rebuild reads this commit itself: no log needed.
                with open(root / "written.log", "a", encoding="utf-8") as logfile:
                    stamp = time.time_ns()
                    logfile.write("".join(f"{stamp} {key}\n" for key in sorted(keys)))
            for path in files:
                path.unlink()
            return len(keys)

    def _write(self, ix, keys):
        parsed = sorted((documents.Key.parse(key) for key in keys), key=str)
        writer = ix.writer(timeout=LOCK_TIMEOUT)
        try:
            # In batches, so a bulk import's hundred thousand documents never sit in memory at once.
            for start in range(0, len(parsed), WRITE_BATCH):
                for key, doc in documents.documents_for(parsed[start:start + WRITE_BATCH]).items():
                    if doc is None:
                        writer.delete_by_term("key", str(key))
                    else:
                        writer.update_document(**whoosh_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, *, progress=None):
        """Build a complete new index beside the old one, then switch to it. Returns the document count."""
        root = _root()
        root.mkdir(parents=True, exist_ok=True)
        with _flock(root / "rebuild.lock", 0, "another rebuild is running"):
            started = time.time_ns()
            current = _current_name(root)
            for stale in root.glob("index-*"):
                if stale.name != current:
                    shutil.rmtree(stale, ignore_errors=True)
            name = f"index-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
            folder = root / name
            folder.mkdir()
            ix = _create_index(folder)
            writer = ix.writer(limitmb=256)
            count = 0
            try:
                for doc in documents.all_documents():
                    writer.add_document(**whoosh_fields(doc))
                    count += 1
                    if progress:
                        progress(count)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            with _flock(root / "write.lock", LOCK_TIMEOUT, "switching to the new index"):
                caught_up = self._keys_written_since(root, started)
                if caught_up:
                    self._write(ix, caught_up)
                _point_to(root, name)
                (root / "written.log").write_text("")
            return count

    def _keys_written_since(self, root, started):
        keys = set()
        try:
            lines = (root / "written.log").read_text().splitlines()
        except FileNotFoundError:
            return keys
        for line in lines:
            stamp, _, key = line.partition(" ")
            if stamp.isdigit() and int(stamp) >= started and key:
                keys.add(key)
        return keys

    # reading

    def generation(self):
        with _reading_index():
            with _reading.reader() as reader:
                return reader.generation.label

    def fingerprints(self):
        """Key -> fingerprint of every indexed document."""
        with _reading_index():
            with _reading.reader() as reader:
                return {fields_["doc"]["key"]: fields_["doc"]["fingerprint"]
                        for fields_ in reader.searcher.all_stored_fields()}

    def search(self, request):
        compiled = compile_tree(request.tree)
        with _reading_index():
            return self._search(request, compiled)

    def _search(self, request, compiled):
        with _reading.reader() as reader:
            return self._search_with(reader, request, compiled)

    def _search_with(self, state, request, compiled):
        searcher = state.searcher
        allowed = _allowed(state, request.filters)
        if allowed is not None and not allowed:
            return SearchResults(total=0, hits=[], facets={name: Counter() for name in FACETS})
        deadline = request.deadline or time.monotonic() + MATCH_SECONDS
        budget = whoosh_ranking.Budget(terms=MAX_EXPANSIONS, deadline=deadline, counted=EXPANDED_FIELDS)
        try:
            found = state.ranker.matches(compiled, budget=budget)
        except whoosh_ranking.TooBroad as exc:
            written = getattr(exc.query, "written", exc.query.text)
            raise q.QueryError(gettext("“%(part)s” stands for too many words (with the other words ending in * "
                                       "or ~, more than %(most)d); make it longer or less fuzzy.")
                               % {"part": written, "most": MAX_EXPANSIONS}) from None
        scores = found.scores
        if allowed is not None:
            scores = {docnum: score for docnum, score in scores.items() if docnum in allowed} \
                if len(scores) <= len(allowed) else {docnum: scores[docnum] for docnum in allowed if docnum in scores}
        if isinstance(compiled, wq.Every) and allowed is None:  # everything: the same counts until the index changes
            if "all counts" not in state.caches:
                state.caches["all counts"] = _facet_counts(state, scores)
            counts = state.caches["all counts"]
        else:
            counts = _facet_counts(state, scores)
        facets = {name: Counter() for name in FACETS}
        for value, count in counts.items():
            name, _, facet_value = value.partition("=")
            facets[name][facet_value] = count

        start = (request.page - 1) * request.per_page
        shown = _top(scores, start + request.per_page, request.sort, state)[start:]
        hits = []
        for docnum in shown:
            doc = searcher.stored_fields(docnum)["doc"]
            terms = _matched_terms(found.terms_of(docnum))
            hits.append(Hit(doc=doc, score=float(scores[docnum]), snippet=_snippet(doc, terms),
                            matched=_matched(terms)))

        words = [node.text for node in q.walk(request.tree)
                 if isinstance(node, q.Term) and not node.prefix and node.field in (None, "title")]
        # Suggestions are a nicety: a query already out of time goes without them.
        late = budget.over_time()
        suggestion_words = _suggest(searcher.reader(), words, deadline) if words and not late else {}
        return SearchResults(total=len(scores), hits=hits, facets=facets, suggestion_words=suggestion_words,
                             partial=budget.late)

    def vocabulary_contains(self, word):
        with _reading_index():
            with _reading.reader() as reader:
                return bool(reader.searcher.reader().doc_frequency("spell", fold(word)))


@functools.cache
def backend():
    return WhooshBackend()
