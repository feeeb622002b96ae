"""Feeds, the sitemap and the discovery tags in pages."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from archive.models import Article, Mention, Source

SLUG = "computervirus-code-red-2-schlaegt-zu"
ATOM = "{http://www.w3.org/2005/Atom}"


def add_article(slug, title, entity=None, **fields):
    article = Article.objects.create(
        slug=slug, title=title, body="Text.", language="en", source=Source.objects.get(slug="taz"), **fields
    )
    if entity:
        Mention.objects.create(article=article, entity=entity)
    return article


def test_it_serves_new_articles_as_rss_newest_first(client, loaded):
    add_article("later-addition", "A later addition", date=dt.date(1999, 1, 1))
    response = client.get("/feeds/articles.rss")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    # Newest to the archive first, whatever the publication date.
    assert titles == ["A later addition", "Computervirus Code Red 2 schlägt zu"]
    first = channel.findall("item")[1]
    assert first.findtext("link") == f"http://testserver/articles/{SLUG}/"
    assert "Code Red II" in [category.text for category in first.findall("category")]
    # The summary's date is the reader's: English here, German for a German reader.
    assert "10 August 2001" in first.findtext("description")
    german = ET.fromstring(client.get("/feeds/articles.rss", HTTP_ACCEPT_LANGUAGE="de").content)
    assert "10. August 2001" in german.find("channel").findall("item")[1].findtext("description")


def test_it_serves_new_articles_as_atom(client, loaded):
    response = client.get("/feeds/articles.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Computervirus Code Red 2 schlägt zu"]
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "DPA/AP"


def test_it_serves_a_feed_per_entity(client, loaded):
    from archive.models import Entity

    add_article("about-fbi", "About the FBI", entity=Entity.objects.get(slug="fbi"))
    titles = lambda path: [  # noqa: E731
        entry.findtext(f"{ATOM}title") for entry in ET.fromstring(client.get(path).content).findall(f"{ATOM}entry")
    ]
    assert titles("/feeds/entities/fbi.atom") == ["About the FBI"]
    assert titles("/feeds/entities/code-red-ii.atom") == ["Computervirus Code Red 2 schlägt zu"]
    rss = ET.fromstring(client.get("/feeds/entities/fbi.rss").content)
    assert rss.find("channel").findtext("title") == "Incident Archive: articles on FBI"
    assert client.get("/feeds/entities/nobody.atom").status_code == 404


def test_it_lists_every_record_page_in_the_sitemap(client, loaded):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = set()
    for index_loc in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        part = client.get(index_loc.text.removeprefix("http://testserver"))
        locations |= {node.text for node in ET.fromstring(part.getvalue()).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert f"http://testserver/articles/{SLUG}/" in locations
    assert "http://testserver/entities/code-red-ii/" in locations
    assert "http://testserver/events/code-red-peak/" in locations
    assert "http://testserver/" in locations


@pytest.mark.parametrize("path", ["/", f"/articles/{SLUG}/", "/entities/code-red-ii/", "/api/"])
def test_it_gives_every_page_a_canonical_address_and_feed_links(client, loaded, path):
    html = client.get(path + "?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert f'<meta property="og:url" content="http://testserver{path}">' in html
    assert 'type="application/atom+xml"' in html


def test_it_describes_an_article_for_sharing(client, loaded):
    html = client.get(f"/articles/{SLUG}/").content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Computervirus Code Red 2 schlägt zu">' in html
    assert '<meta property="article:published_time" content="2001-08-10">' in html
