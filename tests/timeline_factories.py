"""Small record builders for the timeline tests: dates are given as "2001", "2001-08" or "2001-08-10"."""

import datetime as dt

from archive import dates
from archive.models import Article, Coverage, Entity, Event, Mention, Source


def source(slug="taz", language="de"):
    return Source.objects.get_or_create(slug=slug, defaults={"name": slug.upper(), "language": language})[0]


def entity(slug, kind="malware", **fields):
    return Entity.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title(), "kind": kind,
                                                             **fields})[0]


def _date(value):
    if value is None:
        return {"date": None}
    partial = dates.PartialDate.parse(value)
    return {"date": partial.date, "date_precision": partial.precision}


def event(slug, date, kind="outbreak", entities=(), incident=None, inferred=False, reason=""):
    record = Event.objects.create(slug=slug, title=slug.replace("-", " ").capitalize(), kind=kind,
                                  incident=incident, date_inferred=inferred, date_reason=reason, **_date(date))
    record.entities.set(entities)
    return record


def article(slug, date, entities=(), source_=None, language="de", inferred=False, reason=""):
    record = Article.objects.create(slug=slug, title=slug.replace("-", " ").capitalize(), body="Text.",
                                    language=language, source=source_, date_inferred=inferred, date_reason=reason,
                                    **_date(date))
    for tagged in entities:
        Mention.objects.create(article=record, entity=tagged)
    return record


def cover(event_, article_, method=Coverage.Method.MANUAL, confirmed=True):
    return Coverage.objects.create(event=event_, article=article_, method=method, confirmed=confirmed)


def many(count, start=dt.date(2001, 1, 1), step_days=1, articles_every=2):
    """`count` items, one a `step_days` apart, every `articles_every`-th an article; bulk-created."""
    events, articles = [], []
    for index in range(count):
        day = start + dt.timedelta(days=index * step_days)
        if index % articles_every == 0:
            articles.append(Article(slug=f"a-{index}", title=f"Article {index}", body="x", language="en", date=day))
        else:
            events.append(Event(slug=f"e-{index}", title=f"Event {index}", kind="outbreak", date=day))
    Article.objects.bulk_create(articles)
    Event.objects.bulk_create(events)
    return len(events), len(articles)
