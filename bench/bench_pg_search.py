"""PostgreSQL search benchmark: every kind of query, p50 / p95 in ms, at a given size.

    scripts/with-postgres .venv/bin/python bench/bench_pg_search.py --size 100000
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_pg_search.py --size 100000 --folder DIR

Loads the corpora (bench/corpus.py, repeated with varied dates beyond the corpus's 22,195
articles) with bench/bench_search.py's loader, rebuilds the postgres search table, then
times api-level search() (top 10 + total + facets + snippets + suggestions) per kind of
query, using bench/bench_search.py's query lists where it has them. With --folder and a
DATABASE_URL of a kept database, a second run on the same size only measures again.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search
import corpus


def query_kinds(rows, count, entity_slugs, seed=7):
    """bench_search's lists, and prefix, fuzzy and entity-filter queries made the same way."""
    from archive.search import Filters

    rng = random.Random(seed)
    sets = bench_search.query_sets(rows, count, seed)
    common = [text for text, _ in sets["common word"]]
    kinds = {kind: [(text, Filters(languages=(extra["language"],)) if extra else Filters()) for text, extra in items]
             for kind, items in sets.items()}
    kinds["prefix"] = [(word[:5] + "*", Filters()) for word in common if len(word) >= 5]
    kinds["fuzzy"] = [(word + "~", Filters()) for word in common]
    kinds["entity filter"] = [("", Filters(entities=(rng.choice(entity_slugs),))) for _ in range(count)]
    kinds["common word + entity filter"] = [(word, Filters(entities=(rng.choice(entity_slugs),)))
                                            for word in common]
    return kinds


def load(rows):
    count = bench_search.load(rows)
    return {"size": count, **rebuild(count)}


def rebuild(count):
    from archive import search

    started = time.perf_counter()
    search.rebuild(progress=_progress(count))
    return {"rebuild_rate": count / (time.perf_counter() - started)}


def index_kind():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "JOIN pg_am am ON am.oid = c.relam JOIN pg_attribute a ON a.attrelid = i.indrelid "
                       "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'archive_searchdocument'::regclass "
                       "AND a.attname = 'vec'")
        return ", ".join(sorted(name for (name,) in cursor.fetchall())) or "none"


def _progress(total):
    def report(done):
        if done % 10000 == 0 or done == total:
            print(f"  indexed {done:,} of {total:,}", file=sys.stderr, flush=True)
    return report


def measure(kinds):
    from archive import search

    search.search("warm up")
    table = []
    for kind, items in kinds.items():
        times, partial, total = [], 0, 0
        for text, filters in items:
            started = time.perf_counter()
            page = search.search(text, filters=filters)
            times.append(time.perf_counter() - started)
            partial += page.partial
            total += page.total
        p50, p95 = bench_search.percentiles(times)
        table.append((kind, p50, p95, total // max(1, len(items)), partial, len(items)))
        print(f"  {kind}: {p50:.1f} / {p95:.1f} ms", file=sys.stderr, flush=True)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=10000, help="articles to load")
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--folder", type=Path, help="data folder, kept: a rerun on the same size and database "
                                                      "only measures again")
    parser.add_argument("--rebuild", action="store_true", help="on a rerun, rewrite the search table first "
                                                               "(after a migration changed how it is stored)")
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":
        # bench_search's word lists follow set order, which varies by process unless hashing is fixed:
        # the same queries in every run, so that two runs compare.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("needs DATABASE_URL=postgres://... (run under scripts/with-postgres)")
    os.environ["ARCHIVE_SEARCH_BACKEND"] = "postgres"
    source = corpus.read_corpus(args.data)
    rows = list(corpus.repeated(source, corpus.proper_nouns(source), args.size))
    with tempfile.TemporaryDirectory(prefix="bench-pg-search-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        bench_search.setup_django(folder)
        from archive.models import Article, Mention

        built = folder / "built.json"
        if built.exists() and json.loads(built.read_text())["size"] == args.size \
                and Article.objects.count() == args.size:
            result = json.loads(built.read_text())
            print(f"reusing the database loaded before ({args.size:,} articles)", file=sys.stderr)
            if args.rebuild:
                result.update(rebuild(args.size))
                built.write_text(json.dumps(result))
        else:
            if Article.objects.exists():
                sys.exit("the database already holds articles of another run; use an empty one")
            result = load(rows)
            built.write_text(json.dumps(result))
        slugs = sorted(set(Mention.objects.values_list("entity__slug", flat=True)))
        table = measure(query_kinds(rows, args.queries, slugs))
        index = index_kind()
    print(f"\n{result['size']:,} articles (+200 entities) on PostgreSQL, {index} index on the vectors, "
          f"rebuild {result['rebuild_rate']:,.0f} docs/s; search() p50 / p95 in ms "
          "(top 10 + total + facets + snippets)\n")
    print("| query | p50 / p95 ms | mean matches | stopped at the time limit |")
    print("|---|---|---|---|")
    for kind, p50, p95, matches, partial, count in table:
        print(f"| {kind} | {p50:.1f} / {p95:.1f} | {matches:,} | {partial} of {count} |")


if __name__ == "__main__":
    main()
