"""Search across languages, measured on our own judged queries (bench/crosslang/judged.yaml).

Loads the archive's content/ (glossary included), every judged article and a seeded sample
of distractors from the shared corpora into a scratch archive in a temporary folder, builds
the dictionary and the index there, runs each query through the archive's own search() and
prints nDCG@10 and recall@10 per group (de-en: German queries for English articles, en-de
the other way, en-en and de-de: single-language controls), with translations and, where the
code has them, without (only the query's language).

    .venv/bin/python bench/bench_crosslang.py [--data ../shared/data] [--distractors 3000] [--queries] [--folder DIR]

On the PostgreSQL engine:
    ARCHIVE_SEARCH_BACKEND=postgres scripts/with-postgres .venv/bin/python bench/bench_crosslang.py
"""

import argparse
import gzip
import inspect
import json
import math
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search as bench  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "crosslang" / "judged.yaml"
CORPORA = {"scale": "scale_corpus.jsonl.gz", "incident": "incident_articles.jsonl"}
GROUPS = ("de-en", "en-de", "en-en", "de-de")
DEPTH = 10


def read_judged(path=JUDGED):
    queries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    for query in queries:
        if query["group"] not in GROUPS or not query["relevant"]:
            raise SystemExit(f"{path}: query {query['id']}: bad group or no relevant articles")
    return queries


def read_rows(data):
    """Corpus id ("scale:12") -> row, for every article of the two corpora."""
    rows = {}
    for prefix, name in CORPORA.items():
        opener = gzip.open if name.endswith(".gz") else open
        with opener(Path(data) / name, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if line.strip():
                    rows[f"{prefix}:{number}"] = json.loads(line)
    return rows


def slug_of(article_id):
    kind, _, rest = article_id.partition(":")
    return rest if kind == "content" else f"{kind}-{rest}"


def pick_distractors(rows, queries, wanted, count, seed=7):
    """A seeded sample of articles outside every judged topic (an unjudged relevant one would count as wrong)."""
    excluded = re.compile("|".join(f"(?:{query['exclude']})" for query in queries), re.I)
    candidates = sorted(key for key, row in rows.items()
                        if key not in wanted and (row.get("body") or "").strip()
                        and not excluded.search(f"{row.get('title') or ''} {row['body']}"))
    return random.Random(seed).sample(candidates, min(count, len(candidates)))


def load_articles(rows, ids):
    from django.utils.text import slugify

    from archive.models import Article, Source

    sources = {}
    articles = []
    for article_id in ids:
        row = rows[article_id]
        name = row.get("source") or "unknown"
        if name not in sources:
            sources[name], _ = Source.objects.get_or_create(slug=f"corpus-{slugify(name)}"[:50],
                                                            defaults={"name": name})
        body = row["body"]
        # BBC items have no headline field: their first words are the headline.
        title = (row.get("title") or " ".join(body.split()[:10])).strip()
        articles.append(Article(slug=slug_of(article_id), title=title[:500], teaser=row.get("teaser") or "",
                                body=body, source=sources[name], language=row.get("language") or "en",
                                date=row.get("date") or None))
    Article.objects.bulk_create(articles, batch_size=2000)


def build(folder, rows, queries, distractors):
    bench.setup_django(folder)
    from django.core.management import call_command

    from archive import search

    wanted = {article_id for query in queries for article_id in query["relevant"]}
    call_command("load_content", verbosity=0)
    # bulk_create sends no signals: the index is built once, below.
    load_articles(rows, sorted(a for a in wanted if not a.startswith("content:")))
    load_articles(rows, pick_distractors(rows, queries, wanted, distractors))
    started = time.perf_counter()
    call_command("build_dictionary", "--force", verbosity=0)
    dictionary_seconds = time.perf_counter() - started
    started = time.perf_counter()
    count = search.rebuild()
    return count, dictionary_seconds, time.perf_counter() - started


def ndcg(ranked, relevant):
    gain = sum(1 / math.log2(rank + 2) for rank, slug in enumerate(ranked[:DEPTH]) if slug in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), DEPTH)))
    return gain / ideal


def recall(ranked, relevant):
    return len(set(ranked[:DEPTH]) & relevant) / len(relevant)


def run(queries, **options):
    """Per query: (nDCG@10, recall@10, seconds) with the given search() options."""
    from archive import search

    out = {}
    for query in queries:
        started = time.perf_counter()
        page = search.search(query["query"], per_page=DEPTH, **options)
        seconds = time.perf_counter() - started
        ranked = [hit["slug"] for hit in page.results if hit["type"] == "article"]
        relevant = {slug_of(article_id) for article_id in query["relevant"]}
        out[query["id"]] = (ndcg(ranked, relevant), recall(ranked, relevant), seconds)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.corpus.DEFAULT_DATA)
    parser.add_argument("--distractors", type=int, default=3000)
    parser.add_argument("--queries", action="store_true", help="also print each query's figures")
    parser.add_argument("--folder", type=Path, help="keep the scratch archive here, and reuse it when it is there")
    args = parser.parse_args()
    queries = read_judged()
    with tempfile.TemporaryDirectory(prefix="bench-crosslang-") as tmp:
        folder = args.folder or Path(tmp)
        if args.folder and (folder / "search").is_dir():
            bench.setup_django(folder)
            count, dictionary_seconds, index_seconds = "the kept", 0.0, 0.0
        else:
            folder.mkdir(parents=True, exist_ok=True)
            count, dictionary_seconds, index_seconds = build(folder, read_rows(args.data), queries,
                                                             args.distractors)
        from archive import search
        from archive.search import engine

        search.search("warm up")
        runs = {"as the code searches": run(queries)}
        if "query_language_only" in inspect.signature(search.search).parameters:
            runs["only the query's language"] = run(queries, query_language_only=True)
        backend = engine.get_backend().name
    print(f"\n{len(queries)} judged queries, {count} documents in the index ({backend}); "
          f"dictionary built in {dictionary_seconds:.1f} s, index in {index_seconds:.1f} s\n")
    print("| group | queries | " + " | ".join(f"nDCG@10 {name} | recall@10 {name}" for name in runs) + " |")
    print("|---|---|" + "---|---|" * len(runs))
    for group in GROUPS:
        ids = [query["id"] for query in queries if query["group"] == group]
        cells = []
        for figures in runs.values():
            cells.append(f"{sum(figures[i][0] for i in ids) / len(ids):.3f}")
            cells.append(f"{sum(figures[i][1] for i in ids) / len(ids):.3f}")
        print(f"| {group} | {len(ids)} | " + " | ".join(cells) + " |")
    for name, figures in runs.items():
        times = sorted(seconds for _, _, seconds in figures.values())
        print(f"\n{name}: median {times[len(times) // 2] * 1000:.1f} ms, slowest {times[-1] * 1000:.1f} ms per query")
    if args.queries:
        by_group = defaultdict(list)
        for query in queries:
            by_group[query["group"]].append(query)
        print()
        for group in GROUPS:
            for query in by_group[group]:
                cells = " | ".join(f"{figures[query['id']][0]:.2f} / {figures[query['id']][1]:.2f}"
                                   for figures in runs.values())
                print(f"| {query['id']} | {query['query']} | {cells} |")


if __name__ == "__main__":
    main()
