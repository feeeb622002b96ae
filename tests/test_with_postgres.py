"""scripts/with-postgres: a throwaway server for one command, gone afterwards whatever the command did."""

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "with-postgres"

pytestmark = pytest.mark.skipif(
    not (glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb")),
    reason="PostgreSQL's server programs are not installed (make test-postgres installs them)",
)

REPORT = """
import os, sys, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url) as conn:
    print(url)
    print(conn.execute("SHOW data_directory").fetchone()[0])
sys.exit(7)
"""


def test_it_runs_the_command_on_a_fresh_server_then_stops_and_deletes_it():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run(
        ["bash", str(SCRIPT), sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 7, done.stderr
    url, data_directory = done.stdout.split()
    assert url.startswith("postgres://archive:") and "@127.0.0.1:" in url
    assert not Path(data_directory).parent.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)
