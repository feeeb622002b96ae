"""A proposed publication date for an undated article: a range, maybe a most likely day, and why.

Evidence combines as bounds on the publication day p:

- a source's recorded publication period: start <= p <= end;
- a dated event the article reports (its coverage, or the first dated event of a malware,
  vulnerability or incident it names, whose name did not exist before): p >= the event's
  first day;
- a date written with its year and not written as a plan or deadline: p >= that date;
- a day and month without a year, only once the other evidence has narrowed p to two
  months, so that the year is beyond doubt: p >= that date;
- a weekday reported in the past ("bestätigte ... am Donnerstag", "said on Tuesday"): the
  first such weekday on or after the latest lower bound, W, if a dated event the article's
  entities took part in falls on W (that is how we know W is meant). The newspaper-day
  rule then puts p on W + 1, possibly W + 2: a daily's story about Thursday appears on
  Friday (or Saturday).

No lower bound means no proposal: an article is left undated rather than given a guess.
"""

import datetime as dt
from dataclasses import dataclass, field

from archive import dates
from archive.dating import evidence as ev
from archive.dating.stories import WINDOW_DAYS

DAY = dt.timedelta(days=1)
# Day-month mentions get a year only when every reading but one lies outside this window.
YEAR_WINDOW_DAYS = 62
# A closed range wider than this tells a reader little and spreads the article over every filter it
# overlaps: such an article is left undated (and counted) rather than given it.
MAX_WIDTH_DAYS = 31


@dataclass(frozen=True)
class Fact:
    """A dated event the archive knows, as it bears on one article."""

    date: dt.date
    precision: str
    title: str
    # "covers": the article reports it; "names": the first event of an entity it names;
    # "related": an event of an entity it names, which can only confirm a weekday.
    how: str
    entities: frozenset = frozenset()  # slugs
    entity: str = ""  # for "names": the entity's name

    @property
    def end(self):
        return dates.period_end(self.date, self.precision)


@dataclass
class Proposal:
    not_before: dt.date
    not_after: dt.date | None
    point: dt.date | None
    reason: str
    evidence: list = field(default_factory=list)

    @property
    def width_days(self):
        return None if self.not_after is None else (self.not_after - self.not_before).days + 1

    def contains(self, day):
        return self.not_before <= day and (self.not_after is None or day <= self.not_after)

    def key(self):
        return (self.not_before, self.not_after)


def _say(day, language, weekday=False):
    said = dates.display(day, dates.DAY, language)
    return f"{ev.WEEKDAY_NAMES['de' if language == 'de' else 'en'][day.weekday()]} {said}" if weekday else said


