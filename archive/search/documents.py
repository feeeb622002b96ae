"""Records -> search documents: what each record puts into the index, engine-neutral.

A document is a plain dict. Its key ("article:12") names the record; its
fingerprint tells check_index whether the indexed copy is stale.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from itertools import islice

from archive import dates
from archive.models import Article, Entity, Event, Mention

TYPES = ("article", "event", "entity")
MODELS = {"article": Article, "event": Event, "entity": Entity}
TYPE_LABELS = {"article": "Article", "event": "Event", "entity": "Entity"}


@dataclass(frozen=True)
class Key:
    type: str
    pk: int

    def __str__(self):
        return f"{self.type}:{self.pk}"

    @classmethod
    def parse(cls, text):
        kind, _, pk = text.partition(":")
        return cls(kind, int(pk))


def key_for(record):
    for kind, model in MODELS.items():
        if isinstance(record, model):
            return Key(kind, record.pk)
    raise TypeError(f"{type(record).__name__} records are not searchable")


def _entity_names(entities):
    names = []
    for entity in entities:
        names.append(entity.name)
        names.extend(alias.name for alias in entity.aliases.all())
    return names


def _base(kind, record, *, title, text, language, entities, source=None, url=""):
    entities = sorted(entities, key=lambda e: e.slug)
    doc = {
        "key": f"{kind}:{record.pk}",
        "type": kind,
        "slug": record.slug,
        "title": title,
        "text": text,
        "language": language,
        "source": source.slug if source else "",
        "source_name": source.name if source else "",
        "date": record.date.isoformat() if getattr(record, "date", None) else None,
        "date_precision": getattr(record, "date_precision", "") if getattr(record, "date", None) else "",
        # The last day the date may stand for (a month's last day, a range's last possible day), None when
        # undated or an open range: date filters match a record whose days overlap the window (docs/dating.md).
        "date_end": _date_end(record),
        "entities": [entity.slug for entity in entities],
        "names": _entity_names(entities),
        "url": url or record.get_absolute_url(),
    }
    doc["fingerprint"] = fingerprint(doc)
    return doc


def _date_end(record):
    if not getattr(record, "date", None):
        return None
    end = dates.period_end(record.date, record.date_precision, getattr(record, "date_not_after", None))
    return None if end == dt.date.max else end.isoformat()


def fingerprint(doc):
    data = {k: v for k, v in doc.items() if k != "fingerprint"}
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def article_document(article, entities=None):
    """`entities`: the article's tagged entities, aliases prefetched, when the caller read them already."""
    # An article known by reference has no body: its abstract (our own summary) is what can be searched.
    body = article.body if article.body.strip() else article.abstract
    text = "\n\n".join(part for part in (article.kicker, article.teaser, body, article.dateline) if part)
    if entities is None:
        entities = [mention.entity for mention in article.mentions.select_related("entity")]
    return _base(
        "article", article, title=article.title, text=text, language=article.language,
        entities=entities, source=article.source,
    )


def article_documents(articles):
    """Documents of many articles, their entities and aliases read in three queries for all of them.

    Django's prefetch of mentions -> entity -> aliases builds a queryset per article and
    level, which cost more than the rest of the document; the entities repeat a lot anyway.
    """
    tagged = {}
    mentions = Mention.objects.filter(article_id__in=[article.pk for article in articles]).order_by()
    for article_id, entity_id in mentions.values_list("article_id", "entity_id"):
        tagged.setdefault(article_id, []).append(entity_id)
    wanted = {pk for pks in tagged.values() for pk in pks}
    entities = Entity.objects.prefetch_related("aliases").in_bulk(wanted) if wanted else {}
    return [article_document(article, [entities[pk] for pk in tagged.get(article.pk, ()) if pk in entities])
            for article in articles]


