"""Events and articles as items of one timeline, ordered honestly by their partial dates.

A month-precision item belongs to its whole month, not to its first day, so it
sorts after the items dated to a day of that month; a year-precision item sorts
after every month of its year. Lists show such items under "sometime in ...".
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive import dates
from archive.timeline.labels import event_kind, reader_language

KIND_ARTICLE = "article"
# On one day, a flaw is disclosed before it is advised on, patched, exploited and reported.
LIFECYCLE = ["disclosure", "advisory", "patch", "outbreak", "peak", "attack", "arrest", "statement", "other"]


class ItemCounts:
    """Counts for anything holding a list of timeline items in `items`."""

    @property
    def event_count(self):
        return sum(1 for item in self.items if item.is_event)

    @property
    def article_count(self):
        return len(self.items) - self.event_count


@dataclass
class Item:
    type: str  # "event" | "article"
    slug: str
    title: str
    url: str
    date: object  # datetime.date or None
    precision: str
    inferred: bool = False
    reason: str = ""
    kind: str = KIND_ARTICLE
    kind_label: str = _("Article")
    incident: object = None  # Entity or None
    source: str = ""
    source_slug: str = ""
    language: str = ""
    summary: str = ""
    claims: int = 0  # how many sources' claims the event records
    covered_incident: str = ""  # for an article: the incident of the events it covers
    lag: object = None  # for an event: its coverage Lag, when the page computes it
    record: object = field(default=None, repr=False)
    not_after: object = None  # a range's last possible day (None: open-ended, or not a range)

    @property
    def is_event(self):
        return self.type == "event"

    @property
    def end(self):
        return dates.period_end(self.date, self.precision, self.not_after)

    def display_date(self, language=None):
        """The date to its precision, in the given language or else the reader's."""
        return dates.display(self.date, self.precision, language or reader_language(), self.not_after)

    def iso(self):
        return dates.iso(self.date, self.precision, self.not_after)

    @property
    def unique_id(self):
        return f"{self.type}-{self.slug}"


def sort_key(item):
    """Day items first within their month, month items after them, year items after the months."""
    date = item.date
    # A range sorts at its first possible day, as a day item would (docs/dating.md).
    month = date.month if item.precision in (dates.DAY, dates.MONTH, dates.RANGE) else 13
    day = date.day if item.precision in (dates.DAY, dates.RANGE) else 32
    # Events before the articles that report them on the same day, in the order of an incident's life.
    stage = LIFECYCLE.index(item.kind) if item.kind in LIFECYCLE else len(LIFECYCLE)
    return (date.year, month, day, stage, item.title.casefold(), item.slug)


def from_event(event):
    return Item(
        type="event", slug=event.slug, title=event.title, url=event.get_absolute_url(),
        date=event.date, precision=event.date_precision, inferred=event.date_inferred,
        reason=event.date_reason, kind=event.kind, kind_label=capfirst(event_kind(event.kind)),
        incident=event.incident, summary=event.description, claims=getattr(event, "claim_count", 0),
        record=event, not_after=event.date_not_after,
    )


def from_article(article, url=None):
    source = article.source
    return article_item(
        slug=article.slug, title=article.title, url=url or article.get_absolute_url(), date=article.date,
        precision=article.date_precision, inferred=article.date_inferred, reason=article.date_reason,
        source=source.name if source else "", source_slug=source.slug if source else "",
        language=article.language, summary=article.teaser,
        covered_incident=getattr(article, "covered_incident", None) or "", record=article,
        not_after=article.date_not_after,
    )


def article_item(**values):
    return Item(type="article", **values)


def article_urls():
    """slug -> article address, from one reverse() for a whole list instead of one per article."""
    marker = "0-slug-0"
    pattern = reverse("article-detail", args=[marker])
    return lambda slug: pattern.replace(marker, slug)


def ordered(items):
    return sorted(items, key=sort_key)


@dataclass
class Group:
    """Items of one period: a day-or-month bucket of a month, or the "sometime in" bucket of a year."""

    label: str
    year: int
    month: int | None
    items: list


def grouped(items, language=None):
    """Year groups, each holding month groups; imprecise items get their own "sometime in" group."""
    language = language or reader_language()
    years = []
    for item in ordered(items):
        year = item.date.year
        if not years or years[-1][0] != year:
            years.append((year, []))
        months = years[-1][1]
        if item.precision == dates.YEAR:
            label, month = gettext("Sometime in %(year)s") % {"year": year}, None
        else:
            label, month = dates.display(item.date, dates.MONTH, language), item.date.month
        if not months or (months[-1].year, months[-1].month, months[-1].label) != (year, month, label):
            months.append(Group(label=label, year=year, month=month, items=[]))
        months[-1].items.append(item)
    return years
