import re

import pytest

from archive.timeline.periods import month_period, year_period
from tests import timeline_factories as make


@pytest.fixture
def spread(db):
    make.event("dec-event", "1999-12-31")
    make.event("year-only", "2001", kind="arrest")
    make.article("jan-article", "2002-01-01")
    make.article("jan-month", "2002-01")
    make.event("aug-event", "2002-08-04")
    make.article("aug-article", "2002-08-10")


def test_a_year_counts_items_per_month_including_empty_months(spread):
    period = year_period(2002)
    counts = {m.month: (m.events, m.articles) for m in period.months}
    assert len(counts) == 12
    assert counts[1] == (0, 2) and counts[8] == (1, 1) and counts[5] == (0, 0)
    assert [i.slug for i in period.items] == ["jan-article", "jan-month", "aug-event", "aug-article"]


def test_a_year_only_item_is_listed_in_its_year_but_counted_in_no_month(spread):
    period = year_period(2001)
    assert [i.slug for i in period.items] == ["year-only"]
    assert all(m.total == 0 for m in period.months)
    assert period.year_only == 1
    assert month_period(2001, 1).items == []


def test_neighbouring_years_skip_empty_years(spread):
    period = year_period(2001)
    assert (period.previous.year, period.next.year) == (1999, 2002)
    assert year_period(1999).previous is None
    assert year_period(2002).next is None
    assert year_period(2000).items == []  # an empty year between two full ones still answers


def test_neighbouring_months_cross_year_boundaries_and_skip_year_only_items(spread):
    january = month_period(2002, 1)
    assert [i.slug for i in january.items] == ["jan-article", "jan-month"]
    # The year-only 2001 item does not make January 2001 a month with content.
    assert (january.previous.year, january.previous.month) == (1999, 12)
    assert (january.next.year, january.next.month) == (2002, 8)
    assert january.previous.label == "December 1999"
    december = month_period(1999, 12)
    assert (december.next.year, december.next.month) == (2002, 1)
    assert december.previous is None


def test_an_empty_month_answers_with_its_neighbours(client, spread):
    response = client.get("/archive/2002/5/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing in the archive is dated to May 2002." in page
    assert 'rel="prev" href="/archive/2002/1/"' in page and 'rel="next" href="/archive/2002/8/"' in page


def test_the_year_page_links_months_with_content_and_neighbouring_years(client, spread):
    page = client.get("/archive/2002/").content.decode()
    assert 'href="/archive/2002/1/">January 2002</a>' in page
    assert 'href="/archive/2002/5/"' not in page
    assert 'rel="prev" href="/archive/2001/"' in page
    assert 'rel="next"' not in page
    assert 'href="/events/aug-event/"' in page and 'href="/articles/jan-month/"' in page


def test_the_month_page_shows_month_precision_items_as_months(client, spread):
    page = client.get("/archive/2002/1/").content.decode()
    assert "January 2002" in page and "(known to the month)" in page
    assert "1 January 2002" in page  # the article that is dated to the day


def test_the_founding_article_lives_in_august_2001(client, loaded):
    page = client.get("/archive/2001/8/").content.decode()
    assert 'href="/articles/computervirus-code-red-2-schlaegt-zu/"' in page
    assert 'href="/events/code-red-ii-appears/"' in page
    assert 'rel="prev" href="/archive/2001/7/"' in page


def test_a_crowded_year_is_drawn_and_counted_and_listed_a_page_at_a_time(client, db):
    make.many(600, step_days=0)  # all on 1 January 2001
    page = client.get("/archive/2001/").content.decode()
    assert "Too many items to list on one page" in page
    assert 'href="/archive/2001/1/">January 2001</a></th><td>300</td><td>300</td>' in page
    assert len(re.findall(r'<li class="tl-li ', page)) == 100
    assert 'rel="next" href="/archive/2001/?page=2"' in page
    assert "counts per month" in page  # the drawing aggregates


def _listed(page):
    return re.findall(r'<li class="tl-li [^>]*>\s*<span class="tl-badge">[^<]*</span>\s*<a href="([^"]+)"', page)


@pytest.mark.parametrize("address", ["/archive/2001/", "/archive/2001/1/"])
def test_the_pages_of_a_crowded_period_list_every_item_once_in_timeline_order(client, db, address):
    make.many(250, step_days=0, articles_every=3)
    make.article("month-only", "2001-01")
    make.event("day-two", "2001-01-02")
    seen = []
    for number in (1, 2, 3):
        response = client.get(f"{address}?page={number}")
        assert response.status_code == 200
        seen += _listed(response.content.decode())
    assert len(seen) == len(set(seen)) == 252
    # Day items before the month-only item of their month; on one day, events before articles.
    assert seen[-1] == "/articles/month-only/" and seen[-2] == "/events/day-two/"
    first_article = next(i for i, url in enumerate(seen) if url.startswith("/articles/"))
    assert all(url.startswith("/articles/") for url in seen[first_article:-2])
    assert client.get(f"{address}?page=4").status_code == 404
    assert client.get(f"{address}?page=zero").status_code == 400
