"""Each kind of date evidence, in German and English, read and combined without the database."""

import datetime as dt

import pytest

from archive import dates
from archive.dating import evidence as ev
from archive.dating.propose import Fact, propose


@pytest.mark.parametrize("text, kind, values", [
    ("Das bestätigte er am 9. August 2001 in München.", ev.FULL, (2001, 8, 9)),
    ("Das bestätigte er am 9. Aug. 2001.", ev.FULL, (2001, 8, 9)),
    ("He said so on 9 August 2001.", ev.FULL, (2001, 8, 9)),
    ("He said so on August 9, 2001.", ev.FULL, (2001, 8, 9)),
    ("It began on 13 July.", ev.DAY_MONTH, (None, 7, 13)),
    ("It began July 13.", ev.DAY_MONTH, (None, 7, 13)),
    ("Es begann am 13. Juli.", ev.DAY_MONTH, (None, 7, 13)),
    ("Der Angriff kam im Februar 2015.", ev.MONTH_YEAR, (2015, 2, None)),
    ("The attack came in February 2015.", ev.MONTH_YEAR, (2015, 2, None)),
    ("Der Angriff kam Mitte März.", ev.MONTH_ONLY, (None, 3, None)),
    ("Der Angriff kam im Jänner.", ev.MONTH_ONLY, (None, 1, None)),
])
def test_written_dates_are_read_in_both_languages(text, kind, values):
    [ref] = ev.read(text)
    assert (ref.kind, (ref.year, ref.month, ref.day)) == (kind, values)
    assert not ref.ahead


@pytest.mark.parametrize("text, meaning", [
    ("Das war gestern.", "yesterday"), ("That was yesterday.", "yesterday"),
    ("Das war vergangene Woche.", "last_week"), ("That was last week.", "last_week"),
    ("Im vergangenen Monat infizierte er 250.000 Computer.", "last_month"), ("It peaked last month.", "last_month"),
])
def test_relative_references_are_read_in_both_languages(text, meaning):
    [ref] = ev.read(text)
    assert (ref.kind, ref.relative) == (ev.RELATIVE, meaning)


@pytest.mark.parametrize("text, weekday", [
    ("bestätigte ein Firmensprecher am Donnerstag in München", 3),
    ("a spokesman said on Tuesday", 1),
    ("the company said Tuesday", 1),
])
def test_weekday_references_are_read_in_both_languages(text, weekday):
    [ref] = ev.read(text)
    assert (ref.kind, ref.weekday, ref.ahead) == (ev.WEEKDAY, weekday, False)


@pytest.mark.parametrize("text", [
    "The dividend is payable April 15.", "The rule will apply from 1 January 2016.",
    "Die Regel gilt ab 1. Jänner 2016.", "Die Frist läuft bis 30. Juni 2016.", "The vote is next Tuesday.",
])
def test_plans_and_deadlines_are_not_evidence_of_the_past(text):
    assert all(ref.ahead for ref in ev.read(text))


SANTY = Fact(dt.date(2004, 12, 20), dates.DAY, "Santy worm first seen", "names", frozenset({"santy"}), "Santy")


def test_an_article_is_not_older_than_the_first_event_of_what_it_names():
    found = propose("The Santy worm defaces web forums.", facts=[SANTY])
    assert (found.not_before, found.not_after, found.point) == (dt.date(2004, 12, 20), None, None)
    assert found.reason == ("Not before 20 December 2004: it names Santy, first seen 20 December 2004 "
                            "(Santy worm first seen).")


def test_events_of_named_organisations_bound_nothing():
    related = Fact(dt.date(2004, 12, 20), dates.DAY, "Microsoft patch", "related", frozenset({"microsoft"}))
    assert propose("Microsoft released a patch.", facts=[related]) is None


