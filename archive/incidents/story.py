"""What the page of an incident adds: its key figures, the claims of its sources, coverage lags, hindsight."""

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q

from archive.incidents.milestones import AFTER_DISCLOSURE, MILESTONES, incident_row
from archive.incidents.summary import MILESTONE_LABELS, span_from_disclosure
from archive.models import Coverage, Event, HindsightNote
from archive.timeline.coverage import coverage_lag


@dataclass
class Figure:
    name: str
    label: str
    milestone: object  # Milestone or None
    relative: str  # "12 days after" the disclosure, or ""


@dataclass
class IncidentStory:
    row: object
    figures: list
    events: list  # its events in order, each with .claim_list and .lag
    notes: list

    @property
    def claims(self):
        return [(event, claim) for event in self.events for claim in event.claim_list]

    @property
    def lags(self):
        return [event for event in self.events if event.lag is not None]


def incident_story(entity):
    """The story of an incident, or None when no event names the entity as its incident. A fixed number of queries."""
    events = list(
        Event.objects.filter(incident=entity).order_by(F("date").asc(nulls_last=True), "title")
        .prefetch_related("claims", Prefetch("coverage", queryset=Coverage.objects.select_related("article__source")))
    )
    if not events:
        return None
    for event in events:
        event.claim_list = list(event.claims.all())
        event.lag = coverage_lag(event, event.coverage.all())
    row = incident_row(entity)
    figures = []
    for name in MILESTONES:
        span = row.span(name) if name in AFTER_DISCLOSURE else None
        figures.append(Figure(name=name, label=str(MILESTONE_LABELS[name]), milestone=row.milestones[name],
                              relative=span_from_disclosure(span) if span else ""))
    notes = list(
        HindsightNote.objects.filter(
            Q(event__incident=entity) | Q(article__coverage__event__incident=entity)
            | Q(article__mentions__entity=entity)
        ).distinct().select_related("article", "event").order_by("date", "id")
    )
    return IncidentStory(row=row, figures=figures, events=events, notes=notes)
