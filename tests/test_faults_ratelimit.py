"""When the counts of the API and admin login limits cannot be written, requests are served (the
limits fail open) and the failure is logged once, not once per request."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from archive import ratelimit
from tests.test_faults_index import fill

pytestmark = pytest.mark.django_db

REQUESTS = 6


@pytest.fixture
def limits(settings):
    settings.ARCHIVE_API_RATE = (2, 60)
    settings.ARCHIVE_LOGIN_LIMITS = {"per_account": 2, "per_address": 3, "window": 900}


def fail_login(client):
    return client.post("/admin/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")


def failures_logged(caplog, what):
    return [record for record in caplog.records if record.name == ratelimit.__name__
            and record.levelname == "ERROR" and record.getMessage().startswith(what)]


def assert_served_and_logged_once(client, caplog, reason):
    caplog.set_level("ERROR")
    for _ in range(REQUESTS):
        assert client.get("/api/entities/", REMOTE_ADDR="10.0.0.7").status_code == 200
    for _ in range(REQUESTS):
        assert fail_login(client).status_code == 200  # the form again: refused password, not refused address
    api = failures_logged(caplog, "The API rate limit")
    login = failures_logged(caplog, "The admin login limit")
    assert len(api) == 1 and len(login) == 1, caplog.text
    assert reason in caplog.text


def test_an_unwritable_data_folder_serves_every_request_and_logs_once(client, caplog, limits):
    """Root writes anywhere chmod forbids, so the counts' place is taken: a folder where the counts'
    database belongs. That fails for root too."""
    (Path(settings.DATA_DIR) / ratelimit.COUNTS_FILE).mkdir()
    client.raise_request_exception = False
    assert_served_and_logged_once(client, caplog, "unable to open database file")


# --- a real full file system (needs permission to mount) ------------------------------


@pytest.fixture
def full_data_folder():
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting needs root; the unwritable-folder test covers a failing write")
    folder = Path(settings.DATA_DIR)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True,
                          text=True)
    if done.returncode:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); the unwritable-folder test covers a failing write")
    try:
        fill(folder)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_serves_every_request_and_logs_once(client, caplog, limits, full_data_folder):
    client.raise_request_exception = False
    assert_served_and_logged_once(client, caplog, "full")


def test_the_limits_count_again_once_the_counts_can_be_written(client, caplog, limits):
    data = Path(settings.DATA_DIR)
    in_the_way = data / ratelimit.COUNTS_FILE
    in_the_way.mkdir()
    caplog.set_level("ERROR")
    assert [client.get("/api/entities/").status_code for _ in range(3)] == [200, 200, 200]
    in_the_way.rmdir()
    assert [client.get("/api/entities/").status_code for _ in range(3)] == [200, 200, 429]
    assert len(failures_logged(caplog, "The API rate limit")) == 1
