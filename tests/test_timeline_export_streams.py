"""Timeline exports of long timelines: streamed in constant memory, counted, filtered, and TimelineJS capped."""

import csv
import datetime as dt
import io
import json
import tracemalloc

import icalendar
import pytest
from django.http import StreamingHttpResponse

from archive.models import Article
from tests import timeline_factories as make

STREAMED = ["json", "csv", "ics"]


def body(response):
    assert response.status_code == 200
    return response.getvalue().decode("utf-8")


@pytest.fixture
def story(db):
    worm = make.entity("worm")
    make.event("outbreak", "2001-07-13", entities=[worm], incident=worm)
    make.event("denial", "2001-08", kind="statement", incident=worm)
    make.event("arrest", "2002", kind="arrest", entities=[worm])
    make.article("report", "2001-08-10", entities=[worm])
    make.article("late", "2003-02-01", entities=[worm], language="en")
    make.article("undated", None, entities=[worm])


@pytest.mark.parametrize("fmt", STREAMED)
def test_the_data_exports_are_streamed_and_say_how_many_items_they_hold(client, story, fmt):
    response = client.get(f"/entities/worm/timeline/export.{fmt}")
    assert isinstance(response, StreamingHttpResponse)
    text = body(response)
    if fmt == "json":
        data = json.loads(text)
        assert data["count"] == len(data["items"]) == 5 and data["undated"] == 1
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == 5
    else:
        assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 3  # events only
    assert response["X-Total-Count"] == ("3" if fmt == "ics" else "5")


def test_the_streamed_json_keeps_the_timeline_order_of_events_and_articles(client, story):
    data = json.loads(body(client.get("/entities/worm/timeline/export.json")))
    assert [item["slug"] for item in data["items"]] == ["outbreak", "report", "denial", "arrest", "late"]


