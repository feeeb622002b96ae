"""Where a page's time goes, on an existing data folder (e.g. one kept by `bench_scale.py --folder DIR`):
for each page, the median of a few requests through Django's test client, the number of SQL
queries and the slowest of them with their time.

    .venv/bin/python bench/bench_pages.py DIR                # the pages bench_scale.py times
    .venv/bin/python bench/bench_pages.py DIR / /sitemap.xml  # these addresses
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    os.environ["ARCHIVE_DATA_DIR"] = str(Path(sys.argv[1]).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    import bench_scale
    from django.db import connection
    from django.test import Client

    client = Client()
    urls = sys.argv[2:] or [urls[0] for urls in bench_scale.page_addresses(pages=1).values()]
    for url in urls:
        times = []
        for _ in range(3):
            queries = []
            started = time.perf_counter()
            with connection.execute_wrapper(_timed_into(queries)):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{url}: median {statistics.median(times):.0f} ms, {len(queries)} queries "
              f"({sum(t for t, _ in queries):.0f} ms), {size / 1e3:.0f} kB")
        for spent, sql in sorted(queries, reverse=True)[:3]:
            if spent >= 5:
                print(f"    {spent:6.0f} ms  {sql[:300]}")


def _timed_into(queries):
    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    return timed_query


if __name__ == "__main__":
    main()
