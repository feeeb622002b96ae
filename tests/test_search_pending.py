"""Keys a bulk run has committed wait on disk until its write; a dead run's keys go to the next run."""

import subprocess
import sys
from pathlib import Path

from archive.search import pending
from archive.search.documents import Key

ROOT = Path(__file__).resolve().parent.parent


def test_a_live_runs_keys_are_left_alone_and_an_abandoned_runs_are_taken_once():
    run = pending.PendingKeys()
    run.add([Key("article", 1), Key("event", 2)])
    assert pending.adopt() == set()  # its run still holds the lock
    run.abandon()
    assert pending.adopt() == {Key("article", 1), Key("event", 2)}
    assert pending.adopt() == set()


def test_a_finished_run_leaves_nothing():
    run = pending.PendingKeys()
    run.add([Key("article", 1)])
    run.done()
    assert pending.adopt() == set()


def test_the_keys_of_a_process_that_died_are_taken(settings):
    # A process that files keys and exits without writing them: its lock goes with it.
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'archive.settings'); django.setup(); "
        "from archive.search import pending; from archive.search.documents import Key; "
        "pending.PendingKeys().add([Key('article', 7)]); os._exit(0)"
    )
    env = {"ARCHIVE_DATA_DIR": str(settings.DATA_DIR), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert pending.adopt() == {Key("article", 7)}
