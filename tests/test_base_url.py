"""Every absolute address the site writes starts with ARCHIVE_BASE_URL, whatever Host the request came by.

A proxy or a second name ("mirror.localhost") must not leak into exports, canonical links or
the sitemap: readers keep those addresses, and RFC 5545 wants a UID that never changes.
"""

import csv
import io
import json
import re

import icalendar
import pytest

from tests import timeline_factories as make

BASE = "https://archive.example/"
OTHER_HOST = "localhost"


@pytest.fixture
def configured(settings):
    settings.ARCHIVE_BASE_URL = BASE


@pytest.fixture
def story(db):
    worm = make.entity("worm")
    disclosure = make.event("worm-disc", "2001-06-18", kind="disclosure", incident=worm)
    make.event("worm-out", "2001-07-13", entities=[worm], incident=worm)
    make.cover(disclosure, make.article("report", "2001-08-10", entities=[worm]))


def get(client, path):
    response = client.get(path, HTTP_HOST=OTHER_HOST)
    assert response.status_code == 200, response.content[:300]
    return response.getvalue() if response.streaming else response.content


def addresses(text):
    """Every http(s) address in a body."""
    return re.findall(r"https?://[^\s\"'<>,\\]+", text)


def assert_all_on_base(found):
    assert found, "the body names no absolute address at all"
    assert [address for address in found if not address.startswith(BASE)] == []


@pytest.mark.parametrize("path", ["/timeline/export.json", "/timeline/export.csv",
                                  "/timeline/export.timelinejs.json", "/entities/worm/timeline/export.json"])
def test_timeline_exports_link_by_the_base_url(client, story, configured, path):
    assert_all_on_base(addresses(get(client, path).decode()))


def test_timeline_export_records_are_absolute_on_the_base_url(client, story, configured):
    rows = list(csv.DictReader(io.StringIO(get(client, "/timeline/export.csv").decode())))
    assert rows and all(row["url"].startswith(BASE) for row in rows)
    data = json.loads(get(client, "/timeline/export.timelinejs.json"))
    assert data["events"] and all(BASE in event["text"]["text"] for event in data["events"])


def test_icalendar_uids_and_urls_name_the_configured_host(client, story, configured):
    calendar = icalendar.Calendar.from_ical(get(client, "/timeline/export.ics"))
    events = calendar.walk("VEVENT")
    assert events
    assert {str(event["UID"]).split("@")[1] for event in events} == {"archive.example"}
    assert all(str(event["URL"]).startswith(BASE) for event in events)


@pytest.mark.parametrize("path", ["/incidents/comparison.json", "/incidents/comparison.csv"])
def test_incident_exports_link_by_the_base_url(client, story, configured, path):
    body = get(client, path).decode()
    assert_all_on_base(addresses(body))
    assert f"{BASE}entities/worm/" in body


@pytest.mark.parametrize("path", ["/", "/articles/report/", "/entities/worm/", "/timeline/"])
def test_canonical_and_open_graph_addresses_use_the_base_url(client, story, configured, path):
    page = get(client, path).decode()
    expected = BASE.rstrip("/") + path
    assert f'<link rel="canonical" href="{expected}">' in page
    assert f'<meta property="og:url" content="{expected}">' in page


def test_without_a_base_url_the_request_host_is_used(client, story, settings):
    settings.ARCHIVE_BASE_URL = ""
    page = get(client, "/articles/report/").decode()
    assert '<link rel="canonical" href="http://localhost/articles/report/">' in page


def test_the_sitemap_lists_addresses_on_the_base_url(client, story, configured):
    index = get(client, "/sitemap.xml").decode()
    assert_all_on_base([a for a in addresses(index) if "sitemaps.org" not in a])
    articles = get(client, "/sitemap-articles.xml").decode()
    assert f"<loc>{BASE}articles/report/</loc>" in articles


def test_api_records_name_pages_and_citations_by_the_base_url(client, story, configured):
    data = json.loads(get(client, "/api/articles/report/"))
    assert data["url"] == f"{BASE}articles/report/"
    assert data["cite"]["text"] == f"{BASE}articles/report/cite.txt"


@pytest.fixture
def many_articles(db):
    worm = make.entity("worm")
    for day in range(1, 4):
        make.article(f"report-{day}", f"2001-08-{day:02d}", entities=[worm])
    return worm


def test_api_page_links_use_the_base_url(client, many_articles, configured):
    first = json.loads(get(client, "/api/articles/?entity=worm&page_size=1"))
    assert first["next"] == f"{BASE}api/articles/?entity=worm&page_size=1&page=2"
    second = json.loads(get(client, "/api/articles/?entity=worm&page_size=1&page=2"))
    assert second["previous"] == f"{BASE}api/articles/?entity=worm&page_size=1&page=1"


def test_api_entity_names_its_lists_by_the_base_url(client, many_articles, configured):
    data = json.loads(get(client, "/api/entities/worm/"))
    assert data["articles_url"] == f"{BASE}api/articles/?entity=worm"
    assert data["events_url"] == f"{BASE}api/events/?entity=worm"


def test_openapi_server_is_the_base_url(client, db, configured):
    spec = json.loads(get(client, "/api/openapi.json"))
    assert spec["servers"] == [{"url": f"{BASE}api"}]
    page = get(client, "/api/").decode()
    assert f"{BASE}api/articles/" in page and OTHER_HOST not in page
