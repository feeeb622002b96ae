"""Import speed on the real corpora: articles per second for import plus tagging.

    .venv/bin/python bench/bench_import.py [--data DIR] [--limit N]

Imports incident_articles.jsonl and scale_corpus.jsonl.gz (default folder:
../shared/data beside the checkout) into a fresh SQLite database in a temporary
folder with the archive's own content/ loaded, then re-tags everything with
tag_entities. Every article is imported and tagged in its own transaction, as
import_articles does. Also reports how well language detection agrees with the
corpora's stated languages.
"""

import argparse
import gzip
import io
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
CORPORA = ("incident_articles.jsonl", "scale_corpus.jsonl.gz")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the corpora")
    parser.add_argument("--limit", type=int, default=0, help="import only the first N lines of each corpus")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ["ARCHIVE_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from archive import search
    from archive.entities.tagging import tag_all
    from archive.ingest import batch, files
    from archive.ingest.articles import Defaults
    from archive.ingest.language import detect
    from archive.models import Article, Mention

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=io.StringIO())
    paths = [args.data / name for name in CORPORA]
    if args.limit:
        paths = [_head(path, args.limit, workdir) for path in paths]

    failures = []
    started = time.perf_counter()
    # As import_articles runs it: the index is written once, at the end of the run (timed with it).
    with search.deferred_indexing():
        counts = batch.import_paths(
            files.expand(paths), defaults=Defaults(),
            failure=lambda where, field, why: failures.append((where, field, why)), note=lambda text: None,
        )
        imported_at = time.perf_counter()
    elapsed = time.perf_counter() - started
    imported = counts.created + counts.updated + counts.unchanged
    print(f"import:  {counts.line()}")
    print(f"         {counts.total} records in {elapsed:.1f} s = {counts.total / elapsed:.0f} records/s, "
          f"{imported / elapsed:.0f} imported articles/s (import + tagging, one transaction each, "
          f"then the index written once: {elapsed - (imported_at - started):.1f} s of it)")
    reasons = {}
    for _, field, why in failures:
        reasons[f"{field}: {why}"] = reasons.get(f"{field}: {why}", 0) + 1
    for reason, number in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"         failed {number}x  {reason}")

    started = time.perf_counter()
    total = Article.objects.count()
    tag_all()
    elapsed = time.perf_counter() - started
    print(f"re-tag:  {total} articles in {elapsed:.1f} s = {total / elapsed:.0f} articles/s, "
          f"{Mention.objects.count()} mentions")

    agree = disagree = undecided = 0
    for path in paths:
        for item in files.read_items(path):
            if not item.data:
                continue
            found = detect(" ".join(item.data.get(k) or "" for k in ("title", "teaser", "body")))
            if found is None:
                undecided += 1
            elif found == item.data.get("language"):
                agree += 1
            else:
                disagree += 1
    print(f"language detection against stated languages: {agree} agree, {disagree} disagree, "
          f"{undecided} undecided (too few function words)")
    print(f"database left in {workdir}")


def _head(path, limit, workdir):
    opener = gzip.open if path.name.endswith(".gz") else open
    target = workdir / path.name.replace(".gz", "")
    with opener(path, "rt", encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for line in itertools.islice(source, limit):
            json.loads(line)
            out.write(line)
    return target


if __name__ == "__main__":
    main()
