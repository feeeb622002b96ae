"""Search benchmark: our Whoosh backend beside SQLite FTS5 on the same real articles, in one run.

    .venv/bin/python bench/bench_search.py [--data ../shared/data] [--size 10000] [--queries 100]
    .venv/bin/python bench/bench_search.py --size 100000 --folder DIR100K   # kept for reruns
    .venv/bin/python bench/bench_search.py --folder DIR10K --clock cpu --kinds "phrase,fuzzy (~1)"
    .venv/bin/python bench/bench_search.py --folder DIR10K --clock cpu --words-alone   # nothing translated
    .venv/bin/python bench/bench_search.py --folder DIR10K --profile "rare word"   # cProfile, top lines
    .venv/bin/python bench/bench_search.py --folder DIR10K --stages "rare word"    # ms per query per stage

Loads the corpora into a SQLite database (bulk_create; no import command needed),
repeated with varied dates beyond the corpus's 22,195 articles (bench/corpus.py),
tags each article with up to three of the corpus's 200 commonest proper nouns (as entities),
builds our index with rebuild() and an FTS5 table over the same articles and tags, and the general
dictionary as `make run` does (build_dictionary: Debian's trans-de-en cut to these articles' words), so
a query is translated as on a site; --no-dictionary leaves it out (a site without trans-de-en).
Ours is timed as a reader pays for it: the archive's own search() (parse, entity names,
matching, facets, top 10, snippets, "did you mean"), not a bare Whoosh call. FTS5 answers
the same question: top 10 by bm25 with snippet(), the total, entity and year counts, and,
where no article holds every one of several words, the same again for any of them (as
search() asks again).
Kinds: common, rare, two words, phrase, phrase of stop words ("of the"), prefix (`secur*`),
fuzzy (`word~1`; FTS5 has none, so its words within one edit are taken from its fts5vocab
table, as ours from its segments', and asked for with OR), filtered by language, year and
entity, sorted by date, and a misspelt word (one letter changed after the first: ours answers
"did you mean"; FTS5 is asked for the word, then its vocabulary's nearest word in most documents,
as fuzzy words are). Ours translates a query as a site does (crosslang: a word or any of its
counterparts in the other language), so FTS5 is asked twice: the words alone, right after ours, and
the question as ours translates it (each word or phrase, or any of its counterparts; where ours
translates nothing the first answer stands for both). With --words-alone, ours is asked the words as written
only (query_language_only, as a reader may ask), the same question as FTS5's words alone, in a run of its own
(a process whose caches no translated question warmed). Each query runs on all, one after the other,
so they see the same load; a Markdown table gives p50 / p95 per kind and the ratios ours / FTS5.
With --folder, a second run on the same folder and size reuses the database and both indexes.
"""

import argparse
import datetime as dt
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
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")
PROPER = corpus.PROPER


def chosen_kinds(sets, kinds):
    """The query sets --kinds names ("rare word,phrase"), all when it names none; exits on an unknown kind."""
    if not kinds:
        return sets
    wanted = [kind.strip() for kind in kinds.split(",")]
    unknown = [kind for kind in wanted if kind not in sets]
    if unknown:
        sys.exit(f"--kinds: unknown {unknown}; the kinds are {list(sets)}")
    return {kind: sets[kind] for kind in wanted}


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
    names = _entity_names(rows)
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


def build_fts(path, rows, names):
    """The FTS5 table, its vocabulary (for fuzzy words) and the same metadata and tags as ours."""
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row')")
    db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, language TEXT, year TEXT, date TEXT)")
    db.execute("CREATE TABLE tags (article INTEGER, entity TEXT)")
    db.execute("CREATE INDEX tags_article ON tags(article)")
    db.execute("CREATE INDEX tags_entity ON tags(entity, article)")
    known = set(names)
    started = time.perf_counter()
    for number, row in enumerate(rows, 1):
        title, language, date = row.get("title") or "", row.get("language") or "en", row.get("date") or ""
        db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (number, title, row["body"]))
        db.execute("INSERT INTO meta VALUES (?, ?, ?, ?)", (number, language, date[:4], date))
        # As load() tags ours: the first three of the 200 commonest proper nouns.
        tagged = [name for name in dict.fromkeys(PROPER.findall(row["body"] or "")) if name in known][:3]
        db.executemany("INSERT INTO tags VALUES (?, ?)", [(number, name) for name in tagged])
    db.commit()
    return db, time.perf_counter() - started


_VOCABULARY = {}


