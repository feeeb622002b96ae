import csv
import io
import json

import icalendar
import pytest

from tests import timeline_factories as make


@pytest.fixture
def story(db):
    worm = make.entity("worm")
    taz = make.source("taz")
    make.event("outbreak", "2001-07-13", entities=[worm], incident=worm)
    make.event("denial", "2001-08", kind="statement", incident=worm)
    make.event("arrest", "2002", kind="arrest", entities=[worm])
    make.event("other", "2001-07-14")
    make.article("report", "2001-08-10", entities=[worm], source_=taz, inferred=True,
                 reason="'am Donnerstag', with commas; and semicolons")


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def test_the_timelinejs_export_uses_partial_dates_display_dates_groups_and_unique_ids(client, story):
    data = json.loads(get(client, "/timeline/export.timelinejs.json?entity=worm").content)
    assert data["title"]["text"]["headline"] == "Timeline of Worm"
    events = {e["unique_id"]: e for e in data["events"]}
    assert list(events) == ["event-outbreak", "article-report", "event-denial", "event-arrest"]
    assert events["event-outbreak"]["start_date"] == {"year": 2001, "month": 7, "day": 13,
                                                      "display_date": "13 July 2001"}
    assert events["event-denial"]["start_date"] == {"year": 2001, "month": 8, "display_date": "August 2001"}
    assert events["event-denial"]["display_date"] == "August 2001"
    assert events["event-arrest"]["start_date"] == {"year": 2002, "display_date": "2002"}
    assert events["event-outbreak"]["group"] == "Worm"
    assert events["event-arrest"]["group"] == "Other"
    assert events["article-report"]["group"] == "Articles"  # it covers no event yet
    assert events["article-report"]["display_date"] == "10 August 2001 (inferred)"
    assert "Date inferred" in events["article-report"]["text"]["text"]
    assert 'href="http://testserver/articles/report/"' in events["article-report"]["text"]["text"]


def test_the_json_export_honours_the_filters(client, story):
    data = json.loads(get(client, "/timeline/export.json?kind=statement,arrest&to=2001").getvalue())
    assert [item["slug"] for item in data["items"]] == ["denial"]
    assert data["items"][0]["date"] == "2001-08" and data["items"][0]["precision"] == "month"
    assert data["items"][0]["display_date"] == "August 2001"
    assert data["count"] == 1 and "statement" in data["filters"]


def test_the_csv_export_reads_back_with_the_csv_module(client, story):
    response = get(client, "/entities/worm/timeline/export.csv?hide_inferred=0")
    assert response["Content-Disposition"] == 'attachment; filename="timeline-worm.csv"'
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["slug"] for row in rows] == ["outbreak", "report", "denial", "arrest"]
    report = rows[1]
    assert report["date_reason"] == "'am Donnerstag', with commas; and semicolons"
    assert report["date_inferred"] == "True" and report["source"] == "taz"
    assert rows[3]["date"] == "2002" and rows[3]["display_date"] == "2002"


def test_the_icalendar_export_parses_with_whole_periods_as_all_day_events(client, story):
    response = get(client, "/entities/worm/timeline/export.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.getvalue()
    assert all(len(line.encode()) <= 75 for line in body.decode().split("\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"event-outbreak", "event-denial", "event-arrest"}  # articles are not happenings
    denial = events["event-denial"]
    assert str(denial["DTSTART"].dt) == "2001-08-01" and str(denial["DTEND"].dt) == "2001-09-01"
    assert "known only to the month" in str(denial["DESCRIPTION"])
    arrest = events["event-arrest"]
    assert (str(arrest["DTSTART"].dt), str(arrest["DTEND"].dt)) == ("2002-01-01", "2003-01-01")
    assert str(events["event-outbreak"]["SUMMARY"]) == "Outbreak"


def test_long_and_special_text_survives_the_icalendar_round_trip(client, db):
    title = "Ein sehr langer Titel, mit Kommas; Semikolons und Umlauten: äöüß " * 3
    event = make.event("long", "2001-07-13")
    event.title = title.strip()
    event.save()
    calendar = icalendar.Calendar.from_ical(get(client, "/timeline/export.ics").getvalue())
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == title.strip()


def test_the_page_links_every_export_with_its_filters(client, story):
    page = client.get("/entities/worm/timeline/?kind=outbreak").content.decode()
    for fmt in ["timelinejs.json", "json", "csv", "ics", "svg"]:
        assert f'href="/entities/worm/timeline/export.{fmt}?kind=outbreak"' in page


def test_timelinejs_groups_an_article_with_the_incident_it_covers(client, loaded):
    data = json.loads(get(client, "/entities/code-red/timeline/export.timelinejs.json").content)
    groups = {e["unique_id"]: e["group"] for e in data["events"]}
    assert groups["article-computervirus-code-red-2-schlaegt-zu"] == "Code Red"
    assert set(groups.values()) == {"Code Red"}
    ids = [e["unique_id"] for e in data["events"]]
    assert len(ids) == len(set(ids)) == 16
    assert ids.index("event-code-red-ii-appears") < ids.index("article-computervirus-code-red-2-schlaegt-zu")
