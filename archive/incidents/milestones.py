"""Per-incident milestones and the medians per decade, as plain functions testable without HTTP.

An incident is an entity that is the `incident` of at least one event. Its milestones:

- disclosure: its earliest dated event of kind disclosure;
- patch: its earliest dated event of kind patch;
- exploitation: its earliest dated event of kind outbreak or attack;
- first coverage: the earliest dated article confirmed to cover any of its events or
  mentioning the incident entity (articles known by reference count too).

Only events of those kinds are read: an advisory, a catalogue entry or a statement is never
taken for a disclosure or an exploitation. A missing milestone is None, never guessed.
Days are counted from the disclosure with the precision of both dates (see Span): exact
between two days, a range of possible days otherwise; a range counts by its middle in medians.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext

from archive import dates
from archive.entities import summary
from archive.models import Coverage, Entity, EntityArticle, Event, Mention
from archive.timeline.coverage import Span

DISCLOSURE, PATCH, EXPLOITATION, COVERAGE = "disclosure", "patch", "exploitation", "coverage"
MILESTONES = (DISCLOSURE, PATCH, EXPLOITATION, COVERAGE)
# The relative ones: days from the disclosure.
AFTER_DISCLOSURE = (PATCH, EXPLOITATION, COVERAGE)
KINDS = {
    Event.Kind.DISCLOSURE: DISCLOSURE,
    Event.Kind.PATCH: PATCH,
    Event.Kind.OUTBREAK: EXPLOITATION,
    Event.Kind.ATTACK: EXPLOITATION,
}

# A day-exact date before a month, a year or a range that starts the same day.
_PRECISION_ORDER = (*dates.PRECISIONS, dates.RANGE)


@dataclass(frozen=True)
class Milestone:
    """A dated record standing for one milestone of an incident."""

    date: object  # datetime.date, first day of the period
    precision: str
    inferred: bool
    reason: str
    title: str
    url: str
    kind: str = ""  # the event kind, or "article"
    not_after: object = None  # a range's last possible day (None when open or not a range)

    def display(self, language="en"):
        return dates.display(self.date, self.precision, language, self.not_after)

    def iso(self):
        return dates.iso(self.date, self.precision, self.not_after)

    @property
    def sort_key(self):
        # The earliest by first possible day; a day-exact date before a month or year starting the same day.
        return (self.date, _PRECISION_ORDER.index(self.precision), self.title)


@dataclass
class IncidentRow:
    entity: Entity
    first: object = None  # earliest dated event (a Milestone), any kind
    last: object = None  # latest dated event, any kind
    milestones: dict = field(default_factory=dict)  # name -> Milestone or None
    article_count: int = 0

    @property
    def name(self):
        return self.entity.name

    @property
    def slug(self):
        return self.entity.slug

    @property
    def kind(self):
        return self.entity.kind

    @property
    def first_year(self):
        return self.first.date.year if self.first else None

    @property
    def last_year(self):
        return self.last.date.year if self.last else None

    @property
    def years(self):
        if not self.first:
            return ""
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def decade(self):
        """The decade of its earliest dated event: 1980, 1990, ..."""
        return self.first_year // 10 * 10 if self.first else None

    @property
    def disclosure(self):
        return self.milestones.get(DISCLOSURE)

    @property
    def patch(self):
        return self.milestones.get(PATCH)

    @property
    def exploitation(self):
        return self.milestones.get(EXPLOITATION)

    @property
    def coverage(self):
        return self.milestones.get(COVERAGE)

    def span(self, name):
        """Days from the disclosure to the milestone: a Span, or None when either date is missing."""
        start, end = self.disclosure, self.milestones.get(name)
        if start is None or end is None:
            return None
        return Span.between(start.date, start.precision, end.date, end.precision,
                            inferred=start.inferred or end.inferred,
                            start_not_after=start.not_after, end_not_after=end.not_after)

    def days(self, name):
        """The middle of the span in days (a number), or None."""
        span = self.span(name)
        return None if span is None else (span.low + span.high) / 2

    def spans(self):
        return {name: self.span(name) for name in AFTER_DISCLOSURE}


def _event_milestone(row):
    return Milestone(date=row["date"], precision=row["date_precision"], inferred=row["date_inferred"],
                     reason=row["date_reason"], title=row["title"], url=f"/events/{row['slug']}/",
                     kind=row["kind"], not_after=row["date_not_after"])


def _article_milestone(row):
    return Milestone(date=row["article__date"], precision=row["article__date_precision"],
                     inferred=row["article__date_inferred"], reason=row["article__date_reason"],
                     title=row["article__title"], url=f"/articles/{row['article__slug']}/", kind="article",
                     not_after=row["article__date_not_after"])


def incident_entities():
    """Entities that are the incident of at least one event."""
    return Entity.objects.filter(pk__in=Event.objects.filter(incident__isnull=False).values("incident_id"))


ARTICLE_FIELDS = ("article_id", "article__date", "article__date_precision", "article__date_inferred",
                  "article__date_reason", "article__date_not_after", "article__title", "article__slug")


def incident_rows(entities=None):
    """One IncidentRow per incident (all, or the given entities), in order of first year then name.

    A fixed number of queries however many incidents and articles there are; the articles naming an
    incident are counted and their earliest found through the per-entity aggregates
    (archive/entities/summary.py), so an incident named in thousands of articles costs what one named
    in ten does."""
    entities = list(incident_entities() if entities is None else entities)
    by_id = {entity.pk: IncidentRow(entity=entity, milestones=dict.fromkeys(MILESTONES)) for entity in entities}
    if not by_id:
        return []
    ids = list(by_id)
    events = Event.objects.filter(incident_id__in=ids, date__isnull=False).values(
        "incident_id", "kind", "date", "date_precision", "date_inferred", "date_reason", "date_not_after", "title",
        "slug")
    for event in events:
        row = by_id[event["incident_id"]]
        found = _event_milestone(event)
        if row.first is None or found.sort_key < row.first.sort_key:
            row.first = found
        if row.last is None or found.date > row.last.date:
            row.last = found
        name = KINDS.get(event["kind"])
        if name and (row.milestones[name] is None or found.sort_key < row.milestones[name].sort_key):
            row.milestones[name] = found
    counts, firsts = _mentioning(ids)
    for pk, count in counts.items():
        by_id[pk].article_count += count
    for pk, link in _covering_only(ids):
        by_id[pk].article_count += 1
        _take_coverage(by_id[pk], link)
    for pk, link in _on_first_day(firsts):
        _take_coverage(by_id[pk], link)
    return sorted(by_id.values(), key=lambda row: (row.first_year is None, row.first_year or 0, row.name.casefold()))


def _take_coverage(row, link):
    if link["article__date"] is None:
        return
    found = _article_milestone(link)
    if row.milestones[COVERAGE] is None or found.sort_key < row.milestones[COVERAGE].sort_key:
        row.milestones[COVERAGE] = found


def _mentioning(ids):
    """({incident id: articles naming it}, {incident id: the earliest day of one}), from the per-entity
    aggregates: the counts per month summed, the first day read from the index of its articles by date."""
    first_day = (EntityArticle.objects.filter(entity_id=OuterRef("pk"), date__isnull=False)
                 .order_by("date").values("date")[:1])
    rows = (Entity.objects.filter(pk__in=ids)
            .annotate(count=summary.article_total_annotation(), first=Subquery(first_day))
            .values_list("pk", "count", "first"))
    counts, firsts = {}, {}
    for pk, count, first in rows:
        counts[pk] = count
        if first is not None:
            firsts[pk] = first
    return counts, firsts


def _covering_only(ids):
    """(incident id, article fields) of each article confirmed to cover one of its events without naming it."""
    names_it = Mention.objects.filter(article_id=OuterRef("article_id"), entity_id=OuterRef("event__incident_id"))
    links = (Coverage.objects.filter(event__incident_id__in=ids, confirmed=True).filter(~Exists(names_it))
             .values("event__incident_id", *ARTICLE_FIELDS).distinct())
    return [(link["event__incident_id"], link) for link in links]


def _on_first_day(firsts):
    """(incident id, article fields) of the articles naming each incident on its earliest day: the first
    possible day decides first (Milestone.sort_key), so only that day's articles are compared."""
    if not firsts:
        return []
    on_first_day = Q()
    for pk, day in firsts.items():
        on_first_day |= Q(entity_id=pk, date=day)
    links = EntityArticle.objects.filter(on_first_day).values("entity_id", *ARTICLE_FIELDS)
    return [(link["entity_id"], link) for link in links]


