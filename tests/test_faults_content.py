"""load_content under faults: killed mid-write it leaves no half record and a
re-run completes; a missing or read-only data folder is a clear error."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from archive.ingest.frontmatter import split

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 1000


def environment(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_") and k != "DATABASE_URL"}
    env["ARCHIVE_DATA_DIR"] = str(data_dir)
    return env


def manage(data_dir, *args, prefix=()):
    return subprocess.run(
        [*prefix, sys.executable, "manage.py", *args], cwd=ROOT, env=environment(data_dir),
        capture_output=True, text=True, timeout=300,
    )


def big_content(folder, title="Generated article"):
    """The project's content plus enough generated articles that loading takes a while."""
    if not folder.exists():
        shutil.copytree(settings.CONTENT_DIR, folder)
    for number in range(ARTICLES):
        (folder / "articles" / f"generated-{number:05d}.md").write_text(
            f"---\ntitle: {title} {number}\nsource: taz\nlanguage: en\ndate: 2001-08\n"
            f"entities: [code-red, microsoft]\n---\n\n" + "A paragraph about *Code Red*.\n\n" * 20,
            encoding="utf-8",
        )
    return folder


def count(data_dir, sql):
    with sqlite3.connect(data_dir / "archive.sqlite3") as connection:
        return connection.execute(sql).fetchone()[0]


def writer_active(database):
    """Whether another connection holds the database's write lock (a write transaction is open)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    else:
        connection.execute("ROLLBACK")
        return False
    finally:
        connection.close()


def kill_mid_write(data_dir, folder):
    """Start load_content and kill -9 it while its write transaction is open.

    The kill comes once the loader has held the write lock for a moment, so
    records have been written inside the transaction but not committed; the
    lock is checked again just before, so a load that already finished fails
    the test instead of passing it.
    """
    database = data_dir / "archive.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "load_content", str(folder)], cwd=ROOT, env=environment(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not writer_active(database):
            assert process.poll() is None, "load_content finished before it could be killed"
            assert time.monotonic() < deadline, "load_content never started writing"
            time.sleep(0.005)
        time.sleep(0.3)
        assert writer_active(database), "load_content finished writing before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "var"
    folder.mkdir()
    assert manage(folder, "migrate", "--noinput").returncode == 0
    return folder


def test_a_killed_first_load_leaves_nothing_and_a_rerun_completes(data_dir, tmp_path):
    folder = big_content(tmp_path / "content")
    kill_mid_write(data_dir, folder)

    for table in ("archive_article", "archive_entity", "archive_mention", "archive_source"):
        assert count(data_dir, f"SELECT count(*) FROM {table}") == 0, table

    rerun = manage(data_dir, "load_content", str(folder))
    assert rerun.returncode == 0, rerun.stderr
    assert count(data_dir, "SELECT count(*) FROM archive_article") == ARTICLES + 1
    founding = split((folder / "articles" / "computervirus-code-red-2-schlaegt-zu.md").read_text("utf-8"))[0]
    assert count(data_dir, "SELECT count(*) FROM archive_mention") == ARTICLES * 2 + len(founding["entities"])


def test_a_killed_update_keeps_every_record_as_it_was(data_dir, tmp_path):
    folder = big_content(tmp_path / "content")
    assert manage(data_dir, "load_content", str(folder)).returncode == 0
    big_content(folder, title="Corrected article")
    kill_mid_write(data_dir, folder)

    assert count(data_dir, "SELECT count(*) FROM archive_article WHERE title LIKE 'Corrected%'") == 0
    assert count(data_dir, "SELECT count(*) FROM archive_article WHERE title LIKE 'Generated%'") == ARTICLES

    rerun = manage(data_dir, "load_content", str(folder))
    assert rerun.returncode == 0, rerun.stderr
    assert f"updated: {ARTICLES}" in rerun.stdout
    assert count(data_dir, "SELECT count(*) FROM archive_article WHERE title LIKE 'Corrected%'") == ARTICLES


def test_a_missing_data_folder_is_a_clear_error(tmp_path):
    result = manage(tmp_path / "no-such-folder", "load_content")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no-such-folder (ARCHIVE_DATA_DIR) exists and is writable" in result.stderr
    assert "nothing was written" in result.stderr


def without_root_override():
    """A prefix that makes even root obey file modes (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner")


def test_a_read_only_data_folder_is_a_clear_error(data_dir, content_copy):
    assert manage(data_dir, "load_content", str(content_copy)).returncode == 0
    entity = content_copy / "entities" / "symantec.yaml"
    entity.write_text(entity.read_text(encoding="utf-8").replace("Norton", "Norton AntiVirus"), encoding="utf-8")
    (data_dir / "archive.sqlite3").chmod(0o444)
    data_dir.chmod(0o555)
    try:
        result = manage(data_dir, "load_content", str(content_copy), prefix=without_root_override())
    finally:
        data_dir.chmod(0o755)
        (data_dir / "archive.sqlite3").chmod(0o644)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "readonly database" in result.stderr and "exists and is writable" in result.stderr
    assert count(data_dir, "SELECT count(*) FROM archive_entity WHERE description LIKE '%Norton AntiVirus%'") == 0


def test_a_missing_content_folder_is_a_clear_error(data_dir, tmp_path):
    result = manage(data_dir, "load_content", str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "nowhere: is not a folder" in result.stderr


def test_a_killed_export_leaves_no_backup_under_its_name_and_a_rerun_completes(data_dir, tmp_path):
    folder = big_content(tmp_path / "content")
    assert manage(data_dir, "load_content", str(folder)).returncode == 0
    target = tmp_path / "backup"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "export_archive", str(target)], cwd=ROOT, env=environment(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(len(list(p.glob("articles/*.md"))) > 50 for p in tmp_path.glob(".backup.partial-*")):
            assert process.poll() is None, "export_archive finished before it could be killed"
            assert time.monotonic() < deadline, "export_archive never started writing"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert not target.exists()

    rerun = manage(data_dir, "export_archive", str(target))
    assert rerun.returncode == 0, rerun.stderr
    assert len(list((target / "articles").glob("*.md"))) == ARTICLES + 1