@pytest.mark.parametrize("query, slugs", [
    ("from=2001-08&to=2002", ["report", "denial", "arrest"]),
    ("from=2001-08-11", ["denial", "arrest", "late"]),  # "August 2001" may lie after the 11th
    ("kind=article&language=en", ["late"]),
    ("to=2001-07", ["outbreak"]),
])
def test_the_exports_take_the_filters_and_the_date_range(client, story, query, slugs):
    csv_response = client.get(f"/entities/worm/timeline/export.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(body(csv_response))))
    assert [row["slug"] for row in rows] == slugs
    assert csv_response["X-Total-Count"] == str(len(slugs))
    data = json.loads(body(client.get(f"/entities/worm/timeline/export.json?{query}")))
    assert [item["slug"] for item in data["items"]] == slugs and data["count"] == len(slugs)


def _long_timeline(count):
    worm = make.entity("worm")
    start = dt.date(1990, 1, 1)
    Article.objects.bulk_create([
        Article(slug=f"a-{n}", title=f"Article number {n} " + "x" * 200, body="x", teaser="t" * 1500,
                language="en", date=start + dt.timedelta(days=n)) for n in range(count)])
    make.event("outbreak", "2001-07-13", entities=[worm], incident=worm)
    return count + 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_of_thousands_of_items_is_written_in_bounded_memory(client, db, fmt):
    total = _long_timeline(6000)
    # A first, short export loads what any request loads once (translations, templates, URL patterns).
    body(client.get(f"/timeline/export.{fmt}?to=1990-01-02"))
    tracemalloc.start()
    try:
        response = client.get(f"/timeline/export.{fmt}")
        size = sum(len(chunk) for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response["X-Total-Count"] == str(total)
    # The body alone is over 1.5 MB and the rows read over 10 MB: holding either whole would exceed the bound.
    assert size > 1_500_000
    assert peak < 4_000_000, peak


def test_the_icalendar_export_streams_every_event(client, db):
    make.many(400, articles_every=4)
    response = client.get("/timeline/export.ics")
    assert isinstance(response, StreamingHttpResponse) and response["X-Total-Count"] == "300"
    assert len(icalendar.Calendar.from_ical(body(response)).walk("VEVENT")) == 300


def test_the_svg_export_of_a_long_timeline_is_drawn_from_counts(client, db):
    make.many(100)
    drawing = body(client.get("/timeline/export.svg"))
    assert "tl-bin" in drawing and "100 items" in drawing


@pytest.fixture
def crowded(db, settings):
    settings.ARCHIVE_TIMELINEJS_SLIDES = 5
    worm = make.entity("worm")
    make.event("outbreak", "2001-07-13", entities=[worm], incident=worm)
    make.event("patch", "2001-09-01", kind="patch", entities=[worm])
    for slug, day in [("far-before", "1999-01-01"), ("day-before", "2001-07-12"), ("week-after", "2001-07-20"),
                      ("between", "2001-08-05"), ("month-after-patch", "2001-10-01"), ("far-after", "2005-05-05")]:
        make.article(slug, day, entities=[worm])


def test_timelinejs_holds_the_events_then_the_articles_nearest_to_them_and_says_what_it_left_out(client, crowded):
    response = client.get("/entities/worm/timeline/export.timelinejs.json?hide_inferred=0")
    data = json.loads(body(response))
    # Distances to the nearest event: 1, 7 and 23 days are kept; 30 days and years are left out.
    assert [event["unique_id"] for event in data["events"]] == [
        "article-day-before", "event-outbreak", "article-week-after", "article-between", "event-patch"]
    assert data["left_out"]["count"] == 3
    assert (data["left_out"]["events"], data["left_out"]["articles"]) == (0, 3)
    assert data["left_out"]["full_export"] == "http://testserver/entities/worm/timeline/export.json?hide_inferred=0"
    title = data["title"]["text"]["text"]
    assert "Showing 5 of 8 items" in title and "3 items are left out" in title
    assert 'href="http://testserver/entities/worm/timeline/export.json?hide_inferred=0"' in title
    assert response["X-Total-Count"] == "8"


def test_timelinejs_keeps_the_earliest_events_when_they_alone_fill_it(client, db, settings):
    settings.ARCHIVE_TIMELINEJS_SLIDES = 3
    for n in range(5):
        make.event(f"e{n}", f"200{n}-01-01")
    make.article("report", "2000-01-02")
    data = json.loads(body(client.get("/timeline/export.timelinejs.json")))
    assert [e["unique_id"] for e in data["events"]] == ["event-e0", "event-e1", "event-e2"]
    assert (data["left_out"]["events"], data["left_out"]["articles"]) == (2, 1)


def test_timelinejs_says_nothing_is_left_out_of_a_short_timeline(client, story):
    data = json.loads(body(client.get("/entities/worm/timeline/export.timelinejs.json")))
    assert len(data["events"]) == 5 and data["left_out"]["count"] == 0
    assert "left out" not in data["title"]["text"]["text"]


def test_timelinejs_carries_a_month_or_a_year_as_such_spanning_the_period(client, story):
    events = {e["unique_id"]: e for e in json.loads(
        body(client.get("/entities/worm/timeline/export.timelinejs.json")))["events"]}
    month, year, day = events["event-denial"], events["event-arrest"], events["event-outbreak"]
    assert month["start_date"] == {"year": 2001, "month": 8, "display_date": "August 2001"}
    assert month["end_date"] == {"year": 2001, "month": 8, "day": 31}
    assert month["display_date"] == "August 2001"
    assert year["start_date"] == {"year": 2002, "display_date": "2002"}
    assert year["end_date"] == {"year": 2002, "month": 12, "day": 31}
    assert day["start_date"]["day"] == 13 and "end_date" not in day


@pytest.mark.parametrize("slides", [4, 12, 40])
def test_timelinejs_of_an_entity_keeps_the_articles_a_sort_of_all_of_them_would(client, db, settings, slides):
    """The articles nearest to the events are chosen from index ranges around each event's day
    (archive.entities.summary.dated_around): the same ones, ties included (the earlier day, then the
    lower id), as ranking every article of the entity by its distance to the nearest event."""
    settings.ARCHIVE_TIMELINEJS_SLIDES = slides
    worm = make.entity("worm")
    event_days = [dt.date(2001, 7, 13), dt.date(2001, 7, 20), dt.date(2003, 1, 1)]
    for number, day in enumerate(event_days):
        make.event(f"event-{number}", day.isoformat(), entities=[worm])
    # Several articles a day, on both sides of each event and between them, equal distances included.
    start = dt.date(2001, 6, 1)
    for number in range(90):
        make.article(f"a{number:02d}", (start + dt.timedelta(days=(number * 7) % 61)).isoformat(), entities=[worm])
    data = json.loads(body(client.get("/entities/worm/timeline/export.timelinejs.json?hide_inferred=0")))

    def distance(day):
        return min(abs((day - event).days) for event in event_days)

    ranked = sorted(Article.objects.all(), key=lambda a: (distance(a.date), a.date, a.pk))
    expected = {f"article-{a.slug}" for a in ranked[:slides - len(event_days)]}
    chosen = {slide["unique_id"] for slide in data["events"] if slide["unique_id"].startswith("article-")}
    assert chosen == expected
    assert data["left_out"]["articles"] == 90 - len(expected)