def incident_row(entity):
    """The row of one entity known to be an incident."""
    return incident_rows([entity])[0]


@dataclass
class Median:
    days: float | None  # None when no incident of the decade has both dates
    count: int  # incidents it is computed from
    inferred: int  # of which with an inferred date
    ranged: int  # of which with an imprecise date (a range of days, counted by its middle)


@dataclass
class Decade:
    decade: int
    incidents: int  # all incidents of the decade
    disclosed: int  # those with a disclosure date
    medians: dict  # milestone name -> Median

    @property
    def label(self):
        return gettext("%(decade)ss") % {"decade": self.decade}


def _median(rows, name):
    spans = [span for span in (row.span(name) for row in rows) if span is not None]
    if not spans:
        return Median(days=None, count=0, inferred=0, ranged=0)
    middle = statistics.median((span.low + span.high) / 2 for span in spans)
    return Median(days=middle, count=len(spans), inferred=sum(span.inferred for span in spans),
                  ranged=sum(not span.exact for span in spans))


def decade_medians(rows):
    """Per decade (of each incident's first dated event) the median days from disclosure to each milestone."""
    found = {}
    for row in rows:
        if row.decade is not None:
            found.setdefault(row.decade, []).append(row)
    return [
        Decade(decade=decade, incidents=len(members), disclosed=sum(row.disclosure is not None for row in members),
               medians={name: _median(members, name) for name in AFTER_DISCLOSURE})
        for decade, members in sorted(found.items())
    ]


def decades_filter_choices(rows):
    return sorted({row.decade for row in rows if row.decade is not None})


def kinds_present(rows):
    return sorted({row.kind for row in rows})
