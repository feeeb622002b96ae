"""Events and articles dated to today's day and month in earlier years."""

from dataclasses import dataclass

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
    same_day = {
        "date__month": today.month, "date__day": today.day,
        "date__year__lt": today.year, "date_precision": dates.DAY,
    }
    events = Event.objects.select_related("incident").filter(**same_day).order_by("-date")[:limit]
    articles = Article.objects.select_related("source").filter(**same_day).order_by("-date")[:limit]
    items = ordered([*map(from_event, events), *map(from_article, articles)])
    return OnThisDay(day=today, items=items)
