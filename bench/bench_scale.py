"""Scale benchmark: the whole site on N articles, on SQLite + Whoosh and on PostgreSQL + postgres search.

    scripts/with-postgres .venv/bin/python bench/bench_scale.py --articles 100000
    .venv/bin/python bench/bench_scale.py --articles 20000 --stacks sqlite

Reads the real corpora (default ../shared/data beside the checkout, or --data) and
repeats them until there are N articles with a title (bench/corpus.py: every copy gets
its own date, URL and a closing sentence naming two of the corpus's 200 commonest
proper nouns, which exist as entities, so the importer's tagging varies too). Each
stack runs in its own process, one after the other (`--stacks sqlite,postgres`; postgres
needs DATABASE_URL, which scripts/with-postgres sets), and measures:

  import       import_articles' own path (one transaction per article, tagging, search
               updates deferred to the end); records/s without the final index write
  index write  the deferred write of every imported document at the end of the import
  rebuild      rebuild_index from scratch (docs/s)
  search       api.search (parse, alias expansion, top 10, total, facets, snippets,
               suggestions) p50 / p95 in ms per kind of query
  pages        every page kind (home, article, entity, entity timeline, timeline, year, month,
               sitemap index and files, feed, the records API, exports) through Django's test
               client, p50 / p95 in ms; run at two sizes and divide for the 10k-to-100k ratio
               (bench/bench_pages.py shows where one page's time goes)
  memory       the resident memory of one gunicorn worker after serving every page kind and
               every kind of query, MB
  restart      `make run` on the unchanged archive until the home page answers: the manage.py
               commands of the Makefile's run target, each its own process, the last one (the
               server) until its first answer; wall and CPU s, per command

Prints one Markdown table with a column per stack.
"""

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search
import corpus

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[a-zäöüß]{5,}")


