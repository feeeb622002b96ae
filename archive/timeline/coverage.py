"""Which articles covered which events: suggestions from shared entities, lags, exposure windows.

Lags respect precision: between two day dates the lag is exact; when either
date is only known to its month or year the lag is the range of days it could
be, and the text says so.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from archive import dates
from archive.models import Coverage, Event, Mention

DEFAULT_WINDOW_DAYS = 30
DEFAULT_MIN_SHARED = 2

# The event named in a lag sentence. Languages with cases need two forms: after "after",
# "before" or "of" (German dative: "nach dem Ausbruch") and after "the same day as"
# (German nominative: "am selben Tag wie der Ausbruch").
KIND_NOUNS = {
    Event.Kind.DISCLOSURE: pgettext_lazy("lag: after/before the event", "the disclosure"),
    Event.Kind.ADVISORY: pgettext_lazy("lag: after/before the event", "the advisory"),
    Event.Kind.PATCH: pgettext_lazy("lag: after/before the event", "the patch"),
    Event.Kind.OUTBREAK: pgettext_lazy("lag: after/before the event", "the outbreak"),
    Event.Kind.PEAK: pgettext_lazy("lag: after/before the event", "the peak"),
    Event.Kind.ATTACK: pgettext_lazy("lag: after/before the event", "the attack"),
    Event.Kind.ARREST: pgettext_lazy("lag: after/before the event", "the arrest"),
    Event.Kind.STATEMENT: pgettext_lazy("lag: after/before the event", "the statement"),
    None: pgettext_lazy("lag: after/before the event", "the event"),
}
KIND_SUBJECTS = {
    Event.Kind.DISCLOSURE: pgettext_lazy("lag: the same day as the event", "the disclosure"),
    Event.Kind.ADVISORY: pgettext_lazy("lag: the same day as the event", "the advisory"),
    Event.Kind.PATCH: pgettext_lazy("lag: the same day as the event", "the patch"),
    Event.Kind.OUTBREAK: pgettext_lazy("lag: the same day as the event", "the outbreak"),
    Event.Kind.PEAK: pgettext_lazy("lag: the same day as the event", "the peak"),
    Event.Kind.ATTACK: pgettext_lazy("lag: the same day as the event", "the attack"),
    Event.Kind.ARREST: pgettext_lazy("lag: the same day as the event", "the arrest"),
    Event.Kind.STATEMENT: pgettext_lazy("lag: the same day as the event", "the statement"),
    None: pgettext_lazy("lag: the same day as the event", "the event"),
}


@dataclass
class Suggestions:
    created: int
    existing: int


def suggest_coverage(*, window_days=DEFAULT_WINDOW_DAYS, min_shared=DEFAULT_MIN_SHARED, events=None, progress=None):
    """Link each dated event to articles published within `window_days` after it that share entities with it.

    New links are method=suggested, confirmed=False, for an editor to confirm in
    the admin. Existing links (manual or suggested) are left as they are, so a
    second run creates nothing. `progress(done, total)` is called after each event.
    """
    events = Event.objects.filter(date__isnull=False) if events is None else events
    total = events.count()
    created = existing = 0
    with transaction.atomic():
        for done, event in enumerate(events.prefetch_related("entities"), start=1):
            if progress:
                progress(done, total)
            entity_ids = {entity.pk for entity in event.entities.all()}
            if event.incident_id:
                entity_ids.add(event.incident_id)
            if len(entity_ids) < min_shared:
                continue
            for article_id in _candidates(event, entity_ids, window_days, min_shared):
                _, made = Coverage.objects.get_or_create(
                    event=event, article_id=article_id,
                    defaults={"method": Coverage.Method.SUGGESTED, "confirmed": False},
                )
                created += made
                existing += not made
    return Suggestions(created=created, existing=existing)


def _candidates(event, entity_ids, window_days, min_shared):
    """Articles whose period overlaps [event start, event end + window] sharing enough entities."""
    last = dates.period_end(event.date, event.date_precision) + dt.timedelta(days=window_days)
    start = event.date
    in_window = Q(article__date__lte=last) & (
        Q(article__date_precision=dates.DAY, article__date__gte=start)
        | Q(article__date_precision=dates.MONTH, article__date__gte=dates.truncate(start, dates.MONTH))
        | Q(article__date_precision=dates.YEAR, article__date__gte=dates.truncate(start, dates.YEAR))
        | Q(article__date_precision=dates.RANGE, article__date_not_after__gte=start)
        | Q(article__date_precision=dates.RANGE, article__date_not_after__isnull=True)
    )
    return (
        Mention.objects.filter(in_window, entity_id__in=entity_ids)
        .values("article_id")
        .annotate(shared=Count("entity_id", distinct=True))
        .filter(shared__gte=min_shared)
        .order_by("article_id")
        .values_list("article_id", flat=True)
    )


@dataclass
class Span:
    """Days between two partial dates: exact when both are days, otherwise the possible range."""

    low: int
    high: int
    inferred: bool = False

    @classmethod
    def between(cls, start, start_precision, end, end_precision, inferred=False, start_not_after=None,
                end_not_after=None):
        """The span, or None when a date is an open range: its lag has no upper bound to show."""
        last_start = dates.period_end(start, start_precision, start_not_after)
        last_end = dates.period_end(end, end_precision, end_not_after)
        if dt.date.max in (last_start, last_end):
            return None
        low = (end - last_start).days
        high = (last_end - start).days
        if start_precision == dates.DAY and end_precision == dates.DAY:
            low = high = (end - start).days
        return cls(low=low, high=high, inferred=inferred)

    @property
    def exact(self):
        return self.low == self.high

    def days_text(self):
        if self.exact:
            return _days(self.low)
        if self.low >= 0:
            return gettext("%(low)s–%(high)s days") % {"low": self.low, "high": self.high}
        if self.high <= 0:
            return gettext("%(low)s–%(high)s days") % {"low": -self.high, "high": -self.low}
        return gettext("at most %(days)s days") % {"days": max(-self.low, self.high)}

    def __str__(self):
        text = self.days_text()
        return gettext("%(days)s (a date is inferred)") % {"days": text} if self.inferred else text


def _days(n):
    n = abs(n)
    return ngettext("%(days)s day", "%(days)s days", n) % {"days": n}


@dataclass
class Lag:
    event: Event
    article: object
    span: Span
    suggested: bool

    @property
    def text(self):
        kind = self.event.kind if self.event.kind in KIND_NOUNS else None
        noun = KIND_NOUNS[kind]
        span = self.span
        if span.exact and span.low == 0:
            text = gettext("reported the same day as %(event)s") % {"event": KIND_SUBJECTS[kind]}
        elif span.high <= 0:
            text = gettext("reported %(days)s before %(event)s") % {"days": span.days_text(), "event": noun}
        elif span.low < 0:
            within = max(-span.low, span.high)
            text = ngettext("reported within %(days)s day of %(event)s (imprecise dates)",
                            "reported within %(days)s days of %(event)s (imprecise dates)",
                            within) % {"days": within, "event": noun}
        else:
            text = gettext("reported %(days)s after %(event)s") % {"days": span.days_text(), "event": noun}
        if span.inferred:
            text += " " + gettext("(the article's date is inferred)")
        if self.suggested:
            text += " " + gettext("(coverage suggested, not yet confirmed)")
        return text


def coverage_lag(event, links=None):
    """The lag to the first dated article covering the event; confirmed links win over suggestions."""
    if event.date is None:
        return None
    links = list(event.coverage.select_related("article") if links is None else links)
    dated = [link for link in links if link.article.date is not None]
    if not dated:
        return None
    confirmed = [link for link in dated if link.confirmed]
    first = min(confirmed or dated, key=lambda link: (link.article.date, link.article.title))
    article = first.article
    span = Span.between(event.date, event.date_precision, article.date, article.date_precision, article.date_inferred)
    return Lag(event=event, article=article, span=span, suggested=not first.confirmed)


def attach_lags(items):
    """Set `lag` on each event item from one query over their coverage; for lists of bounded length."""
    by_event = {}
    events = {item.record.pk: item for item in items if item.is_event}
    links = Coverage.objects.filter(event_id__in=list(events)).select_related("article")
    for link in links:
        by_event.setdefault(link.event_id, []).append(link)
    for pk, item in events.items():
        item.lag = coverage_lag(item.record, by_event.get(pk, []))
    return items


WINDOW_STEPS = [
    ("disclosure", "advisory", gettext_lazy("Disclosure to advisory")),
    ("advisory", "patch", gettext_lazy("Advisory to patch")),
    ("patch", "outbreak", gettext_lazy("Patch to outbreak")),
    ("outbreak", "coverage", gettext_lazy("Outbreak to first coverage")),
]


@dataclass
class Window:
    label: str
    start: object  # Event or None
    end: object  # Event, Article or None
    span: Span | None


def exposure_windows(incident):
    """Days from disclosure to advisory, advisory to patch, patch to outbreak and outbreak to first coverage.

    Each step uses the earliest dated event of its kind in the incident; the
    first coverage is the earliest confirmed article covering any of its events.
    Returns an empty list when the incident has no dated events.
    """
    events = list(Event.objects.filter(incident=incident, date__isnull=False).order_by("date", "title"))
    if not events:
        return []
    first = {}
    for event in events:
        first.setdefault(event.kind, event)
    coverage = (
        Coverage.objects.filter(event__incident=incident, confirmed=True, article__date__isnull=False)
        .select_related("article").order_by("article__date", "article__title").first()
    )
    first["coverage"] = coverage.article if coverage else None
    windows = []
    for start_key, end_key, label in WINDOW_STEPS:
        start, end = first.get(start_key), first.get(end_key)
        span = None
        if start and end:
            inferred = start.date_inferred or end.date_inferred
            span = Span.between(start.date, start.date_precision, end.date, end.date_precision, inferred,
                                start.date_not_after, end.date_not_after)
        windows.append(Window(label=str(label), start=start, end=end, span=span))
    return windows
