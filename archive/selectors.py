"""Read queries used by the pages; views stay thin and these stay testable."""

from django.db.models import Count, F, Prefetch, Q

from archive.models import Article, Coverage, Entity, Event, HindsightNote, Mention


def latest_articles(limit=10):
    return Article.objects.select_related("source").order_by("-date", "title")[:limit]


def entities_by_kind():
    grouped = {}
    for entity in Entity.objects.annotate(article_count=Count("mentions")).order_by("kind", "name"):
        grouped.setdefault(entity.get_kind_display(), []).append(entity)
    return grouped


def recent_events(limit=10):
    return Event.objects.select_related("incident").order_by("-date", "title")[:limit]


def article_with_relations(slug):
    return (
        Article.objects.select_related("source")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("entity").order_by("entity__name")),
            Prefetch("coverage", queryset=Coverage.objects.select_related("event").order_by("event__date")),
        )
        .get(slug=slug)
    )


def entity_with_relations(slug):
    return Entity.objects.prefetch_related("aliases").get(slug=slug)


def entity_articles(entity):
    return Article.objects.filter(mentions__entity=entity).select_related("source").order_by("date", "title")


def entity_events(entity):
    return (Event.objects.filter(entities=entity) | Event.objects.filter(incident=entity)).distinct().order_by("date")


def event_with_relations(slug):
    return (
        Event.objects.select_related("incident")
        .prefetch_related(
            "entities",
            "claims",
            Prefetch("coverage", queryset=Coverage.objects.select_related("article__source").order_by("article__date")),
        )
        .get(slug=slug)
    )


def related_articles(article, limit=5):
    """Other articles naming the same entities, those sharing the most first."""
    entity_ids = [mention.entity_id for mention in article.mentions.all()]
    return (
        Article.objects.filter(mentions__entity_id__in=entity_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("mentions", distinct=True))
        .select_related("source")
        .order_by("-shared", F("date").desc(nulls_last=True), "title")[:limit]
    )


def source_neighbours(article):
    """The articles of the same source just before and just after this one, by date then title."""
    if article.source_id is None or article.date is None:
        return None, None
    same_source = Article.objects.filter(source_id=article.source_id, date__isnull=False).exclude(pk=article.pk)
    earlier = Q(date__lt=article.date) | Q(date=article.date, title__lt=article.title)
    later = Q(date__gt=article.date) | Q(date=article.date, title__gt=article.title)
    previous = same_source.filter(earlier).order_by("-date", "-title").first()
    following = same_source.filter(later).order_by("date", "title").first()
    return previous, following


def hindsight_notes(article):
    return HindsightNote.objects.filter(article=article).select_related("event").order_by("date", "id")
