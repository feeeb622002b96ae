"""Requests per client in a fixed time window, so one scraper cannot starve everyone else, and
failed admin logins per account and address, so no one can guess passwords at speed.

The counts live in a small SQLite database in the data folder (COUNTS_FILE), shared by
every web worker on the machine. Each request adds one to its client's count with a
single UPSERT, which SQLite runs one at a time, so workers counting the same client at
the same instant cannot both read the old count: exactly `limit` requests per window
are let through, however many workers there are. (The file cache used before has no
atomic increment and let bursts through well past the limit.)

Counts of ended windows are removed at most once a minute per worker, and the table
is kept to MAX_CLIENTS rows: past that the counts that end soonest are dropped, which
restarts those clients' counts, so a flood from many addresses cannot fill the disk.

The limits fail open: when the counts cannot be read or written (disk full, folder
read-only, database locked longer than BUSY_SECONDS) the request is served, and the
failure is logged once until the counts work again. Refusing every request
because a guard's bookkeeping broke would be a worse outage than the flood it guards
against.
"""

import functools
import logging
import math
import os
import sqlite3
import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse

from archive.security import FailOpen, client_ip

logger = logging.getLogger(__name__)

COUNTS_FILE = "ratelimit.sqlite3"
BUSY_SECONDS = 5
SWEEP_SECONDS = 60
MAX_CLIENTS = 100_000

failures = FailOpen(logger, "The API rate limit")
_local = threading.local()


def counts_path():
    return Path(settings.DATA_DIR) / COUNTS_FILE


def _connect(path):
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        # WAL lets a worker count while another reads; NORMAL skips the fsync of every commit,
        # which a power cut could cost a few counts, never the file.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, count INTEGER NOT NULL, ends REAL NOT NULL)"
            " WITHOUT ROWID")
        connection.execute("CREATE INDEX IF NOT EXISTS counts_ends ON counts (ends)")
    except BaseException:
        connection.close()
        raise
    return connection


class _Held:
    def __init__(self, path, connection):
        self.path, self.pid, self.connection, self.swept = path, os.getpid(), connection, 0.0

    def serves(self, path):
        return self.path == path and self.pid == os.getpid()


def _held(path):
    """This thread's connection to `path`; a new one after a fork or when the data folder changes."""
    held = getattr(_local, "held", None)
    if held and held.serves(path):
        return held
    # A connection inherited over fork belongs to the parent: it is dropped, not closed.
    _local.held = None
    _local.held = _Held(path, _connect(path))
    return _local.held


def _forget(path):
    held = getattr(_local, "held", None)
    if held and held.serves(path):
        _local.held = None
        held.connection.close()


def _sweep(connection, now):
    connection.execute("DELETE FROM counts WHERE ends <= ?", (now,))
    over = connection.execute("SELECT count(*) FROM counts").fetchone()[0] - MAX_CLIENTS
    if over > 0:
        connection.execute("DELETE FROM counts WHERE key IN (SELECT key FROM counts ORDER BY ends LIMIT ?)", (over,))


def _count(path, key, ends, now):
    """Add one to `key`'s count and return (count, end of its window).

    A key whose window has ended starts again at one with the new end. One statement, so the read
    and the write are one step for SQLite; fetchall() finishes it, which commits and frees the lock.
    """
    held = _held(path)
    [(count, ends)] = held.connection.execute(
        "INSERT INTO counts (key, count, ends) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET"
        " count = CASE WHEN ends <= ?3 THEN 1 ELSE count + 1 END,"
        " ends = CASE WHEN ends <= ?3 THEN excluded.ends ELSE ends END"
        " RETURNING count, ends", (key, ends, now)).fetchall()
    if now - held.swept >= SWEEP_SECONDS:
        _sweep(held.connection, now)
        held.swept = now
    return count, ends


def _hit(key, ends, allowed, now, guard):
    path = counts_path()
    try:
        count, ends = _count(path, key, ends, now)
    except (sqlite3.Error, OSError) as error:
        _forget(path)
        guard.failed(str(path), error)
        return None
    guard.worked(str(path))
    if count > allowed:
        return max(1, math.ceil(ends - now))
    return None


def hit(scope, client, limit, *, now=None):
    """Count one request of `client` in `scope`; return seconds to wait when over `limit`, else None.

    `limit` is (requests, seconds), as settings.ARCHIVE_API_RATE holds it; windows are aligned
    to the clock. When the count cannot be kept the request is let through (None).
    """
    allowed, seconds = limit
    now = time.time() if now is None else now
    window = int(now // seconds)
    return _hit(f"{scope}:{client}:{window}", (window + 1) * seconds, allowed, now, failures)


def hit_from_first(scope, client, limit, guard, *, now=None):
    """Like hit(), but the window opens at the client's first counted request, so a block
    always lasts a whole window; failures to count are reported to `guard` (a FailOpen)."""
    allowed, seconds = limit
    now = time.time() if now is None else now
    return _hit(f"{scope}:{client}", now + seconds, allowed, now, guard)


def give_back(scope, client, guard, *, everything=False):
    """Take back one request of `client` in `scope` counted by hit_from_first(), or all of them."""
    path = counts_path()
    key = f"{scope}:{client}"
    try:
        connection = _held(path).connection
        if everything:
            connection.execute("DELETE FROM counts WHERE key = ?", (key,))
        else:
            connection.execute("UPDATE counts SET count = max(count - 1, 0) WHERE key = ?", (key,))
    except (sqlite3.Error, OSError) as error:
        _forget(path)
        guard.failed(str(path), error)


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


class LoginRateLimitMiddleware:
    """Refuse admin login attempts after too many failures.

    Counted per address and user name (guessing one account's password) and per
    address alone (trying many accounts), in the API limit's counts (archive.ratelimit).
    Each attempt is counted before the password is checked, in one atomic step, so
    workers answering a burst of guesses at once cannot let more through than the
    limit; a success (a redirect) gives its attempt back and clears the account's count.
    A window opens at its first attempt, so a block lasts a whole window.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path != _login_path():
            return self.get_response(request)
        limits = settings.ARCHIVE_LOGIN_LIMITS
        ip = client_ip(request)
        username = request.POST.get("username", "").strip().casefold()[:150]
        account, address = f"{ip}:{username}", ip
        waits = [
            hit_from_first("login-account", account, (limits["per_account"], limits["window"]), login_failures),
            hit_from_first("login-address", address, (limits["per_address"], limits["window"]), login_failures),
        ]
        if any(waits):
            return _too_many(max(wait for wait in waits if wait))
        response = self.get_response(request)
        if response.status_code in (301, 302, 303):
            give_back("login-account", account, login_failures, everything=True)
            give_back("login-address", address, login_failures)
        return response


login_failures = FailOpen(logger, "The admin login limit")


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
