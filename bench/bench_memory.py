"""Memory of one web process's search: resident size after each kind of query, in one process.

    .venv/bin/python bench/bench_memory.py --folder DIR100K --size 100000
    .venv/bin/python bench/bench_memory.py --folder DIR100K --size 100000 --trace   # top holders

The folder is one bench/bench_search.py built (database and index; it builds one when asked with
the same --size and --folder). The queries are that benchmark's kinds and queries, drawn in a child
process: the corpus it reads to draw them would otherwise stay in this one's memory. Each kind runs
--queries times through the archive's own search(), as a web process answers it; after each kind the
resident size (VmRSS of /proc/self/status) is printed, and its growth over the kind before.
With --trace, tracemalloc follows every allocation (slowly) and the lines holding the most at the end
are listed.
"""

import argparse
import gc
import os
import pickle
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search
import corpus


def status_mb(*names):
    """Sizes from /proc/self/status, in MB: VmRSS (resident), RssAnon (the heap), RssFile (files
    mapped and read, such as the index's: the system may drop those pages and reread them)."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in names:
                found[name] = int(value.split()[0]) / 1024
    return [found.get(name, 0.0) for name in names]


def resident_mb():
    return status_mb("VmRSS")[0]


def draw_queries(data, size, count):
    """Run in a child process: the queries of bench_search, pickled to stdout."""
    source = corpus.read_corpus(data)
    rows = list(corpus.repeated(source, corpus.proper_nouns(source), size))
    names = bench_search._entity_names(rows)
    sets = bench_search.query_sets(rows, count, names)
    sys.stdout.buffer.write(pickle.dumps(sets))


def queries_from_child(data, size, count):
    child = subprocess.run([sys.executable, __file__, "--draw", "--data", str(data), "--size", str(size),
                            "--queries", str(count)], check=True, capture_output=True)
    return pickle.loads(child.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="a folder bench/bench_search.py built")
    parser.add_argument("--size", type=int, default=100000, help="the folder's number of articles")
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--queries", type=int, default=5, help="queries per kind")
    parser.add_argument("--kinds", help="only these kinds, comma-separated")
    parser.add_argument("--trace", action="store_true", help="list the top holders (tracemalloc; slow)")
    parser.add_argument("--top", type=int, default=15, help="lines listed with --trace")
    parser.add_argument("--draw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.draw:
        draw_queries(args.data, args.size, args.queries)
        return
    if args.folder is None or not (args.folder / "search" / "CURRENT").exists():
        sys.exit(f"{args.folder} holds no benchmark data: build it with bench/bench_search.py "
                 f"--size {args.size} --folder {args.folder}")
    sets = queries_from_child(args.data, args.size, args.queries)
    sets = bench_search.chosen_kinds(sets, args.kinds)
    os.environ["ARCHIVE_DATA_DIR"] = str(args.folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(bench_search.ROOT))
    import django

    django.setup()
    if args.trace:
        tracemalloc.start(1)
    gc.collect()
    before = resident_mb()
    print(f"{args.size:,} articles; {args.queries} queries per kind; resident MB after each kind\n")
    print("| after | resident MB | growth MB | of it heap (RssAnon) | files mapped (RssFile) | CPU s |")
    print("|---|---|---|---|---|---|")
    anon, mapped = status_mb("RssAnon", "RssFile")
    print(f"| start (Django set up) | {before:.0f} | | {anon:.0f} | {mapped:.0f} | |")
    for kind, items in sets.items():
        started = time.process_time()
        for query in items:
            bench_search.ours(query)
        gc.collect()
        now = resident_mb()
        anon, mapped = status_mb("RssAnon", "RssFile")
        print(f"| {kind} | {now:.0f} | {now - before:+.0f} | {anon:.0f} | {mapped:.0f} "
              f"| {time.process_time() - started:.1f} |", flush=True)
        before = now
    print(f"\npeak resident (VmHWM) MB: {status_mb('VmHWM')[0]:.0f}")
    if args.trace:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)])
        print(f"\ntop {args.top} holders (tracemalloc, by line):")
        for stat in snapshot.statistics("lineno")[:args.top]:
            frame = stat.traceback[0]
            print(f"  {stat.size / 2**20:8.1f} MB  {stat.count:9,} blocks  {frame.filename}:{frame.lineno}")


if __name__ == "__main__":
    main()
