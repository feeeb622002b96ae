"""The API limit and the admin login limit hold when four gunicorn workers count one client at
the same time.

The server runs in its own data folder with its own SQLite database, so the test
runs on any machine (no PostgreSQL needed); what is shared between the workers is
exactly what is shared on a site: the data folder.
"""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings

from tests.servers import start_gunicorn

WORKERS = 4
LIMIT = 120
REQUESTS = 320
LOGIN_FAILURES = 5
GUESSES = 48
# A window far longer than the test can take, so the count cannot restart halfway through.
WINDOW = 10**9


def server_env(data):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {
        **env,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_DEBUG": "false",
        "ARCHIVE_API_RATE": f"{LIMIT}/{WINDOW}",
        "ARCHIVE_LOGIN_FAILURES": str(LOGIN_FAILURES),
        "ARCHIVE_LOGIN_FAILURES_PER_ADDRESS": str(GUESSES * 10),
        "ARCHIVE_SEARCH_BACKEND": "whoosh",
    }


@pytest.fixture
def site(tmp_path):
    data = tmp_path / "site-data"
    data.mkdir()
    env = server_env(data)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=settings.BASE_DIR,
                   env=env, check=True)
    server = start_gunicorn(env, tmp_path / "gunicorn.log", workers=WORKERS, backlog=REQUESTS)
    try:
        # Not an API address: starting up must not use up the limit.
        yield server.wait_until_up("/api/").base_url
    finally:
        server.stop()


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_four_workers_let_exactly_the_limit_through(site):
    start = Barrier(64)

    def fire(n):
        if n < 64:
            start.wait()
        return status(f"{site}/api/entities/")

    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(fire, range(REQUESTS)))
    assert sorted(set(statuses)) == [200, 429], statuses
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == REQUESTS - LIMIT


def login_form(base):
    """The CSRF cookie and the form's token a browser would send back with its guess."""
    with urllib.request.urlopen(base + "/admin/login/", timeout=60) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    return cookie, token


def guess(base, cookie, token, password):
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "editor", "password": password})
    request = urllib.request.Request(base + "/admin/login/", data=body.encode(), headers={"Cookie": cookie})
    return status(request)


def test_a_burst_of_password_guesses_gets_exactly_the_limit_checked(site):
    """Counted before the password is checked: a count read and written after the check (as a
    cache entry) let every guess of a burst through, since all of them read the count before any wrote it."""
    cookie, token = login_form(site)
    start = Barrier(GUESSES)

    def fire(n):
        start.wait()
        return guess(site, cookie, token, f"wrong-{n}")

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        statuses = list(pool.map(fire, range(GUESSES)))
    # 200 is the form again (a refused password); 429 is a refused guess, its password never checked.
    assert statuses.count(200) == LOGIN_FAILURES, statuses
    assert statuses.count(429) == GUESSES - LOGIN_FAILURES, statuses
