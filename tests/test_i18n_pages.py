"""Entity, event, timeline and period pages in the reader's language: words, dates, lags and drawings."""

import csv
import datetime as dt
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from archive.timeline.coverage import coverage_lag
from archive.timeline.items import Item
from archive.timeline.onthisday import OnThisDay
from archive.timeline.svg import timeline_svg
from tests import timeline_factories as make

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
NS = {"svg": "http://www.w3.org/2000/svg"}
# Interface phrases of these pages that a German reader must never meet.
ENGLISH = [
    "Also known as", "Often mentioned with", "Full timeline of", "Exposure windows", "date inferred",
    "What the sources say", "No article in the archive", "Hide inferred dates", "Reported ", " after the ",
    "Sometime in", "events and", "Nothing dated", "This period on the timeline", "part of",
]
ENGLISH_MONTHS = re.compile(r"\b(January|February|March|May|June|July|October|December)\b")


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.getvalue().decode()


def visible_text(document):
    """The page's words as a reader sees them: no head, no tags, entities decoded."""
    body = document.split("<body>", 1)[1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def english_left(text):
    return [phrase for phrase in ENGLISH if phrase in text]


def english_dates(document):
    """Dates the page writes itself (quoted claims and reasons may name English months, they are the sources')."""
    return [found for found in re.findall(r"<time[^>]*>(.*?)</time>", document) if ENGLISH_MONTHS.search(found)]


def svg_texts(document, ident):
    """The <title> and <desc> of one drawing on a page, parsed back."""
    drawing = re.search(rf'<svg[^>]*aria-labelledby="{ident}-title[^>]*>.*?</svg>', document, re.S).group(0)
    root = ET.fromstring(drawing)
    return root.find("svg:title", NS).text, root.find("svg:desc", NS).text, root


def test_it_shows_an_entity_page_in_german(client, loaded):
    document = page(client, "/entities/code-red/", **GERMAN)
    text = visible_text(document)
    assert '<html lang="de">' in document
    assert "Code Red Schadsoftware" in text  # the kind under the name
    assert "Vollständige Zeitleiste zu Code Red" in text and "Zeitfenster der Gefährdung" in text
    assert "Patch bis Ausbruch" in text and "25 Tage" in text and "28 Tage (ein Datum ist erschlossen)" in text
    assert "Höhepunkt · 19. Juli 2001" in text and "Oft zusammen mit Code Red genannt" in text
    assert english_left(text) == [] and english_dates(document) == []
    title, desc, _ = svg_texts(document, "entity-timeline")
    assert title == "Zeitleiste zu Code Red"
    assert desc.startswith("15 Ereignisse und 1 Artikel von 18. Juni 2001 bis August 2001")


def test_it_shows_an_event_page_in_german_with_its_lag(client, loaded):
    document = page(client, "/events/code-red-peak/", **GERMAN)
    text = visible_text(document)
    assert "Höhepunkt · 19. Juli 2001 · Teil von Code Red" in text
    assert "Was die Quellen sagen Angabe Quelle" in text
    assert "Berichtet 22 Tage nach dem Höhepunkt (das Datum des Artikels ist erschlossen)" in text
    assert "taz · 10. August 2001" in text
    assert english_left(text) == [] and english_dates(document) == []


def test_it_shows_the_entity_timeline_in_german(client, loaded):
    document = page(client, "/entities/code-red/timeline/", **GERMAN)
    text = visible_text(document)
    assert "Zeitleiste zu Code Red" in text and "15 Ereignisse und 1 Artikel (Code Red)." in text
    assert "Art alle Offenlegung Sicherheitshinweis Patch Ausbruch" in text  # the kind filter, translated
    assert "Erschlossene Daten ausblenden" in text and "iCalendar (Ereignisse)" in text
    assert "Juli 2001" in text and "19. Juli 2001" in text and "August 2001 (auf den Monat genau)" in text
    assert "Berichtet 6 Tage nach dem Ausbruch (das Datum des Artikels ist erschlossen)" in text
    assert "Angaben von 3 Quellen nebeneinander" in text
    assert english_left(text) == [] and english_dates(document) == []
    _, desc, root = svg_texts(document, "timeline")
    assert "Ereignisse sind rote Kreise" in desc
    tooltips = [link.find("svg:title", NS).text for link in root.findall("svg:a", NS)]
    assert "19. Juli 2001: Code Red infects more than 359,000 hosts in under 14 hours (Höhepunkt)" in tooltips


def test_it_keeps_the_english_interface_english(client, loaded):
    text = visible_text(page(client, "/entities/code-red/timeline/"))
    assert "Timeline of Code Red" in text and "15 events and 1 article (Code Red)." in text
    assert "Reported 6 days after the outbreak (the article's date is inferred)" in text
    assert "19 July 2001" in text and "19. Juli" not in text and "Zeitleiste zu" not in text


def test_it_shows_period_pages_in_german(client, loaded):
    document = page(client, "/archive/2001/", **GERMAN)
    text = visible_text(document)
    assert "15 Ereignisse und 1 Artikel." in text and "Monat Ereignisse Artikel" in text
    assert "Juli 2001 6 0" in text and "Dezember 2001 0 0" in text
    assert english_left(text) == [] and english_dates(document) == []
    month = visible_text(page(client, "/archive/2001/08/", **GERMAN))
    assert "← Juli 2001" in month and "Dieser Zeitraum auf der Zeitleiste" in month


def test_it_explains_a_bad_parameter_in_german(client, loaded):
    response = client.get("/timeline/?from=2001-13", **GERMAN)
    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert "Ungültige Anfrage" in text and "Zurück zur Zeitleiste" in text
    assert "Parameter 'from': '2001-13' ist kein gültiges Datum der Form JJJJ, JJJJ-MM oder JJJJ-MM-TT" in text


@pytest.mark.parametrize(("article_date", "expected"), [
    ("2001-07-19", "berichtet am selben Tag wie der Ausbruch"),
    ("2001-07-17", "berichtet 2 Tage vor dem Ausbruch"),
    ("2001-07-20", "berichtet 1 Tag nach dem Ausbruch"),
    ("2001-07", "berichtet höchstens 18 Tage vor oder nach dem Ausbruch (ungenaue Daten)"),
    ("2001-08", "berichtet 13–43 Tage nach dem Ausbruch"),
])
def test_lag_sentences_read_as_german_sentences(db, article_date, expected):
    event = make.event("outbreak", "2001-07-19", kind="outbreak")
    make.cover(event, make.article("report", article_date))
    with translation.override("de"):
        assert coverage_lag(event).text == expected


def test_a_suggested_lag_says_so_in_german(db):
    event = make.event("advisory", "2001-06-18", kind="advisory")
    make.cover(event, make.article("report", "2001-06-20"), method="suggested", confirmed=False)
    with translation.override("de"):
        assert coverage_lag(event).text == (
            "berichtet 2 Tage nach dem Sicherheitshinweis (Zuordnung vorgeschlagen, noch nicht bestätigt)")


def test_the_drawing_labels_its_axis_with_the_readers_month_names():
    items = [
        Item(type="event", slug=slug, title=slug, url=f"/events/{slug}/", date=day, precision="day", kind="patch")
        for slug, day in [("a", dt.date(2001, 3, 5)), ("b", dt.date(2001, 10, 2)), ("c", dt.date(2001, 12, 24))]
    ]

    def ticks(language):
        with translation.override(language):
            root = ET.fromstring(timeline_svg(items))
        return [node.text for node in root.findall("svg:g/svg:text", NS)], root

    german, root = ticks("de")
    assert {"Mär 2001", "Mai", "Okt", "Dez"} <= set(german)
    assert root.find("svg:title", NS).text == "Zeitleiste"
    assert root.find("svg:a/svg:text", NS).text.startswith("5. März 2001 · a")
    english, _ = ticks("en")
    assert {"Mar 2001", "May", "Oct", "Dec"} <= set(english)


def test_on_this_day_names_the_day_as_the_reader_says_it():
    today = OnThisDay(day=dt.date(2026, 7, 19), items=[])
    with translation.override("de"):
        assert today.label == "19. Juli"
    assert today.label == "19 July"


def test_timelinejs_follows_the_readers_language_and_data_exports_stay_english(client, loaded):
    url = "/entities/code-red/timeline/export"
    timelinejs = json.loads(page(client, f"{url}.timelinejs.json", **GERMAN))
    assert timelinejs["title"]["text"]["headline"] == "Zeitleiste zu Code Red"
    events = {event["unique_id"]: event for event in timelinejs["events"]}
    assert events["event-code-red-peak"]["display_date"] == "19. Juli 2001"
    assert events["event-code-red-peak"]["text"]["text"].startswith("<p>Höhepunkt</p>")
    calendar = page(client, f"{url}.ics", **GERMAN)
    assert "X-WR-CALNAME:Zeitleiste zu Code Red" in calendar

    # CSV and JSON are data for programs: the same values whichever language asks.
    assert page(client, f"{url}.csv", **GERMAN) == page(client, f"{url}.csv")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(page(client, f"{url}.csv", **GERMAN)))}
    assert rows["code-red-peak"]["display_date"] == "19 July 2001"
    data = json.loads(page(client, f"{url}.json?from=2001-07", **GERMAN))
    assert data["title"] == "Timeline of Code Red" and data["filters"] == "Code Red; from July 2001"


