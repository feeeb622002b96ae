"""Query parameters read strictly: a bad or unknown one is an error that names it."""

from dataclasses import dataclass

from archive import dates

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class BadParameter(ValueError):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int


def check_known(query, allowed):
    for name in query:
        if name not in allowed:
            raise BadParameter(name, f"unknown parameter {name!r}; use one of: {', '.join(sorted(allowed))}")


def single(query, name):
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"give {name!r} once")
    return values[0].strip() if values else ""


def positive_int(query, name, default, maximum=None):
    text = single(query, name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise BadParameter(name, f"{name!r} must be a whole number of 1 or more, not {text!r}")
    if maximum is not None and int(text) > maximum:
        raise BadParameter(name, f"{name!r} may be at most {maximum}, not {text}")
    return int(text)


def paging(query):
    return Paging(
        page=positive_int(query, "page", 1),
        page_size=positive_int(query, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


def choice(query, name, choices):
    text = single(query, name)
    if text and text not in choices:
        raise BadParameter(name, f"{name!r} must be one of {', '.join(sorted(choices))}, not {text!r}")
    return text


def date_range(query):
    """from/to as first and last day: "2001" reaches from 1 January to 31 December 2001."""
    start = end = None
    if text := single(query, "from"):
        try:
            start = dates.PartialDate.parse(text).date
        except dates.PartialDateError as exc:
            raise BadParameter("from", f"'from': {exc}") from None
    if text := single(query, "to"):
        try:
            end = dates.PartialDate.parse(text).end
        except dates.PartialDateError as exc:
            raise BadParameter("to", f"'to': {exc}") from None
    if start and end and start > end:
        raise BadParameter("to", "'to' lies before 'from'")
    return start, end
