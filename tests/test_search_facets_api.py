import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import search
from archive.search import Filters
from tests import search_corpus
from tests.search_corpus import slugs

pytestmark = pytest.mark.usefixtures("search_backend")

CONTRACT_KEYS = {"type", "slug", "title", "url", "date", "source", "language", "snippet", "entities", "score"}


@pytest.fixture
def corpus(db):
    search_corpus.build()


def facet(page, name):
    return {item["value"]: item["count"] for item in page.facets[name]}


def test_it_counts_facets_over_all_hits_not_just_the_page(corpus):
    page = search.search("Microsoft", per_page=1)
    assert len(page.results) == 1
    assert sum(facet(page, "type").values()) == page.total
    assert facet(page, "entity")["microsoft"] == page.total - facet(page, "type").get("event", 0)
    assert facet(page, "type") == {"article": 3, "entity": 1}
    assert facet(page, "source") == {"taz": 1, "bbc": 1, "heise": 1}
    labels = {item["value"]: item["label"] for item in page.facets["source"]}
    assert labels["heise"] == "heise online"


def test_it_narrows_and_excludes_with_facets(corpus):
    everything = search.search("worm OR Wurm", filters=Filters(types=("article",)))
    narrowed = search.search("worm OR Wurm", filters=Filters(types=("article",), entities=("hotmail",)))
    excluded = search.search("worm OR Wurm -entity:hotmail", filters=Filters(types=("article",)))
    assert set(slugs(narrowed)) == {"taz-code-red", "bbc-hotmail-outage"}
    assert set(slugs(excluded)) == set(slugs(everything)) - set(slugs(narrowed))
    assert narrowed.total + excluded.total == everything.total


def test_it_counts_years_and_drills_down_to_months(corpus):
    page = search.search("", filters=Filters(types=("article",)))
    assert facet(page, "year") == {"2001": 6, "2003": 1, "2004": 2}
    assert "month" not in page.facets
    year = search.search("", filters=Filters(types=("article",), date_from=_d("2001-01-01"), date_to=_d("2001-12-31")))
    assert facet(year, "month") == {"2001-07": 2, "2001-08": 4}
    assert year.facets["month"][0]["label"] == "July 2001"


def _d(text):
    import datetime as dt
    return dt.date.fromisoformat(text)


def test_it_pages_through_results(corpus):
    first = search.search("", per_page=4, page=1)
    second = search.search("", per_page=4, page=2)
    assert first.pages == second.pages == -(-first.total // 4)
    assert not set(slugs(first)) & set(slugs(second))


def test_the_api_returns_the_contract_shape(corpus, client):
    response = client.get("/api/search", {"q": "Code Red", "type": "article", "language": "en", "from": "2001",
                                          "to": "2001-08", "sort": "relevance", "page": "1"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"query", "total", "page", "pages", "results", "facets", "suggestion", "partial", "note",
                         "translations", "total_is_lower_bound"}
    assert data["partial"] is False and data["note"] is None and data["total_is_lower_bound"] is False
    assert data["query"] == "Code Red" and data["page"] == 1 and data["total"] >= 1
    assert {"type", "entity", "source", "year", "language"} <= set(data["facets"])
    for result in data["results"]:
        assert CONTRACT_KEYS <= set(result)
        assert result["type"] == "article" and result["language"] == "en"
        assert "2001-01" <= result["date"] <= "2001-08-31"
    for items in data["facets"].values():
        assert all(set(item) == {"value", "label", "count"} for item in items)


@pytest.mark.parametrize(("params", "parameter"), [
    ({"page": "-1"}, "page"), ({"page": "x"}, "page"), ({"type": "photo"}, "type"), ({"language": "fr"}, "language"),
    ({"from": "2001-02-30"}, "from"), ({"from": "2002", "to": "2001"}, "to"), ({"sort": "title"}, "sort"),
    ({"entity": "<script>"}, "entity"), ({"q": '"open'}, "q"), ({"q": "x" * 10_000}, "q"), ({"q": "a\x07b"}, "q"),
    ({"q": "colour:red"}, "q"), ({"q": "date:[x to]"}, "q"),
])
def test_the_api_answers_bad_parameters_with_400_naming_them(corpus, client, params, parameter):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["error"]


def test_the_page_keeps_the_query_and_shows_facets_as_links(corpus, client):
    response = client.get("/search/", {"q": "Hotmail", "entity": "microsoft"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Hotmail"' in html
    assert "-entity%3Ahotmail" in html          # an exclude link
    assert "?q=Hotmail" in html and "entity: microsoft ×" in html  # removable active filter
    assert "<mark>Hotmail</mark>" in html
    assert "How to search" in html


def test_the_page_explains_a_bad_query(corpus, client):
    response = client.get("/search/", {"q": '"Code Red'})
    assert response.status_code == 400
    assert "never closed" in response.content.decode()


def test_the_page_offers_did_you_mean(corpus, client):
    html = client.get("/search/", {"q": "Hotmial"}).content.decode()
    assert "Did you mean" in html and "Hotmail" in html


QUERY_CHARS = st.sampled_from(list('abcßüä 0129-"*~:()[]\\/\x00\t') + ["OR ", "NOT ", "AND ", "date:", "entity:",
                                                                       "title:", " to ", "lang:", "~5", "type:"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), st.lists(QUERY_CHARS, max_size=25).map("".join)))
def test_no_query_string_breaks_the_api(corpus, client, text):
    response = client.get("/api/search", {"q": text})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["parameter"] == "q"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.text(max_size=8), date=st.text(max_size=12), kind=st.text(max_size=8))
def test_no_parameter_breaks_the_api(corpus, client, page, date, kind):
    response = client.get("/api/search", {"q": "worm", "page": page, "from": date, "type": kind})
    assert response.status_code in (200, 400)


def test_a_filter_nothing_passes_finds_nothing(corpus):
    page = search.search("worm", filters=Filters(entities=("no-such-entity",)))
    assert page.total == 0 and page.results == []


def test_an_unknown_backend_is_refused_by_name(settings):
    settings.ARCHIVE_SEARCH_BACKEND = "solr"
    with pytest.raises(ValueError, match="ARCHIVE_SEARCH_BACKEND='solr'"):
        search.get_backend()


@pytest.mark.whoosh_only
def test_an_index_from_another_version_asks_for_a_rebuild(corpus, client, settings):
    from pathlib import Path

    root = Path(settings.DATA_DIR) / "search"
    current = (root / "CURRENT").read_text().strip()
    (root / current / "SCHEMA").write_text("0\n")
    response = client.get("/api/search", {"q": "worm"})
    assert response.status_code == 503
    assert "rebuild_index" in response.json()["error"]
    search.rebuild()
    assert client.get("/api/search", {"q": "worm"}).status_code == 200


@given(st.dictionaries(st.text(min_size=1, max_size=6), st.integers(min_value=1, max_value=5), max_size=80),
       st.sampled_from([None, 1, 10, 15]))
def test_a_facet_lists_its_values_by_count_then_by_value(counts, limit):
    """reading._by_count: the first `limit` values by count, ties in the values' order, as a heap keyed by
    (-count, value) picks them."""
    import heapq
    from collections import Counter

    from archive.search.reading import _by_count

    counter = Counter(counts)
    expected = heapq.nsmallest(limit or len(counter), counter.items(), key=lambda kv: (-kv[1], kv[0]))
    assert _by_count(counter, limit) == expected
