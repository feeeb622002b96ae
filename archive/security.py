"""HTTP hardening that Django 5.2 does not ship: a Content Security Policy, the client's
address behind trusted proxies, and the fail-open logging the limits (archive.ratelimit) share.

The policy is small enough to read in full, which is why it is middleware here rather
than a dependency: the site has one fixed policy (no inline script, no third-party
origin, so no nonces or per-view policies are needed).
"""

import logging
import threading

from django.conf import settings

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
