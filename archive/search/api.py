"""The search interface: what views, commands and signals use, whatever the engine.

Writes:  index_record(record), index_records(records), remove_record(record), update_keys(keys),
         deferred_indexing(), rebuild(progress=None), check()
Reads:   search(text, filters=..., sort=..., page=..., per_page=...), parse_params(params)
"""

import datetime as dt
import functools
import importlib
import math
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from archive import dates
from archive.models import Entity, Source
from archive.params import BadParameter
from archive.search import documents, pending
from archive.search import query as q
from archive.search.query import QueryError
from archive.search.text import fold
from archive.search.types import Filters, SearchRequest

BACKENDS = {"whoosh": "archive.search.whoosh_backend", "postgres": "archive.search.postgres_backend"}
SORTS = ("relevance", "date", "-date")
MAX_PAGE = 1000
# Matching stops this long after a search began and answers with what it found (docs/search.md):
# with facets, snippets and the page around it, a request stays within a second.
SEARCH_SECONDS = 0.6
FACET_LIMITS = {"entity": 15, "source": 10}
LANGUAGE_LABELS = {"de": "German", "en": "English"}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
_WORDS = re.compile(r"\d+(?:[.,]\d+)+|\w+")


def get_backend():
    """The engine named by settings.ARCHIVE_SEARCH_BACKEND (default "whoosh")."""
    name = getattr(settings, "ARCHIVE_SEARCH_BACKEND", "whoosh")
    if name not in BACKENDS:
        raise ValueError(f"ARCHIVE_SEARCH_BACKEND={name!r}: use one of {', '.join(BACKENDS)}")
    return importlib.import_module(BACKENDS[name]).backend()


# --- keeping the index in step with the database ----------------------------------------

_local = threading.local()


def _deferred():
    if not hasattr(_local, "deferred"):
        _local.deferred = []
    return _local.deferred


def update_keys(keys):
    """Write the documents for `keys` (documents.Key) as the database holds them once committed."""
    keys = set(keys)
    if not keys:
        return
    deferred = _deferred()
    if deferred:
        deferred[-1].update(keys)
        waiting = getattr(_local, "pending", None)
        if waiting:
            # On disk at once, before the commit: a run killed just after committing still leaves
            # the key; one whose transaction never commits leaves a key whose write removes nothing.
            waiting.add(keys)
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One batch per transaction, written after it commits. A batch whose callback
        # Django dropped (a rolled-back savepoint) is not reused.
        batch = getattr(_local, "batch", None)
        if batch is None or not any(entry[1] is batch[0] for entry in connection.run_on_commit):
            waiting = set()

            def flush():
                _write_now(waiting)

            transaction.on_commit(flush, robust=True)
            batch = _local.batch = (flush, waiting)
        batch[1].update(keys)
        return
    _write_now(keys)


def _write_now(keys):
    if keys:
        get_backend().update(keys)


def index_record(record):
    """Index `record` (Article, Event or Entity) and every document that shows part of it."""
    update_keys(documents.dependent_keys(record))


def index_records(records):
    keys = set()
    for record in records:
        keys.update(documents.dependent_keys(record))
    update_keys(keys)


def remove_record(record):
    """Remove `record` from the index; call it while record.pk is still set (e.g. in post_delete)."""
    update_keys({documents.key_for(record)})


@contextmanager
def deferred_indexing():
    """Collect every index update made inside the block and write them once at its end.

    For bulk importers: thousands of saves become one index write (after the
    surrounding transaction commits, if there is one). The outermost block also writes
    what an earlier bulk run, killed before its write, left pending (see pending.py).
    """
    deferred = _deferred()
    outermost = not deferred
    deferred.append(set())
    try:
        if outermost:
            _local.pending = pending.start()
            left = pending.adopt()
            deferred[-1].update(left)
            if _local.pending:
                _local.pending.add(left)
        yield
    finally:
        keys = deferred.pop()
        waiting = None
        if outermost:
            waiting, _local.pending = getattr(_local, "pending", None), None
        try:
            update_keys(keys)
        except BaseException:
            if waiting:
                waiting.abandon()
            raise
        if waiting:
            if transaction.get_connection().in_atomic_block:
                # The write waits for the commit: until then the keys stay on disk, unlocked, and if the
                # transaction rolls back the next bulk run writes them (removing what never came to be).
                waiting.abandon()
                transaction.on_commit(waiting.forget)
            else:
                waiting.done()


