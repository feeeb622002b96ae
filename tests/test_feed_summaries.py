"""Feed summaries are HTML to a feed reader: markup in a source name, byline or teaser arrives as text."""

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from archive import search
from archive.models import Article, Entity, Mention, Source

ATOM = "{http://www.w3.org/2005/Atom}"
PAYLOAD = "<img src=x onerror=alert(1)>"


class Reader(HTMLParser):
    """What a feed reader showing the summary as HTML would build: its tags and its visible text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def hostile(db):
    source = Source.objects.create(slug="evil", name=f"Evil {PAYLOAD} News", language="en")
    entity = Entity.objects.create(slug="wurm", name="Wurm", kind="malware")
    article = Article.objects.create(
        slug="hostile", title="A worm story", teaser=f"Teaser {PAYLOAD} & more", byline=f"By {PAYLOAD}",
        body="The worm spreads.", language="en", source=source, date=dt.date(2001, 8, 10),
    )
    Mention.objects.create(article=article, entity=entity)
    search.rebuild()


def summaries(response):
    root = ET.fromstring(response.content)
    rss = [item.findtext("description") for item in root.iter("item")]
    atom = [entry.findtext(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]
    if atom:
        assert all(entry.find(f"{ATOM}summary").get("type") == "html" for entry in root.iter(f"{ATOM}entry"))
    return rss + atom


@pytest.mark.parametrize("path", ["/feeds/articles.rss", "/feeds/articles.atom", "/feeds/entities/wurm.rss",
                                  "/feeds/entities/wurm.atom", "/search/feed.rss?q=worm",
                                  "/search/feed.atom?q=worm"])
def test_a_summary_shows_markup_as_text_and_runs_none(hostile, client, path):
    response = client.get(path)
    assert response.status_code == 200
    [summary] = summaries(response)
    shown = Reader(summary)
    assert shown.tags == []
    text = "".join(shown.text)
    assert text.count(PAYLOAD) == 3
    assert "Evil" in text and "Teaser" in text and "& more" in text
