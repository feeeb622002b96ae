"""Several processes at once, and a rebuild killed halfway: real subprocesses on one data folder."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "search_worker.py"


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    run(folder, "setup")
    return folder


def env_for(folder):
    # Their own SQLite database in the temporary folder, whatever database the suite runs on.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["ARCHIVE_DATA_DIR"] = str(folder)
    return env


def run(folder, *args):
    result = subprocess.run([sys.executable, str(WORKER), *args], env=env_for(folder), capture_output=True,
                            text=True, timeout=300)
    return result


def start(folder, *args, script=None):
    command = [sys.executable, str(WORKER), *args] if script is None else script
    return subprocess.Popen(command, env=env_for(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


def test_concurrent_writers_lose_no_update_and_show_no_lock_error(data_dir):
    workers = [start(data_dir, "write", f"web{n}", "15") for n in range(2)]
    workers.append(start(data_dir, "import", "bulk", "60"))
    readers = [start(data_dir, "search", "Sasser", "40")]
    for process in workers + readers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Error" not in err and "busy" not in err, err
    checked = run(data_dir, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert run(data_dir, "search", "Sasser", "1").stdout.strip() == "90"


def test_a_rebuild_killed_halfway_leaves_the_old_index_serving(data_dir):
    assert run(data_dir, "import", "first", "20").returncode == 0
    pointer = data_dir / "search" / "CURRENT"
    before = pointer.read_text()
    assert run(data_dir, "import", "more", "300").returncode == 0
    rebuild = start(data_dir, script=[sys.executable, str(ROOT / "manage.py"), "rebuild_index", "--every", "10"])
    line = rebuild.stdout.readline()
    while "indexed" not in line:  # wait until it is really building
        line = rebuild.stdout.readline()
        assert line, rebuild.stderr.read()
    rebuild.send_signal(signal.SIGKILL)
    rebuild.communicate(timeout=60)  # also closes the pipes
    assert pointer.read_text() == before
    assert len(list((data_dir / "search").glob("index-*"))) == 2  # the old one and the half-built one
    assert run(data_dir, "search", "Sasser", "1").stdout.strip() == "320"

    finished = subprocess.run([sys.executable, str(ROOT / "manage.py"), "rebuild_index"], env=env_for(data_dir),
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert finished.returncode == 0, finished.stderr
    assert pointer.read_text() != before
    assert [p.name for p in (data_dir / "search").glob("index-*")] != []
    assert run(data_dir, "check").returncode == 0
    assert run(data_dir, "search", "Sasser", "1").stdout.strip() == "320"


def test_a_write_during_a_rebuild_reaches_the_new_index(data_dir):
    assert run(data_dir, "import", "first", "600").returncode == 0
    rebuild = start(data_dir, script=[sys.executable, str(ROOT / "manage.py"), "rebuild_index", "--every", "10"])
    line = rebuild.stdout.readline()
    while "indexed" not in line:
        line = rebuild.stdout.readline()
        assert line, rebuild.stderr.read()
    # The first article was read by the rebuild already: only the catch-up brings the change over.
    assert run(data_dir, "retitle", "first-0", "Blaster retitled").returncode == 0
    assert run(data_dir, "write", "during", "3").returncode == 0
    out, err = rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0, err
    assert "Switched" in out
    assert run(data_dir, "check").returncode == 0
    assert run(data_dir, "search", "Sasser", "1").stdout.strip() == "602"  # first-0 lost its "Sasser"
    assert run(data_dir, "search", "Blaster", "1").stdout.strip() == "1"
