"""What a search asks and answers, the same for every backend."""

from dataclasses import dataclass, field

# What every engine counts for each search (SearchResults.facets).
FACETS = ("type", "entity", "source", "year", "month", "language")


class SearchUnavailable(RuntimeError):
    """The index cannot answer now (e.g. it must be rebuilt); the message says what to do."""


class IndexWriteFailed(RuntimeError):
    """The index could not be written (read-only or full disk); the database keeps the records.

    The message says what was not written and how to catch up once the cause is fixed.
    """


@dataclass(frozen=True)
class Filters:
    types: tuple = ()
    entities: tuple = ()       # every one must be tagged
    sources: tuple = ()
    languages: tuple = ()
    date_from: object = None   # datetime.date, inclusive
    date_to: object = None     # datetime.date, inclusive


@dataclass(frozen=True)
class SearchRequest:
    tree: object               # archive.search.query node, or None for everything
    filters: Filters = Filters()
    sort: str = "relevance"    # relevance | date | -date
    page: int = 1
    per_page: int = 10
    deadline: float | None = None  # time.monotonic() past which matching stops (None: the backend's own)


@dataclass
class Hit:
    doc: dict                  # the document as built by archive.search.documents
    score: float
    snippet: str               # HTML, escaped, matches wrapped in <mark>
    matched: list              # why it matched: [{"field": ..., "term": ...}]


@dataclass
class SearchResults:
    total: int
    hits: list
    facets: dict               # name -> Counter(value -> count)
    suggestion_words: dict = field(default_factory=dict)  # misspelt word -> best word from the archive
    partial: bool = False      # matching stopped at the deadline: these are the matches found until then
    # More matches than the backend counts (PostgreSQL past ranking.COUNT_CAP, Whoosh stopping a
    # common-word phrase early, whoosh/ranking.py Ranker.best): the total is "more
    # than total" and the facets count only the matches counted.
    total_is_lower_bound: bool = False
