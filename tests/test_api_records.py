"""The read-only JSON API: lists with paging and filters, records, and 400s that name the parameter."""

import pytest

SLUG = "computervirus-code-red-2-schlaegt-zu"


def get(client, path, **params):
    response = client.get(path, params)
    return response.status_code, response.json()


def test_it_lists_articles_with_paging_fields(client, loaded):
    # Filtered to the one taz article, so the check does not depend on how many articles content/ holds.
    status, data = get(client, "/api/articles/", source="taz")
    assert status == 200
    assert data["count"] == 1 and data["page"] == 1 and data["pages"] == 1
    assert data["next"] is None and data["previous"] is None
    article = data["results"][0]
    assert article["slug"] == SLUG
    assert article["date"] == "2001-08-10" and article["date_precision"] == "day" and article["date_inferred"]
    assert article["source"]["slug"] == "taz" and article["language"] == "de"
    assert "code-red-ii" in article["entities"]
    assert article["url"] == f"http://testserver/articles/{SLUG}/"


@pytest.mark.parametrize(("params", "count"), [
    ({"source": "taz"}, 1),
    ({"language": "en"}, 0),
    ({"entity": "hotmail"}, 1),
    ({"entity": "fbi"}, 0),
    ({"from": "2001-08"}, 1),
    ({"from": "2001-08-11"}, 0),
    ({"to": "2001-08"}, 1),
    ({"to": "2001-07"}, 0),
    ({"from": "2001", "to": "2001"}, 1),
])
def test_it_filters_articles(client, loaded, params, count):
    # Within the one taz article, so the counts do not depend on how many articles content/ holds.
    status, data = get(client, "/api/articles/", **{"source": "taz", **params})
    assert status == 200
    assert data["count"] == count


def test_it_pages_events_and_links_the_next_page(client, loaded):
    status, first = get(client, "/api/events/", page_size=4)
    assert status == 200
    assert first["count"] == 15 and first["pages"] == 4 and len(first["results"]) == 4
    assert first["next"] == "http://testserver/api/events/?page_size=4&page=2"
    status, last = get(client, "/api/events/", page_size=4, page=4)
    assert len(last["results"]) == 3 and last["next"] is None
    _, everything = get(client, "/api/events/", page_size=100)
    assert [event["slug"] for event in everything["results"][:4]] == [event["slug"] for event in first["results"]]


def test_it_filters_events_by_kind_entity_and_dates(client, loaded):
    _, data = get(client, "/api/events/", kind="advisory")
    assert data["count"] >= 1 and {event["kind"] for event in data["results"]} == {"advisory"}
    _, data = get(client, "/api/events/", entity="hotmail")
    assert "hotmail-servers-infected" in [event["slug"] for event in data["results"]]
    _, data = get(client, "/api/events/", **{"from": "2001-08-04", "to": "2001-08-04"})
    # The day's event, and those dated by a month that holds the day (a date filter matches by overlap).
    assert [e["slug"] for e in data["results"] if e["date_precision"] == "day"] == ["code-red-ii-appears"]
    assert {e["date"][:7] for e in data["results"]} == {"2001-08"}


def test_it_lists_entities_by_kind_with_article_counts(client, loaded):
    _, data = get(client, "/api/entities/", kind="malware", page_size=100)
    assert {entity["slug"] for entity in data["results"]} == {"code-red", "code-red-ii", "red-code"}
    counts = {entity["slug"]: entity["article_count"] for entity in data["results"]}
    assert counts["code-red-ii"] == 1


def test_it_shows_one_article_with_its_relations(client, loaded):
    status, data = get(client, f"/api/articles/{SLUG}/")
    assert status == 200
    assert data["dateline"] == "REDMOND/MÜNCHEN" and data["byline"] == "DPA/AP"
    assert data["body"].startswith("Das Sabotageprogramm")
    assert {"slug": "cisco", "name": "Cisco", "kind": "organization"} in data["entities"]
    assert "code-red-ii-appears" in [event["slug"] for event in data["events"]]
    assert data["provenance"]["origin"].startswith("000_6ed5ad2b58a1c3c8.txt")
    assert data["cite"]["ris"] == f"http://testserver/articles/{SLUG}/cite.ris"
    assert data["hindsight_notes"] == []


def test_it_shows_one_entity_and_one_event(client, loaded):
    status, entity = get(client, "/api/entities/code-red-ii/")
    assert status == 200 and entity["name"] == "Code Red II" and "Code Red 2" in entity["aliases"]
    assert [article["slug"] for article in entity["articles"]] == [SLUG]
    status, event = get(client, "/api/events/code-red-peak/")
    assert status == 200 and event["date"] == "2001-07-19"
    assert any("359,000" in claim["text"] for claim in event["claims"])


