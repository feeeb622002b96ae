import datetime as dt

import pytest

from archive.dates import PartialDate, PartialDateError, display


@pytest.mark.parametrize(
    ("text", "precision", "start", "shown_en", "shown_de"),
    [
        ("2001-08-10", "day", dt.date(2001, 8, 10), "10 August 2001", "10. August 2001"),
        ("2001-08", "month", dt.date(2001, 8, 1), "August 2001", "August 2001"),
        ("2001-03", "month", dt.date(2001, 3, 1), "March 2001", "März 2001"),
        ("2001", "year", dt.date(2001, 1, 1), "2001", "2001"),
    ],
)
def test_it_parses_and_shows_each_precision(text, precision, start, shown_en, shown_de):
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert parsed.date == start
    assert parsed.display("en") == shown_en
    assert parsed.display("de") == shown_de
    assert parsed.iso() == text


def test_it_coarsens_a_precise_date_when_asked():
    parsed = PartialDate.parse("2001-08-10", "month")
    assert parsed.date == dt.date(2001, 8, 1)
    assert parsed.display() == "August 2001"
    assert parsed.end == dt.date(2001, 8, 31)


@pytest.mark.parametrize("bad", ["2001-02-30", "2001-13", "08/10/2001", "yesterday", "", "20011"])
def test_it_refuses_impossible_or_malformed_dates(bad):
    with pytest.raises(PartialDateError):
        PartialDate.parse(bad)


def test_it_refuses_a_precision_finer_than_the_date():
    with pytest.raises(PartialDateError, match="not precise enough"):
        PartialDate.parse("2001-08", "day")


def test_partial_dates_sort_by_their_start():
    items = [PartialDate.parse("2001-08-10"), PartialDate.parse("2001-08-04"), PartialDate.parse("2001-07")]
    assert [p.iso() for p in sorted(items)] == ["2001-07", "2001-08-04", "2001-08-10"]


def test_unknown_dates_say_so_in_both_languages():
    assert display(None, "day", "en") == "date unknown"
    assert display(None, "day", "de") == "Datum unbekannt"
