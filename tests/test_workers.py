"""Several web workers, one PostgreSQL: a change written through one worker is seen by every worker at once.

The site runs under gunicorn with four worker processes on a loopback socket.
Gunicorn's access log names the process that answered each request, so the test
can tell that every worker answered, without any test-only code in the site.
"""

import http.cookiejar
import os
import re
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from archive.models import Entity
from tests.servers import start_gunicorn

pytestmark = pytest.mark.postgres_only

WORKERS = 4
ENTITY = "code-red-ii"
PASSWORD = "a-long-password-for-tests"
# Each read names itself in a header, not the address: the JSON API refuses parameters it does not know.
LOG_LINE = re.compile(r"^<(?P<pid>\d+)> (?P<status>\d{3}) GET \S* \S+ r=(?P<r>\d+)$")


def server_database_url():
    """The URL of the test database pytest-django made, for the server's processes."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{db['HOST'] or ''}{port}/{db['NAME']}"


def pids_by_request(access_log):
    lines = access_log.read_text(encoding="utf-8").splitlines() if access_log.exists() else []
    found = {}
    for line in lines:
        if match := LOG_LINE.match(line):
            found[int(match["r"])] = int(match["pid"])
    return found


@pytest.fixture
def site(transactional_db, tmp_path):
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": server_database_url(),
        "ARCHIVE_DATA_DIR": str(settings.DATA_DIR),
        "ARCHIVE_DEBUG": "false",
        "ARCHIVE_SEARCH_BACKEND": settings.ARCHIVE_SEARCH_BACKEND,
    }
    extra = ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(r)s r=%({x-read-id}i)s"]
    server = start_gunicorn(env, tmp_path / "error.log", workers=WORKERS, extra=extra)
    server.access_log = access_log
    try:
        yield server.wait_until_up()
    finally:
        server.stop()


class FormFields(HTMLParser):
    """The values a browser would submit for the form with the given id."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file", "image", "reset"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append([attrs["name"], attrs.get("value") or ""])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append([self._select, attrs.get("value") or ""])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    @classmethod
    def of(cls, html, form_id):
        parser = cls(form_id)
        parser.feed(html)
        # Browsers drop the newline that follows <textarea>.
        return [(name, value.removeprefix("\n") if name else value) for name, value in parser.fields]


class Browser:
    """A cookie-keeping client; urllib sends `Connection: close`, so each request may reach any worker."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers={"Referer": self.base_url + path})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def submit(self, path, form_id, changes):
        _, html = self.get(path)
        fields = [(name, changes.get(name, value)) for name, value in FormFields.of(html, form_id)]
        return self.post(path, fields)


def read_through_every_worker(server, path, first_request_id):
    """Read `path` until every worker has answered; returns each worker's bodies and the next request id."""
    bodies, request_id = {}, first_request_id
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        for _ in range(50):
            ids = range(request_id, request_id + 4 * WORKERS)
            request_id += len(ids)
            fetched = dict(zip(ids, pool.map(lambda r: fetch(server, path, r), ids), strict=True))
            pids = wait_for_log_lines(server, ids)
            for r, body in fetched.items():
                bodies.setdefault(pids[r], []).append(body)
            if len(bodies) >= WORKERS:
                return bodies, request_id
    pytest.fail(f"only {len(bodies)} of {WORKERS} workers answered {request_id - first_request_id} requests")


def fetch(server, path, read_id):
    request = urllib.request.Request(server.base_url + path, headers={"X-Read-Id": str(read_id)})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()


def wait_for_log_lines(server, ids):
    # A worker writes its access log line just after sending the response.
    for _ in range(100):
        found = pids_by_request(server.access_log)
        if all(r in found for r in ids):
            return found
        time.sleep(0.05)
    pytest.fail(f"gunicorn logged no access line for some of requests {ids.start}..{ids.stop - 1}")


def test_it_serves_static_files_from_the_workers(site):
    status, css = Browser(site.base_url).get("/static/archive/site.css")
    assert status == 200 and "{" in css


def test_a_change_through_the_admin_shows_on_every_worker_at_once(site):
    call_command("load_content", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    entity = Entity.objects.get(slug=ENTITY)
    page = entity.get_absolute_url()
    before, next_id = read_through_every_worker(site, page, 0)
    assert all(entity.description in body for bodies in before.values() for body in bodies)

    editor = Browser(site.base_url)
    editor.submit("/admin/login/?next=/admin/", "login-form", {"username": "editor", "password": PASSWORD})
    new_description = "Rewritten by an editor: a worm that spread through IIS servers in August 2001."
    status, landed, html = editor.submit(
        f"/admin/archive/entity/{entity.pk}/change/", "entity_form", {"description": new_description}
    )
    assert status == 200 and landed.endswith("/admin/archive/entity/"), html[-2000:]
    assert Entity.objects.get(slug=ENTITY).description == new_description

    after, _ = read_through_every_worker(site, page, next_id)
    assert set(after) == set(before), "a worker was replaced between the reads"
    stale = {pid for pid, bodies in after.items() if any(new_description not in body for body in bodies)}
    assert not stale, f"workers {sorted(stale)} still showed the old description"
