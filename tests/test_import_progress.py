import io

from archive.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_it_draws_a_bar_with_count_and_rate_on_a_terminal():
    stream, clock = Terminal(), Clock()
    with Progress(total=100, label="import", unit="articles", stream=stream, clock=clock) as progress:
        for _ in range(50):
            clock.now += 0.01
            progress.advance()
    shown = stream.getvalue()
    assert "\r" in shown
    assert "import: [###############...............] 50/100 articles  100/s" in shown
    assert shown.endswith("\n")


def test_it_writes_plain_lines_every_few_seconds_elsewhere():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(total=None, label="tag", unit="articles", stream=stream, clock=clock)
    for _ in range(30):
        clock.now += 0.5
        progress.advance()
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert lines == ["tag: 10 articles  2/s", "tag: 20 articles  2/s", "tag: 30 articles  2/s"]
    assert "\r" not in stream.getvalue()


def test_it_stays_silent_when_disabled():
    stream = Terminal()
    with Progress(total=3, stream=stream, enabled=False) as progress:
        progress.advance(3)
    assert stream.getvalue() == ""
