"""What finding German compounds by their last part costs: the index with and without the
reversed-word field, on the German articles of the corpus.

    .venv/bin/python bench/bench_compounds.py [--data ../shared/data] [--size 3000]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import bench_search as bench


def folder_mb(folder):
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def measure(words):
    from archive import search

    started = time.perf_counter()
    count = search.rebuild()
    rate = count / (time.perf_counter() - started)
    search.search("warm up")
    timings, totals = [], []
    for word in words:
        started = time.perf_counter()
        totals.append(search.search(word).total)
        timings.append(time.perf_counter() - started)
    return rate, statistics.median(timings) * 1000, sum(totals)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.DEFAULT_DATA)
    parser.add_argument("--size", type=int, default=3000)
    args = parser.parse_args()
    rows = [row for row in bench.read_corpus(args.data) if row.get("body") and row.get("language") == "de"]
    rows = rows[:args.size]
    words = ["Wurm", "Server", "Modem", "Virus", "Daten", "Netz", "Angriff", "Bank", "Markt", "Politik"] * 5
    with tempfile.TemporaryDirectory(prefix="bench-compounds-") as tmp:
        folder = Path(tmp)
        bench.setup_django(folder)
        bench.load(rows)
        from archive.search.whoosh import analysis

        with_rate, with_ms, with_hits = measure(words)
        with_mb = folder_mb(folder / "search")
        original = analysis.whoosh_fields

        def without(doc):
            fields = original(doc)
            fields.pop("compound", None)
            return fields

        analysis.whoosh_fields = without
        analysis.COMPOUND_PART_MIN = 10**6  # and no compound clause in queries
        without_rate, without_ms, without_hits = measure(words)
        without_mb = folder_mb(folder / "search") - with_mb  # the old index is kept beside the new one
    print(f"\n{len(rows)} German articles\n")
    print("| | with compounds | without |")
    print("|---|---|---|")
    print(f"| indexing docs/s | {with_rate:.0f} | {without_rate:.0f} |")
    print(f"| index size MB | {with_mb:.1f} | {without_mb:.1f} |")
    print(f"| search p50 ms (10 German nouns) | {with_ms:.1f} | {without_ms:.1f} |")
    print(f"| hits for the 10 nouns | {with_hits // 5} | {without_hits // 5} |")


if __name__ == "__main__":
    main()
