import pytest

from archive import search
from archive.search import Filters
from tests import search_corpus
from tests.search_corpus import slugs

pytestmark = pytest.mark.usefixtures("search_backend")

ARTICLES = Filters(types=("article",))


@pytest.fixture
def corpus(db):
    search_corpus.build()


@pytest.mark.parametrize(("query", "first"), [
    ("Hotmail Wurm", "taz-code-red"),
    ("Internetwurm Server", "heise-computerwurm"),
    ("Code Red worm White House", "bbc-white-house"),
    ("Hotmail", "bbc-hotmail-outage"),           # in the title beats in the body
    ("Symantec", "bbc-symantec-numbers"),
    ("backdoor IIS", "bbc-backdoor"),
    ("market", "bbc-markets"),
])
def test_it_puts_the_expected_article_first(corpus, query, first):
    page = search.search(query, filters=ARTICLES)
    assert slugs(page)[0] == first


def test_it_ranks_by_relevance_not_recency(corpus):
    page = search.search("Hotmail", filters=ARTICLES)
    dates = [result["date"] for result in page.results]
    assert slugs(page)[0] == "bbc-hotmail-outage"
    assert dates[0] < dates[1]  # the older article with Hotmail in its title comes first


def test_it_sorts_by_date_when_asked(corpus):
    newest = search.search("Code Red", sort="-date", filters=ARTICLES)
    oldest = search.search("Code Red", sort="date", filters=ARTICLES)
    assert [r["date"] for r in newest.results] == sorted((r["date"] for r in newest.results), reverse=True)
    assert [r["date"] for r in oldest.results] == sorted(r["date"] for r in oldest.results)


def test_it_finds_articles_events_and_entities_in_one_index(corpus):
    page = search.search("Code Red II")
    assert {"article", "event", "entity"} <= {result["type"] for result in page.results}


@pytest.mark.django_db(transaction=True)
def test_the_archives_own_incident_comes_first_and_sources_addresses_are_not_text():
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    first = search.search("Code Red").results[0]
    assert (first["type"], first["slug"]) == ("entity", "code-red")
    # "Falsche Spur" is in nothing but the address of a source of the 29A event.
    assert search.search('"Falsche Spur"').total == 0
    assert all("heise.de" not in result["snippet"] for result in search.search("CodeRed").results)
