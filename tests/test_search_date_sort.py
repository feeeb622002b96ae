"""Sorting by date puts undated records last, whichever way the dates run."""

import pytest

from archive import search
from archive.models import Article
from archive.search import Filters
from tests import search_corpus
from tests.search_corpus import slugs

ARTICLES = Filters(types=("article",))

pytestmark = pytest.mark.usefixtures("search_backend")


def _with_undated(db):
    search_corpus.build(index=False)
    Article.objects.create(slug="undated-worm", title="A worm of unknown date", body="The worm spread.",
                           language="en")
    search.rebuild()


def test_it_puts_undated_records_last_oldest_first(db):
    _with_undated(db)
    page = search.search("worm", sort="date", filters=ARTICLES)
    found = slugs(page)
    assert found[-1] == "undated-worm" and len(found) > 2
    dated = [result["date"] for result in page.results if result["date"]]
    assert dated == sorted(dated)


def test_it_puts_undated_records_last_newest_first(db):
    _with_undated(db)
    page = search.search("worm", sort="-date", filters=ARTICLES)
    found = slugs(page)
    assert found[-1] == "undated-worm" and len(found) > 2
    dated = [result["date"] for result in page.results if result["date"]]
    assert dated == sorted(dated, reverse=True)
