"""citeproc-js, the reference CSL processor, run by Node beside the web process.

One Node process per web process (archive/citeproc_js/render_server.js), started on the first
citation that needs it and kept: starting Node and parsing a style costs far more than writing
an entry. Requests go one at a time through a lock around its pipes; each has a deadline, after
which the renderer is killed and `Unavailable` raised (a 503, never a stuck worker). A renderer
that has stopped is started again on the next request. When Node or the npm package is not
installed, `available()` is false and archive.csl_styles falls back to citeproc-py.
"""

import atexit
import json
import os
import pathlib
import select
import shutil
import subprocess
import threading
import time

import citeproc
from django.conf import settings

FOLDER = pathlib.Path(__file__).parent / "citeproc_js"
SCRIPT = FOLDER / "render_server.js"
PACKAGE = FOLDER / "node_modules" / "citeproc" / "package.json"
# The CSL locale files that come with citeproc-py, as tests/citeproc/render.js reads them.
LOCALES = pathlib.Path(citeproc.__file__).parent / "data" / "locales"
# Seconds; ARCHIVE_CITEPROC_TIMEOUT overrides it. The first entry in a long style (the Chicago variants)
# builds its engine, which takes about 2 s of CPU on its own.
DEFAULT_TIMEOUT = 15
HEAP_MB = 512


class Unavailable(Exception):
    """The renderer did not answer: it would not start, stopped, or took too long."""


class Refused(Exception):
    """citeproc-js threw on this style (its message says why)."""


def node():
    """The Node program to run, or None when there is none (ARCHIVE_CITEPROC_NODE names another, "" turns it off)."""
    configured = getattr(settings, "ARCHIVE_CITEPROC_NODE", "node")
    return shutil.which(configured) if configured else None


def available():
    return node() is not None and PACKAGE.is_file()


def timeout():
    return float(getattr(settings, "ARCHIVE_CITEPROC_TIMEOUT", DEFAULT_TIMEOUT))


class Renderer:
    def __init__(self):
        self._lock = threading.Lock()
        self._process = None
        self._owner = None  # the pid that started it: a forked worker starts its own
        self._pending = b""

    def render(self, style, lang, items, output):
        """Each item's bibliography entry ("text" or "html"), as citeproc-js writes it with `style` (a file path)."""
        request = json.dumps({"style": str(style), "lang": lang, "items": items, "format": output}).encode() + b"\n"
        with self._lock:
            answer = self._exchange(request)
        if "error" in answer:
            raise Refused(answer["error"])
        return answer["entries"]

    def pid(self):
        """The running renderer's process id, or None."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def stop(self):
        with self._lock:
            self._stop()

    def _exchange(self, request):
        deadline = time.monotonic() + timeout()
        process = self._running(deadline)
        try:
            process.stdin.write(request)
            process.stdin.flush()
        except OSError:
            # It stopped between two requests (killed, out of memory): once more with a new one.
            self._stop()
            process = self._running(deadline)
            process.stdin.write(request)
            process.stdin.flush()
        return self._read(process, deadline)

    def _running(self, deadline):
        process = self._process
        if process is not None and self._owner == os.getpid() and process.poll() is None:
            return process
        self._stop()
        if not available():
            raise Unavailable("Node or the npm package citeproc is not installed (make citeproc-deps)")
        self._process = subprocess.Popen(
            # render_server.js keeps the style engines it holds under 200 MB, measured after a
            # collection (--expose-gc); the bound on the heap leaves room for one more being built.
            [node(), "--expose-gc", f"--max-old-space-size={HEAP_MB}", str(SCRIPT), str(LOCALES)], cwd=FOLDER,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,  # its warnings go to our log
        )
        self._owner = os.getpid()
        self._pending = b""
        ready = self._read(self._process, deadline)
        if not ready.get("ready"):
            self._stop()
            raise Unavailable(f"the citeproc-js renderer did not start: {ready}")
        return self._process

    def _read(self, process, deadline):
        """The next answer line, read straight from the pipe's descriptor so a deadline can apply."""
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            readable = left > 0 and select.select([process.stdout], [], [], left)[0]
            if not readable:
                self._stop()
                raise Unavailable(f"citeproc-js did not answer within {timeout():g} s; it is restarted "
                                  "on the next request")
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                code = process.wait()
                self._stop()
                raise Unavailable(f"the citeproc-js renderer stopped (exit status {code}); it is restarted "
                                  "on the next request")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def _stop(self):
        process, self._process, self._pending = self._process, None, b""
        if process is None:
            return
        if self._owner == os.getpid():
            process.kill()
            process.wait()
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


# The one renderer of this process.
renderer = Renderer()
atexit.register(renderer.stop)
