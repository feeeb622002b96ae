"""Browsing by year and month: what a period holds, counts per month, and the neighbouring periods with content.

A year-precision item belongs to its year but to none of its months: it is
listed on the year page and never counted in January.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Max, Min
from django.urls import reverse
from django.utils.translation import gettext

from archive import dates, month_counts
from archive.models import Article, Event
from archive.params import BadParameter
from archive.timeline import density
from archive.timeline.filters import Filters, article_items, articles
from archive.timeline.items import ItemCounts, from_event
from archive.timeline.labels import reader_language

MIN_YEAR, MAX_YEAR = 1, 9999


def parse_year(raw):
    try:
        year = int(raw)
    except (TypeError, ValueError):
        raise BadParameter("year", gettext("%(value)r is not a year") % {"value": raw}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadParameter("year", gettext("%(year)s is outside %(first)s–%(last)s") % {
            "year": year, "first": MIN_YEAR, "last": MAX_YEAR})
    return year


def parse_month(raw):
    try:
        month = int(raw)
    except (TypeError, ValueError):
        raise BadParameter("month", gettext("%(value)r is not a month") % {"value": raw}) from None
    if not 1 <= month <= 12:
        raise BadParameter("month", gettext("%(month)s is not a month (1–12)") % {"month": month})
    return month


@dataclass
class MonthCount:
    year: int
    month: int
    label: str
    events: int
    articles: int

    @property
    def total(self):
        return self.events + self.articles

    @property
    def url(self):
        # A long timeline lists hundreds of months: one reverse() per process, not one per row.
        return _month_pattern().replace("1111", str(self.year), 1).replace("/99/", f"/{self.month}/", 1)


@functools.cache
def _month_pattern():
    return reverse("timeline-month", args=[1111, 99])


@dataclass
class Neighbour:
    year: int
    month: int | None

    @property
    def label(self):
        if self.month is None:
            return str(self.year)
        return dates.display(dt.date(self.year, self.month, 1), dates.MONTH, reader_language())


@dataclass
class Period(ItemCounts):
    year: int
    month: int | None
    label: str
    items: list  # one page of the period's items, in order
    months: list  # MonthCount for each month of a year page; empty on a month page
    year_only: int  # items of the year dated only to the year (shown on the year page, counted on month pages)
    previous: Neighbour | None
    next: Neighbour | None
    density: object = None  # density.Density of everything in the period
    page: object = None  # density.Page of `items`

    @property
    def event_count(self):
        return self.density.events

    @property
    def article_count(self):
        return self.density.articles


def _read_events(pks):
    return map(from_event, Event.objects.select_related("incident").filter(pk__in=pks))


def _read_articles(pks):
    return article_items(articles(Filters()).filter(pk__in=pks))


def year_period(year, number=1):
    events = Event.objects.filter(date__year=year)
    found = Article.objects.filter(date__year=year)
    # The articles' counts are those the database keeps per month (archive.month_counts).
    counted = density.count(events, found, article_rows=(("year", year), lambda: month_counts.year_rows(year)))
    shown = density.page(events, found, number=number, total=counted.total, read_events=_read_events,
                         read_articles=_read_articles, article_months=lambda: month_counts.year_rows(year))
    months = [
        MonthCount(year, m, dates.display(dt.date(year, m, 1), dates.MONTH, reader_language()),
                   *counted.months.get((year, m), (0, 0)))
        for m in range(1, 13)
    ]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    before = _latest_before(start, precise_only=False)
    after = _earliest_after(end, precise_only=False)
    return Period(
        year=year, month=None, label=str(year), items=shown.items, months=months,
        year_only=counted.year_only_count(year),
        previous=Neighbour(before.year, None) if before else None,
        next=Neighbour(after.year, None) if after else None,
        density=counted, page=shown,
    )


def month_period(year, month, number=1):
    start = dt.date(year, month, 1)
    end = dates.period_end(start, dates.MONTH)
    precise = {"date__range": (start, end), "date_precision__in": [dates.DAY, dates.MONTH]}
    events, found = Event.objects.filter(**precise), Article.objects.filter(**precise)
    counted = density.count(events, found, article_rows=(
        ("month", year, month), lambda: month_counts.precise_month_rows(year, month)))
    shown = density.page(events, found, number=number, total=counted.total, read_events=_read_events,
                         read_articles=_read_articles)
    year_only = sum(
        model.objects.filter(date__year=year, date_precision=dates.YEAR).count() for model in (Event, Article)
    )
    before = _latest_before(start, precise_only=True)
    after = _earliest_after(end, precise_only=True)
    return Period(
        year=year, month=month, label=dates.display(start, dates.MONTH, reader_language()), items=shown.items,
        months=[], year_only=year_only,
        previous=Neighbour(before.year, before.month) if before else None,
        next=Neighbour(after.year, after.month) if after else None,
        density=counted, page=shown,
    )


def _precise(query, precise_only):
    return query.filter(date_precision__in=[dates.DAY, dates.MONTH]) if precise_only else query


def _latest_before(day, precise_only):
    found = [
        _precise(model.objects.filter(date__lt=day), precise_only).aggregate(d=Max("date"))["d"]
        for model in (Event, Article)
    ]
    found = [d for d in found if d]
    return max(found) if found else None


def _earliest_after(day, precise_only):
    found = [
        _precise(model.objects.filter(date__gt=day), precise_only).aggregate(d=Min("date"))["d"]
        for model in (Event, Article)
    ]
    found = [d for d in found if d]
    return min(found) if found else None


def counts_by_month(items):
    """MonthCounts for the months that hold items, in order; for long lists shown as a table of links."""
    found = {}
    for item in items:
        if item.precision == dates.YEAR:
            continue
        key = (item.date.year, item.date.month)
        if key not in found:
            found[key] = MonthCount(key[0], key[1], dates.display(item.date, dates.MONTH, reader_language()), 0, 0)
        if item.is_event:
            found[key].events += 1
        else:
            found[key].articles += 1
    return [found[key] for key in sorted(found)]
