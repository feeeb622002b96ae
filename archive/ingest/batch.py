"""Importing many files: each article on its own, every failure reported with where and why."""

import gzip
from collections import defaultdict
from dataclasses import dataclass

from django.db import DatabaseError

from archive.dating.service import date_article
from archive.entities.tagging import build_gazetteer
from archive.ingest import files
from archive.ingest.articles import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ImportFailed,
    KnownArticles,
    SourceCache,
    clean,
    import_article,
)


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


def count_records(paths):
    """Roughly how many articles the files hold (one per .md/.txt, one per JSON line), for progress."""
    total = 0
    for path, note in paths:
        suffix = files.suffix_of(path)
        if note or not suffix:
            continue
        if suffix in (".md", ".txt"):
            total += 1
            continue
        opener = gzip.open if suffix == ".jsonl.gz" else open
        try:
            with opener(path, "rb") as handle:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b""))
        except (OSError, EOFError):
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
    # Unknown fields are reported once per file and field, with the first line, not once per line.
    unknown = defaultdict(list)
    for path, skipped in expanded:
        if skipped:
            note(f"{path}: {skipped}")
            continue
        for item in files.read_items(path, source_slug=defaults.source):
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
                date_article(article)  # an undated article gets a proposed, inferred date where evidence allows
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
    for (path, warning), wheres in unknown.items():
        more = f" (on {len(wheres)} records, first {wheres[0]})" if len(wheres) > 1 else ""
        note(f"{wheres[0] if len(wheres) == 1 else path}: {warning}{more}")
    for source in sources.created:
        note(f"new source {source.slug!r} ({source.name}) created")
    return counts