@pytest.mark.parametrize("text, start", [
    ("Wie am 9. August 2001 bekannt wurde, ist der Wurm eingedrungen.", dt.date(2001, 8, 9)),
    ("As reported on 9 August 2001, the worm got in.", dt.date(2001, 8, 9)),
    ("Im Februar 2015 wurde der Angriff entdeckt.", dt.date(2015, 2, 1)),
    ("The attack was found in February 2015.", dt.date(2015, 2, 1)),
])
def test_dates_written_as_past_bound_the_start(text, start):
    assert propose(text).not_before == start


def test_a_source_period_bounds_both_ends_and_resolves_days_without_a_year():
    period = (dt.date(1987, 3, 1), dt.date(1987, 3, 31))
    found = propose("The shares were bought between December 29 and March 9.", period=period)
    assert (found.not_before, found.not_after) == (dt.date(1987, 3, 9), dt.date(1987, 3, 31))
    assert found.width_days == 23 and found.contains(dt.date(1987, 3, 17))


def test_a_wide_period_leaves_a_day_without_a_year_unresolved():
    found = propose("bought on March 9.", period=(dt.date(1987, 2, 1), dt.date(1987, 10, 31)), max_width=None)
    assert found.not_before == dt.date(1987, 2, 1)


def test_a_range_wider_than_a_month_is_not_proposed():
    period = (dt.date(1987, 2, 1), dt.date(1987, 10, 31))
    assert propose("bought on March 9.", period=period) is None
    assert propose("bought on March 9.", period=period, max_width=273).width_days == 273


STATEMENT = Fact(dt.date(2004, 12, 21), dates.DAY, "Forum operators' statement", "related",
                 frozenset({"santy", "phpbb"}))


@pytest.mark.parametrize("text", ["The phpBB team said on Tuesday the Santy worm spread.",
                                  "Das phpBB-Team bestätigte am Dienstag, der Santy-Wurm habe sich verbreitet."])
def test_a_weekday_confirmed_by_an_event_gives_the_newspaper_day(text):
    found = propose(text, facts=[SANTY, STATEMENT], article_entities=frozenset({"santy"}))
    # 20 December 2004 was a Monday: the first Tuesday on or after it is the 21st.
    assert (found.not_before, found.not_after, found.point) == (
        dt.date(2004, 12, 22), dt.date(2004, 12, 23), dt.date(2004, 12, 22))
    assert "Tuesday 21 December 2004" in found.reason and "newspaper-day rule" in found.reason


def test_a_weekday_nothing_confirms_is_not_guessed():
    found = propose("The phpBB team said on Friday the Santy worm spread.", facts=[SANTY, STATEMENT],
                    article_entities=frozenset({"santy"}))
    assert (found.not_before, found.not_after, found.point) == (dt.date(2004, 12, 20), None, None)


def test_a_rejected_range_is_not_proposed_again():
    assert propose("The Santy worm.", facts=[SANTY], rejected=[(dt.date(2004, 12, 20), None)]) is None


def test_no_lower_bound_means_no_proposal():
    assert propose("Am Donnerstag sagte ein Sprecher, gestern sei nichts passiert.") is None


@pytest.mark.parametrize("language, open_text, closed_text", [
    ("en", "not before 20 December 2004", "between 10 August 2001 and 11 August 2001"),
    ("de", "nicht vor dem 20. Dezember 2004", "zwischen dem 10. August 2001 und dem 11. August 2001"),
])
def test_ranges_are_displayed_honestly(language, open_text, closed_text):
    assert dates.display(dt.date(2004, 12, 20), dates.RANGE, language) == open_text
    assert dates.display(dt.date(2001, 8, 10), dates.RANGE, language, dt.date(2001, 8, 11)) == closed_text
    assert dates.iso(dt.date(2004, 12, 20), dates.RANGE) == "2004-12-20/.."
    assert dates.iso(dt.date(2001, 8, 10), dates.RANGE, dt.date(2001, 8, 11)) == "2001-08-10/2001-08-11"
