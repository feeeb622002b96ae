"""/incidents/: the table of incidents and the comparison drawing with its data."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive import links
from archive.incidents import exports, listing
from archive.incidents.milestones import decade_medians, incident_rows
from archive.incidents.summary import MILESTONE_LABELS, sentences
from archive.incidents.svg import comparison_svg
from archive.params import BadParameter, page_answer
from archive.timeline.labels import entity_kind

COLUMNS = [
    ("name", lambda: gettext("Incident")),
    ("years", lambda: gettext("Years")),
    ("kind", lambda: gettext("Kind")),
    ("disclosure", lambda: gettext("Disclosure")),
    ("patch", lambda: gettext("Patch")),
    ("exploitation", lambda: gettext("Exploitation or outbreak")),
    ("coverage", lambda: gettext("First coverage")),
    ("articles", lambda: gettext("Articles")),
]


def _comparison(rows):
    decades = decade_medians(rows)
    text = sentences(rows, decades)
    title = gettext("Incidents compared: days from disclosure")
    return decades, text, comparison_svg(rows, decades, title=title, desc=" ".join(text))


def _headers(chosen):
    """Column headers with the address that sorts by them (again: the other way round)."""
    headers = []
    for key, label in COLUMNS:
        current = chosen.sort == key
        sort = ("" if chosen.descending else "-") + key if current else key
        query = {"sort": sort}
        if chosen.decade:
            query["decade"] = chosen.decade
        if chosen.kind:
            query["kind"] = chosen.kind
        headers.append({"key": key, "label": label(), "url": "?" + urlencode(query), "current": current,
                        "aria_sort": ("descending" if chosen.descending else "ascending") if current else ""})
    return headers


def incidents_page(request):
    try:
        chosen = listing.parse(request.GET)
    except BadParameter as error:
        return page_answer(request, error)
    rows = incident_rows()
    decades, text, svg = _comparison(rows)
    return render(request, "incidents/incidents.html", {
        "rows": listing.apply(rows, chosen),
        "total": len(rows),
        "listing": chosen,
        "headers": _headers(chosen),
        "decades": sorted({row.decade for row in rows if row.decade is not None}),
        "kinds": [(kind, entity_kind(kind)) for kind in sorted({row.kind for row in rows})],
        "medians": decades,
        "milestone_labels": MILESTONE_LABELS,
        "summary": text,
        # Built by ElementTree, which escapes every text and attribute.
        "svg": mark_safe(svg),
    })


def comparison_svg_view(request):
    rows = incident_rows()
    _, _, svg = _comparison(rows)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def comparison_data(request, fmt):
    rows = incident_rows()
    base_url = links.base_url(request)
    # Data for programs: the same words whatever language the reader's browser asks for.
    with translation.override("en"):
        if fmt == "csv":
            body, content_type = exports.to_csv(rows, base_url=base_url), "text/csv"
        else:
            decades = decade_medians(rows)
            body = exports.to_json(rows, decades, sentences(rows, decades),
                                   title=gettext("Incidents compared: days from disclosure"), base_url=base_url)
            content_type = "application/json"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incidents-comparison.{fmt}"'
    return response