def fts_fuzzy(db, word, maxdist):
    """FTS5 has no fuzzy matching (spellfix1 is a loadable extension this Python's sqlite3 cannot
    load): the nearest is to expand the word over FTS5's own vocabulary table, with the same first
    letter and edit distance (rapidfuzz, in C) as ours, and ask for any of those words."""
    return " OR ".join(f'"{term}"' for term in _near_terms(db, word, maxdist)) or f'"{word}"'


def _near_terms(db, word, maxdist):
    low = word[0]
    if (db, low) not in _VOCABULARY:  # kept in memory once read, as ours keeps its segments' words
        _VOCABULARY[db, low] = [term for (term,) in db.execute(
            "SELECT term FROM vocab WHERE term >= ? AND term < ?", (low, chr(ord(low) + 1)))]
    terms = _VOCABULARY[db, low]
    return [term for term, _, _ in process.extract(word, terms, scorer=OSA.distance, score_cutoff=maxdist,
                                                   limit=None)]


def fts_suggestion(db, word):
    """"Did you mean" for FTS5: of its vocabulary's words within the edits ours allows (one for words under
    six letters, else two; the same first letter), the one in most documents."""
    found = [term for term in _near_terms(db, word, 1 if len(word) < 6 else 2) if term != word]
    if not found:
        return None
    rows = db.execute(f"SELECT term, doc FROM vocab WHERE term IN ({', '.join('?' * len(found))})", found)
    return max(rows, key=lambda row: (row[1], row[0]))[0]


def _fts_of(node):
    """An FTS5 MATCH expression for a parsed and translated query tree (words, phrases, and, or, translated
    words); None for anything else."""
    from archive.search import query as q

    if isinstance(node, q.Term) and node.field is None and not node.prefix and not node.fuzzy:
        return '"' + node.text.replace('"', '""') + '"'
    if isinstance(node, q.Phrase) and node.field is None:
        return '"' + " ".join(node.words).replace('"', '""') + '"'
    if isinstance(node, q.And | q.Or):
        parts = [_fts_of(item) for item in node.items]
        return None if None in parts else "(" + (" AND " if isinstance(node, q.And) else " OR ").join(parts) + ")"
    if isinstance(node, q.Translated):
        parts = [_fts_of(node.original)] + [_fts_of(translation.node()) for translation in node.translations]
        return None if None in parts else "(" + " OR ".join(parts) + ")"
    return None


def fts_query(db, match, where="", args=(), order="rank"):
    """Top 10 with snippets, total, entity facet counts and year counts, as ours gives."""
    args = [match, *args]
    base = f"FROM fts JOIN meta ON meta.id = fts.rowid WHERE fts MATCH ?{where}"
    top = db.execute(f"SELECT fts.rowid, bm25(fts), snippet(fts, 1, '<mark>', '</mark>', ' … ', 24) {base} "
                     f"ORDER BY {order} LIMIT 10", args).fetchall()
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    facets = db.execute(f"SELECT entity, count(*) FROM tags WHERE article IN (SELECT fts.rowid {base}) "
                        "GROUP BY entity ORDER BY 2 DESC LIMIT 15", args).fetchall()
    years = db.execute(f"SELECT meta.year, count(*) {base} GROUP BY meta.year", args).fetchall()
    return top, total, facets, years


# Phrases of stop words: each word in a third or more of the articles, their positions many.
STOP_PHRASES = ("of the", "in the", "to the", "on the", "for the", "and the", "at the", "from the",
                "with the", "by the", "it is", "is a", "in der", "mit dem", "von der", "auf der",
                "und die", "in den", "an der", "für die")


