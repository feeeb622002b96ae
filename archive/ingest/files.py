"""Article files -> raw records: what each import file holds, read defensively.

Every record comes with where it came from ("file" or "file:line") and either
its raw fields or the reason it could not be read. Nothing here touches the
database; archive.ingest.articles validates and writes.
"""

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from archive.ingest import frontmatter, scrape

SUFFIXES = (".md", ".txt", ".jsonl", ".jsonl.gz")
# An article file (.md, .txt) or one JSON line larger than this is refused unread: the
# longest real article in the corpora is 33 kB, so 4 MB is a broken export, not news.
MAX_RECORD_BYTES = 4 * 1024 * 1024


@dataclass
class Item:
    where: str
    data: dict | None = None
    field: str | None = None
    problem: str | None = None


def suffix_of(path):
    name = path.name.lower()
    return next((s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s)), "")


def expand(paths):
    """Files to import, and notes on what was skipped: [(path, note or None)].

    A folder contributes its article files (recursively, sorted); other files in it are
    skipped with a note. A file named explicitly is always tried, so a wrong kind fails.
    """
    result = []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                note = None if suffix_of(child) else f"skipped: not an article file ({', '.join(SUFFIXES)})"
                result.append((child, note))
        else:
            result.append((path, None))
    return result


def read_items(path, *, source_slug=""):
    """Yield the Items of one file."""
    where = str(path)
    suffix = suffix_of(path)
    if not path.exists():
        yield Item(where, problem="no such file or folder")
        return
    if not suffix:
        yield Item(where, problem=f"not an article file (expected {', '.join(SUFFIXES)})")
        return
    if suffix in (".jsonl", ".jsonl.gz"):
        yield from _jsonl_items(path, where, gzipped=suffix == ".jsonl.gz")
        return
    text, problem = _read_text(path)
    if problem:
        yield Item(where, problem=problem)
    elif suffix == ".md":
        yield _markdown_item(text, where)
    else:
        yield _scrape_item(text, where, source_slug)


def _decode(raw):
    """(text, problem) for bytes that should be UTF-8 text."""
    if b"\x00" in raw:
        return None, "binary data, not text"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, f"not UTF-8 text ({exc.reason} at byte {exc.start}, line {line})"


def _read_text(path):
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            return None, f"file is {size:,} bytes; an article file may have at most {MAX_RECORD_BYTES:,}"
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    if not raw.strip():
        return None, "empty file"
    return _decode(raw)


def _markdown_item(text, where):
    try:
        meta, body = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        line = exc.line
        if line and str(exc).startswith("invalid YAML"):
            line += 1  # YAML counts from the line after the opening '---'
        return Item(f"{where}:{line}" if line else where, problem=str(exc))
    return Item(where, data={**meta, "body": body})


def _scrape_item(text, where, source_slug):
    try:
        data = scrape.parse(text, source_slug=source_slug)
    except scrape.ScrapeError as exc:
        return Item(where, field=exc.field, problem=str(exc))
    # Scraped text is plain: its paragraphs are the body, not Markdown with front matter.
    return Item(where, data=data)


def _jsonl_items(path, where, *, gzipped):
    opener = gzip.open if gzipped else open
    number = 0
    any_line = False
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                any_line = True
                yield parse_json_line(raw, f"{where}:{number}")
    except OSError as exc:  # includes gzip.BadGzipFile
        yield Item(f"{where}:{number + 1}" if number else where, problem=f"cannot be read: {exc}")
        return
    except (EOFError, zlib.error) as exc:
        yield Item(f"{where}:{number + 1}", problem=f"compressed data ends early or is damaged ({exc})")
        return
    if not any_line:
        yield Item(where, problem="empty file")


def parse_json_line(raw, where):
    if len(raw) > MAX_RECORD_BYTES:
        return Item(where, problem=f"line is {len(raw):,} bytes; one article may have at most {MAX_RECORD_BYTES:,}")
    text, problem = _decode(raw)
    if problem:
        return Item(where, problem=problem.replace(", line 1)", ")"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Item(where, problem=f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(data, dict):
        return Item(where, problem=f"must be a JSON object of article fields, not {type(data).__name__}")
    return Item(where, data=data)
