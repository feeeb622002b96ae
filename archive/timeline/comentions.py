"""The entities most often named in the same articles as a given entity."""

from django.db.models import Count

from archive.models import Entity, Mention
from archive.remembered import remember


def co_mentions(entity, limit=15):
    """Entities sharing articles with `entity`, each with `shared` = the number of such articles, most first."""
    articles = Mention.objects.filter(entity=entity).values("article_id")
    # Counted over every article of the entity: once per state of the archive.
    return remember(("co-mentions", entity.pk, limit), lambda: list(
        Entity.objects.filter(mentions__article_id__in=articles)
        .exclude(pk=entity.pk)
        .annotate(shared=Count("mentions__article_id", distinct=True))
        .order_by("-shared", "name")[:limit]
    ))
