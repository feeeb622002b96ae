import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

# Tests read a fixed copy of the content as it was when they were written (the founding
# article and the Code Red incident), so the archive's own content/ can grow without changing
# what they assert; tests/test_history_content.py checks the real folder. Set in the
# environment too, for the commands and servers the tests start as processes.
CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"
os.environ["ARCHIVE_CONTENT_DIR"] = str(CONTENT)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgres_only: needs PostgreSQL; runs in the PostgreSQL pass of `make test`, skipped on SQLite"
    )
    config.addinivalue_line("markers", "whoosh_only: a search test of the Whoosh backend only")


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (DATABASE_URL=postgres://...); this run uses {connection.vendor}")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    """Every test gets its own data folder, so nothing touches var/."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    # The cache (rate-limit counts) lives in the data folder too, as it does on a site.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(settings.DATA_DIR / "cache")}}
    # Tests call the API far faster than any reader; the rate-limit tests set their own limit.
    settings.ARCHIVE_API_RATE = None
    # Tests change records between requests faster than a site's readers would see them change.
    settings.ARCHIVE_STAMP_SECONDS = 0
    settings.CONTENT_DIR = CONTENT


def clear_of_a_window_edge(seconds, margin=5.0):
    """The API's rate windows are aligned to the clock (ratelimit.hit): wait, when the current one has less than
    `margin` seconds left, for the next, so that a test's few requests are counted in one window."""
    left = seconds - time.time() % seconds
    if left < margin:
        time.sleep(left + 0.05)


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the test content folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def loaded(db):
    """The database with the test content folder loaded."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def db_vendor():
    """The database the suite runs on: "sqlite" or "postgresql"."""
    return connection.vendor


# The search tests run with every engine the database offers: Whoosh always, PostgreSQL's own on PostgreSQL.
SEARCH_BACKENDS = ["whoosh"] + (["postgres"] if connection.vendor == "postgresql" else [])


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request, settings):
    """settings.ARCHIVE_SEARCH_BACKEND for the test; modules opt in with usefixtures("search_backend")."""
    if request.param != "whoosh" and request.node.get_closest_marker("whoosh_only"):
        pytest.skip("about the Whoosh index's files")
    settings.ARCHIVE_SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in German leaves German active in the thread; the next test starts in the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
