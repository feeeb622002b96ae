from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from archive import selectors
from archive.models import Article, Entity, Event
from archive.timeline.coverage import coverage_lag
from archive.timeline.onthisday import on_this_day
from archive.timeline.views import entity_story


def home(request):
    return render(request, "archive/home.html", {
        "articles": selectors.latest_articles(),
        "entities_by_kind": selectors.entities_by_kind(),
        "events": selectors.recent_events(),
        "on_this_day": on_this_day(timezone.localdate()),
    })


def article_detail(request, slug):
    try:
        article = selectors.article_with_relations(slug)
    except Article.DoesNotExist:
        raise Http404("No article with this address.") from None
    return render(request, "archive/article_detail.html", {"article": article})


def entity_detail(request, slug):
    try:
        entity = selectors.entity_with_relations(slug)
    except Entity.DoesNotExist:
        raise Http404("No entity with this address.") from None
    return render(request, "archive/entity_detail.html", {
        "entity": entity,
        "articles": selectors.entity_articles(entity),
        "events": selectors.entity_events(entity),
        "story": entity_story(entity),
    })


def event_detail(request, slug):
    try:
        event = selectors.event_with_relations(slug)
    except Event.DoesNotExist:
        raise Http404("No event with this address.") from None
    return render(request, "archive/event_detail.html", {
        "event": event, "lag": coverage_lag(event, event.coverage.all()),
    })
