"""Request parameters, read the same way by the API, the search, the timelines and the incidents list.

One error, BadParameter, names the parameter and says why (in the reader's language where
the message is translated), and has one answer: {"error", "parameter"} as JSON, the 400 page
as HTML (docs/api.md, "Parameters").

Unknown parameters: the JSON API refuses them, because a program that misspells a filter
would otherwise get an unfiltered answer and never know; pages and files ignore them,
because people follow links that carry other sites' parameters (utm_*, fbclid, ...), and a
page that refused those would break every shared link. A known parameter with a bad value
is refused everywhere.
"""

import re

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from archive import dates


class BadParameter(ValueError):
    """A parameter that cannot be answered; `status` 404 when it names something that is not there.

    str() is the whole sentence for a reader ("Parameter 'from': ..."); `message` is the reason
    alone, as the JSON answer gives it beside the parameter's name.
    """

    def __init__(self, parameter, message, status=400):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.status = status

    def __str__(self):
        return gettext("Parameter '%(parameter)s': %(message)s") % {
            "parameter": self.parameter, "message": self.message}


def json_answer(error, **dumps):
    """The API's answer to a BadParameter."""
    return JsonResponse({"error": error.message, "parameter": error.parameter}, status=error.status,
                        json_dumps_params={"ensure_ascii": False, **dumps})


def page_answer(request, error):
    """A page's answer to a BadParameter: the 400 page, saying which parameter and why."""
    return render(request, "timeline/bad_request.html", {"error": error}, status=error.status)


def check_known(query, allowed):
    """For the API: an unknown parameter is an error (see the module's note), and so is an empty one."""
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
