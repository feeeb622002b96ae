"""A page costs the same number of SQL queries whether it lists one related record or fifty."""

import datetime as dt

import pytest

from archive.glossary import lookup
from archive.models import (
    Article,
    Claim,
    Coverage,
    Entity,
    EntityAlias,
    Event,
    HindsightNote,
    Mention,
    Source,
)

# Generous ceilings: the real check is that the count does not grow with the data.
# (The page of an incident reads its milestones, claims, coverage and hindsight notes too.)
BUDGET = 24


def make_articles(n, source, prefix):
    return Article.objects.bulk_create(
        Article(
            slug=f"{prefix}-{i}", title=f"Article {i}", body="Text.", language="en", source=source,
            date=dt.date(2001, 1, 1) + dt.timedelta(days=i),
        )
        for i in range(n)
    )


def make_entities(n, prefix):
    return Entity.objects.bulk_create(
        Entity(slug=f"{prefix}-{i}", name=f"Entity {i}", kind=Entity.Kind.ORGANIZATION) for i in range(n)
    )


def make_events(n, prefix):
    return Event.objects.bulk_create(
        Event(slug=f"{prefix}-{i}", title=f"Event {i}", kind=Event.Kind.OTHER, date=dt.date(2001, 7, 1 + i % 28))
        for i in range(n)
    )


def article_page(n):
    """An article naming n entities and covering n events."""
    source = Source.objects.create(slug=f"wire-{n}", name="Wire")
    article = Article.objects.create(slug=f"subject-{n}", title="Subject", body="Text.", language="en", source=source)
    Mention.objects.bulk_create(Mention(article=article, entity=entity) for entity in make_entities(n, f"e{n}"))
    Coverage.objects.bulk_create(Coverage(article=article, event=event) for event in make_events(n, f"v{n}"))
    return article.get_absolute_url()


def entity_page(n):
    """An entity with n aliases, named in n articles, part of n events and the incident of n more."""
    source = Source.objects.create(slug=f"wire-{n}", name="Wire")
    entity = Entity.objects.create(slug=f"subject-{n}", name="Subject", kind=Entity.Kind.MALWARE)
    EntityAlias.objects.bulk_create(EntityAlias(entity=entity, name=f"Alias {i}") for i in range(n))
    Mention.objects.bulk_create(Mention(article=a, entity=entity) for a in make_articles(n, source, f"a{n}"))
    entity.events.add(*make_events(n, f"v{n}"))
    Event.objects.filter(pk__in=[e.pk for e in make_events(n, f"i{n}")]).update(incident=entity)
    return entity.get_absolute_url()


def event_page(n):
    """An event with n entities, n claims and n covering articles from n sources."""
    incident = Entity.objects.create(slug=f"incident-{n}", name="Incident", kind=Entity.Kind.MALWARE)
    event = Event.objects.create(
        slug=f"subject-{n}", title="Subject", kind=Event.Kind.OUTBREAK, date=dt.date(2001, 7, 19), incident=incident,
        references=["CVE-2001-0500", "https://example.org/advisory"],
    )
    event.entities.add(*make_entities(n, f"e{n}"))
    Claim.objects.bulk_create(Claim(event=event, text=f"{i} hosts", source_name=f"Counter {i}") for i in range(n))
    sources = Source.objects.bulk_create(Source(slug=f"source-{n}-{i}", name=f"Source {i}") for i in range(n))
    articles = [make_articles(1, source, prefix=f"from-{source.slug}")[0] for source in sources]
    Coverage.objects.bulk_create(Coverage(event=event, article=article) for article in articles)
    return event.get_absolute_url()


def incidents_page(n):
    """n incidents, each with a disclosure, a patch, an outbreak and a covering article that names it."""
    source = Source.objects.get_or_create(slug="wire", name="Wire")[0]
    for i in range(n):
        incident = Entity.objects.create(slug=f"inc-{n}-{i}", name=f"Incident {i}", kind=Entity.Kind.MALWARE)
        article = make_articles(1, source, f"ia{n}-{i}")[0]
        Mention.objects.create(article=article, entity=incident)
        for kind in (Event.Kind.DISCLOSURE, Event.Kind.PATCH, Event.Kind.OUTBREAK):
            event = Event.objects.create(slug=f"ie{n}-{i}-{kind}", title=f"{kind} {i}", kind=kind,
                                         date=dt.date(2001 + i % 20, 7, 1), incident=incident)
            Coverage.objects.create(event=event, article=article)
    return "/incidents/"


def incident_page(n):
    """An incident with n events of each milestone kind, each with a claim, covered by n articles with notes."""
    source = Source.objects.create(slug=f"wire-{n}", name="Wire")
    incident = Entity.objects.create(slug=f"incident-{n}", name="Incident", kind=Entity.Kind.INCIDENT)
    articles = make_articles(n, source, f"a{n}")
    Mention.objects.bulk_create(Mention(article=a, entity=incident) for a in articles)
    for i, article in enumerate(articles):
        for kind in (Event.Kind.DISCLOSURE, Event.Kind.PATCH, Event.Kind.ATTACK):
            event = Event.objects.create(slug=f"v{n}-{i}-{kind}", title=f"{kind} {i}", kind=kind,
                                         date=dt.date(2001, 7, 1 + i % 28), incident=incident)
            Claim.objects.create(event=event, text=f"{i} hosts", source_name="Counter")
            Coverage.objects.create(event=event, article=article)
        HindsightNote.objects.create(article=article, date=dt.date(2020, 1, 1), text=f"Note {i}.")
    return incident.get_absolute_url()


def home_page(n):
    """n articles, entities and events, each article naming an entity."""
    source = Source.objects.create(slug=f"wire-{n}", name="Wire")
    articles, entities = make_articles(n, source, f"a{n}"), make_entities(n, f"e{n}")
    Mention.objects.bulk_create(Mention(article=a, entity=e) for a, e in zip(articles, entities, strict=True))
    make_events(n, f"v{n}")
    return "/"


def queries_for(client, django_assert_max_num_queries, build, n):
    url = build(n)
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = [article_page, entity_page, event_page, home_page, incidents_page, incident_page]


@pytest.mark.parametrize("build", PAGES, ids=lambda b: b.__name__)
def test_it_does_not_grow_the_query_count_with_related_records(client, db, django_assert_max_num_queries, build):
    lookup.current()  # a process reads the vocabularies once (the article page's related articles use them)
    one = queries_for(client, django_assert_max_num_queries, build, 1)
    fifty = queries_for(client, django_assert_max_num_queries, build, 50)
    assert fifty == one
