"""Incidents side by side: milestones, medians per decade, the comparison drawing and data, /incidents/."""

import csv
import datetime as dt
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from archive.incidents import listing
from archive.incidents.milestones import decade_medians, incident_rows
from archive.incidents.summary import sentences
from archive.models import Article, Event, HindsightNote, Mention
from archive.params import BadParameter
from archive.search.documents import article_document
from tests import timeline_factories as make

NS = {"svg": "http://www.w3.org/2000/svg"}
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


@pytest.fixture
def incidents(db):
    """Four incidents over three decades, with inferred, imprecise and missing dates, and a decoy advisory."""
    morris = make.entity("morris-worm")
    make.event("morris-out", "1988-11-02", kind="outbreak", incident=morris)
    make.event("morris-disc", "1988-11-03", kind="disclosure", incident=morris)
    make.event("morris-patch", "1988-11", kind="patch", incident=morris)  # month only: a range of days
    melissa = make.entity("melissa")
    make.event("melissa-disc", "1999-03-26", kind="disclosure", incident=melissa)
    make.event("melissa-out", "1999-03-29", kind="outbreak", incident=melissa, inferred=True, reason="Reported then.")
    reader = make.article("melissa-news", "1999-04-01", entities=[melissa])
    code = make.entity("code-red")
    make.event("cr-disc", "2001-06-18", kind="disclosure", incident=code)
    make.event("cr-patch", "2001-06-28", kind="patch", incident=code)
    attack = make.event("cr-attack", "2001-07-19", kind="attack", incident=code)
    make.event("cr-catalogue", "2001-06-01", kind="advisory", incident=code)  # never a disclosure
    make.cover(attack, make.article("cr-news", "2001-07-20"))
    make.cover(attack, make.article("cr-suggested", "2001-06-20"), confirmed=False)  # not confirmed: not counted
    loose = make.entity("log4shell", kind="vulnerability")
    make.event("l4-attack", "2021-12-09", kind="attack", incident=loose)  # no disclosure recorded
    make.event("l4-kev", "2021-12-10", kind="other", incident=loose)
    make.entity("bystander", kind="organization")  # not an incident
    return {"morris": morris, "melissa": melissa, "code": code, "loose": loose, "reader": reader}


def rows_by_slug():
    return {row.slug: row for row in incident_rows()}


def test_an_incident_is_an_entity_that_is_the_incident_of_an_event(incidents):
    assert [row.slug for row in incident_rows()] == ["morris-worm", "melissa", "code-red", "log4shell"]


def test_milestones_use_only_events_of_their_kinds(incidents):
    code = rows_by_slug()["code-red"]
    assert code.disclosure.iso() == "2001-06-18"  # not the earlier advisory
    assert code.patch.iso() == "2001-06-28" and code.exploitation.iso() == "2001-07-19"
    assert code.coverage.iso() == "2001-07-20"  # the unconfirmed earlier suggestion is not coverage
    assert code.span("patch").low == 10 and code.span("exploitation").low == 31
    assert code.years == "2001" and code.decade == 2000 and code.article_count == 1


def test_missing_and_inferred_dates_are_none_or_flagged(incidents):
    rows = rows_by_slug()
    assert rows["melissa"].patch is None and rows["melissa"].span("patch") is None
    assert rows["melissa"].exploitation.inferred and rows["melissa"].span("exploitation").inferred
    assert rows["melissa"].coverage.kind == "article" and rows["melissa"].span("coverage").low == 6
    loose = rows["log4shell"]
    assert loose.disclosure is None and loose.exploitation.iso() == "2021-12-09"
    assert loose.span("exploitation") is None and loose.coverage is None
    # Outbreak before disclosure; a patch known to its month is the range of days it could be.
    morris = rows["morris-worm"]
    assert morris.span("exploitation").low == -1
    assert (morris.span("patch").low, morris.span("patch").high) == (-2, 27)


