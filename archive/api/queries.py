"""The API's read queries: filtered, ordered querysets, one per kind of record."""

from django.db.models import Prefetch, Q

from archive import dates
from archive.entities import summary
from archive.models import Article, Coverage, Entity, EntityArticle, Event, HindsightNote, Mention, Source
from archive.params import BadParameter

_MENTIONS = Prefetch("mentions", queryset=Mention.objects.select_related("entity").order_by("entity__name"))


def _existing(model, parameter, slug):
    if slug and not model.objects.filter(slug=slug).exists():
        raise BadParameter(parameter, f"no {model._meta.verbose_name} with slug {slug!r}", status=404)
    return slug


def articles(*, source="", language="", entity="", start=None, end=None):
    found = Article.objects.select_related("source").prefetch_related(_MENTIONS)
    if _existing(Source, "source", source):
        found = found.filter(source__slug=source)
    if language:
        found = found.filter(language=language)
    if _existing(Entity, "entity", entity):
        found = found.filter(mentions__entity__slug=entity)
    return _overlapping(found, start, end).order_by("date", "title", "id")


def article_keys(found, *, entity="", narrowed=False):
    """The ids of `found` (from articles()) in the same order, from an index alone where one holds the order:
    a page deep in the list skips ids, not whole rows with their texts (archive.api.views reads the page's
    rows after). An entity's articles, not `narrowed` by another filter, come from the index of its mentions
    with their articles' keys (archive/entities/summary.py)."""
    if entity and not narrowed:
        return _entity_keys(entity__slug=entity)
    return found.prefetch_related(None).select_related(None).values_list("id", flat=True)


def articles_by_id(ids):
    """The articles of `ids` in the list's order."""
    return articles().filter(pk__in=ids)


def _overlapping(found, start, end):
    """Records whose days overlap start to end, as date filters do everywhere (docs/dating.md): a month or
    year from its first day to its last, a range to its last possible day (an open one without end)."""
    if end:
        found = found.filter(date__lte=end)
    if start:
        found = found.filter(
            Q(date__gte=start)
            | Q(date_precision=dates.MONTH, date__gte=dates.truncate(start, dates.MONTH))
            | Q(date_precision=dates.YEAR, date__gte=dates.truncate(start, dates.YEAR))
            | Q(date_precision=dates.RANGE, date_not_after__gte=start)
            | Q(date_precision=dates.RANGE, date_not_after__isnull=True, date__isnull=False)
        )
    return found


def article(slug):
    return (
        Article.objects.select_related("source")
        .prefetch_related(
            _MENTIONS,
            Prefetch("coverage", queryset=Coverage.objects.select_related("event").order_by("event__date")),
            Prefetch("hindsight_notes", queryset=HindsightNote.objects.select_related("event")),
        )
        .get(slug=slug)
    )


def entities(*, kind=""):
    found = Entity.objects.prefetch_related("aliases").annotate(article_count=summary.article_total_annotation())
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("name", "id")


def entity(slug):
    return (Entity.objects.prefetch_related("aliases").annotate(article_count=summary.article_total_annotation())
            .get(slug=slug))


def entity_articles(entity, size):
    """The first `size` of the entity's articles in the list's order (date, title, id), chosen from the index
    of its mentions with their articles' keys: a page read, not a sort of all of them."""
    return articles().filter(pk__in=list(_entity_keys(entity=entity)[:size]))


def _entity_keys(**entity):
    """The ids of an entity's articles in the list's order (date, title, id), from the index of its mentions
    with their articles' keys."""
    return (EntityArticle.objects.filter(**entity).order_by("date", "title", "article_id")
            .values_list("article_id", flat=True))


def entity_events(entity):
    return Event.objects.filter(Q(entities=entity) | Q(incident=entity)).distinct().order_by("date", "title")


def events(*, kind="", entity="", start=None, end=None):
    found = Event.objects.select_related("incident").prefetch_related("entities")
    if kind:
        found = found.filter(kind=kind)
    if _existing(Entity, "entity", entity):
        found = found.filter(Q(entities__slug=entity) | Q(incident__slug=entity)).distinct()
    return _overlapping(found, start, end).order_by("date", "title", "id")


def event(slug):
    coverage = Coverage.objects.select_related("article__source").prefetch_related(
        Prefetch("article__mentions", queryset=Mention.objects.select_related("entity").order_by("entity__name"))
    )
    return (
        Event.objects.select_related("incident")
        .prefetch_related("entities", "claims", Prefetch("coverage", queryset=coverage.order_by("article__date")))
        .get(slug=slug)
    )
