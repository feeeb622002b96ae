"""Aggregates worked out once per state of the archive and process, then reused until something changes.

Some of what a page shows is a count over the whole archive or over every article of an entity
(articles per month, the most named entities, co-mentions, the first rows of a long list in timeline
order). Its cost grows with the archive, so it is computed once for each change stamp
(archive.stamp, which database triggers move on every write) and kept in this process. A write
anywhere changes the stamp, so nothing is served from an older state of the archive than the
stamp itself allows (ARCHIVE_STAMP_SECONDS). At most ARCHIVE_REMEMBERED entries are kept, the least
recently used going first, and only small results (counts, keys, a page of rows) are kept.
"""

from django.core.exceptions import EmptyResultSet
from django.utils import translation

from archive import stamp
from archive.bounded import MISSING, BoundedCache

_entries = BoundedCache(setting="ARCHIVE_REMEMBERED")


def remember(key, compute):
    """compute(), or what it gave for `key` in the archive's current state."""
    current = stamp.archive_stamp()
    # Labels and addresses in a result may be in the reader's language.
    full_key = (current["version"], current["changed"], translation.get_language(), key)
    value = _entries.get(full_key, MISSING)
    if value is MISSING:
        value = _entries[full_key] = compute()
    return value


def query_key(queryset):
    """A key naming a query exactly: its SQL and parameters."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a condition no row can meet (pk__in=[]): the answer is empty whatever it was
        return "empty", queryset.model._meta.label
    return sql, tuple(params)


def forget():
    _entries.clear()
