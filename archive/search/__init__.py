"""Full-text search over articles, events and entities: this module is the package's whole face.

Views, commands, signals and benchmarks use only the names below; the modules behind them
(and the engines in whoosh/ and postgres/) may change. docs/search.md, "Where the code lives",
says which module owns what.
"""

from archive.search.documents import TYPES, Key, count_all
from archive.search.engine import get_backend
from archive.search.indexing import (
    Drift,
    check,
    check_keys,
    deferred_indexing,
    index_record,
    index_records,
    rebuild,
    remove_record,
    repair,
    update_keys,
)
from archive.search.params import LANGUAGE_LABELS, MAX_PAGE, PARAMETERS, SORTS, parse_params
from archive.search.query import QueryError
from archive.search.reading import SearchPage, search
from archive.search.related import related_articles
from archive.search.types import Filters, IndexWriteFailed, SearchUnavailable

__all__ = [
    # reading
    "search", "SearchPage", "Filters", "parse_params", "QueryError", "SearchUnavailable",
    "SORTS", "MAX_PAGE", "LANGUAGE_LABELS", "TYPES", "PARAMETERS", "related_articles",
    # writing
    "update_keys", "index_record", "index_records", "remove_record", "deferred_indexing", "Key",
    "IndexWriteFailed", "rebuild", "check", "check_keys", "repair", "Drift", "count_all",
    "get_backend",
]
