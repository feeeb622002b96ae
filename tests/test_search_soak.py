"""Soak: gunicorn with four workers and the threaded development server (`make run`) each answer
well over a thousand mixed searches from several clients while imports, an admin edit and a
rebuild_index run; no request fails, and afterwards every server answers as a fresh process.

Bounded in count (requests per server) and time (timeouts on every step), never timed.
"""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.servers import start_gunicorn, start_runserver
from tests.test_workers import Browser

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "search_worker.py"
CLIENTS = 6
REQUESTS_PER_SERVER = 1000
PASSWORD = "a-long-password-for-tests"
QUERIES = ["Sasser", "Internetwurm", "Wurm", "worm", "entity:microsoft", "serv*", "sass* befäll*", "sasser~1",
           "Sasser -bulk", '"Sasser first"', "title:Sasser OR Server", "date:2001"]
PATHS = [f"/api/search?{urllib.parse.urlencode({'q': text})}" for text in QUERIES] + [
    "/api/search?q=Sasser&sort=date", "/api/search?q=Wurm&sort=-date&per_page=50",
    "/api/search?type=article&language=de", "/search/?q=Sasser+Wurm", "/search/?q=serv*&sort=date",
    "/search/?q=Internetwurm~2",
]



def env_for(folder):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(ARCHIVE_DATA_DIR=str(folder), ARCHIVE_API_RATE="off", DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    return env


def run(folder, *command, timeout=300):
    result = subprocess.run(command, cwd=ROOT, env=env_for(folder), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def manage(folder, *args):
    return run(folder, sys.executable, "manage.py", *args)


def worker(folder, *args):
    return run(folder, sys.executable, str(WORKER), *args)


def get(base_url, path):
    try:
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    worker(folder, "setup")
    manage(folder, "load_content")
    worker(folder, "import", "first", "40")
    manage(folder, "createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org")
    started = [
        start_gunicorn({**env_for(folder), "ARCHIVE_DEBUG": "false"}, tmp_path / "gunicorn.log"),
        start_runserver(env_for(folder), tmp_path / "runserver.log"),
    ]
    try:
        for server in started:
            server.wait_until_up("/api/search?q=Sasser")
        yield folder, {server.name: server.base_url for server in started}
    finally:
        for server in started:
            server.stop()


def writes(folder, servers):
    """Imports, an edit through the admin of each server, and a rebuild, one after another."""
    worker(folder, "import", "bulk", "60")
    for number, base_url in enumerate(servers.values()):
        editor = Browser(base_url)
        editor.submit("/admin/login/?next=/admin/", "login-form", {"username": "editor", "password": PASSWORD})
        article = json.loads(get(base_url, "/api/search?q=Sasser+first+1&per_page=1")[1])["results"][0]
        status, landed, html = editor.submit(
            f"/admin/archive/article/{article_pk(folder, article['slug'])}/change/", "article_form",
            {"title": f"Sasser first edited {number}"})
        assert status == 200 and landed.endswith("/admin/archive/article/"), html[-2000:]
    manage(folder, "rebuild_index")
    worker(folder, "import", "late", "30")
    worker(folder, "write", "single", "5")


def article_pk(folder, slug):
    script = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'archive.settings'); django.setup(); "
              f"from archive.models import Article; print(Article.objects.get(slug={slug!r}).pk)")
    return int(run(folder, sys.executable, "-c", script).strip())


def test_servers_answer_every_search_during_imports_edits_and_a_rebuild(site, tmp_path):
    folder, servers = site
    failures, counts, stop = [], {name: 0 for name in servers}, threading.Event()

    def client(number):
        n = number
        while not stop.is_set() or min(counts.values()) < REQUESTS_PER_SERVER:
            for name, base_url in servers.items():
                if stop.is_set() and counts[name] >= REQUESTS_PER_SERVER:
                    continue
                path = PATHS[n % len(PATHS)]
                status, body = get(base_url, path)
                counts[name] += 1
                if status != 200:
                    failures.append(f"{name} {path}: {status} {body[:300]}")
            n += 1
            if len(failures) > 20:
                return

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        clients = [pool.submit(client, number) for number in range(CLIENTS)]
        try:
            writes(folder, servers)
        finally:
            stop.set()
            for future in clients:
                future.result(timeout=600)
    assert failures == []
    assert all(count >= REQUESTS_PER_SERVER for count in counts.values()), counts

    fresh = json.loads(worker(folder, "answers", *QUERIES))
    for name, base_url in servers.items():
        for text in QUERIES:
            # Several times each: gunicorn's requests go to any of its workers.
            for _ in range(6):
                status, body = get(base_url, f"/api/search?{urllib.parse.urlencode({'q': text, 'per_page': 50})}")
                data = json.loads(body)
                assert status == 200 and [data["total"], [r["slug"] for r in data["results"]]] == fresh[text], \
                    (name, text)
    worker(folder, "check")
