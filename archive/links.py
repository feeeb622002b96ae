"""Absolute addresses for what leaves the site: feeds, exports, citations, the API.

A configured ARCHIVE_BASE_URL wins over the request's Host header, so an id written
into a feed or a citation stays the same whichever name or proxy the reader came
through (RFC 4287 wants an entry's id never to change).
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def base_url(request=None):
    """The site's root, ending in "/"; from the request when no base URL is configured."""
    configured = getattr(settings, "ARCHIVE_BASE_URL", "")
    if configured:
        return configured.rstrip("/") + "/"
    if request is not None:
        return request.build_absolute_uri("/")
    return ""


def absolute(path, request=None):
    """`path` ("/articles/x/") as an absolute URL; the path itself when nothing gives a base."""
    base = base_url(request)
    return urljoin(base, path) if base else path


def host(request=None):
    """The site's host name ("archive.example"), e.g. for iCalendar UIDs that must not change with the proxy."""
    return urlsplit(base_url(request)).netloc or "incident-archive"
