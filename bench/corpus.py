"""The real corpora in ../shared/data, read once and repeated to any size for the benchmarks.

A copy beyond the first gets its own date (a random day 1990-2025, one in ten left
undated), its own URL and a closing sentence naming two of the corpus's commonest
proper nouns, so dates, facets and tagging vary between copies as they would in a
larger archive.
"""

import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CORPORA = ("incident_articles.jsonl", "scale_corpus.jsonl.gz")
PROPER = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b")


def read_corpus(data, *, titled=False):
    rows = []
    for name in CORPORA:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(Path(data) / name, "rt", encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    rows = [row for row in rows if (row.get("body") or "").strip()]
    if titled:
        rows = [row for row in rows if (row.get("title") or "").strip()]
    return rows


def proper_nouns(rows, count=200):
    found = Counter()
    for row in rows:
        found.update(set(PROPER.findall(row["body"])))
    return [name for name, _ in found.most_common(count)]


def repeated(rows, names, total, seed=7):
    """`total` records: the corpus, then copies of it with varied dates and names."""
    rng = random.Random(seed)
    for number in range(total):
        copy, index = divmod(number, len(rows))
        record = dict(rows[index])
        if copy or not record.get("date"):
            record["date"] = None if rng.random() < 0.1 else \
                f"{rng.randint(1990, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if copy:
            picked = rng.sample(names, 2)
            record["body"] += f"\n\nCopy {copy} of this report also named {picked[0]} and {picked[1]}."
            record["url"] = f"{record['url']}#copy-{copy}" if record.get("url") else None
        yield record


def misspelt(word, rng):
    """The word with one letter after its first changed: a "misspelt word" query of the benchmarks."""
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice([c for c in "aeinorstu" if c != word[i]]) + word[i + 1:]
