"""Stored text with characters XML 1.0 forbids reaches every feed, drawing, export and page without breaking it.

The records are saved straight into the database, as an import or a script could,
with no form or importer in between to clean them.
"""

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection

from archive import search, xmltext
from archive.models import Article, Entity, Event, Mention, Source

# PostgreSQL refuses NUL in text, so there a stored record can never carry one.
BAD = ("" if connection.vendor == "postgresql" else "\x00") + "\x01\x1b\ufffe\uffff\x0b"
ATOM = "{http://www.w3.org/2005/Atom}"


def dirty(text):
    return f"{text[:3]}{BAD}{text[3:]}"


@pytest.fixture
def records(db, client):
    client.raise_request_exception = False
    source = Source.objects.create(slug="quelle", name=dirty("Quelle"), language="de")
    worm = Entity.objects.create(slug="wurm", name=dirty("Wurmfamilie"), kind="malware")
    article = Article.objects.create(
        slug="kaputt", title=dirty("Kaputter Titel"), teaser=dirty("Ein Anreißer"), byline=dirty("Agentur"),
        kicker=dirty("Dachzeile"), dateline=dirty("BERLIN"), body=dirty("Der Wurm befällt Rechner."),
        language="de", source=source, date=dt.date(2001, 8, 10), date_reason=dirty("Aus dem Text"),
    )
    Mention.objects.create(article=article, entity=worm)
    event = Event.objects.create(slug="ausbruch", title=dirty("Großer Ausbruch"), kind="outbreak",
                                 description=dirty("Viele Rechner"), date=dt.date(2001, 8, 1),
                                 date_inferred=True, date_reason=dirty("Geschätzt"))
    event.entities.set([worm])
    search.rebuild()
    return article


def assert_clean_xml(response):
    body = response.getvalue()
    assert response.status_code == 200, body[:500]
    text = body.decode("utf-8")
    assert not set(BAD) & set(text), "a forbidden character was written"
    return ET.fromstring(body)


FEEDS = ["/feeds/articles.rss", "/feeds/articles.atom", "/feeds/entities/wurm.rss", "/feeds/entities/wurm.atom",
         "/search/feed.rss?q=Wurm", "/search/feed.atom?q=Wurm"]


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_lists_the_record_cleaned(records, client, path):
    response = client.get(path)
    root = assert_clean_xml(response)
    assert "Kaputter Titel" in " ".join(root.itertext())
    # Atom names categories in an attribute.
    assert "Wurmfamilie" in response.content.decode("utf-8")


@pytest.mark.parametrize("path", ["/search/feed.atom", "/search/feed.rss"])
def test_a_search_feed_cleans_the_query_it_names(records, client, path):
    # The search refuses a query with C0 controls (400); the noncharacters it lets through.
    root = assert_clean_xml(client.get(path, {"q": "Wurm\ufffe\uffff"}))
    assert "search for “Wurm”" in " ".join(root.itertext())


def test_the_sitemap_lists_the_records(records, client):
    root = assert_clean_xml(client.get("/sitemap-articles.xml"))
    assert "http://testserver/articles/kaputt/" in " ".join(root.itertext())


@pytest.mark.parametrize("base", ["/timeline/", "/entities/wurm/timeline/"])
def test_the_timeline_drawing_is_well_formed_xml(records, client, base):
    root = assert_clean_xml(client.get(f"{base}export.svg"))
    assert "Kaputter Titel" in " ".join(root.itertext())


@pytest.mark.parametrize("base", ["/timeline/", "/entities/wurm/timeline/"])
def test_the_calendar_carries_no_control_characters(records, client, base):
    response = client.get(f"{base}export.ics")
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8").replace("\r\n", "")
    assert not set(BAD) & set(body)
    assert "Großer Ausbruch" in body.replace("\r\n ", "")


@pytest.mark.parametrize("base", ["/timeline/", "/entities/wurm/timeline/"])
def test_the_data_exports_read_back(records, client, base):
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}export.csv").getvalue().decode("utf-8"))))
    assert {row["title"] for row in rows} == {"Kaputter Titel", "Großer Ausbruch"}
    data = json.loads(client.get(f"{base}export.json").getvalue())
    assert {item["title"] for item in data["items"]} == {"Kaputter Titel", "Großer Ausbruch"}
    timelinejs = json.loads(client.get(f"{base}export.timelinejs.json").content)
    assert {event["text"]["headline"] for event in timelinejs["events"]} == {"Kaputter Titel", "Großer Ausbruch"}


@pytest.mark.parametrize("path", ["/", "/articles/kaputt/", "/entities/wurm/", "/events/ausbruch/", "/timeline/",
                                  "/entities/wurm/timeline/", "/archive/2001/", "/archive/2001/08/",
                                  "/search/?q=Wurm", "/api/articles/kaputt/", "/api/entities/wurm/",
                                  "/api/search?q=Wurm"])
def test_no_page_breaks(records, client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]


def test_the_helper_keeps_what_xml_allows_and_drops_the_rest():
    kept = "tab\tlf\ncr\r ä € \U0001f41b \ud7ff \ue000 \ufffd"
    assert xmltext.clean(kept) == kept
    assert xmltext.clean("a\x00b\x01c\x08d\x0be\x0cf\x1fg\x7fh") == "abcdefg\x7fh"
    assert xmltext.clean("a\ufffeb\uffffc") == "abc"
    assert xmltext.clean("lone \ud800 and \udfff surrogates") == "lone  and  surrogates"
    assert xmltext.clean("") == ""
    assert xmltext.clean(None) is None