def test_medians_per_decade(incidents):
    decades = {decade.decade: decade for decade in decade_medians(incident_rows())}
    assert sorted(decades) == [1980, 1990, 2000, 2020]
    assert decades[1980].medians["patch"].days == 12.5 and decades[1980].medians["patch"].ranged == 1
    assert decades[1990].medians["exploitation"].days == 3 and decades[1990].medians["exploitation"].inferred == 1
    assert decades[1990].medians["patch"].days is None and decades[1990].medians["patch"].count == 0
    assert decades[2020].disclosed == 0 and decades[2020].medians["exploitation"].days is None


def test_medians_take_the_middle_value(db):
    for index, patch_day in enumerate(["2001-01-02", "2001-01-05", "2001-02-01"]):
        incident = make.entity(f"inc-{index}")
        make.event(f"d{index}", "2001-01-01", kind="disclosure", incident=incident)
        make.event(f"p{index}", patch_day, kind="patch", incident=incident)
    [decade] = decade_medians(incident_rows())
    assert decade.medians["patch"].days == 4 and decade.medians["patch"].count == 3


def test_the_summary_is_computed_in_both_languages(incidents):
    rows = incident_rows()
    decades = decade_medians(rows)
    with translation.override("en"):
        text = " ".join(sentences(rows, decades))
    assert "4 incidents, from 1988 to 2021." in text
    assert "1 has no disclosure date" in text
    assert "2000s, median from disclosure: patch 10 days after (1 incident)" in text
    assert "From the 1980s to the 2000s the median patch moved from 12 days after to 10 days after." in text
    with translation.override("de"):
        german = " ".join(sentences(rows, decades))
    assert "4 Vorfälle, von 1988 bis 2021." in german and "2000er, Median ab der Offenlegung" in german


