"""Lists come out in the same order on SQLite and PostgreSQL, undated records last."""

import datetime as dt

from archive import selectors
from archive.models import Article, Coverage, Entity, Event, Mention


def article(slug, date):
    return Article.objects.create(slug=slug, title=slug.capitalize(), body="Text.", language="en", date=date)


def event(slug, date):
    return Event.objects.create(slug=slug, title=slug.capitalize(), kind=Event.Kind.OTHER, date=date)


def slugs(records):
    return [record.slug for record in records]


def test_it_lists_the_newest_articles_first_and_undated_ones_last(db):
    article("undated", None)
    article("older", dt.date(2001, 7, 19))
    article("newer", dt.date(2001, 8, 10))
    assert slugs(selectors.latest_articles()) == ["newer", "older", "undated"]


def test_it_lists_the_newest_events_first_and_undated_ones_last(db):
    event("undated", None)
    event("older", dt.date(2001, 7, 19))
    event("newer", dt.date(2001, 8, 10))
    assert slugs(selectors.recent_events()) == ["newer", "older", "undated"]


def test_an_entity_lists_its_articles_and_events_oldest_first_and_undated_last(db):
    worm = Entity.objects.create(slug="worm", name="Worm", kind=Entity.Kind.MALWARE)
    for slug, date in [("undated", None), ("newer", dt.date(2001, 8, 10)), ("older", dt.date(2001, 7, 19))]:
        Mention.objects.create(article=article(slug, date), entity=worm)
        event(slug, date).entities.add(worm)
    assert slugs(selectors.entity_articles(worm)) == ["older", "newer", "undated"]
    assert slugs(selectors.entity_events(worm)) == ["older", "newer", "undated"]


def test_an_event_lists_its_coverage_oldest_first_and_undated_last(db):
    outbreak = event("outbreak", dt.date(2001, 7, 19))
    for slug, date in [("undated", None), ("newer", dt.date(2001, 8, 10)), ("older", dt.date(2001, 7, 20))]:
        Coverage.objects.create(event=outbreak, article=article(slug, date))
    links = selectors.event_with_relations("outbreak").coverage.all()
    assert [link.article.slug for link in links] == ["older", "newer", "undated"]

