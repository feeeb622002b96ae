"""Filters on a real index: a period finds exactly the records whose days overlap it (ranges, months,
open ranges and undated records among them), and a filtered search gives the same records, scores and
total as the unfiltered one cut to the filter, whether the filter is matched with the words (a narrow
one: a year of many) or applied after (a wide one), on both engines."""

import datetime as dt
import random

import pytest

from archive import dates, search
from archive.models import Article, Source
from archive.search import Filters

pytestmark = pytest.mark.usefixtures("search_backend")

WORDS = ["worm", "server", "patch", "outbreak", "modem", "virus", "Wurm", "Sicherheitslücke", "Rechner"]
PRECISIONS = [dates.DAY] * 6 + [dates.MONTH, dates.YEAR, dates.RANGE]


@pytest.fixture
def records(db):
    rng = random.Random(11)
    wire = Source.objects.create(slug="wire", name="Wire", language="en")
    taz = Source.objects.create(slug="taz", name="taz", language="de")
    made = []
    for number in range(320):
        precision = rng.choice(PRECISIONS)
        date = None if number % 23 == 0 else dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
        not_after = None
        if precision == dates.RANGE and date and rng.random() < 0.7:
            not_after = date + dt.timedelta(days=rng.randrange(1, 900))
        if date and precision in (dates.MONTH, dates.YEAR):
            date = dates.truncate(date, precision)
        german = number % 5 == 0
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        made.append(Article.objects.create(
            slug=f"record-{number}", source=taz if german else wire, language="de" if german else "en",
            title=f"Report {number}", body=body, date=date, date_precision=precision if date else dates.DAY,
            date_not_after=not_after, date_inferred=precision == dates.RANGE))
    # On the windows' first and last days.
    for day in ("2001-01-01", "2001-12-31", "2001-08-31", "1997-03-05", "1996-02-29", "2004-06-01"):
        made.append(Article.objects.create(
            slug=f"edge-{day}", source=wire, language="en", title=f"Edge {day}", body="worm server patch Wurm",
            date=dt.date.fromisoformat(day)))
    search.rebuild()
    return made


def _overlaps(record, low, high):
    if record.date is None:
        return False
    end = dates.period_end(record.date, record.date_precision, record.date_not_after)
    return record.date <= (high or dt.date.max) and end >= (low or dt.date.min)


def _scores(query, filters=None):
    page = search.search(query, filters=filters or Filters(), per_page=400)
    return {result["slug"]: result["score"] for result in page.results}, page.total


WINDOWS = [
    (dt.date(2001, 1, 1), dt.date(2001, 12, 31)),   # a year of eleven: narrow
    (dt.date(2001, 8, 1), dt.date(2001, 8, 31)),    # a month
    (dt.date(1997, 3, 5), dt.date(1997, 3, 5)),     # a day
    (dt.date(1996, 1, 1), dt.date(2003, 12, 31)),   # most of them: wide
    (dt.date(2004, 6, 1), None),                    # open at the end
    (None, dt.date(1996, 2, 29)),                   # open at the start
    (dt.date(2030, 1, 1), None),                    # only open ranges reach it
]


@pytest.mark.parametrize("low, high", WINDOWS)
@pytest.mark.parametrize("query", ["worm", "server patch", "Wurm", ""])
def test_a_period_finds_what_overlaps_it_with_the_unfiltered_scores(records, query, low, high):
    everything, _ = _scores(query)
    wanted = {record.slug for record in records if _overlaps(record, low, high)} & set(everything)
    found, total = _scores(query, Filters(date_from=low, date_to=high))
    assert set(found) == wanted and total == len(wanted)
    assert all(found[slug] == pytest.approx(everything[slug], rel=1e-9) for slug in found)


@pytest.mark.parametrize("low, high", WINDOWS[:4])
def test_a_period_with_a_language_finds_both_filters_records(records, low, high):
    everything, _ = _scores("worm OR Wurm")
    wanted = {record.slug for record in records
              if _overlaps(record, low, high) and record.language == "de"} & set(everything)
    found, total = _scores("worm OR Wurm", Filters(languages=("de",), date_from=low, date_to=high))
    assert set(found) == wanted and total == len(wanted)
    assert all(found[slug] == pytest.approx(everything[slug], rel=1e-9) for slug in found)


def test_the_narrow_year_and_the_wide_window_are_both_asked(records):
    """The windows above hold both kinds of filter: fewer records than one in eight, and more."""
    def share(low, high):
        return sum(_overlaps(record, low, high) for record in records) / len(records)

    assert share(*WINDOWS[0]) < 1 / 8 < share(*WINDOWS[3])
