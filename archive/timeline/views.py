"""Timeline pages, period pages and exports; the work is done in the timeline package's plain functions."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive import links
from archive.models import Entity, Source
from archive.params import BadParameter, page_answer
from archive.timeline import density, exports, periods
from archive.timeline.comentions import co_mentions
from archive.timeline.coverage import attach_lags, exposure_windows
from archive.timeline.filters import KINDS, build, parse
from archive.timeline.items import grouped
from archive.timeline.labels import event_kind
from archive.timeline.story import timeline_title
from archive.timeline.svg import DENSE, coverage_svg, timeline_svg

EXPORTS = {
    "timelinejs.json": "application/json",
    "json": "application/json",
    "csv": "text/csv",
    "ics": "text/calendar",
    "svg": "image/svg+xml",
}


def _filters(request, slug):
    entity = get_object_or_404(Entity, slug=slug) if slug else None
    try:
        return parse(request.GET, entity=entity)
    except Entity.DoesNotExist:
        raise Http404("No entity with this slug.") from None


def _timeline(request, slug):
    filters = _filters(request, slug)
    return timeline_title(filters.entity), build(filters)


def _checked_page(page):
    if page.number > page.count:
        raise Http404("No such page.")
    return page


def timeline_page(request, slug=None):
    """Drawn from counts per month, listed a page at a time: never built from every item of a long timeline."""
    try:
        filters = _filters(request, slug)
        timeline = density.paged_timeline(filters, density.page_number(request.GET))
    except BadParameter as error:
        return page_answer(request, error)
    _checked_page(timeline.page).link(request)
    entity, title = filters.entity, timeline_title(filters.entity)
    counted = timeline.density
    # A timeline on one page is drawn item by item; a longer one from its counts.
    whole = timeline.page.count == 1 and counted.total <= DENSE
    attach_lags(timeline.items)
    coverage_title = gettext("Coverage: %(title)s") % {"title": title}
    if whole:
        drawing = timeline_svg(timeline.items, title=title, undated=timeline.undated_count)
        coverage = coverage_svg(timeline.items, title=coverage_title) if entity else None
    else:
        drawing = density.timeline_svg(counted, title=title, undated=timeline.undated_count)
        coverage = density.coverage_svg(counted, title=coverage_title) if entity else None
    # The drawings are built by ElementTree, which escapes every text and attribute.
    return render(request, "timeline/timeline.html", {
        "title": title,
        "entity": entity,
        "pinned": slug is not None,
        "timeline": timeline,
        "pages": timeline.page,
        "years": grouped(timeline.items),
        "month_counts": density.month_rows(counted) if timeline.page.count > 1 else None,
        "svg": mark_safe(drawing),
        "coverage_svg": mark_safe(coverage) if coverage else None,
        "windows": exposure_windows(entity) if entity else [],
        "co_mentions": co_mentions(entity, limit=10) if entity else [],
        "choices": {
            "entities": Entity.objects.only("slug", "name").order_by("name"),
            "sources": Source.objects.only("slug", "name"),
            "kinds": [(kind, event_kind(kind)) for kind in KINDS],
        },
        "query": _without_page(request),
        "exports": list(EXPORTS),
    })


def _without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def timeline_export(request, fmt, slug=None):
    """Every export takes the page's filters; CSV, JSON and iCalendar are written while they are sent.

    X-Total-Count says how many items the body holds (counted before the first row is written).
    """
    if fmt not in EXPORTS:
        raise Http404(f"No export format {fmt!r}.")
    try:
        filters = _filters(request, slug)
    except BadParameter as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    title = timeline_title(filters.entity)
    counted = exports.counts(filters)
    base_url = links.base_url(request)
    content_type = f"{EXPORTS[fmt]}; charset=utf-8"
    total = counted.total
    if fmt == "timelinejs.json":
        full = request.path.removesuffix(f"export.{fmt}") + "export.json"
        if request.GET:
            full += "?" + _without_page(request)
        response = HttpResponse(exports.to_timelinejs(filters, counted, title=title, base_url=base_url,
                                                      full_export=links.absolute(full, request)),
                                content_type=content_type)
    elif fmt == "svg":
        if counted.total <= DENSE:
            timeline = build(filters)
            body = timeline_svg(timeline.items, title=title, undated=timeline.undated_count)
        else:
            body = density.timeline_svg(counted, title=title, undated=counted.undated)
        response = HttpResponse(body, content_type=content_type)
    else:
        if fmt == "ics":
            language = translation.get_language()
            chunks = exports.ics_chunks(filters, title=title, base_url=base_url, host=links.host(request))
            total = counted.events
        else:
            # Data for programs: the same words and dates whatever language the reader's browser asks for.
            language = "en"
            with translation.override(language):
                title = timeline_title(filters.entity)
            chunks = (exports.json_chunks(filters, counted, title=title, base_url=base_url) if fmt == "json"
                      else exports.csv_chunks(filters, base_url=base_url))
        response = StreamingHttpResponse(_encoded(chunks, language), content_type=content_type)
    response["X-Total-Count"] = str(total)
    name = f"timeline-{slug}" if slug else "timeline"
    if fmt != "svg":
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _encoded(chunks, language):
    """The chunks as UTF-8, each written in `language`: the body is written after the view has returned,
    when the request's language may no longer be the active one."""
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk.encode("utf-8")


def year_page(request, year):
    try:
        period = periods.year_period(periods.parse_year(year), density.page_number(request.GET))
    except BadParameter as error:
        return page_answer(request, error)
    return _period(request, period)


def month_page(request, year, month):
    try:
        period = periods.month_period(periods.parse_year(year), periods.parse_month(month),
                                      density.page_number(request.GET))
    except BadParameter as error:
        return page_answer(request, error)
    return _period(request, period)


def _period(request, period):
    _checked_page(period.page).link(request)
    if period.page.count == 1 and period.density.total <= DENSE:
        drawing = timeline_svg(period.items, title=period.label, ident="period")
    else:
        drawing = density.timeline_svg(period.density, title=period.label, ident="period")
    return render(request, "timeline/period.html", {
        "period": period,
        "pages": period.page,
        "years": grouped(attach_lags(period.items)),
        "svg": mark_safe(drawing),
    })
