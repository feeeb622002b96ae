"""Importing many files: each article on its own, every failure reported with where and why."""

import gzip
import zlib
from collections import defaultdict
from dataclasses import dataclass

from django.db import DatabaseError

from archive import rules
from archive.dating.service import RunStories
from archive.entities.tagging import build_gazetteer
from archive.ingest import files
from archive.ingest.articles import (
    CREATED,
    DUPLICATE,
    UNCHANGED,
    UPDATED,
    ImportFailed,
    KnownArticles,
    SourceCache,
    clean,
    import_article,
)

# Duplicates are listed one a line up to this many per file; a corpus with hundreds says how many.
MAX_DUPLICATE_LINES = 10


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def line(self):
        return f"created: {self.created}  updated: {self.updated}  unchanged: {self.unchanged}  failed: {self.failed}"

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.failed


def count_records(entries):
    """Roughly how many articles the files hold (one per .md/.txt, one per JSON line), for progress.

    Read under the same rules as the import: a file the import would refuse counts as one
    (its failure), and counting stops at the file limit.
    """
    total = 0
    for path, note, folder in entries:
        suffix = files.suffix_of(path)
        if note or not suffix:
            continue
        if suffix in (".md", ".txt"):
            total += 1
            continue
        try:
            with rules.open_regular(path, folder=folder) as raw, (
                gzip.GzipFile(fileobj=raw, mode="rb") if suffix == ".jsonl.gz" else raw
            ) as handle:
                read = lines = 0
                budget = rules.max_file_bytes()
                while read <= budget and (chunk := handle.read(1 << 20)):
                    read += len(chunk)
                    lines += chunk.count(b"\n")
                total += max(lines, 1)
        except (rules.FileRefused, OSError, EOFError, zlib.error):
            total += 1
    return total


def import_paths(expanded, *, defaults, failure, note, progress=None):
    """Import every article of `expanded` (from files.expand); returns Counts.

    `failure(where, field, why)` and `note(text)` report as the run goes, so a long
    run shows its problems at once rather than at the end.
    """
    counts = Counts()
    sources = SourceCache()
    known = KnownArticles()
    gazetteer = build_gazetteer()
    stories = RunStories()
    # Unknown fields are reported once per file and field, with the first line, not once per line.
    unknown = defaultdict(list)
    duplicates = defaultdict(list)
    for path, skipped, folder in expanded:
        if skipped:
            note(f"{path}: {skipped}")
            continue
        for item in files.read_items(path, source_slug=defaults.source, folder=folder):
            if progress is not None:
                progress.advance()
            if item.problem:
                counts.failed += 1
                failure(item.where, item.field, item.problem)
                continue
            try:
                cleaned = clean(item.data, defaults)
                for warning in cleaned.warnings:
                    unknown[(str(path), warning)].append(item.where)
                status, article = import_article(
                    cleaned=cleaned, origin=item.where, sources=sources, known=known, gazetteer=gazetteer
                )
                stories.date(article)  # an undated article gets a proposed, inferred date where evidence allows
            except ImportFailed as exc:
                counts.failed += 1
                for field, why in exc.problems:
                    failure(item.where, field, why)
                continue
            except DatabaseError as exc:  # a database error: this article is rolled back, the run goes on
                counts.failed += 1
                failure(item.where, None, f"could not be saved: {exc}")
                continue
            if status == CREATED:
                counts.created += 1
            elif status == UPDATED:
                counts.updated += 1
            elif status == UNCHANGED:
                counts.unchanged += 1
            elif status == DUPLICATE:
                # Counted as unchanged: it changed nothing, on the first run as on every later one.
                counts.unchanged += 1
                first = known.seen[article.pk]
                duplicates[str(path)].append(f"{item.where}: the same article (URL or text) as {first}")
    for (path, warning), wheres in unknown.items():
        more = f" (on {len(wheres)} records, first {wheres[0]})" if len(wheres) > 1 else ""
        note(f"{wheres[0] if len(wheres) == 1 else path}: {warning}{more}")
    for path, lines in duplicates.items():
        shown = lines if len(lines) <= MAX_DUPLICATE_LINES else [*lines[:MAX_DUPLICATE_LINES], "..."]
        note(f"{path}: {len(lines)} duplicate(s) of articles met earlier in this run; the first is kept, "
             "the later ones change nothing:\n  " + "\n  ".join(shown))
    for source in sources.created:
        note(f"new source {source.slug!r} ({source.name}) created")
    check = stories.check()
    if check is not None and not check.trusted:
        note(check.summary())  # why no date proposed in this run rests on the same story
    return counts
