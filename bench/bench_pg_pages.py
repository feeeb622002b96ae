"""Every page kind on PostgreSQL at N articles, loaded in bulk (the importer is far slower at this size).

    scripts/with-postgres .venv/bin/python bench/bench_pg_pages.py --size 100000 [--pages 10] [--data DIR]
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_pg_pages.py --existing [--kinds "home;timeline"]

Loads the corpora with bench/bench_search.py's loader (articles and mentions by bulk_create, so the
per-entity aggregates' triggers run per statement), rebuilds the postgres search table, runs ANALYZE,
then asks bench_scale.py's page addresses through Django's test client: p50 / p95 of repeated views
(wall and the web process's own CPU; the database server's work is not in the CPU figure) and the
first view after a change (the remembered aggregates emptied before each request, up to 5 addresses;
wall, the web process's CPU and, when the server runs on this machine, its process's CPU from /proc).
With --existing it times a database loaded before (by an earlier run, kept) and loads nothing. The
article page's row also says how much of it went to its related articles (the search backend's part).
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_scale
import bench_search
import corpus


def _cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _server_cpu(connection):
    """CPU seconds of the database server's process serving `connection`, when it runs on this machine
    (from /proc, in clock ticks of 10 ms); None when it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=10, help="requests per kind of page")
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--existing", action="store_true", help="time the articles already in the database")
    parser.add_argument("--kinds", default="", help="only these kinds of page, separated by ; (default: all)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("needs DATABASE_URL=postgres://... (run under scripts/with-postgres)")
    os.environ["ARCHIVE_SEARCH_BACKEND"] = "postgres"
    with tempfile.TemporaryDirectory(prefix="bench-pg-pages-") as folder:
        bench_search.setup_django(Path(folder))
        from django.db import connection
        from django.test import Client

        from archive import remembered, search, selectors
        from archive.models import Article

        if args.existing:
            print(f"timing the {Article.objects.count():,} articles in the database", flush=True)
        else:
            _load(args, Article, search, connection)
        client = Client()
        related = _timed(selectors, "related_articles")

        def get(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                for _ in response.streaming_content:
                    pass

        print("| page | p50 / p95 ms | web process CPU p50 / p95 ms | first view after a change, p50 / highest ms "
              "| its web process CPU, p50 / highest ms | its database server CPU, mean ms |")
        print("|---|---|---|---|---|---|")
        kinds = [kind.strip() for kind in args.kinds.split(";") if kind.strip()]
        for kind, urls in bench_scale.page_addresses(args.pages).items():
            if kinds and kind not in kinds:
                continue
            distinct = list(dict.fromkeys(urls))
            for url in distinct:
                get(url)
            wall, cpu = [], []
            related.clear()
            for url in urls:
                started, used = time.perf_counter(), _cpu()
                get(url)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((_cpu() - used) * 1000)
            in_related = list(related)
            first, first_cpu = [], []
            chosen = distinct[:5] * (1 if len(distinct) > 1 else 3)
            server = _server_cpu(connection)
            for url in chosen:
                remembered.forget()
                started, used = time.perf_counter(), _cpu()
                get(url)
                first.append((time.perf_counter() - started) * 1000)
                first_cpu.append((_cpu() - used) * 1000)
            server = "" if server is None else f"{(_server_cpu(connection) - server) * 1000 / len(chosen):.0f}"
            print(f"| {kind} | {statistics.median(wall):.0f} / {bench_scale.percentile(wall, 0.95):.0f} | "
                  f"{statistics.median(cpu):.0f} / {bench_scale.percentile(cpu, 0.95):.0f} | "
                  f"{statistics.median(first):.0f} / {max(first):.0f} | "
                  f"{statistics.median(first_cpu):.0f} / {max(first_cpu):.0f} | {server} |", flush=True)
            if in_related:
                less = [w - r for w, r in zip(wall, in_related, strict=True)]
                print(f"|   of it related articles | {statistics.median(in_related):.0f} / "
                      f"{bench_scale.percentile(in_related, 0.95):.0f} | without them: {statistics.median(less):.0f} / "
                      f"{bench_scale.percentile(less, 0.95):.0f} | |", flush=True)


def _load(args, Article, search, connection):
    if Article.objects.exists():
        sys.exit("the database already holds articles; use an empty one (or --existing)")
    started = time.perf_counter()
    source = corpus.read_corpus(args.data)
    bench_search.load(list(corpus.repeated(source, corpus.proper_nouns(source), args.size)))
    print(f"loaded {Article.objects.count():,} articles in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    search.rebuild()
    print(f"search table rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _timed(module, name):
    """Wrap module.name so each call's wall time (ms) is appended to the returned list."""
    spent, function = [], getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    setattr(module, name, timed)
    return spent


if __name__ == "__main__":
    main()
