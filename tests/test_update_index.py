"""The start-up's index update: a full rebuild only when the index is missing, outdated or damaged."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from archive import search
from tests import timeline_factories as make

pytestmark = pytest.mark.whoosh_only


def _run():
    out = StringIO()
    call_command("update_index", stdout=out)
    return out.getvalue()


@pytest.fixture
def records(db):
    worm = make.entity("worm")
    return [make.article(f"a-{n}", "2001-08-10", entities=[worm]) for n in range(3)]


def _index_folders():
    return [p for p in (Path(settings.DATA_DIR) / "search").iterdir() if p.is_dir() and p.name.startswith("index-")]


def test_a_missing_index_is_rebuilt_saying_so(records):
    out = _run()
    assert "Rebuilding the search index: there is no index yet" in out
    assert search.check().clean


def test_an_unchanged_archive_reads_and_writes_nothing(records):
    _run()
    out = _run()
    assert "nothing changed since the last run" in out
    assert "Rebuilding" not in out


def test_only_the_changed_records_are_written(records):
    _run()
    with search.deferred_indexing():  # the record changes without the index hearing of it
        records[0].title = "Renamed worm report"
        records[0].save()
    drift = search.check()
    assert drift.stale == [f"article:{records[0].pk}"]
    out = _run()
    assert "0 added, 1 rewritten, 0 removed, of 4 records" in out
    assert search.check().clean


def test_an_index_of_another_schema_version_is_rebuilt(records):
    _run()
    for folder in _index_folders():
        (folder / "SCHEMA").write_text("0\n")
    out = _run()
    assert "Rebuilding the search index: the index cannot be used" in out
    assert "another version" in out
    assert search.check().clean


def test_an_index_deleted_since_the_last_run_is_rebuilt_though_the_archive_did_not_change(records):
    """The saved stamp holds the index's generation too: a missing index is not taken for an up-to-date one."""
    _run()
    for folder in _index_folders():
        shutil.rmtree(folder)
    out = _run()
    assert "Rebuilding the search index: there is no index yet" in out
    assert search.check().clean
