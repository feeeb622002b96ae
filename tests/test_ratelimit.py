"""One client over the API limit gets 429 with Retry-After; other clients are served as before."""

import sqlite3
from contextlib import closing

import pytest
from django.core.exceptions import ImproperlyConfigured

from archive import env, ratelimit
from tests.conftest import clear_of_a_window_edge


@pytest.fixture
def limit(settings):
    settings.ARCHIVE_API_RATE = (3, 60)
    clear_of_a_window_edge(60)


def get(client, url, address="10.0.0.1", **headers):
    return client.get(url, REMOTE_ADDR=address, **headers)


@pytest.mark.django_db
def test_it_answers_429_with_retry_after_past_the_limit(client, limit):
    for _ in range(3):
        assert get(client, "/api/search?q=wurm").status_code == 200
    refused = get(client, "/api/search?q=wurm")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert "at most 3 every 60 seconds" in body["error"]
    assert body["retry_after"] == int(refused["Retry-After"])


@pytest.mark.django_db
def test_it_leaves_another_client_unaffected(client, limit):
    for _ in range(5):
        get(client, "/api/search?q=wurm", address="10.0.0.1")
    assert get(client, "/api/search?q=wurm", address="10.0.0.1").status_code == 429
    assert get(client, "/api/search?q=wurm", address="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_it_counts_search_and_records_api_together(client, limit):
    assert get(client, "/api/articles/").status_code == 200
    assert get(client, "/api/entities/").status_code == 200
    assert get(client, "/api/search?q=wurm").status_code == 200
    assert get(client, "/api/events/").status_code == 429
    assert get(client, "/api/articles/no-such-article/").status_code == 429


@pytest.mark.django_db
def test_it_does_not_limit_the_pages(client, limit):
    for _ in range(5):
        get(client, "/api/search?q=wurm")
    assert get(client, "/search/?q=wurm").status_code == 200
    assert get(client, "/").status_code == 200


@pytest.mark.django_db
def test_it_can_be_turned_off(client, settings):
    settings.ARCHIVE_API_RATE = None
    assert all(get(client, "/api/entities/").status_code == 200 for _ in range(10))


def test_a_new_window_starts_a_new_count(settings):
    limit = (2, 60)
    assert ratelimit.hit("api", "10.0.0.9", limit, now=120.0) is None
    assert ratelimit.hit("api", "10.0.0.9", limit, now=130.0) is None
    assert ratelimit.hit("api", "10.0.0.9", limit, now=150.5) == 30
    assert ratelimit.hit("api", "10.0.0.9", limit, now=180.0) is None


@pytest.mark.django_db
def test_it_trusts_forwarded_for_only_behind_a_configured_proxy(client, limit, settings):
    # Without a configured proxy the header is the client's own text and is ignored.
    for n in range(4):
        response = get(client, "/api/entities/", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert response.status_code == 429
    settings.ARCHIVE_PROXY_COUNT = 1
    for _ in range(4):
        response = get(client, "/api/entities/", address="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.50")
    assert response.status_code == 429
    # The proxy's own address is shared by everyone behind it; clients are told apart by what it saw.
    assert get(client, "/api/entities/", address="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 200


@pytest.mark.parametrize("value", ["120", "120/", "x/60", "-1/60", "120/0", "1.5/60"])
def test_a_malformed_rate_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("ARCHIVE_API_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="ARCHIVE_API_RATE"):
        env.env_rate("ARCHIVE_API_RATE", "120/60")


def test_a_rate_reads_as_count_and_seconds(monkeypatch):
    monkeypatch.setenv("ARCHIVE_API_RATE", "30/10")
    assert env.env_rate("ARCHIVE_API_RATE", "120/60") == (30, 10)
    monkeypatch.setenv("ARCHIVE_API_RATE", "off")
    assert env.env_rate("ARCHIVE_API_RATE", "120/60") is None
    monkeypatch.delenv("ARCHIVE_API_RATE")
    assert env.env_rate("ARCHIVE_API_RATE", "120/60") == (120, 60)


@pytest.mark.django_db
def test_the_api_description_names_the_limit(client):
    spec = client.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        assert "Retry-After" in item["get"]["responses"]["429"]["headers"], path


def stored_counts():
    with closing(sqlite3.connect(ratelimit.counts_path())) as connection:
        return dict(connection.execute("SELECT key, count FROM counts").fetchall())


def test_counts_of_ended_windows_are_removed(settings):
    limit = (5, 60)
    ratelimit.hit("api", "10.0.0.1", limit, now=1000.0)
    ratelimit.hit("api", "10.0.0.2", limit, now=1001.0)
    assert len(stored_counts()) == 2
    ratelimit.hit("api", "10.0.0.3", limit, now=1000.0 + ratelimit.SWEEP_SECONDS + 60)
    assert list(stored_counts()) == [f"api:10.0.0.3:{int((1060.0 + ratelimit.SWEEP_SECONDS) // 60)}"]


def test_the_counts_are_kept_to_a_bounded_number_of_clients(settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 3)
    limit = (5, 3600)
    for n in range(6):
        ratelimit.hit("api", f"10.0.1.{n}", limit, now=100.0 + n * ratelimit.SWEEP_SECONDS)
    assert len(stored_counts()) == 3
