"""The index follows the database: every change to a searchable record is indexed after commit."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from archive.models import Article, Claim, Entity, EntityAlias, Event, Mention
from archive.search import documents, indexing
from archive.search.documents import Key


def _skip(kwargs):
    return kwargs.get("raw", False)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Event)
@receiver(post_save, sender=Entity)
def record_saved(sender, instance, **kwargs):
    if not _skip(kwargs):
        indexing.index_record(instance)


@receiver(pre_delete, sender=Entity)
def entity_deleting(sender, instance, **kwargs):
    # Its articles and events still name it; after the delete they must not.
    indexing.update_keys(documents.dependent_keys(instance))


@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=Event)
@receiver(post_delete, sender=Entity)
def record_deleted(sender, instance, **kwargs):
    indexing.remove_record(instance)


@receiver(post_save, sender=Mention)
@receiver(post_delete, sender=Mention)
def mention_changed(sender, instance, **kwargs):
    if not _skip(kwargs):
        indexing.update_keys({Key("article", instance.article_id)})


@receiver(post_save, sender=Claim)
@receiver(post_delete, sender=Claim)
def claim_changed(sender, instance, **kwargs):
    if not _skip(kwargs):
        indexing.update_keys({Key("event", instance.event_id)})


@receiver(post_save, sender=EntityAlias)
@receiver(post_delete, sender=EntityAlias)
def alias_changed(sender, instance, **kwargs):
    if _skip(kwargs):
        return
    entity = Entity.objects.filter(pk=instance.entity_id).first()
    indexing.update_keys(documents.dependent_keys(entity) if entity else {Key("entity", instance.entity_id)})


@receiver(m2m_changed, sender=Event.entities.through)
def event_entities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # entity.events.add(...): instance is the entity
        keys = {Key("event", pk) for pk in pk_set or ()} | documents.dependent_keys(instance)
    else:
        keys = {Key("event", instance.pk)}
    indexing.update_keys(keys)


@receiver(m2m_changed, sender=Mention)
def article_entities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        keys = {Key("article", pk) for pk in pk_set or ()} | documents.dependent_keys(instance)
    else:
        keys = {Key("article", instance.pk)}
    indexing.update_keys(keys)
