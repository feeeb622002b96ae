"""Tagging articles with the entities they name: gazetteer matches written as Mentions.

Mentions found by the gazetteer have method "alias"; manual tags are never
removed here, only their count is brought up to date when the name is found.
"""

from django.db import transaction

from archive import search
from archive.entities.gazetteer import Gazetteer
from archive.models import Article, Entity, EntityAlias, Mention

TAGGED_FIELDS = ("title", "kicker", "teaser", "dateline", "byline", "body")


def build_gazetteer():
    """One gazetteer of every entity name and alias, keyed by entity id."""
    names = list(Entity.objects.values_list("id", "name"))
    names += list(EntityAlias.objects.values_list("entity_id", "name"))
    return Gazetteer(names)


def find_entities(gazetteer, fields):
    """{entity id: occurrences} in an article's fields (a mapping or an Article).

    The byline is read too: agencies ("DPA/AP") are named there and nowhere else.
    """
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name)
    return gazetteer.find("\n".join(get(name) or "" for name in TAGGED_FIELDS))


def set_found_mentions(*, article, found, existing=None):
    """Make the article's alias mentions match `found`; returns True if anything changed."""
    if existing is None:
        existing = {m.entity_id: m for m in article.mentions.all()}
    new, recount, stale = [], [], []
    for entity_id, count in found.items():
        mention = existing.get(entity_id)
        if mention is None:
            new.append(Mention(article=article, entity_id=entity_id, method=Mention.Method.ALIAS, count=count))
        elif mention.count != count:
            mention.count = count
            recount.append(mention)
    for entity_id, mention in existing.items():
        if mention.method == Mention.Method.ALIAS and entity_id not in found:
            stale.append(mention.pk)
    if new:
        Mention.objects.bulk_create(new)
    if recount:
        Mention.objects.bulk_update(recount, ["count"])
    if stale:
        Mention.objects.filter(pk__in=stale).delete()
    return bool(new or recount or stale)


def tag_all(*, batch_size=500, progress=None):
    """Re-tag every article from the current entities; returns how many changed."""
    gazetteer = build_gazetteer()
    changed = 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        # One transaction per batch: re-tagging is repeatable, so a batch lost to a
        # crash is simply done again by the next run.
        with transaction.atomic():
            articles = Article.objects.filter(pk__in=chunk).only(*TAGGED_FIELDS).prefetch_related("mentions")
            for article in articles:
                existing = {m.entity_id: m for m in article.mentions.all()}
                if set_found_mentions(article=article, found=find_entities(gazetteer, article), existing=existing):
                    changed += 1
                    # Bulk writes of mentions send no signals; the index must still learn of them.
                    search.update_keys({search.Key("article", article.pk)})
                if progress is not None:
                    progress.advance()
    return changed