def write_articles(rows, names, total, path):
    with open(path, "w", encoding="utf-8") as out:
        for record in corpus.repeated(rows, names, total):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def _cpu():
    """This process's CPU seconds: the web process's own work, SQLite's included."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def timed(function, repeat):
    times = []
    for argument in repeat:
        started = time.perf_counter()
        function(argument)
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_stack(args):
    """One stack in this process, in a folder of its own removed afterwards unless --keep."""
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        measure_stack(args, args.folder.resolve())
        return
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-scale-{args.stack}-"))
    try:
        measure_stack(args, workdir)
    finally:
        if args.keep:
            print(f"[{args.stack}] kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def measure_stack(args, workdir):
    """The database and engine come from the environment."""
    os.environ["ARCHIVE_DATA_DIR"] = str(workdir)
    os.environ["ARCHIVE_SEARCH_BACKEND"] = "postgres" if args.stack == "postgres" else "whoosh"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from archive.models import Article

    if args.stack == "postgres" and connection.vendor != "postgresql":
        sys.exit("the postgres stack needs DATABASE_URL=postgres://... (run under scripts/with-postgres)")
    # A folder that already holds an imported archive (--folder, second run) is only measured again.
    again = (workdir / "imported").exists()
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql" and not again:  # a database of its own is best; at least start empty
        call_command("flush", interactive=False, verbosity=0)
    figures = {"articles": args.articles}
    if not again:
        _import_and_search(args, workdir, figures)
        (workdir / "imported").touch()
    else:
        figures["articles"] = Article.objects.count()
    _pages(args, figures)


def _import_and_search(args, workdir, figures):
    from django.utils.text import slugify

    from archive import search
    from archive.ingest import batch, files
    from archive.ingest.articles import Defaults
    from archive.models import Article, Entity, Mention
    from archive.search import Filters

    rows = corpus.read_corpus(args.data, titled=True)
    names = corpus.proper_nouns(rows)
    for name in names:
        Entity.objects.get_or_create(slug=slugify(name), defaults={"name": name, "kind": "organization"})
    path = workdir / "articles.jsonl"
    write_articles(rows, names, args.articles, path)

    failures = []
    started = time.perf_counter()
    with search.deferred_indexing():
        counts = batch.import_paths(files.expand([path]), defaults=Defaults(), note=lambda text: None,
                                    failure=lambda where, field, why: failures.append((where, field, why)))
        imported = time.perf_counter()
    finished = time.perf_counter()
    figures["import records/s"] = f"{counts.total / (imported - started):,.0f}"
    figures["import created / failed"] = f"{counts.created:,} / {counts.failed:,}"
    documents = Article.objects.count() + Entity.objects.count()
    figures["index write at import end s"] = f"{finished - imported:,.1f}"
    print(f"[{args.stack}] imported {counts.line()} in {imported - started:.0f} s, index write "
          f"{finished - imported:.0f} s", file=sys.stderr, flush=True)

    started = time.perf_counter()
    built = search.rebuild()
    elapsed = time.perf_counter() - started
    figures["rebuild s"] = f"{elapsed:,.1f}"
    figures["rebuild docs/s"] = f"{built / elapsed:,.0f}"
    print(f"[{args.stack}] rebuilt {built} documents of {documents} in {elapsed:.0f} s", file=sys.stderr, flush=True)

    rng = random.Random(11)
    vocabulary = Counter()
    for row in rng.sample(rows, 3000):
        vocabulary.update(WORD.findall(row["body"].lower()))
    ranked = [word for word, _ in vocabulary.most_common()]
    common, rare = ranked[:60], [w for w, n in vocabulary.items() if n == 3][:400]
    longer = [w for w in rare if len(w) >= 5]
    entity_slugs = list(Mention.objects.values_list("entity__slug", flat=True).distinct()[:100])
    kinds = {
        "common word": [(w, Filters()) for w in rng.sample(common, min(args.queries, len(common)))],
        "rare word": [(w, Filters()) for w in rng.sample(rare, min(args.queries, len(rare)))],
        "two words": [(f"{a} {b}", Filters()) for a, b in zip(rng.sample(common, 30), rng.sample(common, 30),
                                                              strict=True)],
        "phrase": [(f'"{" ".join(row["body"].split()[5:7])}"', Filters()) for row in rng.sample(rows, args.queries)],
        "prefix": [(w[:5] + "*", Filters()) for w in rng.sample(common, min(args.queries, len(common)))],
        "fuzzy": [(w + "~", Filters()) for w in rng.sample(common, min(args.queries, len(common)))],
        "common word, lang=en + year": [(w, Filters(languages=("en",), date_from=_date(2001, 1, 1),
                                                    date_to=_date(2001, 12, 31)))
                                        for w in rng.sample(common, min(args.queries, len(common)))],
        "entity filter": [("", Filters(entities=(slug,))) for slug in rng.sample(entity_slugs, min(30,
                                                                                               len(entity_slugs)))],
        # Last, so the kinds above draw the same queries as before. One letter changed after the first: "did you mean".
        "misspelt word": [(corpus.misspelt(w, rng), Filters())
                          for w in rng.sample(longer, min(args.queries, len(longer)))],
    }
    fts = _fts_table(workdir)
    for kind, queries in kinds.items():
        search.search(*queries[0][:1], filters=queries[0][1])  # warm the per-process caches
        times = timed(lambda query: search.search(query[0], filters=query[1]), queries)
        figures[f"search {kind} p50 / p95 ms"] = f"{statistics.median(times):.1f} / {percentile(times, 0.95):.1f}"
        said = figures[f"search {kind} p50 / p95 ms"]
        asked = [_fts_query(kind, text, filters) for text, filters in queries]
        if all(asked):
            # Translated before timing: the translation is ours's work, not FTS5's.
            questions = [(query, query.translated_match()) for query in asked]
            theirs = timed(lambda question: question[0].run_fts(fts, question[1]), questions)
            figures[f"search {kind}, FTS5 p50 / p95 ms"] = \
                f"{statistics.median(theirs):.1f} / {percentile(theirs, 0.95):.1f}"
            figures[f"search {kind}, ours / FTS5 at p95"] = \
                f"{percentile(times, 0.95) / max(0.01, percentile(theirs, 0.95)):.1f}"
            said += f", FTS5 {figures[f'search {kind}, FTS5 p50 / p95 ms']}"
        print(f"[{args.stack}] {kind}: {said}", file=sys.stderr, flush=True)
    fts.close()


def _fts_table(workdir):
    """SQLite FTS5 over the imported articles, as bench_search.py builds it (titles, bodies, language and year,
    the same tags), beside each stack: the engine both are compared with."""
    import sqlite3

    from archive.models import Article, Entity

    path = workdir / "fts5.sqlite3"
    path.unlink(missing_ok=True)
    rows = [{"title": title, "body": body, "language": language, "date": date.isoformat() if date else ""}
            for title, body, language, date in Article.objects.order_by("pk").values_list(
                "title", "body", "language", "date").iterator(chunk_size=5000)]
    db, _seconds = bench_search.build_fts(path, rows, list(Entity.objects.values_list("name", flat=True)))
    db.close()
    return sqlite3.connect(path)


def _fts_query(kind, text, filters):
    """The same question for FTS5 (bench_search.Query: top 10, total, entity and year counts; asked as ours
    translates it), or None where it has no words (everything of an entity: no full-text question)."""
    words = text.split("~")[0]
    if not words:
        return None
    where, args = "", ()
    if filters.languages:
        where, args = where + " AND meta.language = ?", args + (filters.languages[0],)
    if filters.date_from:
        where, args = where + " AND meta.year = ?", args + (str(filters.date_from.year),)
    if text.endswith("~"):
        return bench_search.Query(f"{words}~1", fts_where=where, fts_args=args, fuzzy=1)
    return bench_search.Query(text, fts_where=where, fts_args=args, suggest=kind == "misspelt word")


def page_addresses(pages):
    """Kind of page -> the addresses timed, `pages` of each (fewer for the heavy exports)."""
    from django.conf import settings

    from archive.models import Article, Entity, Mention

    articles = [article.get_absolute_url() for article in Article.objects.order_by("?")[:pages]]
    counted = Counter(Mention.objects.values_list("entity_id", flat=True)).most_common(5)
    busiest = [Entity.objects.get(pk=pk).get_absolute_url() for pk, _ in counted] * (pages // 5 or 1)
    years = list(Article.objects.filter(date__isnull=False).values_list("date__year", flat=True)[:200])
    year = Counter(years).most_common(1)[0][0] if years else 2001
    # The year's busiest month: a full page at every size (a fixed month can be empty in a small archive).
    months = Counter(Article.objects.filter(date__year=year).values_list("date__month", flat=True))
    month = months.most_common(1)[0][0] if months else 6
    last_file = max(1, -(-Article.objects.count() // settings.ARCHIVE_SITEMAP_LIMIT))
    return {
        "home": ["/"] * pages,
        "article page": articles,
        "entity page (5 most tagged)": busiest,
        "entity page, page 2 of its articles": [url + "?page=2" for url in busiest],
        "entity timeline page (5 most tagged)": [url + "timeline/" for url in busiest],
        "timeline": ["/timeline/"] * pages,
        "timeline, page 5": ["/timeline/?page=5"] * pages,
        "year page": [f"/archive/{year}/"] * pages,
        "month page": [f"/archive/{year}/{month}/"] * pages,
        "sitemap index": ["/sitemap.xml"] * pages,
        "sitemap file (articles, first)": ["/sitemap-articles.xml"] * 10,
        "sitemap file (articles, last)": [f"/sitemap-articles.xml?p={last_file}"] * 10,
        "sitemap file (periods)": ["/sitemap-periods.xml"] * 10,
        "feed (articles)": ["/feeds/articles.atom"] * pages,
        "api articles": ["/api/articles/?page=2"] * pages,
        "api entity": [f"/api{url}" for url in busiest],
        "timeline export csv (one year)": [f"/timeline/export.csv?from={year}&to={year}"] * 5,
        "timeline export json (most tagged entity, whole)": [f"{busiest[0]}timeline/export.json"] * 3,
        "timeline export timelinejs (most tagged entity)": [f"{busiest[0]}timeline/export.timelinejs.json"] * 3,
    }


# One address per kind of query the search page and API answer; the worker serves them for its memory figure.
SEARCHES = ["/search/?q=worm", "/search/?q=virus+microsoft", "/search/?q=angriff&language=de",
            "/search/?q=%22code+red%22", "/search/?q=micro*", "/search/?q=wurm~", "/search/?q=worm&from=2001&to=2003",
            "/api/search?q=code+red&type=article", "/search/feed.atom?q=worm"]


def _pages(args, figures):
    from django.test import Client

    from archive import remembered

    client = Client()
    pages = page_addresses(args.pages)
    parts = args.parts.split(",")
    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            for _ in response.streaming_content:
                pass

    for kind, urls in pages.items():
        if "pages" not in parts or (args.page_kind and kind not in args.page_kind):
            continue
        for url in dict.fromkeys(urls):  # each address once, so p50 / p95 are repeated views
            get(url)
        times = timed(get, urls)

        def cold(url):
            remembered.forget()  # as after a change of the archive: every aggregate worked out again
            get(url)

        used = _cpu()
        first = timed(cold, urls[:3])
        first_cpu = (_cpu() - used) * 1000 / len(urls[:3])
        figures[f"{kind} p50 / p95 ms"] = f"{statistics.median(times):.0f} / {percentile(times, 0.95):.0f}"
        figures[f"{kind} first view after a change ms"] = f"{statistics.median(first):.0f}"
        figures[f"{kind} first view after a change, CPU ms (mean)"] = f"{first_cpu:.0f}"
        print(f"[{args.stack}] {kind}: {figures[f'{kind} p50 / p95 ms']} ms, first view after a change "
              f"{statistics.median(first):.0f} ms (CPU {first_cpu:.0f} ms)", file=sys.stderr, flush=True)

    if "memory" in parts:
        memory(figures, args.stack, pages)

    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["bench process peak resident memory MB"] = f"{peak:.0f}"
    if "restart" in parts:
        restart(figures, args.stack)
    print(json.dumps(figures))


def memory(figures, stack, pages):
    after_pages, after_searches = worker_memory([url for urls in pages.values() for url in urls[:2]], SEARCHES)
    for label, found in (("every page kind", after_pages), ("every page and query kind", after_searches)):
        figures[f"gunicorn worker resident memory after {label} MB"] = f"{found['rss']:.0f}"
        figures[f"  of it private (own heap) / shared (mapped files, code) MB, after {label}"] = \
            f"{found['private']:.0f} / {found['shared']:.0f}"
        print(f"[{stack}] worker memory after {label}: {found['rss']:.0f} MB resident, {found['private']:.0f} "
              f"private, {found['shared']:.0f} shared", file=sys.stderr, flush=True)


def smaps_mb(pid):
    """Resident, private (Private_Dirty + Private_Clean: this process's own) and shared (Shared_Dirty +
    Shared_Clean: file pages such as the index's, code, also held by other processes) MB of a process."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        found[name] = int(value.split()[0]) / 1024
    return {"rss": found["Rss"], "private": found["Private_Dirty"] + found["Private_Clean"],
            "shared": found["Shared_Dirty"] + found["Shared_Clean"]}


def run_target(port):
    """The manage.py commands of the Makefile's `run` target, in order, each as arguments to manage.py:
    the last one serves."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = lines.index(next(line for line in lines if line.startswith("run:")))
    commands = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        if "manage.py " in line:
            commands.append(line.split("manage.py ", 1)[1].replace("$(PORT)", str(port)).split())
    return commands


def _tree_cpu(session):
    """CPU seconds (user + system) of every live process of a session, threads included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields[3] is the session id (field 6 of proc(5))
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def restart(figures, stack, port=8766):
    """`make run` after its prerequisites, on the unchanged archive: the commands of the Makefile's run target,
    each a process of its own as there, then the serving one until it answers the home page. Once to settle
    (the first run loads the project's content and builds the dictionary), then timed."""
    import resource
    import urllib.error
    import urllib.request

    def cpu():
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    def run_steps():
        spent, busy = {}, {}
        *steps, serve = run_target(port)
        for step in steps:
            started, used = time.perf_counter(), cpu()
            subprocess.run([sys.executable, str(ROOT / "manage.py"), *step], check=True, env=dict(os.environ),
                           stdout=subprocess.DEVNULL)
            spent[step[0]], busy[step[0]] = time.perf_counter() - started, cpu() - used
        started = time.perf_counter()
        said = tempfile.TemporaryFile("w+")
        server = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *serve],
                                  env=dict(os.environ, PYTHONUNBUFFERED="1"), stdout=said,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()
                    break
                except (urllib.error.URLError, ConnectionError):
                    if server.poll() is not None:
                        raise RuntimeError(f"{' '.join(serve)} ended with {server.returncode}") from None
                    time.sleep(0.05)
            label = f"{serve[0]} until the first page"
            spent[label], busy[label] = time.perf_counter() - started, _tree_cpu(server.pid)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        said.seek(0)
        # `start` says what each of its steps took ("update_index: 0.12 s, CPU 0.06 s").
        for name, wall, used in re.findall(r"^(\w+): ([\d.]+) s, CPU ([\d.]+) s$", said.read(), re.MULTILINE):
            spent[f" {name}"], busy[f" {name}"] = float(wall), float(used)
        return spent, busy

    run_steps()
    spent, busy = run_steps()
    # Wall time depends on what else the machine runs; the processes' own CPU time much less.
    for label, figures_of in (("wall", spent), ("CPU", busy)):
        total = sum(value for name, value in figures_of.items() if not name.startswith(" "))
        steps = ", ".join(f"{name} {s:.2f}" for name, s in figures_of.items() if not name.startswith(" "))
        inner = ", ".join(f"{name.strip()} {s:.2f}" for name, s in figures_of.items() if name.startswith(" "))
        line = f"{total:.1f} ({steps}" + (f"; the steps in it: {inner}" if inner else "") + ")"
        figures[f"restart: make run until the home page answers, unchanged archive, {label} s"] = line
        print(f"[{stack}] restart, {label}: {line}", file=sys.stderr, flush=True)


