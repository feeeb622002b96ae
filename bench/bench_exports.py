"""How the streamed exports arrive, on an existing data folder (e.g. one kept by `bench_scale.py --folder DIR`):
time to the first byte, total time, CPU time and how much the process's resident memory grows while
the body is written, for each address, each in a fresh process as after a change of the archive.

    .venv/bin/python bench/bench_exports.py DIR                      # the most tagged entity's exports
    .venv/bin/python bench/bench_exports.py DIR /timeline/export.csv  # these addresses

Each address is fetched three times through Django's test client after one page view has loaded
the code; the remembered aggregates are emptied before each (archive/remembered.py), so every
fetch pays what the first after a change pays. Memory: the highest VmRSS read after each piece of
the body, less VmRSS before the request (MB), for the first fetch.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "json", "ics", "timelinejs.json")


def _rss():
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


def _cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def measure(url):
    """{first byte ms, total ms, CPU ms, MB grown, bytes} of three fetches of `url` in this process."""
    from django.test import Client

    from archive import remembered

    client = Client()
    client.get("/")
    runs = []
    for _ in range(3):
        remembered.forget()
        before, cpu, started = _rss(), _cpu(), time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        first, size, peak = None, 0, before
        for piece in (response.streaming_content if response.streaming else [response.content]):
            if first is None:
                first = time.perf_counter()
            size += len(piece)
            peak = max(peak, _rss())
        ended = time.perf_counter()
        runs.append({"first byte ms": (first - started) * 1000, "total ms": (ended - started) * 1000,
                     "CPU ms": (_cpu() - cpu) * 1000, "MB grown": peak - before, "bytes": size,
                     "streamed": response.streaming})
    return {"first byte ms": statistics.median(r["first byte ms"] for r in runs),
            "total ms": statistics.median(r["total ms"] for r in runs),
            "CPU ms": statistics.median(r["CPU ms"] for r in runs),
            "MB grown": runs[0]["MB grown"], "bytes": runs[0]["bytes"], "streamed": runs[0]["streamed"]}


def default_urls():
    from django.db.models import Count

    from archive.models import Entity

    busiest = Entity.objects.annotate(n=Count("mentions")).order_by("-n").first()
    return [f"{busiest.get_absolute_url()}timeline/export.{fmt}" for fmt in FORMATS]


def _setup(folder):
    os.environ["ARCHIVE_DATA_DIR"] = str(Path(folder).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main():
    if sys.argv[1] == "--one":  # the child: one address, its figures as JSON
        _setup(sys.argv[2])
        print(json.dumps(measure(sys.argv[3])))
        return
    _setup(sys.argv[1])
    urls = sys.argv[2:] or default_urls()
    print("| export | first byte ms | total ms | CPU ms | resident memory grown MB | size |")
    print("|---|---|---|---|---|---|")
    for url in urls:
        result = subprocess.run([sys.executable, __file__, "--one", sys.argv[1], url], stdout=subprocess.PIPE,
                                text=True, check=True, env=dict(os.environ))
        found = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"| {url} | {found['first byte ms']:.0f} | {found['total ms']:.0f} | {found['CPU ms']:.0f} | "
              f"{found['MB grown']:.1f} | {found['bytes'] / 1e6:.1f} MB{'' if found['streamed'] else ', whole'} |",
              flush=True)


if __name__ == "__main__":
    main()
