"""/search/ and /api/search over an indexed corpus: any parameters give 200 or 400, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import search_corpus
from tests.test_fuzz_query import QUERIES
from tests.test_fuzz_views import VALUES

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
NAMES = ["q", "type", "entity", "source", "language", "from", "to", "sort", "page", "per_page", "other"]
PARAMS = st.dictionaries(st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=2), max_size=5)


@pytest.fixture
def corpus(db, settings):
    settings.ARCHIVE_API_RATE = None
    search_corpus.build()


@FUZZ
@given(path=st.sampled_from(["/search/", "/api/search"]), query=QUERIES, params=PARAMS)
def test_no_search_request_gives_a_server_error(corpus, client, path, query, params):
    response = client.get(path, {"q": query, **params})
    assert response.status_code in (200, 400), (path, query, params)
    if response.status_code == 400 and path == "/api/search":
        body = response.json()
        assert body["error"] and body["parameter"] in NAMES