def rebuild(*, progress=None):
    """Build the whole index anew beside the old one and switch to it when complete.

    `progress(count)` is called after each document. Returns the number of documents.
    """
    return get_backend().rebuild(progress=progress)


@dataclass
class Drift:
    missing: list = field(default_factory=list)   # in the database, not in the index
    stale: list = field(default_factory=list)     # indexed from an older state of the record
    orphans: list = field(default_factory=list)   # in the index, gone from the database
    records: int = 0
    indexed: int = 0

    @property
    def clean(self):
        return not (self.missing or self.stale or self.orphans)


def check():
    """Compare the index with the database, document by document."""
    indexed = get_backend().fingerprints()
    wanted = documents.all_fingerprints()
    drift = Drift(records=len(wanted), indexed=len(indexed))
    for key, print_ in wanted.items():
        if key not in indexed:
            drift.missing.append(key)
        elif indexed[key] != print_:
            drift.stale.append(key)
    drift.orphans = sorted(set(indexed) - set(wanted))
    drift.missing.sort()
    drift.stale.sort()
    return drift


def repair(drift):
    """Rewrite what check() found wrong."""
    keys = [documents.Key.parse(key) for key in drift.missing + drift.stale + drift.orphans]
    _write_now(set(keys))


# --- reading ----------------------------------------------------------------------------

@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    results: list
    facets: dict
    suggestion: str | None
    filters: Filters
    sort: str
    notes: list = field(default_factory=list)
    relaxed: bool = False  # no record had every word; these have some of them
    partial: bool = False  # the search stopped at its time limit; more records may match

    @property
    def note(self):
        if not self.partial:
            return None
        return gettext("The search took too long and stopped early: these are the results found until then, "
                       "and more records may match. A narrower query finds them all.")

    def as_json(self):
        return {
            "query": self.query, "total": self.total, "page": self.page, "pages": self.pages,
            "results": self.results, "facets": self.facets, "suggestion": self.suggestion,
            "partial": self.partial, "note": self.note,
        }


class ParameterError(BadParameter, QueryError):
    """A search parameter that cannot be read: the shared BadParameter, and still a QueryError to the views
    that catch those; str() is the reason alone, as the search page shows the parameter beside it."""

    def __str__(self):
        return self.message


def _date_param(value, name, *, end):
    try:
        period = dates.PartialDate.parse(value)
    except dates.PartialDateError as exc:
        raise ParameterError(name, f"{name}: {exc}") from None
    return period.end if end else period.date


