"""What every /api/ address shares: JSON answers for errors, read-only methods, CORS.

The records API and /api/search are read-only and public, so any site may read them
from a browser (Access-Control-Allow-Origin: *; no cookies are involved). The same
header goes on feeds, timeline exports and citation files, which other sites load (TimelineJS reads
its JSON with a cross-origin request).
"""

import json

from django.http import HttpResponse, JsonResponse

READ_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOW = ", ".join(READ_METHODS)


def is_api(path):
    return path.startswith("/api/")


def is_shared(path):
    """Paths other sites may fetch from a browser: the API, feeds and exports."""
    return (
        is_api(path)
        or path.startswith("/feeds/")
        or path.startswith("/search/feed.")
        or "/timeline/export." in path
        or (path.startswith("/articles/") and "/cite." in path)
    )


def _json_error(status, message, **headers):
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


class ApiMiddleware:
    """Sits before CSRF and sessions: a write to the API is refused as 405 before
    CsrfViewMiddleware could answer 403 with an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request.path):
            if request.method not in READ_METHODS:
                response = _json_error(405, f"{request.method} is not allowed here; the API is read-only.",
                                       Allow=ALLOW)
            elif request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ALLOW
                response["Access-Control-Allow-Methods"] = ALLOW
                response["Access-Control-Max-Age"] = "86400"
            else:
                response = self._as_json(self.get_response(request))
        else:
            response = self.get_response(request)
        if is_shared(request.path):
            response["Access-Control-Allow-Origin"] = "*"
        return response

    @staticmethod
    def _as_json(response):
        """An error page Django or a decorator made (404, 405) becomes a JSON error."""
        if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return _json_error(404, "No such address in the API; see /api/openapi.json.")
        if response.status_code == 405:
            return _json_error(405, "Method not allowed.", Allow=response.get("Allow", ALLOW))
        message = {"error": f"HTTP {response.status_code}"}
        replaced = HttpResponse(json.dumps(message), status=response.status_code, content_type="application/json")
        for name in ("Retry-After", "Allow"):
            if name in response:
                replaced[name] = response[name]
        return replaced
