"""A checked content set -> records, in one transaction: created, updated, left alone or (with prune) deleted.

A file says what its record is: fields and the lists it gives (aliases, tags, coverage,
claims, notes) are made to match it. What the archive found by itself (alias-match tags,
suggested coverage) is kept, since no hand-written file lists it.
"""

from dataclasses import dataclass

from django.db import transaction

from archive.models import Article, Claim, Coverage, Entity, EntityAlias, Event, HindsightNote, Mention, Source


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def line(self):
        text = f"created: {self.created}  updated: {self.updated}  unchanged: {self.unchanged}"
        return text + (f"  deleted: {self.deleted}" if self.deleted else "")


def _public(record):
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _upsert(model, slug, values, counts):
    """Create or update one record by slug; returns (object, changed)."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model.objects.create(slug=slug, **values)
        counts.created += 1
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def _tally(counts, created_before, changed, related_changed):
    if counts.created > created_before:
        return
    if changed or related_changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


@transaction.atomic
def apply(content, *, prune=False):
    """Write a validated content set; returns Counts. Call only when content.problems is empty."""
    counts = Counts()
    sources = {}
    for slug, record in content.sources.items():
        before = counts.created
        sources[slug], changed = _upsert(Source, slug, _public(record), counts)
        _tally(counts, before, changed, False)

    entities = {}
    for slug, record in content.entities.items():
        before = counts.created
        entity, changed = _upsert(Entity, slug, _public(record), counts)
        entities[slug] = entity
        wanted = set(record["_aliases"])
        have = set(entity.aliases.values_list("name", "language"))
        if wanted != have:
            entity.aliases.all().delete()
            EntityAlias.objects.bulk_create(EntityAlias(entity=entity, name=n, language=lang) for n, lang in wanted)
        _tally(counts, before, changed, wanted != have)

    def entity(slug):
        if slug not in entities:
            entities[slug] = Entity.objects.get(slug=slug)
        return entities[slug]

    pending_articles = []
    for slug, record in content.articles.items():
        before = counts.created
        values = _public(record)
        source_slug = record["_source"]
        values["source"] = (sources.get(source_slug) or Source.objects.get(slug=source_slug)) if source_slug else None
        article, changed = _upsert(Article, slug, values, counts)
        mentions = [(entity(slug), method, count) for slug, method, count in record["_mentions"]]
        changed = _set_mentions(article, mentions) or changed
        # Notes may point to events, so they are set (and the article tallied) once events exist.
        pending_articles.append((article, record, counts.created > before, changed))

    for slug, record in content.events.items():
        before = counts.created
        values = _public(record)
        values["incident"] = entity(record["_incident"]) if record["_incident"] else None
        event, changed = _upsert(Event, slug, values, counts)
        related = _set_event_links(event, record, entity)
        _tally(counts, before, changed, related)

    for article, record, created, changed in pending_articles:
        if record["_notes"] is not None:
            changed = _set_notes(article, record["_notes"]) or changed
        if not created:
            _tally(counts, counts.created, changed, False)

    if prune:
        for model, kept in (
            (Event, content.events), (Article, content.articles), (Entity, content.entities), (Source, content.sources)
        ):
            stale = model.objects.exclude(slug__in=list(kept))
            if model is Source:
                stale = stale.filter(articles__isnull=True)
            counts.deleted += stale.count()
            for obj in stale:
                obj.delete()
    return counts


def _set_notes(article, wanted):
    """A file that lists notes says what they all are; without the key, notes stay as they are."""
    have = [(n.date, n.text, n.event.slug if n.event else "", n.url, n.author)
            for n in article.hindsight_notes.select_related("event").order_by("date", "id")]
    if have == sorted(wanted, key=lambda note: note[0]):
        return False
    article.hindsight_notes.all().delete()
    for day, text, event_slug, url, author in wanted:
        event = Event.objects.get(slug=event_slug) if event_slug else None
        HindsightNote.objects.create(article=article, date=day, text=text, event=event, url=url, author=author)
    return True


def _set_mentions(article, wanted):
    """Make the tags the file lists match it; manual tags it leaves out go, alias-match tags stay.

    wanted is [(entity, method, count)]. Alias-match tags are found by the
    recogniser, not written by hand, so a hand-written file that does not list
    them must not remove them.
    """
    return _sync_links(
        {m.entity_id: m for m in article.mentions.all()},
        {entity.id: (method, count) for entity, method, count in wanted},
        ("method", "count"), Mention.Method.MANUAL,
        lambda entity_id, method, count: Mention.objects.create(
            article=article, entity_id=entity_id, method=method, count=count),
    )


def _sync_links(existing, wanted, fields, manual, create):
    """Make one record's links (tags, coverage) what its file lists: listed ones created or updated,
    manual ones the file leaves out removed; the others (found by a program) stay. Returns whether
    anything changed."""
    changed = False
    for key, values in wanted.items():
        link = existing.get(key)
        if link is None:
            create(key, *values)
            changed = True
        elif tuple(getattr(link, name) for name in fields) != values:
            for name, value in zip(fields, values, strict=True):
                setattr(link, name, value)
            link.save(update_fields=list(fields))
            changed = True
    for key, link in existing.items():
        if link.method == manual and key not in wanted:
            link.delete()
            changed = True
    return changed


def _set_event_links(event, record, entity):
    changed = False
    wanted_entities = {entity(s).id for s in record["_entities"]}
    if set(event.entities.values_list("id", flat=True)) != wanted_entities:
        event.entities.set(wanted_entities)
        changed = True

    # As with tags: listed links follow the file, manual links left out go, suggestions stay.
    ids = dict(Article.objects.filter(slug__in=[slug for slug, _, _ in record["_coverage"]]).values_list("slug", "id"))
    wanted = {ids[slug]: (method, confirmed) for slug, method, confirmed in record["_coverage"]}
    changed = _sync_links(
        {c.article_id: c for c in event.coverage.all()}, wanted, ("method", "confirmed"), Coverage.Method.MANUAL,
        lambda article_id, method, confirmed: Coverage.objects.create(
            event=event, article_id=article_id, method=method, confirmed=confirmed),
    ) or changed

    have_claims = list(event.claims.values_list("text", "source_name", "url"))
    if have_claims != record["_claims"]:
        event.claims.all().delete()
        Claim.objects.bulk_create(Claim(event=event, text=t, source_name=s, url=u) for t, s, u in record["_claims"])
        changed = True
    return changed