@pytest.mark.parametrize("path", ["/api/articles/nope/", "/api/entities/nope/", "/api/events/nope/"])
def test_it_answers_an_unknown_slug_with_404_json(client, loaded, path):
    status, data = get(client, path)
    assert status == 404 and "nope" in data["error"]


@pytest.mark.parametrize(("path", "params", "parameter"), [
    ("/api/articles/", {"page": "0"}, "page"),
    ("/api/articles/", {"page": "x"}, "page"),
    ("/api/articles/", {"page_size": "101"}, "page_size"),
    ("/api/articles/", {"language": "fr"}, "language"),
    ("/api/articles/", {"from": "2001-13"}, "from"),
    ("/api/articles/", {"to": "last week"}, "to"),
    ("/api/articles/", {"from": "2002", "to": "2001"}, "to"),
    ("/api/articles/", {"sort": "date"}, "sort"),
    ("/api/entities/", {"kind": "robot"}, "kind"),
    ("/api/events/", {"kind": "party"}, "kind"),
])
def test_it_refuses_a_bad_parameter_with_400_naming_it(client, loaded, path, params, parameter):
    status, data = get(client, path, **params)
    assert status == 400
    assert data["parameter"] == parameter and parameter in data["error"]


@pytest.mark.parametrize(("path", "params", "parameter"), [
    ("/api/articles/", {"page": "2"}, "page"),
    ("/api/articles/", {"source": "nowhere"}, "source"),
    ("/api/articles/", {"entity": "nobody"}, "entity"),
    ("/api/events/", {"entity": "nobody"}, "entity"),
])
def test_it_answers_404_naming_the_parameter_for_what_is_not_there(client, loaded, path, params, parameter):
    status, data = get(client, path, **params)
    assert status == 404
    assert data["parameter"] == parameter and parameter in data["error"]


def test_it_refuses_a_parameter_given_twice(client, loaded):
    response = client.get("/api/articles/?language=de&language=en")
    assert response.status_code == 400 and response.json()["parameter"] == "language"


def test_it_describes_itself_in_openapi_and_on_a_page(client, loaded):
    status, spec = get(client, "/api/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/articles/", "/articles/{slug}/", "/entities/", "/entities/{slug}/", "/events/", "/events/{slug}/",
        "/search",
    }
    search = {param["name"] for param in spec["paths"]["/search"]["get"]["parameters"]}
    assert search == {"q", "type", "entity", "source", "language", "from", "to", "sort", "page", "per_page",
                      "query_language_only"}
    names = {param["name"] for param in spec["paths"]["/articles/"]["get"]["parameters"]}
    assert names == {"source", "language", "entity", "from", "to", "page", "page_size"}
    html = client.get("/api/").content.decode()
    assert "GET /api/articles/" in html and "page_size" in html and 'href="/api/openapi.json"' in html


def test_it_includes_hindsight_notes_in_an_article(client, loaded):
    import datetime as dt

    from archive.models import Article, Event, HindsightNote

    HindsightNote.objects.create(
        article=Article.objects.get(slug=SLUG), date=dt.date(2002, 1, 1), text="Seen *later*.",
        event=Event.objects.get(slug="code-red-peak"), author="Editor",
    )
    _, data = get(client, f"/api/articles/{SLUG}/")
    assert data["hindsight_notes"] == [{
        "date": "2002-01-01", "text": "Seen *later*.", "text_html": "<p>Seen <em>later</em>.</p>",
        "event": "code-red-peak", "url": "", "author": "Editor",
    }]


@pytest.mark.parametrize("path", [
    "/api/entities/?kind=", "/api/articles/?page=", "/api/events/?from=", "/api/search?q=code&type=",
    "/api/search?q=code&page=+1",
])
def test_it_refuses_an_empty_or_loose_value_instead_of_ignoring_it(client, loaded, path):
    response = client.get(path)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/articles/a%20b/", "/api/nowhere", "/api/entities/x/y/"])
def test_it_answers_an_unknown_address_with_json(client, loaded, path):
    response = client.get(path)
    assert response.status_code == 404 and "error" in response.json()


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_refuses_writes_with_405_json_even_without_a_csrf_token(loaded, method):
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)("/api/articles/")
    assert response.status_code == 405 and "error" in response.json()
    assert "GET" in response["Allow"]


def test_it_answers_head_like_get_without_a_body(client, loaded):
    response = client.head("/api/entities/?kind=malware")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.content == b""


@pytest.mark.parametrize("path", [
    "/api/articles/", "/api/openapi.json", "/api/search?q=code", "/feeds/articles.atom", "/timeline/export.json",
])
def test_other_sites_may_read_the_api_feeds_and_exports(client, loaded, path):
    assert client.get(path)["Access-Control-Allow-Origin"] == "*"


def test_pages_for_readers_are_not_shared(client, loaded):
    assert "Access-Control-Allow-Origin" not in client.get("/")
