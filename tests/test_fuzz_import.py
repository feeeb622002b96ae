"""Whatever the files hold, import_articles reports failures and imports whole articles; nothing escapes.

Each example runs the real command on a file of random bytes, random front matter or random JSON
lines, and checks the summary against the database: only CommandError (some article failed) may
leave the command, and every counted article is there, whole, and nothing else.
"""

import io
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.ingest.articles import KNOWN_KEYS
from archive.models import Article, Mention, Source

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SUMMARY = re.compile(r"created: (\d+)  updated: (\d+)  unchanged: (\d+)  failed: (\d+)")

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["taz", "de", "en", "2001", "2001-08-10", "2001-02-30", "day", "month", "cisco", "microsoft",
                     "https://example.org/a", "javascript:alert(1)", "Code Red II befällt Microsoft", "a" * 600]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=3), max_leaves=6)
RECORDS = st.dictionaries(st.one_of(st.sampled_from(sorted(KNOWN_KEYS)), st.text(max_size=10)), VALUES, max_size=10)
WORDY = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


def scrape_files():
    lines = st.lists(st.one_of(WORDY, st.sampled_from(["Wurm: Code Red II schlägt zu", ": Titel",
                                                       "REDMOND/MÜNCHEN DPA/AP ■ Der Wurm befällt Microsoft.",
                                                       "BERLIN (dpa) - Symantec warnt.", ""])), max_size=8)
    return st.one_of(st.binary(max_size=400), lines.map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")))


def markdown_files():
    dumped = RECORDS.map(lambda record: yaml.safe_dump(record, allow_unicode=True))
    front = st.one_of(dumped, WORDY)
    return st.tuples(front, WORDY, st.sampled_from(["---\n", "---\r\n", "", "--- \n"])).map(
        lambda parts: f"{parts[2]}{parts[0]}\n---\n{parts[1]}".encode("utf-8", "surrogatepass"))


def jsonl_files():
    line = st.one_of(RECORDS.map(lambda record: json.dumps(record, ensure_ascii=False).encode("utf-8",
                                                                                            "surrogatepass")),
                     st.binary(max_size=80))
    return st.lists(line, max_size=6).map(b"\n".join)


def run_import(suffix, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        failed = False
        try:
            call_command("import_articles", str(path), stdout=out, stderr=err)
        except CommandError:
            failed = True
        return failed, out.getvalue(), err.getvalue(), str(path)


def check_import(suffix, content):
    articles, sources, mentions = Article.objects.count(), Source.objects.count(), Mention.objects.count()
    failed, out, err, path = run_import(suffix, content)
    created, updated, unchanged, failures = map(int, SUMMARY.search(out).groups())
    assert failed == bool(failures)
    if failures:
        assert path in err  # every failure names the file (and line for JSON lines)
    assert Article.objects.count() == articles + created
    assert Source.objects.count() <= sources + created  # a source only comes with an article
    if not (created or updated):
        assert Mention.objects.count() == mentions
    for article in Article.objects.order_by("-id")[:created]:
        assert article.title.strip() and article.body.strip() and article.language in ("de", "en")


@pytest.fixture
def archive(loaded):
    """The content/ records: sources and entities for the imports to find."""


@FUZZ
@given(scrape_files())
def test_any_scrape_file_imports_or_is_reported(archive, content):
    check_import(".txt", content)


@FUZZ
@given(markdown_files())
def test_any_front_matter_imports_or_is_reported(archive, content):
    check_import(".md", content)


@FUZZ
@given(jsonl_files())
def test_any_json_lines_import_or_are_reported(archive, content):
    check_import(".jsonl", content)
