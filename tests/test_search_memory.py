"""What one process keeps from the Whoosh index stays bounded however many distinct queries it answers."""

import datetime as dt

import pytest

from archive import search
from archive.bounded import BoundedCache
from archive.search.types import Filters
from archive.search.whoosh import searchers
from tests import search_corpus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.whoosh_only]


def test_filter_sets_and_orders_kept_stay_within_the_setting(settings):
    settings.ARCHIVE_SEARCH_CACHED_SETS = 3
    search_corpus.build()
    expected = {}
    for year in range(1995, 2010):
        filters = Filters(date_from=dt.date(year, 1, 1), date_to=dt.date(year + 2, 12, 31))
        expected[year] = search.search("", filters=filters, sort="-date").total
        with searchers.pool.reader() as reader:
            assert len(reader.caches) <= 3
    # An answer whose filter set was dropped is computed again, the same.
    for year in (1995, 2009):
        filters = Filters(date_from=dt.date(year, 1, 1), date_to=dt.date(year + 2, 12, 31))
        assert search.search("", filters=filters, sort="-date").total == expected[year]


def test_the_least_recently_used_entry_goes_first():
    cache = BoundedCache(bound=2)
    cache["a"], cache["b"] = 1, 2
    assert cache["a"] == 1  # now "b" is the least recently used
    cache["c"] = 3
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
