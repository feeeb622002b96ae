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
from typing import NamedTuple

from archive import rules
from archive.ingest import frontmatter, scrape

SUFFIXES = (".md", ".txt", ".jsonl", ".jsonl.gz")
# Discarding the rest of an over-long JSON line goes in pieces of this size, so it takes
# no more memory than this whatever the line's length.
_SKIP_CHUNK = 1 << 20


@dataclass
class Item:
    where: str
    data: dict | None = None
    field: str | None = None
    problem: str | None = None


def suffix_of(path):
    name = path.name.lower()
    return next((s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s)), "")


class Entry(NamedTuple):
    """One file to import; `note` says why it is skipped, `folder` is the folder it was found in."""

    path: Path
    note: str | None = None
    folder: Path | None = None


def expand(paths):
    """Files to import, and notes on what was skipped: [Entry].

    A folder contributes its article files (recursively, sorted); other files in it are
    skipped with a note. A file named explicitly is always tried, so a wrong kind fails.
    Files found in a folder must stay inside it (a link out of it is refused when read);
    a file named explicitly is the operator's own choice and may be a link anywhere.
    """
    result = []
    for path in map(Path, paths):
        if path.is_dir():
            # Not is_file(): a FIFO or a device in the folder is listed, so reading it is refused aloud.
            for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                note = None if suffix_of(child) else f"skipped: not an article file ({', '.join(SUFFIXES)})"
                result.append(Entry(child, note, path))
        else:
            result.append(Entry(path))
    return result


def read_items(path, *, source_slug="", folder=None):
    """Yield the Items of one file (found in `folder`, if given)."""
    where = str(path)
    suffix = suffix_of(path)
    if not path.exists() and not path.is_symlink():
        yield Item(where, problem="no such file or folder")
        return
    if not suffix:
        yield Item(where, problem=f"not an article file (expected {', '.join(SUFFIXES)})")
        return
    if suffix in (".jsonl", ".jsonl.gz"):
        yield from _jsonl_items(path, where, gzipped=suffix == ".jsonl.gz", folder=folder)
        return
    text, problem = _read_text(path, folder)
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


def _read_text(path, folder):
    try:
        raw = rules.read_limited(path, folder=folder)
    except rules.FileRefused as exc:
        return None, str(exc)
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


def _jsonl_items(path, where, *, gzipped, folder=None):
    try:
        handle = rules.open_regular(path, folder=folder)
    except rules.FileRefused as exc:
        yield Item(where, problem=str(exc))
        return
    limit, file_limit = rules.max_record_bytes(), rules.max_file_bytes()
    number = 0
    total = 0
    any_line = False
    try:
        with handle, (gzip.GzipFile(fileobj=handle, mode="rb") if gzipped else handle) as lines:
            while True:
                # Bounded: a line (or a compressed file expanding into one) is never read
                # whole into memory beyond the limit.
                raw = lines.readline(limit + 1)
                if not raw:
                    break
                number += 1
                total += len(raw)
                if len(raw) > limit and not raw.endswith(b"\n"):
                    total += _skip_line(lines, file_limit - total)
                    yield Item(f"{where}:{number}", problem=f"line is longer than {limit:,} bytes; one article may "
                                                            f"have at most {limit:,} (ARCHIVE_MAX_RECORD_BYTES)")
                    any_line = True
                elif raw.strip():
                    any_line = True
                    yield parse_json_line(raw, f"{where}:{number}")
                if total > file_limit:
                    yield Item(f"{where}:{number}", problem=f"the file holds more than {file_limit:,} bytes"
                                                            f"{' once decompressed' if gzipped else ''} "
                                                            "(ARCHIVE_MAX_FILE_BYTES); the rest is not read")
                    return
    except OSError as exc:  # includes gzip.BadGzipFile
        yield Item(f"{where}:{number + 1}" if number else where, problem=f"cannot be read: {exc}")
        return
    except (EOFError, zlib.error) as exc:
        yield Item(f"{where}:{number + 1}", problem=f"compressed data ends early or is damaged ({exc})")
        return
    if not any_line:
        yield Item(where, problem="empty file")


def _skip_line(lines, budget):
    """Read past the rest of an over-long line, in pieces; returns the bytes read (stops past budget)."""
    skipped = 0
    while skipped <= budget:
        piece = lines.readline(_SKIP_CHUNK)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            break
    return skipped


def parse_json_line(raw, where):
    limit = rules.max_record_bytes()
    if len(raw.rstrip(b"\r\n")) > limit:
        return Item(where, problem=f"line is longer than {limit:,} bytes; one article may have at most {limit:,} "
                                   "(ARCHIVE_MAX_RECORD_BYTES)")
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