@dataclass
class Query:
    """One query of a kind: what a reader types (and the filters and order they pick), and the
    same question to FTS5."""

    text: str
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    fts_where: str = ""
    fts_args: tuple = ()
    fuzzy: int = 0
    suggest: bool = False  # a misspelt word: "did you mean" asked of FTS5 too

    def fts_match(self, db):
        if self.fuzzy:
            return fts_fuzzy(db, self.text.split("~")[0].lower(), self.fuzzy)
        if self.text.startswith('"') and self.text.endswith('"') and len(self.text) > 1:
            return '"' + self.text[1:-1].replace('"', '""') + '"'  # a quote inside, as a reader may write
        if self.text.startswith('"') or self.text.endswith("*"):
            return self.text
        return self.text_match()

    def text_match(self):
        """Plain words, every one wanted."""
        return " ".join(f'"{word}"' for word in self.text.split())

    def run_fts(self, db, translated=None):
        """FTS5's answer; with `translated` (translated_match()), to the question as ours translates it."""
        order = "meta.date DESC" if self.sort == "-date" else "rank"
        match, relaxed = translated or (self.fts_match(db), None)
        found = fts_query(db, match, self.fts_where, self.fts_args, order)
        words = self.text.split()
        if found[1] == 0 and len(words) > 1 and not self.fuzzy and (translated or match == self.text_match()):
            # As our search() does (reading.py): no article has every word, so those with any of them.
            relaxed = relaxed or " OR ".join(f'"{word}"' for word in words)
            found = fts_query(db, relaxed, self.fts_where, self.fts_args, order)
        if self.suggest:
            return found, fts_suggestion(db, self.text.lower())
        return found

    def translated_match(self):
        """(MATCH, MATCH with any of the words) of the question ours answers once it is translated: each word
        or phrase, or any of its counterparts (crosslang.translate); None when ours translates nothing."""
        from archive.search import crosslang
        from archive.search import query as q

        if self.fuzzy or self.text.endswith("*"):
            return None
        tree, found = crosslang.translate(q.parse(self.text))
        if not found:
            return None
        items = tree.items if isinstance(tree, q.And) else (tree,)
        if any(_fts_of(item) is None for item in items):
            return None
        return " AND ".join(map(_fts_of, items)), " OR ".join(map(_fts_of, items))


def query_sets(rows, count, names, seed=7):
    """Per kind, `count` queries drawn from the articles' own words."""
    rng = random.Random(seed)
    df = Counter()
    bigrams = []
    years = Counter()
    for row in rows:
        words = WORD.findall(row["body"] or "")
        df.update({w.lower() for w in words})
        if len(bigrams) < 20000 and len(words) > 3:
            i = rng.randrange(len(words) - 1)
            bigrams.append((words[i].lower(), words[i + 1].lower()))
        if row.get("date"):
            years[row["date"][:4]] += 1
    n = len(rows)
    common = sorted(w for w, c in df.items() if 0.05 * n <= c <= 0.3 * n)
    rare = sorted(w for w, c in df.items() if 2 <= c <= 5)
    middle = sorted(w for w, c in df.items() if 0.005 * n <= c <= 0.05 * n)
    long_middle = [w for w in middle if len(w) >= 7]
    phrases = [b for b in bigrams if df[b[0]] > 20 and df[b[1]] > 20]
    year_list = sorted(year for year, c in years.items() if c >= 0.01 * n)

    def pick(items, k=count):
        return [rng.choice(items) for _ in range(k)]

    from django.utils.text import slugify
    entity_names = names[:50]
    return {
        "common word": [Query(w) for w in pick(common)],
        "rare word": [Query(w) for w in pick(rare)],
        "two words": [Query(f"{a} {b}") for a, b in zip(pick(middle), pick(middle), strict=True)],
        "phrase": [Query(f'"{a} {b}"') for a, b in pick(phrases)],
        "stop-word phrase": [Query(f'"{p}"') for p in pick(STOP_PHRASES)],
        "prefix": [Query(f"{w[:5]}*") for w in pick(long_middle)],
        "fuzzy (~1)": [Query(f"{corpus.misspelt(w, rng)}~1", fuzzy=1) for w in pick(long_middle)],
        "filtered: lang=en": [Query(w, {"languages": ("en",)}, fts_where=" AND meta.language = ?",
                                    fts_args=("en",)) for w in pick(common)],
        "filtered: year": [Query(w, {"date_from": dt.date(int(y), 1, 1), "date_to": dt.date(int(y), 12, 31)},
                                 fts_where=" AND meta.year = ?", fts_args=(y,))
                           for w, y in zip(pick(common), pick(year_list), strict=True)],
        "filtered: entity": [Query(w, {"entities": (slugify(e),)},
                                   fts_where=" AND EXISTS (SELECT 1 FROM tags WHERE tags.article = fts.rowid "
                                             "AND tags.entity = ?)",
                                   fts_args=(e,))
                             for w, e in zip(pick(common), pick(entity_names), strict=True)],
        "sorted by date": [Query(w, sort="-date") for w in pick(common)],
        # Last, so the kinds above draw the same queries as before it was added.
        "misspelt word": [Query(corpus.misspelt(w, rng), suggest=True) for w in pick(long_middle)],
    }


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(0.95 * (len(samples) - 1))] * 1000


