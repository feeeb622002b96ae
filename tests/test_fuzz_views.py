"""Random values in every URL parameter and path part: 200, 400 or 404 (or a redirect), never a 500.

The test client raises any exception a view lets escape, so a crash fails the example outright.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
ANSWERS = {200, 301, 302, 400, 404}

# Values near the edges of what the views accept, and anything at all.
VALUES = st.one_of(
    st.sampled_from(["", "2001", "2001-08", "2001-08-10", "2001-13", "2001-02-30", "0001", "9999-12-31", "0", "-1",
                     "1", "2", "100", "101", "99999999999999999999", "1e3", "code-red-ii", "microsoft", "taz",
                     "no-such", "de", "en", "fr", "outbreak", "article", "outbreak,article", ",", "true", "yes",
                     "relevance", "-date", "date", "worm", '"code red"', "entity:code-red-ii", "a" * 300,
                     "%00", "../../etc/passwd", "<script>", "ä", "\u202e"]),
    st.text(max_size=20),
)

TIMELINE = ["entity", "kind", "source", "language", "from", "to", "hide_inferred"]
SEARCH = ["q", "type", "entity", "source", "language", "from", "to", "sort", "page", "per_page"]
QUERY_PAGES = {
    "/": ["page", "q"],
    "/timeline/": TIMELINE,
    "/entities/code-red-ii/timeline/": TIMELINE,
    "/timeline/export.json": TIMELINE,
    "/timeline/export.csv": TIMELINE,
    "/timeline/export.ics": TIMELINE,
    "/timeline/export.svg": TIMELINE,
    "/entities/code-red-ii/timeline/export.timelinejs.json": TIMELINE,
    "/search/": SEARCH,
    "/api/search": SEARCH,
    "/api/articles/": ["source", "language", "entity", "from", "to", "page", "page_size"],
    "/api/entities/": ["kind", "page", "page_size"],
    "/api/events/": ["kind", "entity", "from", "to", "page", "page_size"],
    "/archive/2001/": ["page"],
    "/articles/computervirus-code-red-2-schlaegt-zu/": ["lang"],
    "/entities/code-red-ii/": ["page"],
    "/sitemap.xml": ["p"],
    "/feeds/articles.atom": ["page"],
}
PATH_PAGES = [
    "/archive/{}/", "/archive/2001/{}/", "/archive/{}/{}/", "/articles/{}/", "/articles/{}/cite.ris",
    "/articles/{}/cite.json", "/entities/{}/", "/entities/{}/timeline/", "/events/{}/", "/feeds/entities/{}.atom",
    "/feeds/entities/{}.rss", "/api/articles/{}/", "/api/entities/{}/", "/api/events/{}/", "/timeline/export.{}",
    "/entities/code-red-ii/timeline/export.{}",
]


@st.composite
def query_requests(draw):
    path = draw(st.sampled_from(sorted(QUERY_PAGES)))
    names = QUERY_PAGES[path] + ["unknown"]
    params = draw(st.dictionaries(st.sampled_from(names), st.lists(VALUES, min_size=1, max_size=3), max_size=5))
    return path, params


@st.composite
def path_requests(draw):
    pattern = draw(st.sampled_from(PATH_PAGES))
    parts = [quote(draw(VALUES), safe="") for _ in range(pattern.count("{}"))]
    return pattern.format(*parts)


@pytest.fixture
def site(loaded, settings):
    settings.ARCHIVE_API_RATE = None


@FUZZ
@given(query_requests())
def test_no_parameter_value_breaks_a_page(site, client, request_):
    path, params = request_
    response = client.get(path, params)
    assert response.status_code in ANSWERS, (path, params, response.status_code)
    if response.status_code == 400 and path.startswith("/api/"):
        assert response.json()["error"]


@FUZZ
@given(path_requests())
def test_no_path_part_breaks_a_page(site, client, path):
    response = client.get(path)
    assert response.status_code in ANSWERS, (path, response.status_code)
