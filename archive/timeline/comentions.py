"""The entities most often named in the same articles as a given entity."""

from django.db.models import F

from archive.models import Entity
from archive.remembered import remember


def co_mentions(entity, limit=15):
    """Entities sharing articles with `entity`, each with `shared` = the number of such articles, most first.

    Read from the pairs' counts the database keeps (archive.entities.summary): exact, and as cheap for an
    entity named in 20,000 articles as in 20.
    """
    return remember(("co-mentions", entity.pk, limit), lambda: list(
        Entity.objects.filter(paired__entity=entity)
        .annotate(shared=F("paired__articles"))
        .order_by("-shared", "name")[:limit]
    ))