def event_document(event):
    entities = {entity.pk: entity for entity in event.entities.all()}
    if event.incident_id:
        entities.setdefault(event.incident_id, event.incident)
    # Not the reference URLs: their words ("code-red", "news") would rank and mark an event for what
    # its sources' addresses say, not what the event is.
    claims = "\n".join(f"{claim.text} ({claim.source_name})" for claim in event.claims.all())
    text = "\n\n".join(part for part in (event.description, claims) if part)
    return _base("event", event, title=event.title, text=text, language="en", entities=entities.values())


def entity_document(entity):
    ids = " ".join(str(value) for value in (entity.external_ids or {}).values())
    text = "\n\n".join(part for part in (entity.description, entity.wikidata, ids) if part)
    return _base("entity", entity, title=entity.name, text=text, language="", entities=[entity])




def querysets():
    """Per type, the records with everything their documents need, in few queries."""
    return {
        # The rendered page (body_html) is not searched: not read. Entities: article_documents.
        "article": Article.objects.select_related("source").defer("body_html").order_by("pk"),
        "event": Event.objects.select_related("incident").prefetch_related(
            "entities__aliases", "incident__aliases", "claims",
        ).order_by("pk"),
        "entity": Entity.objects.prefetch_related("aliases").order_by("pk"),
    }


BUILDERS = {
    "article": article_documents,
    "event": lambda events: [event_document(event) for event in events],
    "entity": lambda entities: [entity_document(entity) for entity in entities],
}


def count_all():
    return sum(qs.count() for qs in querysets().values())


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def all_documents(chunk_size=1000):
    """Every searchable record's document, streamed: articles, events, entities, each by primary key."""
    return documents_between(None, None, chunk_size=chunk_size)


def order():
    """(type number, pk) of every searchable record, in the order all_documents() gives them."""
    return [(number, pk) for number, queryset in enumerate(querysets().values())
            for pk in queryset.values_list("pk", flat=True)]


def sample(count):
    """Up to `count` documents spread evenly over all_documents()'s order."""
    keys = order()
    step = max(1, len(keys) / count) if keys else 1
    kinds = list(querysets())
    chosen = [Key(kinds[number], pk) for number, pk in (keys[int(i * step)] for i in range(min(count, len(keys))))]
    return [doc for doc in documents_for(chosen).values() if doc is not None]


def documents_between(low, high, chunk_size=1000):
    """The documents of all_documents() from `low` up to but without `high`, (type number, pk) or None for no bound.

    Contiguous parts of the whole, for writing one part per process (whoosh/parallel.py).
    """
    for number, (kind, queryset) in enumerate(querysets().items()):
        if (low and low[0] > number) or (high and high[0] < number):
            continue
        if low and low[0] == number:
            queryset = queryset.filter(pk__gte=low[1])
        if high and high[0] == number:
            queryset = queryset.filter(pk__lt=high[1])
        for chunk in _chunks(queryset.iterator(chunk_size=chunk_size), chunk_size):
            yield from BUILDERS[kind](chunk)


def documents_for(keys):
    """Documents for the given keys; a key whose record is gone maps to None (remove it)."""
    by_type = {}
    for key in keys:
        by_type.setdefault(key.type, set()).add(key.pk)
    found = {}
    sets = querysets()
    for kind, pks in by_type.items():
        for doc in BUILDERS[kind](list(sets[kind].filter(pk__in=pks))):
            found[Key.parse(doc["key"])] = doc
    return {key: found.get(key) for key in keys}


def all_fingerprints():
    return {doc["key"]: doc["fingerprint"] for doc in all_documents()}


def dependent_keys(record):
    """Keys of every document that shows something of `record` (an entity's name is in its articles)."""
    keys = set()
    if isinstance(record, Entity) and record.pk:
        keys.add(Key("entity", record.pk))
        articles = Mention.objects.filter(entity=record).values_list("article_id", flat=True)
        keys.update(Key("article", pk) for pk in articles)
        events = Event.objects.filter(entities=record).values_list("pk", flat=True)
        keys.update(Key("event", pk) for pk in events)
        keys.update(Key("event", pk) for pk in Event.objects.filter(incident=record).values_list("pk", flat=True))
    elif isinstance(record, Article | Event) and record.pk:
        keys.add(key_for(record))
    return keys
