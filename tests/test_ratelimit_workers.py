"""The API limit holds when four gunicorn workers count one client at the same time.

The server runs in its own data folder with its own SQLite database, so the test
runs on any machine (no PostgreSQL needed); what is shared between the workers is
exactly what is shared on a site: the data folder.
"""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings

from tests.servers import start_gunicorn

WORKERS = 4
LIMIT = 120
REQUESTS = 320
# A window far longer than the test can take, so the count cannot restart halfway through.
WINDOW = 10**9


def server_env(data):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {
        **env,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_DEBUG": "false",
        "ARCHIVE_API_RATE": f"{LIMIT}/{WINDOW}",
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
