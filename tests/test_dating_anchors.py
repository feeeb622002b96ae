"""Evidence that fixes a year or the publication day itself, in German and English, without the database."""

import datetime as dt

import pytest

from archive.dating import evidence as ev
from archive.dating.propose import propose

# A source period of two years: too wide for a day without a year to find its year by itself.
TWO_YEARS = (dt.date(2003, 1, 1), dt.date(2004, 12, 31))


@pytest.mark.parametrize("text, values", [
    ("The plant was closed on Tuesday, March 17.", (1, 3, 17)),
    ("Das Werk wurde am Dienstag, dem 17. März geschlossen.", (1, 3, 17)),
    ("Das Werk wurde am Dienstag, 17. März, geschlossen.", (1, 3, 17)),
])
def test_a_weekday_written_with_a_day_is_read_in_both_languages(text, values):
    [ref] = ev.read(text)
    assert (ref.kind, (ref.weekday, ref.month, ref.day), ref.done) == (ev.WEEKDAY_DATE, values, True)


@pytest.mark.parametrize("text", ["The worm was first seen on Tuesday, 16 March, and spread.",
                                  "Der Wurm wurde am Dienstag, dem 16. März entdeckt."])
def test_the_weekday_fixes_the_year_of_a_day_written_without_one(text):
    # 16 March was a Tuesday in 2004, a Sunday in 2003: the weekday decides, the period alone could not.
    found = propose(text, period=TWO_YEARS, max_width=None)
    assert found.not_before == dt.date(2004, 3, 16)
    assert "2004 is the one year" in found.reason
    assert propose(text.replace("Tuesday, ", "").replace("Dienstag, dem ", ""), period=TWO_YEARS,
                   max_width=None).not_before == dt.date(2003, 1, 1)


@pytest.mark.parametrize("text", ["The vote will be held on Thursday, 18 March.",
                                  "Die Abstimmung soll am Donnerstag, dem 18. März stattfinden."])
def test_a_weekday_and_day_ahead_bound_the_end(text):
    found = propose(text, period=(dt.date(2004, 3, 1), dt.date(2004, 3, 31)))
    assert (found.not_before, found.not_after) == (dt.date(2004, 3, 1), dt.date(2004, 3, 18))


@pytest.mark.parametrize("text, day", [
    ("Prices were raised yesterday, June 17, the company said.", dt.date(2004, 6, 18)),
    ("Die Preise wurden gestern, am 17. Juni, erhöht.", dt.date(2004, 6, 18)),
    ("The index fell today (Thursday, June 17).", dt.date(2004, 6, 17)),
    ("Der Index fiel heute, am 17. Juni.", dt.date(2004, 6, 17)),
])
def test_today_or_yesterday_with_a_day_is_the_publication_day(text, day):
    found = propose(text, period=(dt.date(2004, 1, 1), dt.date(2004, 12, 31)))
    assert (found.not_before, found.not_after, found.point) == (day, day, day)


def test_yesterday_with_a_day_needs_the_year_to_be_decided():
    assert propose("Prices were raised yesterday, June 17.", period=(dt.date(2001, 1, 1), dt.date(2004, 12, 31)),
                   max_width=None).not_before == dt.date(2001, 1, 1)


@pytest.mark.parametrize("text", ["The bank said today (Monday) rates would stay.",
                                  "Die Bank sagte gestern (Sonntag), die Zinsen blieben."])
def test_today_or_yesterday_with_a_weekday_gives_the_publication_weekday(text):
    # 1 to 21 March 2004: the first Monday is the 1st, the last the 15th.
    found = propose(text, period=(dt.date(2004, 3, 2), dt.date(2004, 3, 21)))
    assert (found.not_before, found.not_after) == (dt.date(2004, 3, 8), dt.date(2004, 3, 15))
    assert found.not_before.weekday() == 0 and "Monday" in found.reason


@pytest.mark.parametrize("text, start", [
    ("Der Dienst wurde im Jahr 2004 eingestellt.", dt.date(2004, 1, 1)),
    ("Seit 2004 ist der Dienst eingestellt.", dt.date(2004, 1, 1)),
    ("The service has been closed since 2004.", dt.date(2004, 1, 1)),
    ("The service was closed in 2004.", dt.date(2004, 1, 1)),
])
def test_a_year_spoken_of_as_past_bounds_the_start(text, start):
    found = propose(text)
    assert (found.not_before, found.not_after) == (start, None)


@pytest.mark.parametrize("text", ["The service will close in 2008.", "Der Dienst soll im Jahr 2008 schließen.",
                                  "Emissions are to fall by a fifth in 2011.", "Im Jahr 2011 sinken die Preise."])
def test_a_year_ahead_bounds_nothing(text):
    assert propose(text) is None


@pytest.mark.parametrize("text", [
    "The notes mature on March 17, 1992.", "The company expects sales to rise in the year ending January 31, 1988.",
    "The bond is callable on May 21, 1990.", "Die Anleihe wird am 17. März 1992 fällig.",
    "The treaty was signed last October and is due to come into force in November 2006.",
    "Die Entscheidung dürfte schon im März 2018 fallen.",
])
def test_maturities_and_fiscal_ends_are_ahead(text):
    assert all(ref.ahead for ref in ev.read(text))
