"""HTTP parameters -> keyword arguments of search(): the one reader of /search/ and /api/search input."""

import re

from django.utils.translation import gettext

from archive import dates
from archive.search import documents
from archive.search import query as q
from archive.search.query import QueryError
from archive.search.types import Filters

SORTS = ("relevance", "date", "-date")
MAX_PAGE = 1000
LANGUAGE_LABELS = {"de": "German", "en": "English"}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def check_sort(sort):
    if sort not in SORTS:
        raise QueryError(gettext("sort=%(value)s: use relevance, date or -date.") % {"value": repr(sort)}, "sort")


def _date_param(value, name, *, end):
    try:
        period = dates.PartialDate.parse(value)
    except dates.PartialDateError as exc:
        raise QueryError(f"{name}: {exc}", name) from None
    return period.end if end else period.date


def parse_params(params):
    """Read search parameters (a QueryDict or a dict of lists) into keyword arguments for search().

    Raises QueryError naming the parameter.
    """
    def values(name):
        got = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        got = [got] if isinstance(got, str) else list(got)
        return [v.strip() for v in got if v.strip()]

    def one(name, default=""):
        got = values(name)
        if len(got) > 1:
            message = gettext("%(name)s is given %(count)d times; give it once.")
            raise QueryError(message % {"name": name, "count": len(got)}, name)
        return got[0] if got else default

    text = one("q")
    q.check_text(text)
    types = values("type")
    for value in types:
        if value not in documents.TYPES:
            message = gettext("type=%(value)s: use %(choices)s.")
            raise QueryError(message % {"value": repr(value), "choices": ", ".join(documents.TYPES)}, "type")
    languages = values("language")
    for value in languages:
        if value not in LANGUAGE_LABELS:
            raise QueryError(gettext("language=%(value)s: use de or en.") % {"value": repr(value)}, "language")
    entities = values("entity")
    sources = values("source")
    for name, group in (("entity", entities), ("source", sources)):
        for value in group:
            if not _SLUG.match(value):
                raise QueryError(gettext("%(name)s=%(value)s is not a slug (letters, digits, '-').")
                                 % {"name": name, "value": repr(value[:40])}, name)
    date_from = _date_param(one("from"), "from", end=False) if one("from") else None
    date_to = _date_param(one("to"), "to", end=True) if one("to") else None
    if date_from and date_to and date_from > date_to:
        raise QueryError(gettext("to is before from."), "to")
    sort = one("sort", "relevance")
    check_sort(sort)
    page = _int_param(one("page", "1"), "page", 1, MAX_PAGE)
    per_page = _int_param(one("per_page", "10"), "per_page", 1, 50)
    filters = Filters(types=tuple(types), entities=tuple(entities), sources=tuple(sources),
                      languages=tuple(languages), date_from=date_from, date_to=date_to)
    return {"text": text, "filters": filters, "sort": sort, "page": page, "per_page": per_page}


def _int_param(value, name, low, high):
    try:
        number = int(value)
    except ValueError:
        message = gettext("%(name)s=%(value)s is not a whole number.")
        raise QueryError(message % {"name": name, "value": repr(value[:20])}, name) from None
    if not low <= number <= high:
        raise QueryError(gettext("%(name)s=%(value)d is out of range (%(low)d to %(high)d).")
                         % {"name": name, "value": number, "low": low, "high": high}, name)
    return number