def propose(text, *, language="en", period=None, facts=(), article_entities=frozenset(), rejected=(),
            stories=(), max_width=MAX_WIDTH_DAYS):
    """The Proposal for a text, or None when the evidence gives no lower bound.

    `period` is a source's (start, end) or None; `facts` are Fact records; `stories` the
    archive.dating.stories.Story records of dated articles reporting the same story; `rejected`
    the (not_before, not_after) pairs editors turned down, never proposed again; a closed
    range wider than `max_width` days (None: any width) is not proposed.
    """
    refs = ev.read(text or "")
    lo = hi = None
    why_lo = why_hi = ""
    evidence = []

    def raise_lo(day, why, item):
        nonlocal lo, why_lo
        evidence.append(item)
        if lo is None or day > lo:
            lo, why_lo = day, why

    if period and period[0]:
        lo, why_lo = period[0], "the source's recorded publication period"
        evidence.append({"kind": "source_period", "start": period[0].isoformat(),
                         "end": period[1].isoformat() if period[1] else None})
    if period and period[1]:
        hi, why_hi = period[1], "the source's recorded publication period"

    def lower_hi(day, why, item):
        nonlocal hi, why_hi
        evidence.append(item)
        if hi is None or day < hi:
            hi, why_hi = day, why

    for fact in sorted(facts, key=lambda f: f.date):
        if fact.how not in ("covers", "names"):
            continue  # an event of an entity the article names says nothing of when the article appeared
        what = (f"it reports {fact.title}, {dates.display(fact.date, fact.precision, language)}"
                if fact.how == "covers" else
                f"it names {fact.entity}, first seen {dates.display(fact.date, fact.precision, language)}"
                f" ({fact.title})")
        raise_lo(fact.date, what, {"kind": "event", "how": fact.how, "title": fact.title,
                                   "date": dates.iso(fact.date, fact.precision)})

    for ref in refs:
        if ref.ahead:
            continue
        if ref.kind == ev.FULL:
            raise_lo(ref.date, f'it speaks of "{ref.text}" as past', {"kind": "text_date", "text": ref.text,
                                                                       "date": ref.date.isoformat()})
        elif ref.kind == ev.MONTH_YEAR:
            first = dt.date(ref.year, ref.month, 1)
            raise_lo(first, f'it speaks of "{ref.text}" as past', {"kind": "text_month", "text": ref.text,
                                                                    "date": first.isoformat()[:7]})
        elif ref.kind == ev.YEAR and (ref.done or ref.text.casefold().startswith(("seit", "since"))):
            # A bare year is as often a plan ("cut emissions in 2011"): only "since" or a past verb make it past.
            raise_lo(dt.date(ref.year, 1, 1), f'it speaks of "{ref.text}" as past',
                     {"kind": "text_year", "text": ref.text, "date": str(ref.year)})

    if stories:
        first, last = min(stories, key=lambda s: s.date), max(stories, key=lambda s: s.date)
        # The same story's articles appear close together: within WINDOW_DAYS of the first and the last.
        evidence.extend(_story_item(story) for story in stories)
        if lo is None or first.window[0] > lo:
            lo, why_lo = first.window[0], _same_story(first, language)
        if hi is None or last.window[1] < hi:
            hi, why_hi = last.window[1], _same_story(last, language)

    if lo is None:
        return None

    for ref in refs:
        if ref.kind != ev.WEEKDAY_DATE or not (ref.ahead or ref.done):
            continue
        day = _year_by_weekday(ref, lo - dt.timedelta(days=365), (hi or _last_year_written(refs)))
        if day is None:
            continue
        item = {"kind": "weekday_date", "text": ref.text, "date": day.isoformat()}
        if ref.ahead:
            lower_hi(day, f'it speaks of "{ref.text}" as ahead, and {day.year} is the one year near the '
                          f"other evidence when that day is a {ev.WEEKDAY_NAMES['en'][ref.weekday]}", item)
        else:
            raise_lo(day, f'it speaks of "{ref.text}" as past, and {day.year} is the one year near the '
                          f"other evidence when that day is a {ev.WEEKDAY_NAMES['en'][ref.weekday]}", item)

    if hi is not None and (hi - lo).days <= YEAR_WINDOW_DAYS:
        for ref in refs:
            if ref.kind == ev.DAY_MONTH and ref.done:
                day = _year_for(ref.month, ref.day, lo, hi)
                if day is not None and day <= hi:
                    raise_lo(day, f'it speaks of "{ref.text}" as past',
                             {"kind": "text_day_month", "text": ref.text, "date": day.isoformat()})

    point = None
    for ref in refs:
        if ref.kind != ev.ANCHORED or (hi is not None and hi < lo):
            continue
        shift = DAY if ref.relative == "yesterday" else dt.timedelta(0)
        item = {"kind": "anchored", "text": ref.text, "meaning": ref.relative}
        if ref.day:
            # "yesterday, June 17": the publication day itself, in the one year the bounds allow.
            days = [d + shift for d in _readings(ref.month, ref.day, lo - shift, (hi or lo + 365 * DAY) - shift)]
            if ref.weekday is not None:
                days = [d for d in days if (d - shift).weekday() == ref.weekday]
            if len(days) == 1:
                item["date"] = days[0].isoformat()
                evidence.append(item)
                lo = hi = point = days[0]
                why_lo = why_hi = f'it says "{ref.text}"' + (" (so it appeared the day after)" if shift else "")
        elif ref.weekday is not None:
            # "today (Monday)": the publication day is a Monday; the ends move to the nearest Mondays.
            weekday = (ref.weekday + shift.days) % 7
            evidence.append(dict(item, weekday=ev.WEEKDAY_NAMES["en"][weekday]))
            lo += (weekday - lo.weekday()) % 7 * DAY
            why_lo = f'it says "{ref.text}", so it appeared on a {ev.WEEKDAY_NAMES["en"][weekday]}; {why_lo}'
            if hi is not None:
                hi -= (hi.weekday() - weekday) % 7 * DAY
    weekday = _reported_weekday(refs, lo, hi, facts, article_entities, language)
    if weekday is not None:
        reported, ref, confirming = weekday
        evidence.append({"kind": "weekday", "text": ref.text, "date": reported.isoformat(),
                         "confirmed_by": confirming.title})
        anchor = lo
        lo, hi = reported + DAY, reported + 2 * DAY if hi is None else min(hi, reported + 2 * DAY)
        point = lo
        why_lo = (f'it reports "{ref.text}" as past; the first such day on or after {_say(anchor, language)} '
                  f"({why_lo}) is {_say(reported, language, True)}, the day of {confirming.title}; "
                  "a daily's story about a day appears the day after, possibly the day after that "
                  "(the newspaper-day rule)")
        why_hi = ""

    for ref in refs:
        if ref.kind == ev.RELATIVE:
            evidence.append({"kind": "relative", "text": ref.text, "meaning": ref.relative})

    if hi is not None and hi < lo:
        return None  # the evidence contradicts itself: no date is better than a wrong one
    if hi is not None and max_width is not None and (hi - lo).days + 1 > max_width:
        return None  # too wide to help a reader: left undated, as the benchmark counts
    if (lo, hi) in set(rejected):
        return None
    return Proposal(lo, hi, point, _reason(lo, hi, point, why_lo, why_hi, language), evidence)


