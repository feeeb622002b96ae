"""Every feed read by a real feed client (feedparser) and checked against RFC 4287's rules.

Expected values come from the records themselves (their dates, their pages' addresses),
never from strings written here.
"""

import calendar
import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest

from archive.models import Article, Entity
from tests import search_corpus

ATOM = "{http://www.w3.org/2005/Atom}"
SEARCH = {"q": "worm OR Wurm", "language": "en"}
FEEDS = [
    ("/feeds/articles.atom", {}), ("/feeds/articles.rss", {}),
    ("/feeds/entities/microsoft.atom", {}), ("/feeds/entities/microsoft.rss", {}),
    ("/search/feed.atom", SEARCH), ("/search/feed.rss", SEARCH),
]
# RFC 3339 date-time, as RFC 4287 §3.3 requires for atom:updated and atom:published.
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def corpus(db):
    search_corpus.build()
    # No byline and a month-precise date: the author falls back to the source, `published` to the month's first day.
    article = Article.objects.get(slug="bbc-hotmail-outage")
    article.byline, article.date, article.date_precision = "", dt.date(2001, 8, 1), "month"
    article.save()
    Article.objects.filter(slug="bbc-white-house").update(byline="Jane Doe")


def fetch(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def parsed(response):
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.entries
    return feed


def is_absolute_iri(text):
    parts = urlsplit(text)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("tag", "urn"))


def as_utc(struct):
    return dt.datetime.fromtimestamp(calendar.timegm(struct), dt.UTC)


def record(entry):
    return Article.objects.get(slug=urlsplit(entry.link).path.strip("/").split("/")[-1])


@pytest.mark.parametrize(("path", "params"), FEEDS)
def test_feedparser_reads_every_feed_cleanly_with_absolute_ids_and_authors(corpus, client, path, params):
    response = fetch(client, path, params)
    feed = parsed(response)
    for entry in feed.entries:
        assert is_absolute_iri(entry.id) and entry.id == entry.link
        assert urlsplit(entry.id).netloc == "testserver"
        article = record(entry)
        expected = article.byline or article.source.name
        assert (entry.get("author") or feed.feed.get("author")) == expected
    if path.endswith(".rss"):
        guids = ET.fromstring(response.content).iter("guid")
        assert all(guid.get("isPermaLink") == "true" for guid in guids)


@pytest.mark.parametrize(("path", "params"), FEEDS)
def test_the_self_link_names_the_feed_with_its_query(corpus, client, path, params):
    feed = parsed(fetch(client, path, params))
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    parts = urlsplit(self_link)
    assert parts.scheme == "http" and parts.netloc == "testserver" and parts.path == path
    assert dict(parse_qsl(parts.query)) == params


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_configured_base_url_wins_over_the_host(corpus, client, settings, kind):
    settings.ARCHIVE_BASE_URL = "https://archive.example/"
    feed = parsed(client.get(f"/search/feed.{kind}", SEARCH, HTTP_HOST="localhost"))
    addresses = [entry.id for entry in feed.entries] + [link.href for link in feed.feed.links]
    assert all(address.startswith("https://archive.example/") for address in addresses)


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_search_feed_dates_entries_by_publication(corpus, client, kind):
    feed = parsed(fetch(client, f"/search/feed.{kind}", SEARCH))
    for entry in feed.entries:
        article = record(entry)
        # A partial date stands for its period's first day.
        assert as_utc(entry.published_parsed).date() == article.date
        if kind == "atom":
            assert as_utc(entry.updated_parsed) == article.updated_at.replace(microsecond=0)
    assert any(record(entry).date_precision == "month" for entry in feed.entries)


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_the_new_articles_feeds_date_entries_by_their_addition(corpus, client, kind):
    feed = parsed(fetch(client, f"/feeds/articles.{kind}", {}))
    for entry in feed.entries:
        article = record(entry)
        assert as_utc(entry.published_parsed) == article.created_at.replace(microsecond=0)
        if kind == "atom":
            assert as_utc(entry.updated_parsed) == article.updated_at.replace(microsecond=0)


def rfc4287_problems(root):
    """What an Atom document breaks of RFC 4287 §4.1's rules (empty: none)."""
    problems = []

    def check_container(element, where, required):
        for name in required:
            found = element.findall(f"{ATOM}{name}")
            if len(found) != 1:
                problems.append(f"{where}: {len(found)} atom:{name}, one required")
        for node in element.findall(f"{ATOM}id"):
            if not is_absolute_iri((node.text or "").strip()):
                problems.append(f"{where}: atom:id {node.text!r} is not an absolute IRI")
        for name in ("updated", "published"):
            for node in element.findall(f"{ATOM}{name}"):
                if not RFC3339.match(node.text or ""):
                    problems.append(f"{where}: atom:{name} {node.text!r} is not an RFC 3339 date-time")
        for author in element.findall(f"{ATOM}author"):
            if len(author.findall(f"{ATOM}name")) != 1:
                problems.append(f"{where}: an atom:author needs exactly one atom:name")
        alternates = {(link.get("type"), link.get("hreflang")) for link in element.findall(f"{ATOM}link")
                      if link.get("rel", "alternate") == "alternate"}
        if len(alternates) != len([link for link in element.findall(f"{ATOM}link")
                                   if link.get("rel", "alternate") == "alternate"]):
            problems.append(f"{where}: two alternate links with the same type and hreflang")

    if root.tag != f"{ATOM}feed":
        return [f"root is {root.tag}"]
    check_container(root, "feed", ("id", "title", "updated"))
    feed_has_author = bool(root.findall(f"{ATOM}author"))
    for index, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {index}"
        check_container(entry, where, ("id", "title", "updated"))
        if not feed_has_author and not entry.findall(f"{ATOM}author"):
            problems.append(f"{where}: no atom:author and none on the feed (§4.1.1)")
        if not entry.findall(f"{ATOM}link[@rel='alternate']") and not entry.findall(f"{ATOM}content"):
            problems.append(f"{where}: neither atom:content nor an alternate link (§4.1.2)")
    return problems


@pytest.mark.parametrize(("path", "params"), [feed for feed in FEEDS if feed[0].endswith(".atom")])
def test_every_atom_feed_keeps_the_rules_of_rfc_4287(corpus, client, path, params):
    root = ET.fromstring(fetch(client, path, params).content)
    assert rfc4287_problems(root) == []


def test_the_rfc_4287_check_finds_what_it_looks_for(corpus, client):
    root = ET.fromstring(fetch(client, "/feeds/articles.atom", {}).content)
    entry = root.find(f"{ATOM}entry")
    entry.find(f"{ATOM}id").text = "/articles/relative/"
    for author in [*root.findall(f"{ATOM}author"), *entry.findall(f"{ATOM}author")]:
        (root if author in root.findall(f"{ATOM}author") else entry).remove(author)
    entry.remove(entry.find(f"{ATOM}updated"))
    problems = " ".join(rfc4287_problems(root))
    assert "not an absolute IRI" in problems and "no atom:author" in problems and "atom:updated" in problems


def test_feed_texts_follow_the_readers_language(corpus, client):
    entity = Entity.objects.get(slug="microsoft")
    english = parsed(fetch(client, "/feeds/entities/microsoft.atom", {}))
    german = parsed(client.get("/feeds/entities/microsoft.atom", HTTP_ACCEPT_LANGUAGE="de"))
    assert entity.name in english.feed.title and entity.name in german.feed.title
    assert english.feed.title != german.feed.title and english.feed.subtitle != german.feed.subtitle
    assert german.feed.language == "de" and english.feed.language == "en"
