"""HTTP validators and caching for every page, feed, export and API response.

The ETag and Last-Modified come from the archive's change stamp (archive.stamp), not from the
body, so a matching If-None-Match or If-Modified-Since is answered 304 before the view runs.
Anonymous responses are public for ARCHIVE_CACHE_MAX_AGE seconds and may be served stale
while revalidated, so a CDN in front can hold them; a signed-in reader's are private.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from archive import stamp

SKIPPED = ("/admin/", "/i18n/", "/static/")


class ConditionalCachingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(SKIPPED):
            return self.get_response(request)
        current = stamp.archive_stamp()
        tag = self._etag(request, current)
        modified = stamp.last_modified(current)
        if self._fresh(request, tag, modified):
            response = HttpResponseNotModified()
            self._headers(request, response, tag, modified)
            return response
        with stamp.pinned(current):
            response = self.get_response(request)
        if response.status_code == 200 and not response.has_header("ETag"):
            self._headers(request, response, tag, modified)
        return response

    @staticmethod
    def _etag(request, current):
        # One archive state looks different per language and to a signed-in editor: each its own tag.
        user = getattr(request, "user", None)
        variant = f"{getattr(request, 'LANGUAGE_CODE', '')}|{bool(user and user.is_authenticated)}"
        return quote_etag(hashlib.sha1(f"{stamp.etag(current)}|{variant}".encode()).hexdigest()[:24])

    @staticmethod
    def _fresh(request, tag, modified):
        matches = request.headers.get("If-None-Match")
        if matches is not None:
            return tag in [part.strip().removeprefix("W/") for part in matches.split(",")] or matches.strip() == "*"
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return bool(since and modified and int(modified.timestamp()) <= since)

    @staticmethod
    def _headers(request, response, tag, modified):
        response["ETag"] = tag
        if modified:
            response["Last-Modified"] = http_date(modified.timestamp())
        if response.has_header("Cache-Control"):
            pass
        elif request.user.is_authenticated or response.cookies:
            response["Cache-Control"] = "private, no-cache"
        else:
            age = settings.ARCHIVE_CACHE_MAX_AGE
            response["Cache-Control"] = f"public, max-age={age}, stale-while-revalidate={age * 5}"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
