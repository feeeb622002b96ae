"""PostgreSQL search benchmark: every kind of query, p50 / p95 in ms, at a given size.

    scripts/with-postgres .venv/bin/python bench/bench_pg_search.py --size 100000
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_pg_search.py --size 100000 --folder DIR

Loads the corpora (bench/corpus.py, repeated with varied dates beyond the corpus's 22,195
articles) with bench/bench_search.py's loader, rebuilds the postgres search table, then
times api-level search() (top 10 + total + facets + snippets + suggestions) per kind of
query, using bench/bench_search.py's query lists where it has them. The general dictionary is
built as `make run` builds it, so queries are translated as on a site (--no-dictionary: not).
With --folder and a DATABASE_URL of a kept database, a second run on the same size only
measures again.
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
    sets = bench_search.query_sets(rows, count, bench_search._entity_names(rows), seed)
    common = [item.text for item in sets["common word"]]
    kinds = {kind: [(item.text, Filters(**item.filters), item.sort) for item in items]
             for kind, items in sets.items() if kind not in ("prefix", "fuzzy (~1)")}
    # Prefixes and fuzzy words made from the common words: the hardest cases, as measured before.
    kinds["prefix"] = [(word[:5] + "*", Filters(), "relevance") for word in common if len(word) >= 5]
    kinds["fuzzy"] = [(word + "~", Filters(), "relevance") for word in common]
    kinds["entity filter"] = [("", Filters(entities=(rng.choice(entity_slugs),)), "relevance")
                              for _ in range(count)]
    kinds["common word + entity filter"] = [(word, Filters(entities=(rng.choice(entity_slugs),)), "relevance")
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


def explain(items, count):
    """Each SQL statement of `count` searches: its time as run, then EXPLAIN ANALYZE of it."""
    from django.db import connection, transaction

    from archive import search

    for text, filters, sort in items[:count]:
        statements = []
        started = time.perf_counter()
        with connection.execute_wrapper(_recorder(statements)):
            search.search(text, filters=filters, sort=sort)
        print(f"\n## {text!r}: {(time.perf_counter() - started) * 1000:.1f} ms, "
              f"{sum(seconds for *_, seconds in statements) * 1000:.1f} ms in {len(statements)} statements")
        for sql, _, seconds in statements:
            print(f"{seconds * 1000:8.1f} ms  {' '.join(sql.split())[:160]}")
        for sql, params, seconds in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or seconds < 0.002:
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off; SET LOCAL enable_seqscan = off" if "@@" in sql
                               else "SET LOCAL jit = off")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"\n### {seconds * 1000:.1f} ms as run")
                print("\n".join(line for (line,) in cursor.fetchall()))


def _recorder(statements):
    """A Django execute wrapper appending (sql, params, seconds) of each statement to `statements`."""
    def capture(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, time.perf_counter() - started))
    return capture


def index_kind():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "JOIN pg_am am ON am.oid = c.relam JOIN pg_attribute a ON a.attrelid = i.indrelid "
                       "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'archive_searchdocument'::regclass "
                       "AND a.attname = 'vec'")
        return ", ".join(sorted({name for (name,) in cursor.fetchall()})) or "none"


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
        times, cpu, partial, total = [], [], 0, 0
        for text, filters, sort in items:
            server = _server_pid()  # each time: a search stopped at its time limit may leave a new connection
            started, used = time.perf_counter(), time.process_time() + _cpu_seconds(server)
            page = search.search(text, filters=filters, sort=sort)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() + _cpu_seconds(server) - used)
            partial += page.partial
            total += page.total
        p50, p95 = bench_search.percentiles(times)
        cpu50, cpu95 = bench_search.percentiles(cpu)
        table.append((kind, p50, p95, cpu50, cpu95, total // max(1, len(items)), partial, len(items)))
        print(f"  {kind}: {p50:.1f} / {p95:.1f} ms, CPU {cpu50:.0f} / {cpu95:.0f} ms", file=sys.stderr, flush=True)
    return table


def _server_pid():
    """The server process serving this connection, when it runs on this machine (else None)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if _cpu_seconds(pid) else None


def _cpu_seconds(pid):
    """CPU seconds the process has used (user + system, in clock ticks of 10 ms), 0 when unknown:
    on a loaded machine the CPU a search costs, where wall time also counts the waiting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=10000, help="articles to load")
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--folder", type=Path, help="data folder, kept: a rerun on the same size and database "
                                                      "only measures again")
    parser.add_argument("--rebuild", action="store_true", help="on a rerun, rewrite the search table first "
                                                               "(after a migration changed how it is stored)")
    parser.add_argument("--kinds", help="only these kinds of query, comma-separated")
    parser.add_argument("--no-dictionary", action="store_true",
                        help="search without the general dictionary (its file is set aside, not deleted)")
    parser.add_argument("--explain", metavar="KIND", help="instead of timing: each SQL statement of the first "
                                                          "--queries searches of KIND, timed and EXPLAIN ANALYZEd")
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
        pairs = bench_search.dictionary_in_use(not args.no_dictionary)
        if args.explain:
            kinds = query_kinds(rows, max(args.queries, 10), slugs)
            if args.explain not in kinds:
                sys.exit(f"--explain: the kinds are {list(kinds)}")
            explain(kinds[args.explain], args.queries)
            return
        table = measure(bench_search.chosen_kinds(query_kinds(rows, args.queries, slugs), args.kinds))
        index = index_kind()
    print(f"\n{result['size']:,} articles (+200 entities) on PostgreSQL, {index} index on the vectors, "
          f"rebuild {result['rebuild_rate']:,.0f} docs/s; search() p50 / p95 in ms "
          "(top 10 + total + facets + snippets); CPU: this process's and its database server process's; "
          + (f"general dictionary of {pairs:,} pairs\n" if pairs else "no general dictionary\n"))
    print("| query | p50 / p95 ms | CPU p50 / p95 ms | mean matches | stopped at the time limit |")
    print("|---|---|---|---|---|")
    for kind, p50, p95, cpu50, cpu95, matches, partial, count in table:
        print(f"| {kind} | {p50:.1f} / {p95:.1f} | {cpu50:.0f} / {cpu95:.0f} | {matches:,} | {partial} of {count} |")


if __name__ == "__main__":
    main()
