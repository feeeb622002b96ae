"""Long lists are paged and counted in SQL: the queries of a page neither grow in number nor read every row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Entity, Mention
from tests import timeline_factories as make

# An aggregate in the select list, before the first FROM: one row per group, not per record.
AGGREGATE = re.compile(r"^SELECT\b((?!\bFROM\b).)*?\b(COUNT|MAX|MIN)\(", re.I | re.S)

KEYS = re.compile(r'"\w+" IN \(\d')


def _capture(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def _unbounded_article_reads(sqls):
    """Queries reading article rows that are neither aggregates, nor limited to a page, nor to a list of keys."""
    return [sql for sql in sqls if '"archive_article"' in sql and not AGGREGATE.match(sql)
            and "LIMIT" not in sql.upper() and not KEYS.search(sql)]


def _crowd(count, entity=None):
    make.many(count, step_days=1, articles_every=2)
    if entity:
        from archive.models import Article

        Mention.objects.bulk_create(Mention(article=a, entity=entity) for a in Article.objects.all())


@pytest.mark.parametrize("address", ["/timeline/", "/archive/2001/", "/archive/2001/3/", "/entities/busy/",
                                     "/entities/busy/timeline/"])
def test_a_paged_page_costs_the_same_queries_at_twice_the_size_and_reads_no_full_list(client, db, address):
    entity = make.entity("busy")
    _crowd(300, entity)
    small = _capture(client, address)
    Mention.objects.all().delete()
    from archive.models import Article, Event

    Article.objects.all().delete()
    Event.objects.all().delete()
    _crowd(900, Entity.objects.get(slug="busy"))
    large = _capture(client, address)
    assert len(small) == len(large)
    assert _unbounded_article_reads(large) == []


def test_the_entity_page_lists_its_articles_a_hundred_at_a_time(client, db):
    entity = make.entity("busy")
    _crowd(500, entity)  # 250 articles
    first = client.get("/entities/busy/").content.decode()
    assert 'rel="next" href="/entities/busy/?page=2"' in first
    listed = set()
    for number in (1, 2, 3):
        page = client.get(f"/entities/busy/?page={number}").content.decode()
        section = page.split("<h2>Articles</h2>", 1)[1].split("</section>", 1)[0]
        listed |= set(re.findall(r'href="(/articles/[^"]+)"', section))
    assert len(listed) == 250
    assert client.get("/entities/busy/?page=4").status_code == 404
    assert client.get("/entities/busy/?page=-1").status_code == 400


def test_a_long_timeline_lists_pages_and_keeps_the_filters_in_the_links(client, db):
    _crowd(400)
    page = client.get("/timeline/?kind=article").content.decode()
    assert len(re.findall(r'<li class="tl-li ', page)) == 100
    assert 'rel="next" href="/timeline/?kind=article&amp;page=2"' in page
    last = client.get("/timeline/?kind=article&page=2").content.decode()
    assert len(re.findall(r'<li class="tl-li ', last)) == 100
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert "200 articles" in last
