"""The API's entity detail embeds a first page of the entity's articles and events, counts them, and links the rest."""

import datetime as dt

import pytest

from archive.models import Article, Mention
from tests import timeline_factories as make


@pytest.fixture
def worm(db):
    worm = make.entity("worm")
    articles = Article.objects.bulk_create([
        Article(slug=f"a-{n:02d}", title=f"Article {n:02d}", body="x", language="en",
                date=dt.date(2001, 1, 1) + dt.timedelta(days=n)) for n in range(45)])
    Mention.objects.bulk_create([Mention(article=article, entity=worm) for article in articles])
    make.article("elsewhere", "2001-01-01")
    for n in range(3):
        make.event(f"e-{n}", f"2001-0{n + 1}", entities=[worm])
    make.event("incident-only", "2002", incident=worm)
    return worm


def test_the_entity_embeds_the_first_page_counts_and_links_the_paged_lists(client, worm):
    data = client.get("/api/entities/worm/").json()
    assert data["article_count"] == 45 and len(data["articles"]) == 20
    assert data["articles_url"] == "http://testserver/api/articles/?entity=worm"
    assert data["articles_next"] == "http://testserver/api/articles/?entity=worm&page=2"
    listed = client.get(data["articles_url"]).json()
    assert listed["count"] == 45
    assert [a["slug"] for a in data["articles"]] == [a["slug"] for a in listed["results"]]
    third = client.get(client.get(data["articles_next"]).json()["next"]).json()
    assert [a["slug"] for a in third["results"]] == [f"a-{n:02d}" for n in range(40, 45)]
    assert data["event_count"] == 4 and [e["slug"] for e in data["events"]] == ["e-0", "e-1", "e-2", "incident-only"]
    assert data["events_url"] == "http://testserver/api/events/?entity=worm" and data["events_next"] is None
    assert client.get(data["events_url"]).json()["count"] == 4


def test_the_entity_answer_stays_one_page_long_and_its_queries_fixed_as_articles_grow(
        client, worm, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as counted:
        client.get("/api/entities/worm/")
    before = len(counted.captured_queries)
    Mention.objects.bulk_create([Mention(article=article, entity=worm) for article in Article.objects.bulk_create([
        Article(slug=f"b-{n}", title=f"More {n}", body="x", language="en", date=dt.date(2003, 1, 1))
        for n in range(100)])])
    with django_assert_max_num_queries(before):
        data = client.get("/api/entities/worm/").json()
    assert data["article_count"] == 145 and len(data["articles"]) == 20