def comparison(client, **headers):
    response = client.get("/incidents/comparison.svg", **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def test_the_comparison_parses_and_has_one_row_per_incident(client, incidents):
    svg = comparison(client)
    rows = svg.findall(".//svg:g[@class='ic-row']", NS)
    assert [row.get("data-incident") for row in rows] == ["morris-worm", "melissa", "code-red", "log4shell"]
    assert len(svg.findall(".//svg:g[@class='ic-median']", NS)) == 4
    marks = {row.get("data-incident"): [a.get("class") for a in row.findall("svg:a", NS)[1:]] for row in rows}
    assert marks["melissa"] == ["ic-mark ic-exploitation ic-inferred", "ic-mark ic-coverage"]
    assert marks["morris-worm"][0] == "ic-mark ic-patch ic-range"
    assert marks["log4shell"] == []  # no disclosure: nothing placed, and nothing invented
    unplaced = rows[3].find("svg:text[@class='ic-unplaced']", NS)
    assert unplaced is not None
    assert rows[1].find("svg:g[@class='ic-missing']/svg:title", NS).text == "Melissa, not recorded: patch"
    assert "4 incidents" in svg.find("svg:desc", NS).text


def test_the_comparison_escapes_names_and_speaks_german(client, db):
    evil = make.entity("evil", name='<script>alert(1)</script> & "Co"')
    make.event("evil-disc", "2001-01-01", kind="disclosure", incident=evil)
    response = client.get("/incidents/comparison.svg", **GERMAN)
    assert b"<script>" not in response.content
    svg = ET.fromstring(response.content)
    assert svg.find("svg:title", NS).text == "Vorfälle im Vergleich: Tage ab der Offenlegung"
    page = client.get("/incidents/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_csv_and_json_hold_the_same_figures(client, incidents):
    response = client.get("/incidents/comparison.csv", **GERMAN)
    assert response["Content-Type"].startswith("text/csv")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert list(rows) == ["morris-worm", "melissa", "code-red", "log4shell"]
    assert rows["code-red"]["patch_days_min"] == "10" and rows["code-red"]["coverage_date"] == "2001-07-20"
    assert rows["morris-worm"]["patch_precision"] == "month" and rows["morris-worm"]["patch_days_max"] == "27"
    assert rows["melissa"]["exploitation_inferred"] == "true" and rows["melissa"]["patch_date"] == ""
    assert rows["log4shell"]["disclosure_date"] == "" and rows["log4shell"]["exploitation_days_min"] == ""
    data = json.loads(client.get("/incidents/comparison.json", **GERMAN).content)
    assert [item["slug"] for item in data["incidents"]] == list(rows)
    code = data["incidents"][2]
    assert code["milestones"]["patch"]["days_from_disclosure"] == {"min": 10, "max": 10}
    assert data["incidents"][1]["milestones"]["patch"] is None
    assert [d["decade"] for d in data["medians_by_decade"]] == [1980, 1990, 2000, 2020]
    assert data["summary"][0] == "4 incidents, from 1988 to 2021."  # data speaks English whatever the browser asks


def listed(client, query="", **headers):
    response = client.get("/incidents/" + query, **headers)
    assert response.status_code == 200
    page = response.content.decode()
    table = page.split('class="ic-table"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"[^>]*><a href="/entities/([^/]+)/">', table), page


def test_the_incidents_page_sorts_and_filters(client, incidents):
    assert listed(client)[0] == ["morris-worm", "melissa", "code-red", "log4shell"]
    assert listed(client, "?sort=-years")[0] == ["log4shell", "code-red", "melissa", "morris-worm"]
    assert listed(client, "?sort=name")[0] == ["code-red", "log4shell", "melissa", "morris-worm"]
    # Rows without the value go last in both directions.
    assert listed(client, "?sort=patch")[0] == ["morris-worm", "code-red", "log4shell", "melissa"]
    assert listed(client, "?sort=-patch")[0] == ["code-red", "morris-worm", "log4shell", "melissa"]
    assert listed(client, "?sort=-articles")[0][0] in ("code-red", "melissa")
    assert listed(client, "?decade=1990s")[0] == ["melissa"]
    assert listed(client, "?decade=2020&kind=vulnerability")[0] == ["log4shell"]
    assert listed(client, "?kind=person")[0] == []
    _, page = listed(client, "?sort=patch")
    assert 'aria-sort="ascending"><a href="?sort=-patch">' in page


@pytest.mark.parametrize("query", ["?decade=1995", "?decade=nineties", "?kind=worm", "?sort=colour", "?sort=--name"])
def test_bad_parameters_get_400(client, incidents, query):
    response = client.get("/incidents/" + query)
    assert response.status_code == 400
    assert "Parameter" in response.content.decode()


def test_listing_parse_names_the_parameter(db):
    with pytest.raises(BadParameter) as error:
        listing.parse({"decade": "199"})
    assert error.value.parameter == "decade"


def test_the_incidents_page_in_german(client, incidents):
    _, page = listed(client, **GERMAN)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body>")[1]))
    for phrase in ["Offenlegung", "Erster Bericht", "Alle Vorfälle im Vergleich", "Was die Zahlen zeigen",
                   "Mediane je Jahrzehnt", "1980er", "26. März 1999"]:
        assert phrase in text, phrase
    for english in ["First coverage", "Disclosure", "not recorded", "What the figures show", "March"]:
        assert english not in text, english
    assert 'href="/incidents/" aria-current="page">Vorfälle</a>' in page


def test_the_incident_page_tells_the_story(client, incidents):
    code = incidents["code"]
    HindsightNote.objects.create(article=Article.objects.get(slug="cr-news"), date="2003-01-01",
                                 text="Later counts were *higher*.")
    event = code.incident_events.get(slug="cr-attack")
    event.claims.create(text="359,000 hosts", source_name="CAIDA", url="https://example.org/caida")
    page = client.get("/entities/code-red/").content.decode()
    figures = page.split('id="figures-heading"')[1].split("</section>")[0]
    assert "10 days after the disclosure" in figures and "31 days after the disclosure" in figures
    assert "359,000 hosts" in figures and 'href="https://example.org/caida"' in figures
    lags = page.split('id="lags-heading"')[1].split("</section>")[0]
    assert "Reported 1 day after the attack" in lags and 'href="/articles/cr-news/"' in lags
    assert "Later counts were <em>higher</em>." in page.split("What we know now")[1]
    german = client.get("/entities/code-red/", **GERMAN).content.decode()
    assert "Eckdaten" in german and "10 Tage nach der Offenlegung" in german and "Was wir heute wissen" in german
    # An entity that is no incident keeps its plain page.
    assert "figures-heading" not in client.get("/entities/bystander/").content.decode()


@pytest.fixture
def by_reference(db):
    worm = make.entity("worm")
    event = make.event("worm-out", "2004-05-01", incident=worm)
    article = Article.objects.create(
        slug="ref", title="Worm strikes", body="", abstract="Our *own* summary of the report.",
        language="en", source=make.source("wire", "en"), url="https://example.org/original",
        **make._date("2004-05-03"))
    make.cover(event, article)
    return article


def test_an_article_known_by_reference_shows_our_summary_and_no_body(client, by_reference):
    assert by_reference.by_reference
    page = client.get("/articles/ref/").content.decode()
    assert "Our summary" in page and "Our <em>own</em> summary of the report." in page
    assert "not reproduce its text" in page
    link = '<a class="button" href="https://example.org/original" rel="nofollow noopener">Read the original at WIRE'
    assert link in page
    assert 'class="body"' not in page
    german = client.get("/articles/ref/", **GERMAN).content.decode()
    assert "Unsere Zusammenfassung" in german and "Das Original bei WIRE lesen" in german


def test_an_article_known_by_reference_counts_as_coverage_and_is_searched_by_its_abstract(client, by_reference):
    row = rows_by_slug()["worm"]
    assert row.coverage.url == "/articles/ref/" and row.article_count == 1
    assert "known by reference" in client.get("/entities/worm/").content.decode()
    assert "Our *own* summary" in article_document(by_reference)["text"]


def _from_the_records(incident):
    """The articles naming or confirmed to cover the incident, and the earliest dated one, read directly."""
    covering = set(Article.objects.filter(coverage__event__incident=incident, coverage__confirmed=True)
                   .values_list("pk", flat=True))
    naming = set(Article.objects.filter(mentions__entity=incident).values_list("pk", flat=True))
    dated = Article.objects.filter(pk__in=covering | naming, date__isnull=False)
    order = {precision: index for index, precision in enumerate(("day", "month", "year", "range"))}
    first = min(dated, key=lambda a: (a.date, order[a.date_precision], a.title), default=None)
    return len(covering | naming), first and first.slug


def test_article_counts_and_first_coverage_follow_every_change(incidents):
    """Counted from the per-entity aggregates: the same as reading the records, through new articles named
    on the same first day with coarser precision, coverage without a mention, redating and deletes."""
    code = incidents["code"]
    attack = Event.objects.get(slug="cr-attack")

    def check():
        row = rows_by_slug()["code-red"]
        count, first = _from_the_records(code)
        assert row.article_count == count
        assert (row.coverage.url.split("/")[2] if row.coverage else None) == first

    check()
    make.article("cr-month", "2001-06", entities=[code])  # 1 June as a month: first day, coarser
    check()
    make.article("cr-day", "2001-06-01", entities=[code])  # the same first day, a day: it comes first
    check()
    both = make.article("cr-both", "2001-06-10", entities=[code])
    make.cover(attack, both)  # covering and naming: counted once
    check()
    make.article("cr-undated", None, entities=[code])
    check()
    Article.objects.filter(slug="cr-day").update(date=dt.date(2002, 1, 1))  # redated by update()
    check()
    early = make.article("cr-early-cover", "2001-05-30")
    make.cover(attack, early)  # covers without naming it: counted, and now the first
    check()
    Mention.objects.filter(article__slug="cr-month").delete()
    Article.objects.filter(slug="cr-early-cover").delete()
    check()
    assert rows_by_slug()["code-red"].article_count == 4  # cr-news, cr-day, cr-both, cr-undated
