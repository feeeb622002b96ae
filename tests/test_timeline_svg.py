import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from archive.timeline.filters import Filters, build
from archive.timeline.items import Item
from archive.timeline.svg import DENSE, WIDTH, timeline_svg
from tests import timeline_factories as make

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(text):
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def item(slug, day, precision="day", type_="event", inferred=False):
    return Item(type=type_, slug=slug, title=f"Title <{slug}> & co", url=f"/events/{slug}/", date=day,
                precision=precision, inferred=inferred, kind="outbreak" if type_ == "event" else "article")


def test_a_small_timeline_draws_one_linked_item_per_row_with_title_and_desc():
    items = [item("a", dt.date(2001, 7, 13)), item("b", dt.date(2001, 7, 19)),
             item("c", dt.date(2001, 8, 10), type_="article", inferred=True)]
    root = parse(timeline_svg(items, title="Code Red"))
    assert root.find("svg:title", NS).text == "Code Red"
    assert "2 events and 1 article from 13 July 2001 to 10 August 2001" in root.find("svg:desc", NS).text
    assert root.get("aria-labelledby") == "timeline-title timeline-desc"
    links = root.findall("svg:a", NS)
    assert [link.get("href") for link in links] == ["/events/a/", "/events/b/", "/events/c/"]
    # Text is escaped by the serialiser and readable back.
    assert links[0].find("svg:text", NS).text.startswith("13 July 2001 · Title <a> & co")
    assert "(date inferred)" in links[2].find("svg:text", NS).text
    assert "tl-inferred" in links[2].get("class") and links[2].find("svg:rect", NS) is not None


def test_a_month_item_sits_in_the_middle_of_its_month_not_on_the_first():
    items = [item("first", dt.date(2001, 8, 1)), item("august", dt.date(2001, 8, 1), "month"),
             item("last", dt.date(2001, 8, 31))]
    root = parse(timeline_svg(items))
    first, month, last = (link.find("svg:circle", NS) for link in root.findall("svg:a", NS))
    x_first, x_month, x_last = (float(c.get("cx")) for c in (first, month, last))
    assert x_first < x_month < x_last
    assert abs(x_month - (x_first + x_last) / 2) < 5
    bar = root.findall("svg:a", NS)[1].find("svg:rect", NS)
    assert float(bar.get("width")) > (x_last - x_first) * 0.9  # the bar spans the whole month


def test_labels_stay_inside_the_drawing():
    items = [item(f"i{n}" * 20, dt.date(2001, 1, 1) + dt.timedelta(days=n * 30)) for n in range(12)]
    root = parse(timeline_svg(items))
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        x, width = float(text.get("x")), len(text.text) * 6.8
        if text.get("text-anchor") == "end":
            assert x - width >= 0
        else:
            assert x + width <= WIDTH


def test_an_empty_timeline_is_still_a_valid_drawing():
    root = parse(timeline_svg([], undated=3))
    assert "3 undated items not drawn" in root.find("svg:desc", NS).text


def bin_counts(root):
    """Counts read back from the bars' <title> texts, e.g. "August 2001: 3 events, 4 articles"."""
    total = 0
    for link in root.findall("svg:a", NS):
        found = re.search(r": (\d+) events, (\d+) articles$", link.find("svg:title", NS).text)
        total += int(found[1]) + int(found[2])
    return total


@pytest.mark.django_db
def test_three_thousand_items_are_drawn_as_counts_per_year_that_add_up():
    events, articles = make.many(3000, step_days=3)  # about 25 years
    timeline = build(Filters())
    assert len(timeline.items) == 3000
    root = parse(timeline_svg(timeline.items))
    links = root.findall("svg:a", NS)
    assert all("tl-bin-year" in link.get("class") for link in links)
    assert len(links) == 25
    assert links[0].get("href") == "/archive/2001/"
    assert bin_counts(root) == 3000
    assert "counts per year" in root.find("svg:desc", NS).text
    assert len(root.findall(".//svg:text", NS)) < 80  # readable: no label per item


@pytest.mark.django_db
def test_a_dense_short_span_is_counted_per_month():
    make.many(DENSE + 40, step_days=2)
    root = parse(timeline_svg(build(Filters()).items))
    links = root.findall("svg:a", NS)
    assert links[0].get("href") == "/archive/2001/1/"
    assert all("tl-bin-month" in link.get("class") for link in links)
    assert bin_counts(root) == DENSE + 40


@pytest.mark.django_db
def test_the_timeline_page_and_svg_export_stay_parseable_with_three_thousand_items(client):
    make.many(3000, step_days=3)
    response = client.get("/timeline/export.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert bin_counts(parse(response.content)) == 3000
    page = client.get("/timeline/").content.decode()
    drawn = re.search(r"<svg .*?</svg>", page, re.S)[0]
    assert bin_counts(parse(drawn)) == 3000
    assert "Too many items to list on one page" in page


def test_the_code_red_pages_carry_parseable_drawings(client, loaded):
    page = client.get("/entities/code-red/").content.decode()
    drawings = [parse(svg) for svg in re.findall(r"<svg .*?</svg>", page, re.S)]
    assert len(drawings) == 2
    timeline, coverage = drawings
    hrefs = [link.get("href") for link in timeline.findall("svg:a", NS)]
    assert hrefs.index("/events/code-red-ii-appears/") < hrefs.index("/articles/computervirus-code-red-2-schlaegt-zu/")
    assert coverage.find("svg:a", NS).get("href") == "/archive/2001/8/"
    marks = [link for link in coverage.findall("svg:a", NS) if link.get("class") == "tl-event-mark"]
    assert len(marks) == 15


@pytest.mark.django_db
def test_the_coverage_chart_counts_events_when_they_are_many():
    make.many(400, step_days=2, articles_every=4)  # 300 events, 100 articles in about 27 months
    from archive.timeline.svg import coverage_svg

    root = parse(coverage_svg(build(Filters()).items))
    counts = [link for link in root.findall("svg:a", NS) if link.get("class") == "tl-event-count"]
    assert counts and not [link for link in root.findall("svg:a", NS) if link.get("class") == "tl-event-mark"]
    assert sum(int(re.search(r": (\d+) events$", c.find("svg:title", NS).text)[1]) for c in counts) == 300