def build(rows, folder):
    """Database and our index; returns the indexing figures."""
    from archive import search

    count = load(rows)
    started = time.perf_counter()
    search.rebuild(progress=_progress(count))
    whoosh_seconds = time.perf_counter() - started
    index_bytes = sum(f.stat().st_size for f in (folder / "search").rglob("*") if f.is_file())
    return {"size": count, "whoosh_rate": count / whoosh_seconds, "whoosh_mb": index_bytes / 1e6}


def build_fts_once(rows, folder, names, result):
    """The FTS5 table of this benchmark's layout (fts5.sqlite3), built when missing."""
    path = folder / "fts5.sqlite3"
    if "fts_rate" not in result or not path.exists():
        path.unlink(missing_ok=True)
        db, seconds = build_fts(path, rows, names)
        db.close()
        result.update(fts_rate=len(rows) / seconds, fts_mb=path.stat().st_size / 1e6)
    return path


def dictionary_in_use(wanted):
    """Build the general dictionary as `make run` does (nothing when it is up to date), or set its file aside;
    returns its pairs (0 without it)."""
    from django.core.management import call_command

    from archive.glossary import dictionary, lookup

    path = dictionary.path()
    aside = path.with_name(path.name + ".aside")
    if wanted:
        if aside.exists() and not path.exists():
            aside.rename(path)
        if not dictionary.DING.is_file():
            sys.exit(f"{dictionary.DING} is missing (apt-get install trans-de-en), or run with --no-dictionary")
        call_command("build_dictionary", stdout=sys.stderr)
    elif path.exists():
        path.replace(aside)
    lookup.forget()
    return sum(1 for _ in dictionary.read(path)) if wanted else 0


def _progress(total):
    def report(done):
        if done % 5000 == 0 or done == total:
            print(f"  indexed {done:,} of {total:,}", file=sys.stderr, flush=True)
    return report


def ours(query, words_alone=False):
    """What a reader's search costs: the archive's own search(), parsing to snippets and suggestions; with
    `words_alone`, the words as written only (query_language_only, which readers can ask for too)."""
    from archive import search
    from archive.search import Filters

    return search.search(query.text, filters=Filters(**query.filters), sort=query.sort,
                         query_language_only=words_alone)


def measure(sets, fts_path, clock=time.perf_counter, words_alone=False):
    """Per kind: (kind, ours, FTS5 asked the question as ours translates it, FTS5 asked the words alone,
    queries ours stopped at its deadline); each query on all three, one after the other. With
    `words_alone`, ours is asked the words alone too, and FTS5 once."""
    db = sqlite3.connect(fts_path)
    table = []
    for kind, items in sets.items():
        mine, theirs, theirs_alone, partial = [], [], [], 0
        for query in items:  # one after the other, so both see the same load
            started = clock()
            partial += ours(query, words_alone).partial
            mine.append(clock() - started)
            started = clock()  # the words alone first, right after ours, as before translations were asked
            query.run_fts(db)
            theirs_alone.append(clock() - started)
            translated = None if words_alone else query.translated_match()  # after ours: its lookups are ours's
            if translated is None:  # the same question: not asked again of a cache it has just warmed
                theirs.append(theirs_alone[-1])
                continue
            started = clock()
            query.run_fts(db, translated)
            theirs.append(clock() - started)
        table.append((kind, percentiles(mine), percentiles(theirs), percentiles(theirs_alone), partial))
    db.close()
    return table


def warm(sets, fts_path):
    """One query of each kind (not one of those timed): a running site has its searcher open,
    its per-generation tables read and the operating system's file cache filled."""
    db = sqlite3.connect(fts_path)
    for items in sets.values():
        for query in items:
            ours(query)
            query.run_fts(db)
    db.close()


def profile(items, lines):
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU time: steadier on a busy machine
    profiler.enable()
    for query in items:
        ours(query)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)


# Where a search's time goes, stage by stage: (module, attribute, label), timed around each call.
STAGES = (
    ("archive.search.reading", "q.parse", "parse"),
    ("archive.search.reading", "expand_aliases", "aliases"),
    ("archive.search.reading", "crosslang.translate", "translation"),
    ("archive.search.whoosh.backend", "WhooshBackend.search", "backend, the searcher taken"),
    ("archive.search.whoosh.backend", "WhooshBackend._search_with", "backend, with the searcher"),
    ("archive.search.whoosh.backend", "compile_tree", "compiling"),
    ("archive.search.whoosh.ranking", "Ranker.matches", "matching"),
    ("archive.search.whoosh.ranking", "Ranker.best", "phrase checked best first"),
    ("archive.search.whoosh.backend", "_facet_counts", "facet counts"),
    ("archive.search.whoosh.backend", "_top", "the page's numbers"),
    ("archive.search.whoosh.backend", "passages.snippets", "snippets"),
    ("archive.search.whoosh.backend", "_suggest", "suggestions"),
    ("archive.search.reading", "_facets", "facet names"),
    ("archive.search.reading", "_result", "results"),
)


