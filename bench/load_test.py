"""Load test: the site under gunicorn, read by concurrent clients while an import runs.

    .venv/bin/python bench/load_test.py [--data DIR] [--articles 3000] [--extra 2000]
                                        [--seconds 60] [--max-requests 20000] [--clients 8] [--workers 4]

Builds a fresh data folder in a temporary directory: migrate, load content/, import the real
corpora (default ../shared/data beside the checkout: incident_articles.jsonl and the first
--articles lines of scale_corpus.jsonl.gz), rebuild the index. Then starts gunicorn with
--workers on a free port of 127.0.0.1 and, for --seconds (or --max-requests), has --clients
threads read search pages, the search API, article, entity and timeline pages, while
`import_articles` imports the next --extra lines of the scale corpus. A separate scraper
thread asks /api/search as fast as it can from one address, to show the rate limit.

Readers come from many addresses: the site runs with ARCHIVE_PROXY_COUNT=1 and every
request names one of 1,000 client addresses in X-Forwarded-For, as a proxy would, so the
default limit (ARCHIVE_API_RATE=120/60 per address) applies to them as to real readers;
the scraper always sends the same address. An error is any reader answer other than 200,
or a failed connection. Only 127.0.0.1 is contacted.
"""

import argparse
import gzip
import http.client
import itertools
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
PYTHON = sys.executable
WORDS = ["worm", "Wurm", "virus", "Microsoft", "security", "hacker", "attack", "Sicherheit", "password",
         "Code Red", "internet", "bank", "government", "network", "\"denial of service\"", "Virus*", "viruz~"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the corpora")
    parser.add_argument("--articles", type=int, default=3000, help="scale-corpus lines imported before the load")
    parser.add_argument("--extra", type=int, default=2000, help="scale-corpus lines imported during the load")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients read")
    parser.add_argument("--max-requests", type=int, default=20000, help="stop after this many reader requests")
    parser.add_argument("--clients", type=int, default=8, help="concurrent reader threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="load-test-"))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(ARCHIVE_DATA_DIR=str(work / "data"), ARCHIVE_DEBUG="0", ARCHIVE_PROXY_COUNT="1",
               ARCHIVE_API_RATE="120/60", ARCHIVE_LOG_LEVEL="ERROR")
    (work / "data").mkdir()
    before, during = split_corpus(args, work)
    prepare(env, [args.data / "incident_articles.jsonl", before])
    pages = page_list(work / "data" / "archive.sqlite3")

    port = free_port()
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "archive.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "gunicorn.log", "w"),
    )
    try:
        wait_until_up(port)
        report = run_load(args, env, port, pages, during)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_report(args, report)


def split_corpus(args, work):
    """The scale corpus's first --articles lines for before the load, the next --extra for during it."""
    before, during = work / "before.jsonl", work / "during.jsonl"
    with gzip.open(args.data / "scale_corpus.jsonl.gz", "rb") as corpus, open(before, "wb") as first, \
            open(during, "wb") as second:
        for line in itertools.islice(corpus, args.articles):
            first.write(line)
        for line in itertools.islice(corpus, args.extra):
            second.write(line)
    return before, during


def manage(env, *args):
    done = subprocess.run([PYTHON, "manage.py", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True)
    return done


def prepare(env, paths):
    started = time.perf_counter()
    for command in (["migrate", "--noinput"], ["load_content"], ["import_articles", *paths], ["rebuild_index"]):
        done = manage(env, *command, "--verbosity", "1" if command[0] == "import_articles" else "0")
        # Records without a title fail in the corpus; the import still exits non-zero for them.
        if done.returncode and command[0] != "import_articles":
            sys.exit(f"{command[0]} failed:\n{done.stderr}")
        if command[0] == "import_articles":
            print(f"setup import: {done.stdout.strip()}", file=sys.stderr)
    print(f"setup done in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def page_list(database):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        articles = [row[0] for row in db.execute("SELECT slug FROM archive_article ORDER BY random() LIMIT 300")]
        entities = [row[0] for row in db.execute("SELECT slug FROM archive_entity")]
        years = [row[0] for row in db.execute(
            "SELECT DISTINCT strftime('%Y', date) FROM archive_article WHERE date IS NOT NULL")]
    pages = defaultdict(list)
    pages["search page"] = [f"/search/?q={quote(word)}" for word in WORDS]
    pages["search API"] = [f"/api/search?q={quote(word)}" for word in WORDS]
    pages["article"] = [f"/articles/{slug}/" for slug in articles]
    pages["entity"] = [f"/entities/{slug}/" for slug in entities]
    pages["timeline"] = (["/timeline/"] + [f"/entities/{slug}/timeline/" for slug in entities]
                         + [f"/archive/{year}/" for year in years])
    return pages


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, address):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"X-Forwarded-For": address, "Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_up(port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/", "127.0.0.1") == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer within 60 s")


