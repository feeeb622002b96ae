from django.db.models import Sum
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from archive import citations, csl_styles, links, selectors, structured_data
from archive.incidents.story import incident_story
from archive.models import Article, Entity, EntityMonth, Event
from archive.params import BadParameter, page_answer
from archive.remembered import remember
from archive.timeline import density
from archive.timeline.coverage import coverage_lag
from archive.timeline.onthisday import on_this_day
from archive.timeline.story import entity_story

# Entities shown on the home page: the most named, so the page costs the same at any size of the archive.
HOME_ENTITIES = 60


def _most_named_by_kind(limit=HOME_ENTITIES):
    """{kind label: entities by name} of the `limit` entities named in the most articles (ties: by name).

    Summed from the entities' counts per month (archive.entities.summary): one grouped read of that
    table, far fewer rows than the mentions, and worked out once per state of the archive (archive.remembered).
    """
    return remember(("most-named-by-kind", limit), lambda: _grouped_by_kind(_most_named(limit)))


def _most_named(limit):
    totals = dict(EntityMonth.objects.order_by().values("entity_id").annotate(total=Sum("articles"))
                  .values_list("entity_id", "total"))
    entities = list(Entity.objects.order_by("name"))  # ties by name in the database's collation: a stable sort
    for entity in entities:
        entity.article_count = totals.get(entity.pk, 0)
    return sorted(entities, key=lambda entity: -entity.article_count)[:limit]


def _grouped_by_kind(most):
    grouped = {}
    for entity in sorted(most, key=lambda entity: (entity.kind, entity.name)):
        grouped.setdefault(entity.get_kind_display(), []).append(entity)
    return grouped


def home(request):
    entities = _most_named_by_kind()
    return render(request, "archive/home.html", {
        "articles": selectors.latest_articles(),
        "entities_by_kind": entities,
        "entities_shown": sum(len(group) for group in entities.values()),
        "entities_total": Entity.objects.count(),
        "events": selectors.recent_events(),
        "on_this_day": on_this_day(timezone.localdate()),
    })


def article_detail(request, slug):
    try:
        article = selectors.article_with_relations(slug)
    except Article.DoesNotExist:
        raise Http404("No article with this address.") from None
    previous, following = selectors.source_neighbours(article)
    page_url = links.absolute(article.get_absolute_url(), request)
    return render(request, "archive/article_detail.html", {
        "article": article,
        "page_url": page_url,
        "related": selectors.related_articles(article),
        "previous": previous,
        "next": following,
        "notes": selectors.hindsight_notes(article),
        "citation_styles": citations.styles(article, page_url),
        "suggested_styles": csl_styles.SUGGESTED,
        "highwire_tags": citations.highwire_tags(article, page_url),
        "news_article": citations.news_article(article, page_url),
    })


def entity_detail(request, slug):
    try:
        entity = selectors.entity_with_relations(slug)
    except Entity.DoesNotExist:
        raise Http404("No entity with this address.") from None
    try:
        number = density.page_number(request.GET)
    except BadParameter as error:
        return page_answer(request, error)
    pages = selectors.entity_article_page(entity, number)
    if pages.number > pages.count:
        raise Http404("No such page.")
    return render(request, "archive/entity_detail.html", {
        "entity": entity,
        "articles": pages.items,
        "article_pages": pages.link(request),
        "events": selectors.entity_events(entity),
        "story": entity_story(entity, pages.total),
        "incident": incident_story(entity),
        "structured_data": structured_data.entity(entity, request),
    })


def event_detail(request, slug):
    try:
        event = selectors.event_with_relations(slug)
    except Event.DoesNotExist:
        raise Http404("No event with this address.") from None
    return render(request, "archive/event_detail.html", {
        "event": event, "lag": coverage_lag(event, event.coverage.all()),
        "structured_data": structured_data.event(event, request),
    })
