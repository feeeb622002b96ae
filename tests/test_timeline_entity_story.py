import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from archive.selectors import external_links
from archive.timeline.comentions import co_mentions
from archive.timeline.onthisday import on_this_day
from tests import timeline_factories as make

SLUG = "computervirus-code-red-2-schlaegt-zu"


@pytest.fixture
def tagged(db):
    worm = make.entity("worm")
    vendor = make.entity("vendor", kind="organization")
    city = make.entity("city", kind="place")
    loner = make.entity("loner")
    make.article("one", "2001-07-01", entities=[worm, vendor, city])
    make.article("two", "2001-07-02", entities=[worm, vendor])
    make.article("three", "2001-07-03", entities=[vendor, city])
    make.article("four", "2001-07-04", entities=[loner])
    return worm, vendor, city, loner


def test_co_mentions_count_shared_articles_most_first(tagged):
    worm, vendor, city, loner = tagged
    assert [(e.slug, e.shared) for e in co_mentions(vendor)] == [("city", 2), ("worm", 2)]
    assert [(e.slug, e.shared) for e in co_mentions(worm)] == [("vendor", 2), ("city", 1)]
    assert co_mentions(loner) == []


def test_the_entity_page_shows_co_mentions_with_counts(client, tagged):
    page = client.get("/entities/vendor/").content.decode()
    section = page.split('class="co-mentions"')[1]
    assert re.search(r'href="/entities/city/">City</a> <span class="count"[^>]*>2</span>', section)
    assert 'href="/entities/loner/"' not in section


def test_external_ids_become_links(db):
    entity = make.entity("cve-x", kind="vulnerability", wikidata="Q2283",
                         external_ids={"cve": "CVE-2001-0500", "advisory": "MS01-033", "bid": "2880"})
    rows = external_links(entity)
    assert ("Wikidata", "Q2283", "https://www.wikidata.org/wiki/Q2283") in rows
    assert ("CVE", "CVE-2001-0500", "https://www.cve.org/CVERecord?id=CVE-2001-0500") in rows
    assert ("Advisory", "MS01-033",
            "https://learn.microsoft.com/en-us/security-updates/securitybulletins/2001/ms01-033") in rows
    assert ("Bid", "2880", "") in rows


def test_the_code_red_timeline_tells_the_story_in_order(client, loaded):
    page = html.unescape(client.get("/entities/code-red/timeline/").content.decode())
    listed = re.findall(r'class="tl-badge">[^<]*</span>\s*<a href="([^"]+)"', page)
    order = [
        "/events/ms01-033-advisory/", "/events/ms01-033-patch/", "/events/code-red-first-seen/",
        "/events/code-red-peak/", "/events/code-red-white-house-attack/", "/events/code-red-ii-appears/",
        f"/articles/{SLUG}/",
    ]
    positions = [listed.index(url) for url in order]
    assert positions == sorted(positions)
    # Each event states when it was first reported, and where sources disagree.
    assert "Reported 6 days after the outbreak (the article's date is inferred)" in page
    assert "3 sources' claims" in page
    assert "Exposure windows" in page and "28 days (a date is inferred)" in page
    assert "Date inferred: The article dates itself" in page
    assert 'August 2001</time> <span class="tl-precision">(known to the month)</span>' in page


def test_the_entity_page_has_links_for_external_ids_and_its_timeline(client, loaded):
    page = client.get("/entities/cve-2001-0500/").content.decode()
    assert 'href="https://www.cve.org/CVERecord?id=CVE-2001-0500"' in page
    assert 'href="/entities/cve-2001-0500/timeline/"' in page
    assert "<svg " in page


def test_on_this_day_finds_earlier_years_at_day_precision_only(db):
    make.event("then", "2001-08-04")
    make.event("month-only", "2001-08")
    make.article("same-day-this-year", "2026-08-04")
    make.article("other-day", "2001-08-05")
    found = on_this_day(dt.date(2026, 8, 4))
    assert [i.slug for i in found.items] == ["then"]
    assert found.label == "4 August"


def test_the_home_page_shows_on_this_day(client, db):
    today = timezone.localdate()
    leap_day = (today.month, today.day) == (2, 29)
    make.event("anniversary", dt.date(2000, 2, 29) if leap_day else today.replace(year=2001))
    page = client.get("/").content.decode()
    assert "On this day" in page and 'href="/events/anniversary/"' in page


def test_pages_keep_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    worm = make.entity("worm")
    for n in range(40):
        day = dt.date(2001, 7, 1) + dt.timedelta(days=n)
        make.event(f"e{n}", day.isoformat(), entities=[worm], incident=worm)
        make.article(f"a{n}", day.isoformat(), entities=[worm, make.entity(f"other-{n}")])
    for url in ["/", "/events/e3/", "/timeline/", "/entities/worm/timeline/", "/entities/worm/", "/archive/2001/",
                "/archive/2001/7/",
                "/timeline/export.json?entity=worm", "/timeline/export.timelinejs.json", "/timeline/export.ics"]:
        # The entity is an incident: its page also reads milestones, claims, coverage and hindsight notes.
        with django_assert_max_num_queries(24):
            assert client.get(url).status_code == 200