def parse_params(params):
    """Read search parameters (a QueryDict or a dict of lists) into keyword arguments for search().

    Raises ParameterError (archive.params.BadParameter) naming the parameter; QueryError for the query text.
    """
    def values(name):
        got = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        got = [got] if isinstance(got, str) else list(got)
        return [v.strip() for v in got if v.strip()]

    def one(name, default=""):
        got = values(name)
        if len(got) > 1:
            message = gettext("%(name)s is given %(count)d times; give it once.")
            raise ParameterError(name, message % {"name": name, "count": len(got)})
        return got[0] if got else default

    text = one("q")
    q.check_text(text)
    types = values("type")
    for value in types:
        if value not in documents.TYPES:
            message = gettext("type=%(value)s: use %(choices)s.")
            raise ParameterError("type", message % {"value": repr(value), "choices": ", ".join(documents.TYPES)})
    languages = values("language")
    for value in languages:
        if value not in LANGUAGE_LABELS:
            raise ParameterError("language", gettext("language=%(value)s: use de or en.") % {"value": repr(value)})
    entities = values("entity")
    sources = values("source")
    for name, group in (("entity", entities), ("source", sources)):
        for value in group:
            if not _SLUG.match(value):
                raise ParameterError(name, gettext("%(name)s=%(value)s is not a slug (letters, digits, '-').")
                                     % {"name": name, "value": repr(value[:40])})
    date_from = _date_param(one("from"), "from", end=False) if one("from") else None
    date_to = _date_param(one("to"), "to", end=True) if one("to") else None
    if date_from and date_to and date_from > date_to:
        raise ParameterError("to", gettext("to is before from."))
    sort = one("sort", "relevance")
    if sort not in SORTS:
        raise ParameterError("sort", gettext("sort=%(value)s: use relevance, date or -date.") % {"value": repr(sort)})
    page = _int_param(one("page", "1"), "page", 1, MAX_PAGE)
    per_page = _int_param(one("per_page", "10"), "per_page", 1, 50)
    filters = Filters(types=tuple(types), entities=tuple(entities), sources=tuple(sources),
                      languages=tuple(languages), date_from=date_from, date_to=date_to)
    return {"text": text, "filters": filters, "sort": sort, "page": page, "per_page": per_page}


def _int_param(value, name, low, high):
    try:
        number = int(value)
    except ValueError:
        message = gettext("%(name)s=%(value)s is not a whole number.")
        raise ParameterError(name, message % {"name": name, "value": repr(value[:20])}) from None
    if not low <= number <= high:
        raise ParameterError(name, gettext("%(name)s=%(value)d is out of range (%(low)d to %(high)d).")
                             % {"name": name, "value": number, "low": low, "high": high})
    return number


def search(text="", *, filters=None, sort="relevance", page=1, per_page=10):
    """Search the archive.

    Raises QueryError (with .parameter) for a query that cannot be understood, and
    SearchUnavailable when the index cannot answer (it must be rebuilt).
    """
    deadline = time.monotonic() + SEARCH_SECONDS
    filters = filters or Filters()
    if sort not in SORTS:
        raise QueryError(gettext("sort=%(value)s: use relevance, date or -date.") % {"value": repr(sort)}, "sort")
    tree = q.parse(text)
    backend = get_backend()
    tree, notes = expand_aliases(tree, _alias_table(backend.generation()))
    if tree is None and sort == "relevance":
        sort = "-date"
    found = backend.search(SearchRequest(tree=tree, filters=filters, sort=sort, page=page, per_page=per_page,
                                         deadline=deadline))
    relaxed = False
    if found.total == 0 and not found.partial and _relaxable(tree):
        # "Code Red timeline": no record has every word, so show those with most of them.
        relaxed = True
        loose = q.Or(tree.items)
        suggestion_words = found.suggestion_words
        found = backend.search(SearchRequest(tree=loose, filters=filters, sort=sort, page=page, per_page=per_page,
                                             deadline=deadline))
        found.suggestion_words = suggestion_words
    generation = backend.generation()
    pages = math.ceil(found.total / per_page) if found.total else 0
    return SearchPage(
        query=text, total=found.total, page=page, pages=pages, per_page=per_page,
        results=[_result(hit) for hit in found.hits],
        facets=_facets(found.facets, filters, _name_table(generation)),
        suggestion=_suggestion(text, found.suggestion_words),
        filters=filters, sort=sort, notes=notes, relaxed=relaxed, partial=found.partial,
    )


def _relaxable(tree):
    return isinstance(tree, q.And) and all(isinstance(item, q.Term | q.Phrase | q.Alias) for item in tree.items)


def _result(hit):
    doc = hit.doc
    return {
        "type": doc["type"], "slug": doc["slug"], "title": doc["title"], "url": doc["url"],
        "date": dates.iso(dt.date.fromisoformat(doc["date"]), doc["date_precision"]) if doc["date"] else None,
        "source": doc["source_name"] or None, "language": doc["language"] or None, "snippet": hit.snippet,
        "entities": doc["entities"], "score": round(hit.score, 4), "matched": hit.matched,
    }


