"""Full-text search over articles, events and entities; see archive.search.api for the interface."""

from archive.search.api import (
    Drift,
    SearchPage,
    check,
    deferred_indexing,
    get_backend,
    index_record,
    index_records,
    parse_params,
    rebuild,
    remove_record,
    repair,
    search,
    update_keys,
)
from archive.search.query import QueryError
from archive.search.types import Filters, IndexWriteFailed, SearchUnavailable

__all__ = [
    "Drift", "Filters", "QueryError", "SearchPage", "check", "deferred_indexing", "get_backend", "index_record",
    "index_records", "parse_params", "rebuild", "remove_record", "repair", "search", "SearchUnavailable",
    "update_keys", "IndexWriteFailed",
]
