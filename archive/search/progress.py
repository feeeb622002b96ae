"""Progress for long index commands: a bar with count and rate on a terminal, plain lines otherwise."""

import time


class Progress:
    def __init__(self, stream, total, *, label="indexed", every=None):
        self.stream = stream
        self.total = max(total, 0)
        self.label = label
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.every = every or max(1, min(1000, self.total // 10 or 1))
        self.started = time.monotonic()
        self.last_draw = 0.0

    def rate(self, count):
        elapsed = time.monotonic() - self.started
        return count / elapsed if elapsed > 0 else 0.0

    def __call__(self, count):
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.1 and count != self.total:
                return
            self.last_draw = now
            width = 30
            filled = int(width * count / self.total) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {count}/{self.total} {self.label}  {self.rate(count):.0f}/s")
            self.stream.flush()
        elif count % self.every == 0 or count == self.total:
            self.stream.write(f"{count}/{self.total} {self.label} ({self.rate(count):.0f}/s)\n")
            self.stream.flush()

    def done(self, count):
        if self.tty:
            self.stream.write("\n")
        seconds = time.monotonic() - self.started
        return f"{count} documents in {seconds:.1f} s ({self.rate(count):.0f}/s)"
