"""Search benchmark: our Whoosh backend beside SQLite FTS5 on the same real articles, in one run.

    .venv/bin/python bench/bench_search.py [--data ../shared/data] [--size 10000] [--queries 100]
    .venv/bin/python bench/bench_search.py --size 100000 --folder /tmp/bench-100k   # kept for reruns

Loads the corpora into a SQLite database (bulk_create; no import command needed),
repeated with varied dates beyond the corpus's 22,195 articles (bench/corpus.py),
tags each article with up to three of the corpus's 200 commonest proper nouns (as entities),
builds our index with rebuild() and an FTS5 table over the same articles, then times per kind
of query: top 10 + total + facet counts + snippets. Prints a Markdown table.
With --folder, a second run on the same folder and size reuses the database and both indexes.
"""

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")
PROPER = corpus.PROPER


def setup_django(folder):
    os.environ["ARCHIVE_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(rows):
    from django.utils.text import slugify

    from archive.models import Article, Entity, Mention, Source

    sources = {}
    for name in sorted({row.get("source") or "unknown" for row in rows}):
        sources[name] = Source.objects.create(slug=slugify(name)[:50] or "unknown", name=name)
    proper = Counter()
    for row in rows:
        proper.update(set(PROPER.findall(row.get("body") or "")))
    names = [name for name, _ in proper.most_common(200)]
    entities = {name: Entity.objects.create(slug=slugify(name), name=name, kind="organization") for name in names}
    articles = []
    for number, row in enumerate(rows):
        title = (row.get("title") or (row.get("body") or "")[:80] or "untitled").strip()
        articles.append(Article(
            slug=f"a{number}", title=title[:500], kicker=row.get("kicker") or "", teaser=row.get("teaser") or "",
            body=row.get("body") or "", source=sources[row.get("source") or "unknown"],
            language=row.get("language") or "en", date=row.get("date") or None,
        ))
    Article.objects.bulk_create(articles, batch_size=2000)
    mentions = []
    for article in Article.objects.only("pk", "body"):
        found = [name for name in dict.fromkeys(PROPER.findall(article.body)) if name in entities][:3]
        mentions.extend(Mention(article_id=article.pk, entity=entities[name]) for name in found)
    Mention.objects.bulk_create(mentions, batch_size=5000)
    return len(articles)


def build_fts(path, rows):
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, language TEXT, year TEXT)")
    db.execute("CREATE TABLE tags (article INTEGER, entity TEXT)")
    db.execute("CREATE INDEX tags_article ON tags(article)")
    started = time.perf_counter()
    for number, row in enumerate(rows, 1):
        title, language, year = row.get("title") or "", row.get("language") or "en", (row.get("date") or "")[:4]
        db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (number, title, row["body"]))
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (number, language, year))
        names = list(dict.fromkeys(PROPER.findall(row["body"] or "")))[:3]
        db.executemany("INSERT INTO tags VALUES (?, ?)", [(number, name) for name in names])
    db.commit()
    return db, time.perf_counter() - started


def fts_query(db, match, language=None):
    where, args = "fts MATCH ?", [match]
    if language:
        where += " AND meta.language = ?"
        args.append(language)
    base = f"FROM fts JOIN meta ON meta.id = fts.rowid WHERE {where}"
    top = db.execute(f"SELECT fts.rowid, bm25(fts), snippet(fts, 1, '<mark>', '</mark>', ' … ', 24) {base} "
                     "ORDER BY rank LIMIT 10", args).fetchall()
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    facets = db.execute(f"SELECT entity, count(*) FROM tags WHERE article IN (SELECT fts.rowid {base}) "
                        "GROUP BY entity ORDER BY 2 DESC LIMIT 15", args).fetchall()
    years = db.execute(f"SELECT meta.year, count(*) {base} GROUP BY meta.year", args).fetchall()
    return top, total, facets, years


