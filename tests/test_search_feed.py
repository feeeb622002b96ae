"""A feed per search: the newest articles matching a query and its filters, in Atom and RSS."""

import xml.etree.ElementTree as ET

import pytest

from tests import search_corpus

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def corpus(db):
    search_corpus.build()


def atom_titles(response):
    return [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(response.content).findall(f"{ATOM}entry")]


def test_it_serves_articles_matching_a_query_newest_first_as_atom(corpus, client):
    response = client.get("/search/feed.atom", {"q": "worm OR Wurm"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Incident Archive: search for “worm OR Wurm”"
    # Articles only (the corpus's event and entities match too), by publication date, newest first.
    assert atom_titles(response) == [
        "Computervirus schlägt zu", "Hotmail hit by worm", "Neuer Internetwurm legt Server lahm",
        "Code Red worm targets White House",
    ]
    link = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == "http://testserver/search/?q=worm+OR+Wurm"


def test_it_applies_the_filters_of_the_search(corpus, client):
    everything = atom_titles(client.get("/search/feed.atom", {"q": "worm OR Wurm"}))
    narrowed = client.get("/search/feed.atom", {"q": "worm OR Wurm", "entity": "hotmail", "language": "en"})
    assert atom_titles(narrowed) == ["Hotmail hit by worm"]
    excluded = atom_titles(client.get("/search/feed.atom", {"q": "worm OR Wurm -entity:hotmail"}))
    assert excluded == [title for title in everything if title not in ("Hotmail hit by worm",
                                                                       "Computervirus schlägt zu")]
    assert atom_titles(client.get("/search/feed.atom", {"q": "worm", "type": "event"})) == []


def test_it_serves_the_same_search_as_rss(corpus, client):
    response = client.get("/search/feed.rss", {"q": "Symantec", "source": "bbc"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == ["Symantec counts record virus numbers"]
    assert channel.find("item").findtext("link") == "http://testserver/articles/bbc-symantec-numbers/"


def test_its_title_follows_the_readers_language(corpus, client):
    response = client.get("/search/feed.atom", {"q": "Wurm"}, HTTP_ACCEPT_LANGUAGE="de")
    assert ET.fromstring(response.content).findtext(f"{ATOM}title") == "Incident Archive: Suche nach „Wurm“"


@pytest.mark.parametrize(("params", "parameter"), [
    ({"q": '"open'}, "q"), ({"q": "date:[x to]"}, "q"), ({"q": "a\x07b"}, "q"), ({"q": "x" * 10_000}, "q"),
    ({"entity": "<script>"}, "entity"), ({"language": "fr"}, "language"), ({"from": "2001-02-30"}, "from"),
    ({"type": "photo"}, "type"),
])
@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_it_answers_bad_parameters_with_400_naming_them(corpus, client, params, parameter, kind):
    response = client.get(f"/search/feed.{kind}", params)
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{parameter}: ")


def test_the_search_page_links_its_feeds(corpus, client):
    html = client.get("/search/", {"q": "Hotmail", "entity": "microsoft", "page": "1", "sort": "date"}).content.decode()
    assert ('<link rel="alternate" type="application/atom+xml" title="Newest articles for this search (Atom)" '
            'href="/search/feed.atom?q=Hotmail&amp;entity=microsoft">') in html
    assert 'href="/search/feed.rss?q=Hotmail&amp;entity=microsoft"' in html
    assert "Follow this search:" in html