def worker_memory(*stages, port=8765):
    """smaps_mb() of one gunicorn worker serving this data folder (from the environment) after each stage's
    addresses, one after the other."""
    import urllib.error
    import urllib.request

    env = dict(os.environ, ARCHIVE_API_RATE="off", ARCHIVE_DEBUG="0")
    log = open(Path(os.environ["ARCHIVE_DATA_DIR"]) / "gunicorn.log", "w")  # an error answer's traceback
    master = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "archive.wsgi", "--workers", "1",
                               "--bind", f"127.0.0.1:{port}", "--timeout", "120"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        found = []
        for urls in stages:
            for url in urls:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=120).read()
                except urllib.error.HTTPError as error:
                    print(f"  {url}: {error.code}", file=sys.stderr)
            children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
            found.append(smaps_mb(children[0]))
        return found
    finally:
        master.terminate()
        master.wait(timeout=30)
        log.close()


def print_ratio(small_file, large_file):
    """Per stack and page kind: p50 / p95 at both sizes, the ratio of the p95s, the first view after a change."""
    small, large = json.loads(small_file.read_text()), json.loads(large_file.read_text())
    for stack in small:
        if stack not in large:
            continue
        one, two = small[stack], large[stack]
        print(f"\n{stack}: {one['articles']:,} and {two['articles']:,} articles\n")
        print("| page | p50 / p95 ms, small | p50 / p95 ms, large | p95 ratio | first view after a change ms, "
              "small / large |")
        print("|---|---|---|---|---|")
        for row in one:
            if not row.endswith(" p50 / p95 ms") or row.startswith("search ") or row not in two:
                continue
            kind = row.removesuffix(" p50 / p95 ms")
            ratio = float(two[row].split(" / ")[1]) / max(1.0, float(one[row].split(" / ")[1]))
            first = f"{one.get(kind + ' first view after a change ms', '')} / " \
                    f"{two.get(kind + ' first view after a change ms', '')}"
            print(f"| {kind} | {one[row]} | {two[row]} | {ratio:.1f} | {first} |")
        for row in one:
            if "memory" in row or row.startswith("restart"):
                print(f"| {row} | {one[row]} | {two.get(row, '')} | | |")