def stages(items):
    """Mean wall ms per query spent in each stage of our search(); stages nest (the backend's hold
    matching, snippets ...), so they do not add up."""
    import importlib

    spent = Counter()

    def timed(function, label):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
        return run

    for module_name, attribute, label in STAGES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        setattr(owner, name, timed(getattr(owner, name), label))
    started = time.perf_counter()
    for query in items:
        ours(query)
    total = time.perf_counter() - started
    print(f"\nmean ms per query, {len(items)} queries (stages nest; the timing adds a little to each)")
    print(f"| all of search() | {total / len(items) * 1000:.3f} |")
    for _, _, label in STAGES:
        print(f"| {label} | {spent[label] / len(items) * 1000:.3f} |")


def ratio(a, b):
    return f"{a / b:.1f}" if b else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=10000,
                        help="articles to index (beyond the corpus's 22,195 it is repeated with varied dates)")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--folder", type=Path, help="work here and keep it; a rerun with the same size reuses it")
    parser.add_argument("--kinds", help="only these kinds of query, comma-separated (e.g. 'rare word,phrase')")
    parser.add_argument("--profile", metavar="KIND", help="profile our search() on this kind's queries instead")
    parser.add_argument("--stages", metavar="KIND", help="time each stage of our search() on this kind's queries "
                        "instead")
    parser.add_argument("--no-dictionary", action="store_true",
                        help="search without the general dictionary (its file is set aside, not deleted)")
    parser.add_argument("--words-alone", action="store_true",
                        help="ask ours for the words as written only (query_language_only), as FTS5 is asked")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall: time waited (default); cpu: this process's CPU time, steadier on a busy machine")
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
        names = _entity_names(rows)
        fts_path = build_fts_once(rows, folder, names, result)
        built.write_text(json.dumps(result))
        dictionary_pairs = dictionary_in_use(not args.no_dictionary)
        sets = query_sets(rows, args.queries, names)
        sets = chosen_kinds(sets, args.kinds)
        warm(query_sets(rows, 1, names, seed=8), fts_path)
        if args.profile:
            if args.profile not in sets:
                sys.exit(f"--profile: the kinds are {list(sets)}")
            profile(sets[args.profile], 30)
            return
        if args.stages:
            if args.stages not in sets:
                sys.exit(f"--stages: the kinds are {list(sets)}")
            stages(sets[args.stages])
            return
        table = measure(sets, fts_path, time.perf_counter if args.clock == "wall" else time.process_time,
                        args.words_alone)
    print(f"\n{result['size']:,} articles (+200 entities); p50 / p95 in ms; top 10 + total + facets + snippets; "
          f"{args.queries} queries per kind; {args.clock} clock; "
          + (f"general dictionary of {dictionary_pairs:,} pairs" if dictionary_pairs else "no general dictionary")
          + ("; ours asked the words alone (query_language_only)\n" if args.words_alone else "\n"))
    print("| | ours (Whoosh) | SQLite FTS5, the question translated | ours / FTS5 | FTS5, the words alone "
          "| ours / FTS5 | ours stopped at the deadline |")
    print("|---|---|---|---|---|---|---|")
    print(f"| indexing docs/s | {result['whoosh_rate']:.0f} | {result['fts_rate']:.0f} | | | | |")
    print(f"| index size MB | {result['whoosh_mb']:.1f} | {result['fts_mb']:.1f} | | | | |")
    for kind, (o50, o95), (f50, f95), (w50, w95), partial in table:
        print(f"| {kind} | {o50:.1f} / {o95:.1f} | {f50:.1f} / {f95:.1f} | {ratio(o50, f50)} / {ratio(o95, f95)} "
              f"| {w50:.1f} / {w95:.1f} | {ratio(o50, w50)} / {ratio(o95, w95)} | {partial} of {args.queries} |")


def _entity_names(rows):
    """The 200 commonest proper nouns, as load() makes them entities."""
    proper = Counter()
    for row in rows:
        proper.update(set(PROPER.findall(row.get("body") or "")))
    return [name for name, _ in proper.most_common(200)]


if __name__ == "__main__":
    main()
