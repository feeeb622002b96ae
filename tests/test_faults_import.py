"""import_articles killed with SIGKILL halfway through a large file, then run again: real processes.

Each article is its own transaction, so the kill leaves every article either whole (with its
mentions) or absent; the re-run imports the rest and says truthfully what it found.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "search_worker.py"
COUNT = 1200


def env_for(folder):
    # Their own SQLite database in the temporary folder, whatever database the suite runs on.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["ARCHIVE_DATA_DIR"] = str(folder)
    return env


def manage(folder, *args):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env_for(folder), cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def write_articles(path):
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(COUNT):
            handle.write(json.dumps({
                "title": f"Wurmwelle {number}: Symantec warnt",
                "body": f"Microsoft und Symantec melden den Wurm Code Red II. Hotmail ist betroffen. Fall {number}.",
                "source": "taz", "language": "de", "date": f"2001-08-{1 + number % 28:02d}",
                "url": f"https://example.org/wurm/{number}", "entities": ["cisco"],
            }, ensure_ascii=False) + "\n")


def database(folder):
    return sqlite3.connect(f"file:{folder / 'archive.sqlite3'}?mode=ro", uri=True, timeout=30)


def imported(folder):
    with database(folder) as db:
        return db.execute("SELECT count(*) FROM archive_article WHERE url LIKE 'https://example.org/wurm/%'").fetchone()[0]


def mention_sets(folder):
    """url -> the set of (entity slug, method) of each imported article."""
    with database(folder) as db:
        rows = db.execute(
            "SELECT a.url, e.slug, m.method FROM archive_article a "
            "LEFT JOIN archive_mention m ON m.article_id = a.id LEFT JOIN archive_entity e ON e.id = m.entity_id "
            "WHERE a.url LIKE 'https://example.org/wurm/%'"
        ).fetchall()
    found = {}
    for url, slug, method in rows:
        found.setdefault(url, set())
        if slug:
            found[url].add((slug, method))
    return found


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    for command in (["migrate", "--noinput"], ["load_content"], ["rebuild_index"]):
        done = manage(folder, *command, "--verbosity", "0")
        assert done.returncode == 0, done.stderr
    return folder


def test_a_killed_import_leaves_whole_articles_and_a_rerun_completes(data_dir, tmp_path):
    jsonl = tmp_path / "articles.jsonl"
    write_articles(jsonl)
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "import_articles", str(jsonl)],
                               env=env_for(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while imported(data_dir) < 150:  # well under way
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    before = mention_sets(data_dir)
    assert 150 <= len(before) < COUNT
    # The killed run never wrote the index (it writes once, at its end): check_index names what is missing.
    checked = manage(data_dir, "check_index")
    assert checked.returncode == 1
    assert f"missing: {len(before)}" in checked.stdout

    rerun = manage(data_dir, "import_articles", str(jsonl))
    assert rerun.returncode == 0, rerun.stderr
    assert f"created: {COUNT - len(before)}  updated: 0  unchanged: {len(before)}  failed: 0" in rerun.stdout

    after = mention_sets(data_dir)
    assert len(after) == COUNT
    # The last article was never reached by the killed run: its mentions are what a whole import gives.
    whole = after[f"https://example.org/wurm/{COUNT - 1}"]
    assert ("cisco", "manual") in whole and ("symantec", "alias") in whole and ("code-red-ii", "alias") in whole
    assert {url for url, found in before.items() if found != whole} == set()  # no half article survived the kill
    assert {url for url, found in after.items() if found != whole} == set()

    # The killed run left the keys of what it committed pending; the rerun, finding those articles
    # unchanged, wrote them with its own: the index is whole without a repair.
    assert manage(data_dir, "check_index").returncode == 0
    assert not list((data_dir / "search-pending").glob("*.keys"))
    found = subprocess.run([sys.executable, str(WORKER), "search", "Wurmwelle", "1"], env=env_for(data_dir),
                           capture_output=True, text=True, timeout=300)
    assert found.stdout.strip() == str(COUNT), found.stderr
