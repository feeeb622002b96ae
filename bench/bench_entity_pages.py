"""The pages of the 5 most tagged entities on an existing data folder (e.g. one kept by `bench_scale.py --folder
DIR`): the first view after a change of the archive and a repeated view, p50 / p95 of wall and CPU time in ms.

    .venv/bin/python bench/bench_entity_pages.py DIR

Each address is asked three times after emptying the remembered aggregates (archive/remembered.py), as
the first request after any write would, and once more right after. CPU time is given beside wall time
because on a shared machine the wall time is mostly other work's.
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def _figures(values):
    return f"{statistics.median(values):.0f} / {_percentile(values, 0.95):.0f}"


def main():
    os.environ["ARCHIVE_DATA_DIR"] = str(Path(sys.argv[1]).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client

    from archive import remembered
    from archive.models import Entity

    client = Client()
    busiest = [entity.get_absolute_url() for entity in
               Entity.objects.annotate(n=Count("mentions")).order_by("-n")[:5]]
    kinds = {"entity page": busiest, "entity page, page 2": [url + "?page=2" for url in busiest],
             "entity timeline": [url + "timeline/" for url in busiest],
             "entity timeline, page 5": [url + "timeline/?page=5" for url in busiest]}

    def get(url):
        started, used = time.perf_counter(), _cpu()
        assert client.get(url).status_code == 200, url
        return (time.perf_counter() - started) * 1000, (_cpu() - used) * 1000

    client.get("/")
    print("| page | first view wall | first view CPU | repeated wall | repeated CPU |")
    print("|---|---|---|---|---|")
    for kind, urls in kinds.items():
        first, repeated = [], []
        for _ in range(3):
            for url in urls:
                remembered.forget()
                first.append(get(url))
                repeated.append(get(url))
        print(f"| {kind} | {_figures([w for w, _ in first])} | {_figures([c for _, c in first])} | "
              f"{_figures([w for w, _ in repeated])} | {_figures([c for _, c in repeated])} |", flush=True)


if __name__ == "__main__":
    main()
