"""Progress of long commands: a bar with count and rate on a terminal, plain lines otherwise.

    with Progress(total=len(items), label="tagging", stream=self.stderr) as progress:
        for item in items:
            ...
            progress.advance()

A callback that is told the count so far (the search index's rebuild) uses `progress.to(count)`.
"""

import sys
import time

BAR_WIDTH = 30


class Progress:
    def __init__(self, *, total=None, label="", unit="items", stream=None, enabled=True,
                 line_every=5.0, every_count=None, clock=time.monotonic):
        self.total = total
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.count = 0
        self._clock = clock
        self._started = clock()
        self._last_shown = self._started
        # A terminal gets a bar redrawn in place a few times a second; a log file
        # gets one plain line every few seconds, so it stays readable.
        self._tty = _is_tty(self.stream)
        self._every = 0.2 if self._tty else line_every
        # Off a terminal, also a line every `every_count` items (a reader waiting for a number of them).
        self._every_count = None if self._tty else every_count

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.finish()
        return False

    def advance(self, step=1):
        before, self.count = self.count, self.count + step
        if not self.enabled:
            return
        now = self._clock()
        counted = self._every_count and self.count // self._every_count > before // self._every_count
        if counted or now - self._last_shown >= self._every:
            self._last_shown = now
            self._show(now)

    def to(self, count):
        """Move on to `count` items done, for callers that are told the count so far."""
        if count > self.count:
            self.advance(count - self.count)

    def __call__(self, count):
        self.to(count)

    def summary(self):
        seconds = self._clock() - self._started
        return f"{self.count} {self.unit} in {seconds:.1f} s ({self.rate():.0f}/s)"

    def rate(self, now=None):
        elapsed = (now or self._clock()) - self._started
        return self.count / elapsed if elapsed > 0 else 0.0

    def text(self, now=None):
        """The status as one line: label, count (of total), rate."""
        count = f"{self.count}/{self.total}" if self.total else str(self.count)
        head = f"{self.label}: " if self.label else ""
        bar = ""
        if self._tty and self.total:
            done = min(BAR_WIDTH, int(BAR_WIDTH * self.count / self.total))
            bar = "[" + "#" * done + "." * (BAR_WIDTH - done) + "] "
        return f"{head}{bar}{count} {self.unit}  {self.rate(now):.0f}/s"

    def _show(self, now):
        if self._tty:
            self.stream.write("\r" + self.text(now) + "\x1b[K")
        else:
            self.stream.write(self.text(now) + "\n")
        self.stream.flush()

    def finish(self):
        """End the bar; a run that shows nothing on the way stays silent at the end too."""
        if self.enabled and self._tty and self.count:
            self._show(self._clock())
            self.stream.write("\n")
            self.stream.flush()


def _is_tty(stream):
    # Django wraps stdout/stderr in OutputWrapper, which forwards isatty.
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
