"""Events and articles dated to today's day and month in earlier years."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min

from archive import dates
from archive.models import Article, Event
from archive.timeline.items import from_article, from_event, ordered
from archive.timeline.labels import reader_language


@dataclass
class OnThisDay:
    day: object
    items: list

    @property
    def label(self):
        # "10 August" / "10. August": the day without its year.
        return dates.display(self.day, dates.DAY, reader_language()).rsplit(" ", 1)[0]


def on_this_day(today, limit=10):
    """Only day-precision dates count: "August 2001" did not happen on 10 August."""
    same_day = {"date__in": _same_day_before(today), "date_precision": dates.DAY}
    events = Event.objects.select_related("incident").filter(**same_day).order_by("-date")[:limit]
    articles = Article.objects.select_related("source").filter(**same_day).order_by("-date")[:limit]
    items = ordered([*map(from_event, events), *map(from_article, articles)])
    return OnThisDay(day=today, items=items)


def _same_day_before(today):
    """Today's day and month in every earlier year since the oldest record: looked up in the date index,
    where a condition on the day and month of every date would read every record."""
    oldest = [found for found in (Article.objects.aggregate(first=Min("date"))["first"],
                                  Event.objects.aggregate(first=Min("date"))["first"]) if found]
    if not oldest:
        return []
    days = []
    for year in range(min(oldest).year, today.year):
        try:
            days.append(dt.date(year, today.month, today.day))
        except ValueError:  # 29 February of a common year
            pass
    return days
