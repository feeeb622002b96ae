"""Ranged dates in search: `date:` in a query and the from/to filters match a record whose days overlap
the window, on both engines (docs/dating.md); sorting puts a range at its first possible day."""

import datetime as dt

import pytest

from archive import dates, search
from archive.models import Article, Source
from archive.search import Filters
from tests.search_corpus import slugs

pytestmark = pytest.mark.usefixtures("search_backend")

RECORDS = [
    # slug, date, precision, not_after
    ("closed-range", "2001-12-20", dates.RANGE, "2002-01-10"),
    ("open-range", "2004-12-20", dates.RANGE, None),
    ("month", "2002-02-01", dates.MONTH, None),
    ("day", "2002-03-05", dates.DAY, None),
    ("undated", None, dates.DAY, None),
]


@pytest.fixture
def corpus(db):
    source = Source.objects.create(slug="wire", name="Wire", language="en")
    for slug, date, precision, not_after in RECORDS:
        Article.objects.create(
            slug=slug, source=source, language="en", title=f"Worm report {slug}", body="A worm spread.",
            date=dt.date.fromisoformat(date) if date else None, date_precision=precision,
            date_not_after=dt.date.fromisoformat(not_after) if not_after else None,
            date_inferred=precision == dates.RANGE)
    search.rebuild()


def found(query, **filters):
    return set(slugs(search.search(query, filters=Filters(types=("article",), **filters), per_page=50)))


@pytest.mark.parametrize("query, expected", [
    ("worm date:2001", {"closed-range"}),
    ("worm date:2002", {"closed-range", "month", "day"}),
    ("worm date:2002-01", {"closed-range"}),
    ("worm date:2001-11", set()),
    ("worm date:[2002-02-15 to 2002-02-20]", {"month"}),
    ("worm date:2005", {"open-range"}),
    ("worm date:[2003 to *]", {"open-range"}),
    ("worm date:[* to 2001-12-25]", {"closed-range"}),
])
def test_a_date_in_the_query_matches_what_overlaps_it(corpus, query, expected):
    assert found(query) == expected


def test_the_from_and_to_filters_match_what_overlaps_them(corpus):
    assert found("worm", date_from=dt.date(2002, 1, 1), date_to=dt.date(2002, 1, 31)) == {"closed-range"}
    assert found("worm", date_from=dt.date(2002, 2, 10)) == {"month", "day", "open-range"}
    assert found("worm", date_from=dt.date(2030, 1, 1)) == {"open-range"}
    assert found("worm", date_to=dt.date(2001, 12, 31)) == {"closed-range"}


def test_a_range_sorts_at_its_first_possible_day_and_undated_last(corpus):
    page = search.search("worm", filters=Filters(types=("article",)), sort="date", per_page=50)
    assert slugs(page) == ["closed-range", "month", "day", "open-range", "undated"]
    page = search.search("worm", filters=Filters(types=("article",)), sort="-date", per_page=50)
    assert slugs(page) == ["open-range", "day", "month", "closed-range", "undated"]


def test_results_carry_a_range_whole_and_the_pages_show_it(corpus, client):
    answer = client.get("/api/search", {"q": "worm", "type": "article"}).json()
    items = {item["slug"]: item for item in answer["results"]}
    assert items["closed-range"]["date"] == "2001-12-20/2002-01-10"
    assert items["open-range"]["date"] == "2004-12-20/.."
    assert items["month"]["date"] == "2002-02"
    for language, words in (("en", ("not before 20 December 2004", "between")), ("de", ("nicht vor dem", "zwischen"))):
        page = client.get("/search/", {"q": "worm"}, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        html = page.content.decode()
        assert all(word in html for word in words), language
