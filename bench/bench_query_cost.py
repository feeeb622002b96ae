"""Hostile queries: the slowest answer of the Whoosh backend to queries written to cost the most.

    .venv/bin/python bench/bench_query_cost.py --data ../shared/data --size 22195 --folder DIR22K
    .venv/bin/python bench/bench_query_cost.py --data ../shared/data --size 100000 --folder DIR100K

Builds (or, with --folder, reuses) a database and index of the real corpus repeated to
--size (bench/corpus.py, loaded as bench/bench_search.py loads it), then times each query
the way a reader's request runs it (archive.search.search: parse, match, facets, snippets,
suggestions), each as a fresh query on a warm searcher, and prints every time and the slowest.
A refused query (400) counts with the time it took to refuse.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search
import corpus

TWO_LETTERS = ["ta", "te", "ti", "to", "tu", "sa", "se", "si", "so", "su", "ma", "me", "mi", "mo", "mu",
               "ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "du", "ha", "he", "hi", "ho", "hu",
               "la", "le", "li", "lo", "lu", "ra", "re", "ri", "ro", "ru"]
LONG_WORDS = ["Sicherheitslücke", "Computerwurm", "Verschlüsselung", "Schadsoftware", "Datenschutz",
              "vulnerability", "infrastructure", "ransomware", "authentication", "administrator",
              "Bundesregierung", "Geheimdienst", "Netzwerkangriff", "Sicherheitsforscher", "Passwörter",
              "cybersecurity", "investigation", "vulnerabilities", "organisations", "intelligence"]
QUERIES = {
    "20 long words ~2": " ".join(f"{word}~2" for word in LONG_WORDS),
    "40 two-letter prefixes": " ".join(f"{pair}*" for pair in TWO_LETTERS),
    "40 two-letter prefixes, OR": " OR ".join(f"{pair}*" for pair in TWO_LETTERS[:40]),
    "40 two-letter words ~2": " ".join(f"{pair}~2" for pair in TWO_LETTERS),
    "40 two-letter words ~2, OR": " OR ".join(f"{pair}~2" for pair in TWO_LETTERS[:40]),
    "one prefix: ta*": "ta*",
    "one prefix, date sort: se*": ("se*", "date"),
    "40 common words, OR": " OR ".join(["die", "der", "und", "the", "and", "of", "in", "to", "ist", "das"] * 4),
    "40 words, none all together": " ".join(LONG_WORDS + ["Wurm", "worm", "Server", "dollar"] * 5),
    "plain: Wurm": "Wurm",
    "plain: worm, date sort": ("worm", "date"),
}


def run(queries):
    from archive import search

    search.search("warm up")  # the searcher is opened once, as on a running site
    rows = []
    for label, query in queries.items():
        text, sort = query if isinstance(query, tuple) else (query, "relevance")
        started = time.perf_counter()
        try:
            page = search.search(text, sort=sort)
            outcome = f"{page.total} found" + (" (partial)" if page.partial else "")
        except search.QueryError as exc:
            outcome = f"400: {exc}"
        rows.append((time.perf_counter() - started, label, outcome))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=22195, help="articles (repeated beyond the corpus's 22,195)")
    parser.add_argument("--folder", type=Path, help="work here and keep it; a rerun with the same size reuses it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        built = folder / "built-cost.json"
        bench_search.setup_django(folder)
        if built.exists():
            if json.loads(built.read_text())["size"] != args.size:
                sys.exit(f"{folder} holds another size; use an empty folder")
            print(f"reusing the database and index in {folder}", file=sys.stderr)
        else:
            from archive import search

            source = corpus.read_corpus(args.data)
            rows = list(corpus.repeated(source, corpus.proper_nouns(source), args.size))
            count = bench_search.load(rows)
            search.rebuild(progress=bench_search._progress(count))
            built.write_text(json.dumps({"size": count}))
        rows = run(QUERIES)
    print(f"\n{args.size} articles; seconds per query (parse, match, facets, snippets, suggestions)\n")
    for seconds, label, outcome in rows:
        print(f"{seconds:7.3f}  {label:32}  {outcome[:90]}")
    seconds, label, _ = max(rows)
    print(f"\nslowest: {seconds:.3f} s ({label})")


if __name__ == "__main__":
    main()