def _same_story(story, language):
    shared = [f'"{t}"' for t in (*story.shared_figures, *story.shared_words)][:6]
    link = f" ({story.link})" if story.link else ""
    return (f'it reports the same story as "{story.title}" of {_say(story.date, language)}{link}, sharing '
            f"{', '.join(shared)}; the same story's articles appear within {WINDOW_DAYS} days of "
            "each other")


def _story_item(story):
    return {"kind": "same_story", "article": story.key, "title": story.title, "date": story.date.isoformat(),
            "link": story.link, "similarity": round(story.similarity, 3),
            "shared": [*story.shared_figures, *story.shared_words][:8]}


def _year_for(month, day, lo, hi):
    """The one reading of a day and month that lies in the year before `hi` and not long before `lo`."""
    readings = []
    for year in {lo.year - 1, lo.year, hi.year}:
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if hi - dt.timedelta(days=365) < candidate <= hi:
            readings.append(candidate)
    return readings[0] if len(readings) == 1 else None


def _readings(month, day, first, last):
    """Every date with this month and day from `first` to `last`."""
    found = []
    for year in range(first.year, last.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if first <= candidate <= last:
            found.append(candidate)
    return found


def _last_year_written(refs):
    """The last day of the latest year the text writes, as the far end for a weekday-date's year."""
    years = [ref.year for ref in refs if ref.year]
    return dt.date(max(years), 12, 31) if years else None


def _year_by_weekday(ref, first, last):
    """"Tuesday, March 17": the one reading from `first` to `last` that falls on a Tuesday, else None.

    The weekday of a day and month repeats only after five years or more, so in a window of a few
    years it fixes the year; in a wider one two readings fit and nothing is decided."""
    if last is None:
        return None
    days = [d for d in _readings(ref.month, ref.day, first, last) if d.weekday() == ref.weekday]
    return days[0] if len(days) == 1 else None


def _reported_weekday(refs, lo, hi, facts, article_entities, language):
    """(day, reference, confirming fact) for a past weekday that a known event pins down, else None."""
    for ref in refs:
        if ref.kind != ev.WEEKDAY or ref.ahead:
            continue
        day = lo + dt.timedelta(days=(ref.weekday - lo.weekday()) % 7)
        if hi is not None and day > hi:
            continue
        for fact in facts:
            on_that_day = fact.precision == dates.DAY and fact.date == day
            if on_that_day and (fact.how == "covers" or fact.entities & article_entities):
                return day, ref, fact
    return None


def _reason(lo, hi, point, why_lo, why_hi, language):
    if point is not None:
        text = f"{_say(point, language, True)}"
        if hi and hi != point:
            text += f" (possibly {_say(hi, language, True)})"
        return f"{text}: {why_lo}."
    if hi is None:
        return f"Not before {_say(lo, language)}: {why_lo}."
    if hi == lo:
        return f"{_say(lo, language)}: {why_lo}."
    tail = f"; not after {_say(hi, language)}: {why_hi}" if why_hi and why_hi != why_lo else ""
    return f"Between {_say(lo, language)} and {_say(hi, language)}: {why_lo}{tail}."
