"""HTTP parameters -> keyword arguments of search(): the one reader of /search/ and /api/search input."""

import re

from django.utils.translation import gettext

from archive import dates
from archive.params import BadParameter
from archive.search import documents
from archive.search import query as q
from archive.search.query import QueryError
from archive.search.types import Filters

SORTS = ("relevance", "date", "-date")
# Every parameter parse_params reads: the JSON API refuses any other (archive/params.py).
PARAMETERS = frozenset({"q", "type", "entity", "source", "language", "from", "to", "sort", "page", "per_page",
                        "query_language_only"})
_YES_NO = {"1": True, "0": False}  # as the OpenAPI document says: one spelling each
MAX_PAGE = 1000
LANGUAGE_LABELS = {"de": "German", "en": "English"}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


class ParameterError(BadParameter, QueryError):
    """A search parameter that cannot be read: the shared BadParameter, and still a QueryError to the views
    that catch those; str() is the reason alone, as the search page shows the parameter beside it."""

    def __str__(self):
        return self.message


def check_sort(sort):
    if sort not in SORTS:
        raise ParameterError("sort", gettext("sort=%(value)s: use relevance, date or -date.") % {"value": repr(sort)})


def _date_param(value, name, *, end):
    try:
        period = dates.PartialDate.parse(value)
    except dates.PartialDateError as exc:
        raise ParameterError(name, f"{name}: {exc}") from None
    return period.end if end else period.date


def parse_params(params):
    """Read search parameters (a QueryDict or a dict of lists) into keyword arguments for search().

    Raises ParameterError (archive.params.BadParameter) naming the parameter; QueryError for the query text.
    """
    def values(name):
        got = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        got = [got] if isinstance(got, str) else list(got)
        return [v.strip() for v in got if v.strip()]

    def one(name, default=""):
        got = values(name)
        if len(got) > 1:
            message = gettext("%(name)s is given %(count)d times; give it once.")
            raise ParameterError(name, message % {"name": name, "count": len(got)})
        return got[0] if got else default

    text = one("q")
    q.check_text(text)
    types = values("type")
    for value in types:
        if value not in documents.TYPES:
            message = gettext("type=%(value)s: use %(choices)s.")
            raise ParameterError("type", message % {"value": repr(value), "choices": ", ".join(documents.TYPES)})
    languages = values("language")
    for value in languages:
        if value not in LANGUAGE_LABELS:
            raise ParameterError("language", gettext("language=%(value)s: use de or en.") % {"value": repr(value)})
    entities = values("entity")
    sources = values("source")
    for name, group in (("entity", entities), ("source", sources)):
        for value in group:
            if not _SLUG.match(value):
                raise ParameterError(name, gettext("%(name)s=%(value)s is not a slug (letters, digits, '-').")
                                     % {"name": name, "value": repr(value[:40])})
    date_from = _date_param(one("from"), "from", end=False) if one("from") else None
    date_to = _date_param(one("to"), "to", end=True) if one("to") else None
    if date_from and date_to and date_from > date_to:
        raise ParameterError("to", gettext("to is before from."))
    sort = one("sort", "relevance")
    check_sort(sort)
    page = _int_param(one("page", "1"), "page", 1, MAX_PAGE)
    per_page = _int_param(one("per_page", "10"), "per_page", 1, 50)
    query_language_only = _yes_no(one("query_language_only", "0"), "query_language_only")
    filters = Filters(types=tuple(types), entities=tuple(entities), sources=tuple(sources),
                      languages=tuple(languages), date_from=date_from, date_to=date_to)
    return {"text": text, "filters": filters, "sort": sort, "page": page, "per_page": per_page,
            "query_language_only": query_language_only}


def _yes_no(value, name):
    try:
        return _YES_NO[value]
    except KeyError:
        raise ParameterError(name, gettext("%(name)s=%(value)s: use 1 or 0.")
                             % {"name": name, "value": repr(value[:20])}) from None


def _int_param(value, name, low, high):
    try:
        number = int(value)
    except ValueError:
        message = gettext("%(name)s=%(value)s is not a whole number.")
        raise ParameterError(name, message % {"name": name, "value": repr(value[:20])}) from None
    if not low <= number <= high:
        raise ParameterError(name, gettext("%(name)s=%(value)d is out of range (%(low)d to %(high)d).")
                             % {"name": name, "value": number, "low": low, "high": high})
    return number
