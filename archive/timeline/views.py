"""Timeline pages, period pages and exports; the work is done in the timeline package's plain functions."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive.models import Entity, Source
from archive.selectors import external_links
from archive.timeline import exports, periods
from archive.timeline.comentions import co_mentions
from archive.timeline.coverage import attach_lags, exposure_windows
from archive.timeline.filters import KINDS, BadParameter, Filters, build, parse
from archive.timeline.items import grouped
from archive.timeline.labels import entity_kind, event_kind
from archive.timeline.svg import coverage_svg, timeline_svg

LIST_LIMIT = 500

EXPORTS = {
    "timelinejs.json": "application/json",
    "json": "application/json",
    "csv": "text/csv",
    "ics": "text/calendar",
    "svg": "image/svg+xml",
}


def bad_request(request, error):
    return render(request, "timeline/bad_request.html", {"error": error}, status=400)


def _timeline(request, slug):
    entity = get_object_or_404(Entity, slug=slug) if slug else None
    try:
        filters = parse(request.GET, entity=entity)
    except Entity.DoesNotExist:
        raise Http404("No entity with this slug.") from None
    return _title(filters.entity), build(filters)


def _title(entity):
    return gettext("Timeline of %(name)s") % {"name": entity.name} if entity else gettext("Timeline")


def timeline_page(request, slug=None):
    try:
        title, timeline = _timeline(request, slug)
    except BadParameter as error:
        return bad_request(request, error)
    entity = timeline.filters.entity
    dense = len(timeline.items) > LIST_LIMIT
    if not dense:
        attach_lags(timeline.items)
    # The drawings are built by ElementTree, which escapes every text and attribute.
    return render(request, "timeline/timeline.html", {
        "title": title,
        "entity": entity,
        "pinned": slug is not None,
        "timeline": timeline,
        "years": None if dense else grouped(timeline.items),
        "month_counts": periods.counts_by_month(timeline.items) if dense else None,
        "svg": mark_safe(timeline_svg(timeline.items, title=title, undated=timeline.undated_count)),
        "coverage_svg": mark_safe(coverage_svg(timeline.items, title=gettext("Coverage: %(title)s") % {
            "title": title})) if entity else None,
        "windows": exposure_windows(entity) if entity else [],
        "co_mentions": co_mentions(entity, limit=10) if entity else [],
        "choices": {
            "entities": Entity.objects.only("slug", "name").order_by("name"),
            "sources": Source.objects.only("slug", "name"),
            "kinds": [(kind, event_kind(kind)) for kind in KINDS],
        },
        "query": request.GET.urlencode(),
        "exports": list(EXPORTS),
    })


def timeline_export(request, fmt, slug=None):
    if fmt not in EXPORTS:
        raise Http404(f"No export format {fmt!r}.")
    try:
        title, timeline = _timeline(request, slug)
    except BadParameter as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    base_url = request.build_absolute_uri("/")
    if fmt == "timelinejs.json":
        body = exports.to_timelinejs(timeline, title=title, base_url=base_url)
    elif fmt in ("json", "csv"):
        # Data for programs: the same words and dates whatever language the reader's browser asks for.
        with translation.override("en"):
            title = _title(timeline.filters.entity)
            if fmt == "json":
                body = exports.to_json(timeline, title=title, base_url=base_url)
            else:
                body = exports.to_csv(timeline, base_url=base_url)
    elif fmt == "ics":
        body = exports.to_ics(timeline, title=title, base_url=base_url, host=request.get_host())
    else:
        body = timeline_svg(timeline.items, title=title, undated=timeline.undated_count)
    response = HttpResponse(body, content_type=f"{EXPORTS[fmt]}; charset=utf-8")
    name = f"timeline-{slug}" if slug else "timeline"
    if fmt != "svg":
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def year_page(request, year):
    try:
        period = periods.year_period(periods.parse_year(year))
    except BadParameter as error:
        return bad_request(request, error)
    return _period(request, period)


def month_page(request, year, month):
    try:
        period = periods.month_period(periods.parse_year(year), periods.parse_month(month))
    except BadParameter as error:
        return bad_request(request, error)
    return _period(request, period)


def _period(request, period):
    return render(request, "timeline/period.html", {
        "period": period,
        "years": grouped(attach_lags(period.items)) if len(period.items) <= LIST_LIMIT else None,
        "svg": mark_safe(timeline_svg(period.items, title=period.label, ident="period")),
    })


def entity_story(entity):
    """What the entity page adds to its story: drawings, exposure windows, co-mentions, outside links."""
    timeline = build(Filters(entity=entity))
    return {
        "timeline": timeline,
        "kind_label": entity_kind(entity.kind),
        "svg": mark_safe(timeline_svg(timeline.items, title=_title(entity),
                                      undated=timeline.undated_count, ident="entity-timeline")),
        "coverage_svg": mark_safe(coverage_svg(timeline.items, title=gettext("Coverage of %(name)s") % {
            "name": entity.name}, ident="entity-coverage")),
        "windows": exposure_windows(entity),
        "co_mentions": co_mentions(entity),
        "links": external_links(entity),
    }
