"""HTTP hardening that Django 5.2 does not ship: a Content Security Policy and
a limit on failed admin logins.

Both are small enough to read in full, which is why they are middleware here
rather than a dependency: the site has one fixed policy (no inline script, no
third-party origin, so no nonces or per-view policies are needed) and one login
form to guard.

Both limits fail open: when their counts cannot be kept (disk full, folder read-only)
requests are served as if there were no limit, and the failure is logged once.
"""

import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)


class FailOpen:
    """Log a guard's failure to keep its counts once per place, not once per request.

    Every request of a broken store would otherwise log the same error, burying the
    first one; the failure is logged again only after the store has worked in between.
    """

    def __init__(self, log, what):
        self.log, self.what = log, what
        self.failing = set()
        self.lock = threading.Lock()

    def failed(self, where, error):
        with self.lock:
            if where in self.failing:
                return
            self.failing.add(where)
        self.log.error("%s is not enforced: its counts at %s cannot be kept (%s: %s). Requests are served "
                       "without it until they can.", self.what, where, type(error).__name__, error)

    def worked(self, where):
        if where in self.failing:
            with self.lock:
                self.failing.discard(where)


def csp_header(policy):
    """{"default-src": ["'self'"], ...} as one header value, in the order given."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Send the policy in settings.CONTENT_SECURITY_POLICY with every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = csp_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


def client_ip(request):
    """The client's address; behind ARCHIVE_PROXY_COUNT trusted proxies, the one they saw.

    Each proxy appends the address it saw to X-Forwarded-For, so only the last
    PROXY_COUNT entries can be trusted; anything further left is what the client wrote.
    """
    proxies = settings.ARCHIVE_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class _Window:
    """Failures counted in a fixed window kept in the cache (shared by all workers)."""

    def __init__(self, key, limit, seconds):
        self.key, self.limit, self.seconds = key, limit, seconds

    def _entry(self, now):
        entry = cache.get(self.key)
        return entry if entry and entry[1] > now else None

    def retry_after(self, now):
        """Seconds until the window ends if the limit is reached, else None."""
        entry = self._entry(now)
        if entry and entry[0] >= self.limit:
            return max(1, math.ceil(entry[1] - now))
        return None

    def fail(self, now):
        entry = self._entry(now)
        count, ends = (entry[0] + 1, entry[1]) if entry else (1, now + self.seconds)
        cache.set(self.key, (count, ends), timeout=math.ceil(ends - now))

    def clear(self):
        cache.delete(self.key)


class LoginRateLimitMiddleware:
    """Refuse admin login attempts after too many failures.

    Counted per address and user name (guessing one account's password) and per
    address alone (trying many accounts). A failed attempt is one where the login
    form comes back (200); a success redirects (302) and clears the account's count.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path != _login_path():
            return self.get_response(request)
        where = _cache_location()
        limits = settings.ARCHIVE_LOGIN_LIMITS
        ip = client_ip(request)
        username = request.POST.get("username", "").strip().casefold()[:150]
        windows = [
            _Window(f"login-fail:{ip}:{username}", limits["per_account"], limits["window"]),
            _Window(f"login-fail:{ip}", limits["per_address"], limits["window"]),
        ]
        now = time.time()
        # Any error of the cache backend, not only the file cache's OSError: whatever the store, a
        # guard that cannot count lets the login through rather than answering 500.
        try:
            waits = [w for w in (window.retry_after(now) for window in windows) if w]
        except Exception as error:
            login_failures.failed(where, error)
            return self.get_response(request)
        if waits:
            return _too_many(max(waits))
        response = self.get_response(request)
        try:
            if response.status_code == 200:
                for window in windows:
                    window.fail(now)
            elif response.status_code in (301, 302, 303):
                windows[0].clear()
        except Exception as error:
            login_failures.failed(where, error)
        else:
            login_failures.worked(where)
        return response


login_failures = FailOpen(logger, "The admin login limit")


def _cache_location():
    location = settings.CACHES["default"].get("LOCATION", "")
    return f"{settings.CACHES['default']['BACKEND']} {location}".strip()


def _login_path():
    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return None


def _too_many(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    response = HttpResponse(
        f"Too many failed logins from your address. Try again in {minutes} minute(s).\n",
        status=429, content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response
