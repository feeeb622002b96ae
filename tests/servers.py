"""Real servers for the tests that need several processes: gunicorn with workers, the development server.

Each server listens on a socket bound here before it starts, so no other process can take the port
between choosing it and listening on it.
"""

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


class Server:
    def __init__(self, name, process, base_url, log):
        self.name, self.process, self.base_url, self.log = name, process, base_url, log

    def log_tail(self):
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:] if self.log.exists() else ""

    def wait_until_up(self, path="/"):
        """Until `path` answers 200; a server that exits or never answers fails the test with its log."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"{self.name} did not answer {path} within {STARTUP_SECONDS}s:\n{self.log_tail()}")

    def stop(self):
        # SIGTERM lets gunicorn's master stop its workers and their database connections first.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _listener(backlog):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(backlog)
    return listener


def _start(name, command, env, log, listener):
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=[listener.fileno()],
                                   stdout=out, stderr=subprocess.STDOUT)
    port = listener.getsockname()[1]
    listener.close()
    return Server(name, process, f"http://127.0.0.1:{port}", log)


def start_gunicorn(env, log, workers=4, extra=(), backlog=128):
    """The site under gunicorn, as in production: `workers` sync worker processes."""
    listener = _listener(backlog)
    command = [sys.executable, "-m", "gunicorn", "archive.wsgi:application", "--workers", str(workers),
               "--bind", f"fd://{listener.fileno()}", "--error-logfile", "-", *extra]
    return _start("gunicorn", command, env, log, listener)


def start_runserver(env, log):
    """The threaded development server that `make run` starts, without its reloader."""
    listener = _listener(128)
    # runserver cannot take a socket; it gets the port, freed just before it starts.
    port = listener.getsockname()[1]
    listener.close()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server("runserver", process, f"http://127.0.0.1:{port}", log)
