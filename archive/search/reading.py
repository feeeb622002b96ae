"""search(): one query in, a SearchPage out, whatever the engine.

Parses the query, expands entity names, asks the engine, tries again with any of the words
when no record has them all, and shapes the engine's answer for pages and the API (results,
facet labels, "did you mean"). Parameters from HTTP are params.py's; the engines' own work
is in whoosh/ and postgres/.
"""

import datetime as dt
import functools
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from django.utils.translation import gettext

from archive import dates
from archive.models import Entity, Source
from archive.search import crosslang, documents
from archive.search import query as q
from archive.search.aliases import alias_table, expand_aliases
from archive.search.engine import get_backend
from archive.search.params import LANGUAGE_LABELS, check_sort
from archive.search.types import Filters, SearchRequest

# Matching stops this long after a search began and answers with what it found (docs/search.md):
# with facets, snippets and the page around it, a request stays within a second.
SEARCH_SECONDS = 0.6
FACET_LIMITS = {"entity": 15, "source": 10}


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
    total_is_lower_bound: bool = False  # more than `total` records match; the facets count `total` of them
    translations: list = field(default_factory=list)  # what the query's words were also searched as

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
            "partial": self.partial, "total_is_lower_bound": self.total_is_lower_bound,
            "note": self.note, "translations": self.translations,
        }


def search(text="", *, filters=None, sort="relevance", page=1, per_page=10, query_language_only=False):
    """Search the archive; with query_language_only, the words are not translated (docs/search.md).

    Raises QueryError (with .parameter) for a query that cannot be understood, and
    SearchUnavailable when the index cannot answer (it must be rebuilt).
    """
    filters = filters or Filters()
    check_sort(sort)
    tree = q.parse(text)
    backend = get_backend()
    with backend.reading():  # entity names, matching and facet names from one generation of the index
        return _search(backend, text, tree, filters, sort, page, per_page, query_language_only)


def _search(backend, text, tree, filters, sort, page, per_page, query_language_only):
    generation = backend.generation()  # within reading(), the generation the search reads too
    tree, notes = expand_aliases(tree, alias_table(generation))
    translated = []
    if not query_language_only:  # entity names first: they cross languages already (Munich, München)
        # Before the clock starts: a process reads the vocabularies once, in a few seconds.
        tree, translated = crosslang.translate(tree)
    deadline = time.monotonic() + SEARCH_SECONDS
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
    pages = math.ceil(found.total / per_page) if found.total else 0
    if found.total_is_lower_bound:  # more than `total` match: at least one more, so a next page when this one is full
        pages = math.ceil((found.total + 1) / per_page)
    return SearchPage(
        query=text, total=found.total, page=page, pages=pages, per_page=per_page,
        results=[_result(hit, translated) for hit in found.hits],
        facets=_facets(found.facets, filters, _name_table(generation)),
        suggestion=_suggestion(text, found.suggestion_words),
        filters=filters, sort=sort, notes=notes, relaxed=relaxed, partial=found.partial,
        total_is_lower_bound=found.total_is_lower_bound,
        translations=crosslang.summary(translated),
    )


def _relaxable(tree):
    return isinstance(tree, q.And) and all(isinstance(item, q.Term | q.Phrase | q.Alias | q.Translated)
                                           for item in tree.items)


def _result(hit, translated=()):
    doc = hit.doc
    return {
        "type": doc["type"], "slug": doc["slug"], "title": doc["title"], "url": doc["url"],
        "date": _date(doc),
        "source": doc["source_name"] or None, "language": doc["language"] or None, "snippet": hit.snippet,
        "entities": doc["entities"], "score": round(hit.score, 4), "matched": hit.matched,
        "translated": crosslang.reasons(translated, hit.matched, doc),
    }


def _date(doc):
    """The record's date as the API writes dates: "2001", "2001-08", "2001-08-10", or a range
    "2001-08-10/2001-08-11" ("2004-12-20/.." when open)."""
    if not doc["date"]:
        return None
    end = doc.get("date_end")
    not_after = dt.date.fromisoformat(end) if end and doc["date_precision"] == dates.RANGE else None
    return dates.iso(dt.date.fromisoformat(doc["date"]), doc["date_precision"], not_after)


def _facets(counts, filters, names):
    one_year = (filters.date_from and filters.date_to and filters.date_from.year == filters.date_to.year)
    with_months = one_year or len(counts.get("year", ())) == 1  # months only within one year
    labels = _labels(counts if with_months else {}, names)
    out = {}
    for name in ("type", "entity", "source", "year", "language", "month"):
        if name == "month" and not with_months:
            continue
        counter = counts.get(name, Counter())
        if name in ("year", "month"):
            items = sorted(counter.items())
        else:
            items = _by_count(counter, FACET_LIMITS.get(name))
        out[name] = [{"value": value, "label": labels[name].get(value, value), "count": count}
                     for value, count in items]
    return out


def _by_count(counter, limit=None):
    """The counter's first `limit` (value, count) items by count, ties by value: sorted by value, then
    by count (a stable sort keeps the values' order among equal counts), both in C, where a heap keyed
    by a Python function called it for each of an entity facet's hundreds or thousands of values."""
    items = sorted(counter.items())
    items.sort(key=itemgetter(1), reverse=True)
    return items[:limit]


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