def run_load(args, env, port, pages, during):
    timings = defaultdict(list)
    errors = defaultdict(list)
    scraper = defaultdict(int)
    lock = threading.Lock()
    stop = threading.Event()
    issued = itertools.count()
    kinds = sorted(pages)

    def reader(seed):
        rng = random.Random(seed)
        while not stop.is_set() and next(issued) < args.max_requests:
            kind = rng.choice(kinds)
            path = rng.choice(pages[kind])
            address = f"10.0.{rng.randrange(4)}.{rng.randrange(1, 251)}"
            started = time.perf_counter()
            try:
                status = get(port, path, address)
            except OSError as exc:
                status = f"{type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                timings[kind].append(elapsed)
                if status != 200:
                    errors[kind].append((path, status))

    def scrape():
        while not stop.is_set():
            try:
                status = get(port, "/api/search?q=worm", "192.0.2.66")
            except OSError:
                status = "connection failed"
            scraper[status] += 1

    started = time.perf_counter()
    importer = subprocess.Popen([PYTHON, "manage.py", "import_articles", str(during)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.clients)]
    threads.append(threading.Thread(target=scrape))
    for thread in threads:
        thread.start()
    import_out, import_err = None, None
    while time.perf_counter() - started < args.seconds and any(t.is_alive() for t in threads[:-1]):
        if import_out is None and importer.poll() is not None:
            import_out, import_err = importer.communicate()
            import_seconds = time.perf_counter() - started
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    load_seconds = time.perf_counter() - started
    if import_out is None:
        import_out, import_err = importer.communicate()
        import_seconds = time.perf_counter() - started
    failures = [line[len(str(during)):].lstrip(":0123456789 ") for line in import_err.splitlines()
                if line.startswith(str(during))]
    return {"timings": timings, "errors": errors, "scraper": dict(scraper), "seconds": load_seconds,
            "import": {"summary": import_out.strip(), "code": importer.returncode, "seconds": import_seconds,
                       "failures": failures}}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def print_report(args, report):
    timings, errors = report["timings"], report["errors"]
    total = sum(len(v) for v in timings.values())
    failed = sum(len(v) for v in errors.values())
    rate = total / report["seconds"]
    print(f"{args.clients} readers, gunicorn --workers {args.workers}, {report['seconds']:.0f} s, "
          f"{total} requests = {rate:.1f}/s, errors: {failed} ({100 * failed / max(total, 1):.2f}%)")
    print()
    print("| page | requests | p50 ms | p95 ms | max ms | errors |")
    print("|---|---|---|---|---|---|")
    for kind in sorted(timings):
        values = timings[kind]
        print(f"| {kind} | {len(values)} | {1000 * statistics.median(values):.0f} | "
              f"{1000 * percentile(values, 0.95):.0f} | {1000 * max(values):.0f} | {len(errors[kind])} |")
    print()
    imported = report["import"]
    print(f"import during the load: {imported['summary']} (exit {imported['code']}, {imported['seconds']:.0f} s)")
    reasons = defaultdict(int)
    for line in imported["failures"]:
        reasons[line] += 1
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  failed {count}x  {reason}")
    print(f"scraper on /api/search from one address: {report['scraper']}")
    for kind, found in errors.items():
        for path, status in found[:5]:
            print(f"  error {kind}: {path} -> {status}")


if __name__ == "__main__":
    main()
