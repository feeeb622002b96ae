"""The API limit holds when four gunicorn workers count one client at the same time.

The server runs in its own data folder with its own SQLite database, so the test
runs on any machine (no PostgreSQL needed); what is shared between the workers is
exactly what is shared on a site: the data folder.
"""

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings

WORKERS = 4
LIMIT = 120
REQUESTS = 320
STARTUP_SECONDS = 60
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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(REQUESTS)
    port = listener.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "archive.wsgi:application", "--workers", str(WORKERS),
             "--bind", f"fd://{listener.fileno()}", "--error-logfile", "-"],
            cwd=settings.BASE_DIR, env=env, pass_fds=[listener.fileno()], stdout=out, stderr=subprocess.STDOUT,
        )
    listener.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, base, log)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(process, base, log):
    import time

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            # Not an API address: starting up must not use up the limit.
            with urllib.request.urlopen(base + "/api/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


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