def query_sets(rows, count, seed=7):
    rng = random.Random(seed)
    df = Counter()
    bigrams = []
    for row in rows:
        words = WORD.findall(row["body"] or "")
        df.update({w.lower() for w in words})
        if len(bigrams) < 20000 and len(words) > 3:
            i = rng.randrange(len(words) - 1)
            bigrams.append((words[i].lower(), words[i + 1].lower()))
    n = len(rows)
    common = [w for w, c in df.items() if 0.05 * n <= c <= 0.3 * n]
    rare = [w for w, c in df.items() if 2 <= c <= 5]
    middle = [w for w, c in df.items() if 0.005 * n <= c <= 0.05 * n]
    phrases = [b for b in bigrams if df[b[0]] > 20 and df[b[1]] > 20]

    def pick(items, k):
        return [rng.choice(items) for _ in range(k)]

    return {
        "common word": [(w, {}) for w in pick(common, count)],
        "rare word": [(w, {}) for w in pick(rare, count)],
        "two words": [(f"{a} {b}", {}) for a, b in zip(pick(middle, count), pick(middle, count), strict=True)],
        "phrase": [(f'"{a} {b}"', {}) for a, b in pick(phrases, count)],
        "filtered (lang=en, 2 facets)": [(w, {"language": "en"}) for w in pick(common, count)],
    }


def fts_text(text):
    return " ".join(f'"{w}"' for w in text.strip('"').split()) if not text.startswith('"') else text


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(0.95 * (len(samples) - 1))] * 1000


def build(rows, folder):
    """Database, our index and the FTS5 table; returns the indexing figures."""
    from archive import search

    count = load(rows)
    started = time.perf_counter()
    search.rebuild(progress=_progress(count))
    whoosh_seconds = time.perf_counter() - started
    index_bytes = sum(f.stat().st_size for f in (folder / "search").rglob("*") if f.is_file())
    fts_path = folder / "fts.sqlite3"
    db, fts_seconds = build_fts(fts_path, rows)
    db.close()
    return {"size": count, "whoosh_rate": count / whoosh_seconds, "fts_rate": count / fts_seconds,
            "whoosh_mb": index_bytes / 1e6, "fts_mb": fts_path.stat().st_size / 1e6}


def _progress(total):
    def report(done):
        if done % 5000 == 0 or done == total:
            print(f"  indexed {done:,} of {total:,}", file=sys.stderr, flush=True)
    return report


def measure(rows, queries, folder):
    from archive import search
    from archive.search import Filters

    sets = query_sets(rows, queries)
    db = sqlite3.connect(folder / "fts.sqlite3")
    search.search("warm up")  # opens the searcher once, as a running site has
    fts_query(db, '"warm"')
    table = []
    for kind, items in sets.items():
        ours, theirs = [], []
        for text, extra in items:
            filters = Filters(languages=(extra["language"],)) if extra else Filters()
            started = time.perf_counter()
            search.search(text, filters=filters)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            fts_query(db, fts_text(text) if not text.startswith('"') else text, extra.get("language"))
            theirs.append(time.perf_counter() - started)
        table.append((kind, percentiles(ours), percentiles(theirs)))
    db.close()
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=10000,
                        help="articles to index (beyond the corpus's 22,195 it is repeated with varied dates)")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--folder", type=Path, help="work here and keep it; a rerun with the same size reuses it")
    args = parser.parse_args()
    source = corpus.read_corpus(args.data)
    rows = list(corpus.repeated(source, corpus.proper_nouns(source), args.size))
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        built = folder / "built.json"
        setup_django(folder)
        if built.exists() and json.loads(built.read_text())["size"] == args.size:
            result = json.loads(built.read_text())
            print(f"reusing the database and indexes in {folder}", file=sys.stderr)
        else:
            if built.exists():
                sys.exit(f"{folder} holds another size; use an empty folder")
            result = build(rows, folder)
            built.write_text(json.dumps(result))
        table = measure(rows, args.queries, folder)
    print(f"\n{result['size']} articles (+200 entities); p50 / p95 in ms; top 10 + total + facets + snippets\n")
    print("| | Whoosh (ours) | SQLite FTS5 |")
    print("|---|---|---|")
    print(f"| indexing docs/s | {result['whoosh_rate']:.0f} | {result['fts_rate']:.0f} |")
    print(f"| index size MB | {result['whoosh_mb']:.1f} | {result['fts_mb']:.1f} |")
    for kind, (o50, o95), (f50, f95) in table:
        print(f"| {kind} | {o50:.1f} / {o95:.1f} | {f50:.1f} / {f95:.1f} |")


if __name__ == "__main__":
    main()
