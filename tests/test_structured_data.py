"""JSON-LD on entity and event pages, read back by a JSON-LD processor (pyld).

pyld expands each page's data against a schema.org context served from here (the test
has no network): the @vocab that makes every term a schema.org IRI, and the terms whose
values schema.org declares to be IRIs.
"""

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from pyld import jsonld

from archive.models import Entity, Event

SCHEMA = "https://schema.org/"
LOCAL_CONTEXT = {"@context": {
    "@vocab": SCHEMA,
    **{term: {"@type": "@id"} for term in ("sameAs", "url", "additionalType")},
}}


def schema_org_only(url, options=None):
    if url.rstrip("/") != SCHEMA.rstrip("/"):
        raise jsonld.JsonLdError(f"no network in tests: {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": LOCAL_CONTEXT}


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self._inside = [], False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.found.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.found[-1] += data


def page_data(client, path):
    response = client.get(path)
    assert response.status_code == 200
    parser = _Scripts()
    parser.feed(response.content.decode())
    assert len(parser.found) == 1
    data = json.loads(parser.found[0])
    assert data["@context"] == "https://schema.org"
    [expanded] = jsonld.expand(data, {"documentLoader": schema_org_only})
    return data, expanded


def value(node, term):
    return [one.get("@value", one.get("@id")) for one in node.get(SCHEMA + term, [])]


KINDS = {
    "organization": "Organization", "group": "Organization", "person": "Person",
    "product": "SoftwareApplication", "place": "Place", "incident": "Event",
    "malware": "Thing", "vulnerability": "Thing",
}


def test_every_kind_has_a_type(db):
    assert set(KINDS) == set(Entity.Kind.values)


@pytest.mark.parametrize(("kind", "schema_type"), KINDS.items())
def test_an_entity_page_describes_the_entity_with_the_type_of_its_kind(db, client, kind, schema_type):
    entity = Entity.objects.create(slug=f"some-{kind}", name=f"Some {kind}", kind=kind, wikidata="Q42",
                                   external_ids={"cve": "CVE-2001-0500"}, description="A *short* text.")
    data, node = page_data(client, entity.get_absolute_url())
    assert node["@type"] == [SCHEMA + schema_type]
    assert value(node, "name") == [entity.name]
    assert value(node, "url") == [f"http://testserver{entity.get_absolute_url()}"]
    assert value(node, "sameAs") == ["https://www.wikidata.org/wiki/Q42"]
    [identifier] = node[SCHEMA + "identifier"]
    assert identifier["@type"] == [SCHEMA + "PropertyValue"]
    assert value(identifier, "propertyID") == ["CVE"] and value(identifier, "value") == ["CVE-2001-0500"]
    if schema_type == "Thing":
        assert value(node, "additionalType")[0].startswith("https://www.wikidata.org/wiki/Q")
    else:
        assert SCHEMA + "additionalType" not in node


def test_the_loaded_entities_all_expand(loaded, client):
    for entity in Entity.objects.all():
        _, node = page_data(client, entity.get_absolute_url())
        assert node["@type"] == [SCHEMA + KINDS[entity.kind]]


def test_json_ld_text_cannot_close_its_script_element(db, client):
    name = "</script><script>alert(1)</script> & <!--"
    entity = Entity.objects.create(slug="hostile", name=name, kind="group")
    html = client.get(entity.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["name"] == name


def expected_period(date, precision, not_after):
    """ISO 8601 to the event's precision, written out independently of the code under test."""
    if precision == "year":
        return date.strftime("%Y"), date.strftime("%Y")
    if precision == "month":
        return date.strftime("%Y-%m"), date.strftime("%Y-%m")
    if precision == "range":
        return date.strftime("%Y-%m-%d"), not_after.strftime("%Y-%m-%d") if not_after else None
    return date.strftime("%Y-%m-%d"), None


@pytest.mark.parametrize(("precision", "not_after"), [
    ("day", None), ("month", None), ("year", None), ("range", dt.date(2001, 8, 20)), ("range", None),
])
def test_an_event_page_is_an_event_dated_to_its_precision(db, client, precision, not_after):
    incident = Entity.objects.create(slug="code-red", name="Code Red", kind="malware")
    place = Entity.objects.create(slug="munich", name="München", kind="place")
    event = Event.objects.create(slug="e", title="Servers infected", kind="attack", incident=incident,
                                 date=dt.date(2001, 8, 1 if precision in ("month", "year") else 4),
                                 date_precision=precision, date_not_after=not_after)
    event.entities.add(place, incident)
    _, node = page_data(client, event.get_absolute_url())
    assert node["@type"] == [SCHEMA + "Event"]
    start, end = expected_period(event.date, precision, not_after)
    assert value(node, "startDate") == [start]
    assert value(node, "endDate") == ([end] if end else [])
    [location] = node[SCHEMA + "location"]
    assert location["@type"] == [SCHEMA + "Place"] and value(location, "name") == [place.name]
    assert [value(about, "name") for about in node[SCHEMA + "about"]] == [[incident.name]]


def test_the_loaded_events_all_expand(loaded, client):
    for event in Event.objects.exclude(date=None):
        _, node = page_data(client, event.get_absolute_url())
        assert node["@type"] == [SCHEMA + "Event"]
        assert value(node, "startDate")[0][:4] == str(event.date.year)
