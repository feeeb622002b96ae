"""/search/ (HTML) and /api/search (JSON): thin views over archive.search."""

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlencode

import nh3
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive import dates, search
from archive.ratelimit import hit, rate_limited
from archive.security import client_ip

FILTER_PARAMS = ("type", "entity", "source", "language", "from", "to")
FACET_PARAM = {"type": "type", "entity": "entity", "source": "source", "language": "language"}
FACET_TITLES = {"type": _("Type"), "entity": _("Entities"), "source": _("Sources"), "language": _("Language")}
FILTER_NAMES = {"type": _("type"), "entity": _("entity"), "source": _("source"), "language": _("language"),
                "from": _("from"), "to": _("to")}
# The backend labels types, languages and the fields a hit matched in English; readers get their language.
VALUE_LABELS = {
    "type": {"article": _("Article"), "event": _("Event"), "entity": _("Entity")},
    "language": {"de": _("German"), "en": _("English")},
}
MATCH_FIELDS = {"title": _("title"), "text": _("text"), "entity name": _("entity name"), "entity": _("entity"),
                "compound word": _("compound word")}
SORT_LABELS = (("relevance", _("relevance")), ("-date", _("newest")), ("date", _("oldest")))


@rate_limited("api")
def api_search(request):
    try:
        page = search.search(**search.parse_params(request.GET))
    except search.QueryError as exc:
        return JsonResponse({"error": str(exc), "parameter": exc.parameter}, status=400)
    except search.SearchUnavailable as exc:
        return JsonResponse({"error": f"Search is unavailable: {exc}."}, status=503)
    return JsonResponse(page.as_json(), json_dumps_params={"ensure_ascii": False})


