"""JSON views: read the parameters, ask queries.py, page the result, serialise."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from archive import links
from archive.api import openapi, params, queries, serializers
from archive.models import LANGUAGE_CHOICES, Article, Entity, Event
from archive.params import json_answer
from archive.ratelimit import rate_limited
from archive.remembered import query_key, remember
from archive.search import PARAMETERS as SEARCH_PARAMETERS
from archive.search import views as search_views

LANGUAGES = {code for code, _ in LANGUAGE_CHOICES}
PAGING = {"page", "page_size"}


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _error(exc):
    return json_answer(exc, indent=1)


def _not_found(kind, slug):
    return _json({"error": f"no {kind} with slug {slug!r}"}, status=404)


def _page(request, queryset, serialize, keys=None, read=None):
    """One page of `queryset`. With `keys` (its ids in the same order, from an index), the page's ids are
    found first and only their rows read, by `read(ids)` in the same order: an OFFSET deep in a long list
    then skips index entries, not rows, and the rows are found by id, not through the list's filters."""
    paging = params.paging(request.GET)
    paginator = Paginator(queryset if keys is None else keys, paging.page_size)
    # Counted over the whole list: once per state of the archive.
    counted = queryset if keys is None else keys
    paginator.count = remember(("api-count", query_key(counted)), counted.count)
    if paging.page > max(paginator.num_pages, 1):
        raise params.BadParameter(
            "page", f"'page' {paging.page} is past the last page, {paginator.num_pages}", status=404
        )
    page = paginator.page(paging.page)

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return links.absolute(f"{request.path}?{query.urlencode()}", request)

    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": paging.page_size,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [serialize(record, request)
                    for record in (page.object_list if keys is None else read(list(page.object_list)))],
    }


@rate_limited("api")
@require_safe
def article_list(request):
    try:
        params.check_known(request.GET, PAGING | {"source", "language", "entity", "from", "to"})
        start, end = params.date_range(request.GET)
        chosen = {
            "source": params.single(request.GET, "source"),
            "language": params.choice(request.GET, "language", LANGUAGES),
            "entity": params.single(request.GET, "entity"),
            "start": start,
            "end": end,
        }
        found = queries.articles(**chosen)
        narrowed = any(chosen[name] for name in ("source", "language", "start", "end"))
        keys = queries.article_keys(found, entity=chosen["entity"], narrowed=narrowed)
        return _json(_page(request, found, serializers.article_summary, keys=keys, read=queries.articles_by_id))
    except params.BadParameter as exc:
        return _error(exc)


@rate_limited("api")
@require_safe
def article_detail(request, slug):
    try:
        return _json(serializers.article_detail(queries.article(slug), request))
    except Article.DoesNotExist:
        return _not_found("article", slug)


@rate_limited("api")
@require_safe
def entity_list(request):
    try:
        params.check_known(request.GET, PAGING | {"kind"})
        found = queries.entities(kind=params.choice(request.GET, "kind", set(Entity.Kind.values)))
        return _json(_page(request, found, serializers.entity_summary))
    except params.BadParameter as exc:
        return _error(exc)


@rate_limited("api")
@require_safe
def entity_detail(request, slug):
    try:
        entity = queries.entity(slug)
    except Entity.DoesNotExist:
        return _not_found("entity", slug)
    # An entity may be named in tens of thousands of articles: the answer holds the first page of each
    # list, the counts, and the addresses of the paged lists that hold the rest.
    # Sorted and counted over all of them, so worked out once per state of the archive and address.
    return _json(remember(("api-entity", entity.pk, request.build_absolute_uri("/")),
                          lambda: _entity_detail(request, entity)))


def _entity_detail(request, entity):
    size = params.DEFAULT_PAGE_SIZE
    events = queries.events(entity=entity.slug)
    articles_url = links.absolute(f"{reverse('api-articles')}?{urlencode({'entity': entity.slug})}", request)
    events_url = links.absolute(f"{reverse('api-events')}?{urlencode({'entity': entity.slug})}", request)
    return serializers.entity_detail(
        entity, queries.entity_articles(entity, size), events[:size], request,
        event_count=events.count(), articles_url=articles_url, events_url=events_url, page_size=size,
    )


@rate_limited("api")
@require_safe
def event_list(request):
    try:
        params.check_known(request.GET, PAGING | {"kind", "entity", "from", "to"})
        start, end = params.date_range(request.GET)
        found = queries.events(
            kind=params.choice(request.GET, "kind", set(Event.Kind.values)),
            entity=params.single(request.GET, "entity"),
            start=start,
            end=end,
        )
        return _json(_page(request, found, serializers.event_summary))
    except params.BadParameter as exc:
        return _error(exc)


@rate_limited("api")
@require_safe
def event_detail(request, slug):
    try:
        return _json(serializers.event_detail(queries.event(slug), request))
    except Event.DoesNotExist:
        return _not_found("event", slug)


def search(request):
    """/api/search as the search package answers it, after the checks every API list makes."""
    try:
        params.check_known(request.GET, SEARCH_PARAMETERS)
        for name in ("page", "per_page"):
            params.positive_int(request.GET, name, 1)
    except params.BadParameter as exc:
        return _error(exc)
    return search_views.api_search(request)


@require_safe
def openapi_json(request):
    return _json(openapi.description(links.absolute(reverse("api-index"), request)))


@require_safe
def index(request):
    spec = openapi.description(links.absolute(reverse("api-index"), request))
    return render(request, "archive/api.html", {"endpoints": list(openapi.endpoints(spec))})