def _facets(counts, filters, names):
    labels = _labels(counts, names)
    out = {}
    for name in ("type", "entity", "source", "year", "language", "month"):
        counter = counts.get(name, Counter())
        if name in ("year", "month"):
            items = sorted(counter.items())
        else:
            items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_LIMITS.get(name)]
        out[name] = [{"value": value, "label": labels[name].get(value, value), "count": count}
                     for value, count in items]
    one_year = (filters.date_from and filters.date_to and filters.date_from.year == filters.date_to.year)
    if not (one_year or len(out["year"]) == 1):
        del out["month"]
    return out


@functools.lru_cache(maxsize=4)
def _name_table(generation):
    """Slug -> name of every entity and source, for facet labels. Changes with the index."""
    return {
        "entity": dict(Entity.objects.values_list("slug", "name")),
        "source": dict(Source.objects.values_list("slug", "name")),
    }


def _labels(counts, names):
    months = {}
    for value in counts.get("month", {}):
        year, month = value.split("-")
        months[value] = dates.display(dt.date(int(year), int(month), 1), dates.MONTH)
    return {
        "type": documents.TYPE_LABELS,
        "language": LANGUAGE_LABELS,
        "entity": names["entity"],
        "source": names["source"],
        "year": {},
        "month": months,
    }


def _suggestion(text, corrections):
    if not corrections:
        return None
    suggestion = text
    for wrong, right in corrections.items():
        suggestion = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, suggestion)
    return suggestion if suggestion != text else None


# --- entity names in queries ------------------------------------------------------------

def _name_key(name):
    return tuple(fold(word) for word in _WORDS.findall(name))


@functools.lru_cache(maxsize=4)
def _alias_table(generation):
    """Folded words of every entity name and alias -> (slug, all names). Changes with the index."""
    table = {}
    for entity in Entity.objects.prefetch_related("aliases"):
        names = tuple(entity.all_names())
        for name in names:
            key = _name_key(name)
            if key:
                table.setdefault(key, (entity.slug, entity.name, names))
    return table


def expand_aliases(tree, table):
    """Replace words that name an entity by that entity and all its names ("29 a" -> 29A).

    Returns the new tree and notes saying what was expanded.
    """
    notes = []
    longest = max((len(key) for key in table), default=0)

    def words_of(node):
        if isinstance(node, q.Term) and node.field is None and not node.fuzzy and not node.prefix:
            return _name_key(node.text)
        return None

    def alias_for(key, text):
        slug, name, names = table[key]
        notes.append({"text": text, "entity": slug, "name": name})
        return q.Alias(text=text, entity=slug, names=names)

    def run(items):
        out = []
        i = 0
        while i < len(items):
            found = None
            for size in range(min(longest, len(items) - i), 0, -1):
                chunk = items[i:i + size]
                keys = [words_of(node) for node in chunk]
                if any(k is None for k in keys):
                    continue
                key = tuple(word for k in keys for word in k)
                if key in table:
                    found = (size, alias_for(key, " ".join(node.text for node in chunk)))
                    break
            if found:
                out.append(found[1])
                i += found[0]
            else:
                node = items[i]
                out.append(node if isinstance(node, q.Term) else visit(node))
                i += 1
        return tuple(out)

    def visit(node):
        if isinstance(node, q.And):
            items = run(node.items)
            return items[0] if len(items) == 1 else q.And(items)
        if isinstance(node, q.Or):
            return q.Or(tuple(visit(item) for item in node.items))
        if isinstance(node, q.Not):
            return q.Not(visit(node.item))
        if isinstance(node, q.Phrase) and node.field is None and node.slop == 0:
            key = tuple(fold(w) for text in node.words for w in _WORDS.findall(text))
            if key in table:
                return alias_for(key, " ".join(node.words))
        if isinstance(node, q.Term):
            items = run((node,))
            return items[0]
        return node

    if tree is None or not table:
        return tree, notes
    return visit(tree), notes