def search_page(request):
    # Counted apart from the API ("search" scope) at the API's rate: a page costs a reader as much.
    limit = getattr(settings, "ARCHIVE_API_RATE", None)
    if limit:
        wait = hit("search", client_ip(request), limit)
        if wait is not None:
            context = {"wait": wait, "requests": limit[0], "seconds": limit[1]}
            response = render(request, "search/too_many.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
    context = {"q": request.GET.get("q", ""), "error": None, "result": None,
               "query_language_only": request.GET.get("query_language_only") == "1"}
    status = 200
    try:
        params = search.parse_params(request.GET)
        if params["text"] or any(request.GET.getlist(name) for name in FILTER_PARAMS):
            context["result"] = search.search(**params)
    except search.QueryError as exc:
        context["error"] = {"message": str(exc), "parameter": exc.parameter}
        status = 400
    except search.SearchUnavailable as exc:
        context["error"] = {"message": f"Search is unavailable: {exc}.", "parameter": None}
        status = 503
    if context["result"]:
        context.update(_page_links(request.GET, context["result"]))
    if context["result"] is not None or context["q"]:
        context["feeds"] = _feed_links(request.GET)
    return render(request, "search/search.html", context, status=status)


def _url(params, **changes):
    """The search URL for `params` (a QueryDict) with some values replaced; None removes."""
    data = {key: params.getlist(key) for key in params}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value if isinstance(value, list) else [value]
    pairs = [(key, v) for key, values in data.items() for v in values if v != ""]
    return "?" + urlencode(pairs)


def _without(params, key, value):
    return _url(params, page=None, **{key: [v for v in params.getlist(key) if v != value]})


def _page_links(params, result):
    """Links that narrow, exclude, remove filters, drill into years and turn pages."""
    facets = []
    for name, title in FACET_TITLES.items():
        items = []
        active = params.getlist(FACET_PARAM[name])
        for item in result.facets.get(name, []):
            chosen = item["value"] in active
            narrow = None if chosen else _url(params, page=None, **{FACET_PARAM[name]: active + [item["value"]]})
            exclude = None
            if name in ("entity", "source", "type"):
                field = {"language": "lang"}.get(name, name)
                text = f"{params.get('q', '')} -{field}:{item['value']}".strip()
                exclude = _url(params, q=text, page=None)
            label = VALUE_LABELS.get(name, {}).get(item["value"], item["label"])
            items.append({**item, "label": label, "chosen": chosen, "narrow": narrow, "exclude": exclude})
        if items:
            facets.append({"title": title, "items": items})

    active = []
    for name in FILTER_PARAMS:
        for value in params.getlist(name):
            active.append({"name": name, "label": FILTER_NAMES[name], "value": value,
                           "remove": _without(params, name, value)})

    histogram = []
    bars = result.facets.get("month") or result.facets.get("year") or []
    peak = max((bar["count"] for bar in bars), default=1)
    for bar in bars:
        histogram.append({**bar, "label": _period_label(bar["value"]),
                          "percent": max(2, round(100 * bar["count"] / peak)),
                          "url": _url(params, page=None, **{"from": bar["value"], "to": bar["value"]})})

    pages = {
        "previous": _url(params, page=str(result.page - 1)) if result.page > 1 else None,
        "next": _url(params, page=str(result.page + 1)) if result.page < result.pages else None,
    }
    sorts = [
        {"value": value, "label": label, "url": _url(params, sort=value, page=None), "chosen": result.sort == value}
        for value, label in SORT_LABELS
    ]
    results = [_result(item) for item in result.results]
    suggestion_url = _url(params, q=result.suggestion, page=None) if result.suggestion else None
    return {"facet_groups": facets, "active_filters": active, "histogram": histogram,
            "histogram_months": bool(result.facets.get("month")), "pages": pages, "sorts": sorts,
            "results": results, "suggestion_url": suggestion_url,
            "translation_notes": [_translation_note(note) for note in result.translations]}


def _feed_links(params):
    """The query and filters of this search, as the address of its feeds (no page, no sort)."""
    kept = [(key, value) for key in ("q",) + FILTER_PARAMS + ("query_language_only",)
            for value in params.getlist(key) if value.strip()]
    query = "?" + urlencode(kept) if kept else ""
    return {"atom": reverse("search-feed-atom") + query, "rss": reverse("search-feed-rss") + query}


def _ui_language():
    return "de" if (translation.get_language() or "en").startswith("de") else "en"


def _period_label(value):
    """A histogram bar's year or month ("2001-08") in the reader's language."""
    period = dates.PartialDate.parse(value)
    return dates.display(period.date, period.precision, _ui_language())


def _dated(value):
    """What the date tag needs from a result's date: a partial date or a range "first/last" ("first/.." when open)."""
    if "/" in value:
        first, last = value.split("/", 1)
        return SimpleNamespace(date=dt.date.fromisoformat(first), date_precision=dates.RANGE,
                               date_not_after=None if last == ".." else dt.date.fromisoformat(last))
    period = dates.PartialDate.parse(value)
    return SimpleNamespace(date=period.date, date_precision=period.precision)


def _result(item):
    dated = None
    if item["date"]:
        dated = _dated(item["date"])
    matched = [{"term": m["term"], "field": MATCH_FIELDS.get(m["field"], m["field"])} for m in item.get("matched", [])]
    translated = [_in_languages(t["word"], t["word_language"], t["counterpart"]) for t in item.get("translated", [])]
    return {**item, "translated_labels": translated, "type_label": VALUE_LABELS["type"].get(item["type"], item["type"]),
            "language_label": VALUE_LABELS["language"].get(item["language"], item["language"]),
            "dated": dated, "matched": matched, "snippet_html": _safe_snippet(item["snippet"])}


def _in_languages(word, lang, counterpart):
    """ "Wurm: German for worm" to an English reader, „worm: englisch für Wurm“ to a German one: the
    word of the other language explained in the reader's own."""
    german, english = (word, counterpart) if lang == "de" else (counterpart, word)
    return mark_safe(conditional_escape(gettext("%(de)s: German for %(en)s")) % {
        "de": format_html('<span lang="de">{}</span>', german),
        "en": format_html('<span lang="en">{}</span>', english)})


def _translation_note(note):
    """ "“Wurm” also as worm, computer worm" for the words a query was also searched as."""
    counterparts = ", ".join(conditional_escape(c["text"]) for c in note["counterparts"])
    return mark_safe(conditional_escape(gettext("“%(word)s” also as %(counterparts)s")) % {
        "word": format_html('<span lang="{}">{}</span>', note["language"], note["text"]),
        "counterparts": format_html('<span lang="{}">{}</span>', note["counterparts"][0]["language"],
                                    mark_safe(counterparts))})


def _safe_snippet(snippet):
    # Snippets are escaped by the backend; cleaning again keeps only <mark>, whatever a backend returns.
    return mark_safe(nh3.clean(snippet or "", tags={"mark"}, attributes={}))  # only <mark> survives the cleaning