def _date(year, month, day):
    import datetime as dt

    return dt.date(year, month, day)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder holding the corpora")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stacks", default="sqlite,postgres", help="sqlite, postgres or both, comma-separated")
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--pages", type=int, default=40, help="requests per kind of page")
    parser.add_argument("--keep", action="store_true", help="keep each stack's data folder (SQLite stack: the "
                                                            "database and index) for a closer look")
    parser.add_argument("--folder", type=Path, help="the SQLite stack's data folder, kept; when it already holds "
                                                      "an archive imported by this command, only the pages, restart "
                                                      "and memory are measured again")
    parser.add_argument("--parts", default="pages,memory,restart",
                        help="what to measure on the imported archive, comma-separated: pages, memory, restart")
    parser.add_argument("--page-kind", action="append", help="time only this kind of page (repeatable; the "
                                                             "names as printed, e.g. 'sitemap file (periods)')")
    parser.add_argument("--json", type=Path, help="also write the figures, per stack, to this file")
    parser.add_argument("--ratio", nargs=2, type=Path, metavar=("SMALL", "LARGE"),
                        help="print the page figures of two --json files side by side with the ratio of p95s")
    parser.add_argument("--stack", help=argparse.SUPPRESS)  # set for the per-stack child process
    args = parser.parse_args()
    if args.ratio:
        print_ratio(*args.ratio)
        return
    if args.stack:
        run_stack(args)
        return
    columns = {}
    for stack in args.stacks.split(","):
        env = dict(os.environ)
        if stack == "sqlite":
            env.pop("DATABASE_URL", None)
        command = [sys.executable, __file__, "--stack", stack, "--data", str(args.data), "--articles",
                   str(args.articles), "--queries", str(args.queries), "--pages", str(args.pages)] + \
            (["--keep"] if args.keep else []) + (["--folder", str(args.folder)] if args.folder else []) + \
            ["--parts", args.parts] + [option for kind in args.page_kind or [] for option in ("--page-kind", kind)]
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
        columns[stack] = json.loads(result.stdout.strip().splitlines()[-1])
    if args.json:
        args.json.write_text(json.dumps(columns, indent=1))
    labels = {"sqlite": "SQLite + Whoosh", "postgres": "PostgreSQL + postgres"}
    print("| | " + " | ".join(labels[s] for s in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for row in next(iter(columns.values())):
        print(f"| {row} | " + " | ".join(str(column.get(row, "")) for column in columns.values()) + " |")


if __name__ == "__main__":
    main()
