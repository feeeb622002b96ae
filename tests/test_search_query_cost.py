"""Every query has a bounded cost: a budget of expanded words, a deadline, and a rate limit on /search/."""

import pytest

from archive import search
from archive.search import reading
from archive.search.whoosh import backend as whoosh_backend
from tests import search_corpus
from tests.conftest import clear_of_a_window_edge

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh_only]


@pytest.fixture
def corpus():
    search_corpus.build()


@pytest.fixture
def small_budget(monkeypatch):
    # The corpus is small; a budget of a few words stands for the real one at 100k articles.
    monkeypatch.setattr(whoosh_backend, "MAX_EXPANSIONS", 8)


def test_a_query_expanding_past_the_budget_is_refused_naming_the_part(corpus, small_budget):
    assert search.search("Wurm~1").total > 0  # within the budget
    with pytest.raises(search.QueryError) as refused:
        search.search("Wurm se* co* hi*")
    assert "“" in str(refused.value) and "*”" in str(refused.value)
    assert refused.value.parameter == "q"


def test_the_budget_counts_the_whole_query_not_each_part(corpus, small_budget):
    for part in ("se*", "co*", "hi*"):
        assert search.search(part).total > 0
    with pytest.raises(search.QueryError):
        search.search("se* OR co* OR hi*")


def test_the_refusal_is_a_400_in_the_readers_language(client, corpus, small_budget):
    response = client.get("/api/search", {"q": "se* co* hi*"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "steht für zu viele Wörter" in response.json()["error"]
    page = client.get("/search/", {"q": "se* co* hi*"}, HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 400
    assert "steht für zu viele Wörter" in page.content.decode()
    english = client.get("/search/", {"q": "se* co* hi*"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "stands for too many words" in english.content.decode()


def test_past_the_deadline_the_search_answers_with_what_it_has_and_says_so(client, corpus, monkeypatch):
    full = search.search("worm")
    assert not full.partial and full.total > 0
    monkeypatch.setattr(reading, "SEARCH_SECONDS", -1.0)  # every deadline already past
    page = search.search("worm")
    assert page.partial and page.total <= full.total
    data = client.get("/api/search", {"q": "worm"}).json()
    assert data["partial"] is True and "too long" in data["note"]
    html = client.get("/search/", {"q": "worm"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die Suche hat zu lange gedauert" in html


def test_a_query_within_its_deadline_is_complete(client, corpus):
    data = client.get("/api/search", {"q": "worm OR Wurm"}).json()
    assert data["partial"] is False and data["note"] is None and data["total"] > 0


def test_the_search_page_is_rate_limited_with_a_page_in_the_readers_language(client, corpus, settings):
    settings.ARCHIVE_API_RATE = (3, 60)
    clear_of_a_window_edge(60)
    for _ in range(3):
        assert client.get("/search/", {"q": "worm"}).status_code == 200
    refused = client.get("/search/", {"q": "worm"}, HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "Zu viele Suchanfragen" in html and "Bitte versuchen Sie es in" in html
    assert "<html" in html  # a page, not the API's JSON