@pytest.mark.parametrize("headers", [{}, GERMAN])
def test_an_article_page_lists_suggested_coverage_apart_from_confirmed_coverage(client, db, headers):
    report = make.article("report", "2001-08-10")
    make.cover(make.event("confirmed-outbreak", "2001-08-04"), report)
    make.cover(make.event("guessed-peak", "2001-08-06", kind="peak"), report, method="suggested", confirmed=False)
    make.cover(make.event("checked-attack", "2001-08-08", kind="attack"), report, method="suggested",
               confirmed=True)
    document = page(client, "/articles/report/", **headers)
    covered = re.search(r'<section aria-labelledby="events-heading">.*?</section>', document, re.S).group(0)
    suggested = re.search(r'<section class="suggested-coverage".*?</section>', document, re.S).group(0)
    # A link an editor confirmed is stated as fact, whoever first suggested it.
    assert "/events/confirmed-outbreak/" in covered and "/events/checked-attack/" in covered
    assert "/events/guessed-peak/" not in covered
    assert "/events/guessed-peak/" in suggested and "/events/confirmed-outbreak/" not in suggested
    marker = "vorgeschlagen, noch nicht bestätigt" if headers else "suggested, not yet confirmed"
    assert marker in suggested and marker not in covered


def test_an_article_with_only_suggested_coverage_claims_no_covered_events(client, db):
    report = make.article("report", "2001-08-10")
    make.cover(make.event("guessed-peak", "2001-08-06", kind="peak"), report, method="suggested", confirmed=False)
    document = page(client, "/articles/report/")
    assert "Events covered" not in document and "Events it may cover" in document
