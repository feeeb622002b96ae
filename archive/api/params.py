"""Query parameters read strictly: a bad or unknown one is an error that names it."""

import re
from dataclasses import dataclass

from archive import dates

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class BadParameter(ValueError):
    """A parameter the API cannot answer; `status` 404 when it names something that is not there."""

    def __init__(self, parameter, message, status=400):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int


def check_known(query, allowed):
    refuse_empty(query)
    for name in query:
        if name not in allowed:
            raise BadParameter(name, f"unknown parameter {name!r}; use one of: {', '.join(sorted(allowed))}")


def refuse_empty(query):
    """An empty value ("kind=") is an error, not the parameter left out: a client that
    sends one has lost a value on the way, and answering as if unfiltered would hide that."""
    for name, values in query.lists():
        if any(not value.strip() for value in values):
            raise BadParameter(name, f"{name!r} is empty; give a value or leave the parameter out")


def single(query, name):
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"give {name!r} once")
    return values[0].strip() if values else ""


def positive_int(query, name, default, maximum=None):
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"give {name!r} once")
    text = values[0] if values else ""
    if not text:
        return default
    # ASCII digits only: int() would also take " 1", "+1", "1_0" and other scripts' digits.
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
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
