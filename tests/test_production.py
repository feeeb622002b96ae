"""Production mode: refuses to start without its secrets, passes Django's deploy
checks, sends the security headers, serves static files under gunicorn, and
limits admin login attempts."""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import RequestFactory

from archive.security import client_ip
from tests.xss_vectors import executable_constructs

ROOT = Path(__file__).resolve().parent.parent
HOST = "archive.example"


def production_env(data_dir, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVE_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update({
        "ARCHIVE_ENV": "production",
        "ARCHIVE_SECRET_KEY": secrets.token_urlsafe(60),
        "ARCHIVE_ALLOWED_HOSTS": HOST,
        "ARCHIVE_BASE_URL": f"https://{HOST}/",
        "ARCHIVE_DATA_DIR": str(data_dir),
    })
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_it_passes_the_deploy_checks(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_settings_would_fail_the_deploy_checks(tmp_path):
    """The check above means something: the same command fails outside production."""
    env = production_env(tmp_path, ARCHIVE_ENV="development", ARCHIVE_SECRET_KEY=None)
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr or "DEBUG" in result.stdout


@pytest.mark.parametrize("missing", ["ARCHIVE_SECRET_KEY", "ARCHIVE_ALLOWED_HOSTS", "ARCHIVE_BASE_URL"])
def test_it_refuses_to_start_without_its_secrets(tmp_path, missing):
    result = manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert missing in result.stderr


def test_it_refuses_an_unknown_environment_name(tmp_path):
    result = manage(production_env(tmp_path, ARCHIVE_ENV="prod"), "check")
    assert result.returncode != 0
    assert "ARCHIVE_ENV='prod'" in result.stderr


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn serving the site in production mode on a free loopback port."""
    data = tmp_path_factory.mktemp("production")
    env = production_env(data)
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput"), ("load_content",)):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "2", "archive.wsgi:application"],
        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
            assert line or server.poll() is None, "gunicorn stopped before listening"
        assert port, "gunicorn did not say where it listens"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base, path, *, https=True):
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(base + path, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_it_sends_the_security_headers(production_server):
    status, headers, html = fetch(production_server, "/articles/computervirus-code-red-2-schlaegt-zu/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "object-src 'none'" in policy
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert executable_constructs(html, page=True) == []


def test_it_redirects_plain_http_to_https(production_server):
    status, headers, _ = fetch(production_server, "/", https=False)
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/"


def test_it_marks_cookies_secure(production_server):
    status, headers, _ = fetch(production_server, "/admin/login/")
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie


def test_it_serves_static_files_with_hashed_names(production_server):
    _, _, html = fetch(production_server, "/")
    stylesheet = re.search(r'href="(/static/archive/site\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the stylesheet is not linked under its hashed name"
    status, headers, css = fetch(production_server, stylesheet.group(1))
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert css.strip()


def test_it_shows_no_debug_page_for_an_unknown_address(production_server):
    status, _, html = fetch(production_server, "/articles/no-such-article/")
    assert status == 404
    assert "Traceback" not in html and "DEBUG" not in html


def test_the_policy_is_sent_in_development_too(client, db):
    for path in ("/", "/admin/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


@pytest.fixture
def editor(db):
    cache.clear()
    yield User.objects.create_superuser("editor", "editor@example.org", "a-long-password")
    cache.clear()


def log_in(client, username, password, ip="192.0.2.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_it_blocks_an_account_after_five_failures_from_one_address(client, editor):
    for _ in range(5):
        assert log_in(client, "editor", "wrong").status_code == 200
    blocked = log_in(client, "editor", "a-long-password")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "Too many failed logins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_addresses_and_accounts_are_not_blocked(client, editor):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    assert log_in(client, "someone-else", "wrong").status_code == 200
    assert log_in(client, "editor", "a-long-password", ip="198.51.100.7").status_code == 302


def test_the_user_name_is_matched_without_regard_to_case(client, editor):
    for name in ("editor", "Editor", "EDITOR", " editor", "eDitor"):
        log_in(client, name, "wrong")
    assert log_in(client, "editor", "a-long-password").status_code == 429


def test_an_address_trying_many_accounts_is_blocked(client, editor, settings):
    settings.ARCHIVE_LOGIN_LIMITS = {"per_account": 5, "per_address": 3, "window": 900}
    for number in range(3):
        log_in(client, f"guess{number}", "wrong")
    assert log_in(client, "editor", "a-long-password").status_code == 429


def test_a_success_clears_the_count(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", "a-long-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200
    assert log_in(client, "editor", "a-long-password").status_code == 302


def test_the_block_ends_with_its_window(client, editor, settings):
    # The window opens at the first failure; long enough that a loaded machine's three logins share it.
    window = 4
    settings.ARCHIVE_LOGIN_LIMITS = {"per_account": 2, "per_address": 20, "window": window}
    log_in(client, "editor", "wrong")
    log_in(client, "editor", "wrong")
    assert log_in(client, "editor", "a-long-password").status_code == 429
    time.sleep(window + 0.5)
    assert log_in(client, "editor", "a-long-password").status_code == 302


def test_the_client_address_comes_from_trusted_proxies_only(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.1"
    settings.ARCHIVE_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.ARCHIVE_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
