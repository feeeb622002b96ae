"""Requests per client in a fixed time window, so one scraper cannot starve everyone else.

The counts live in Django's cache. The site's cache is a file cache in the data
folder (settings.CACHES), shared by every web worker on the machine; a per-process
cache would let each worker allow the whole limit again. Two workers counting the
same client at the same instant may each read the old count (the file cache has
no atomic increment), so a burst can pass a few requests over the limit; and when
more than settings.CACHES' MAX_ENTRIES counts are on file the cache drops a third
of them at random, which restarts those clients' counts. The limit is a guard
against floods, not an exact quota.
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

from archive.security import client_ip


def hit(scope, client, limit, *, now=None):
    """Count one request of `client` in `scope`; return seconds to wait when over `limit`, else None.

    `limit` is (requests, seconds), as settings.ARCHIVE_API_RATE holds it.
    """
    count_allowed, seconds = limit
    now = time.time() if now is None else now
    window = int(now // seconds)
    key = f"rate:{scope}:{client}:{window}"
    ends = (window + 1) * seconds
    # The count expires with its window (incr() would give it the cache's default timeout).
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, timeout=max(1, math.ceil(ends - now)))
    if count > count_allowed:
        return max(1, math.ceil(ends - now))
    return None


def too_many_requests(wait, limit):
    requests, seconds = limit
    response = JsonResponse(
        {"error": f"Too many requests: at most {requests} every {seconds} seconds from one address. "
                  f"Try again in {wait} seconds.", "retry_after": wait},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited(scope, setting="ARCHIVE_API_RATE"):
    """Limit a view to settings.<setting> requests per client address; answer 429 with Retry-After beyond.

    The address is archive.security.client_ip's: REMOTE_ADDR, or behind ARCHIVE_PROXY_COUNT
    proxies the address the first of them saw in X-Forwarded-For.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = getattr(settings, setting, None)
            if limit:
                wait = hit(scope, client_ip(request), limit)
                if wait is not None:
                    return too_many_requests(wait, limit)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
