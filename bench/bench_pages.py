"""Spot timings of the pages issue 13 changed, on an existing data folder (e.g. one kept by
`bench_scale.py --folder DIR`): median and slowest of a few requests through Django's test client,
with the body's size and X-Total-Count.

    .venv/bin/python bench/bench_pages.py DIR
"""

import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    os.environ["ARCHIVE_DATA_DIR"] = str(Path(sys.argv[1]).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from archive.models import Article, Entity, Mention

    client = Client()
    print("articles", Article.objects.count(), "mentions", Mention.objects.count())
    busiest = Counter(Mention.objects.values_list("entity_id", flat=True)).most_common(1)[0][0]
    top = Entity.objects.get(pk=busiest).slug
    urls = {
        "home": "/", "sitemap file (5,000)": "/sitemap-articles.xml", "sitemap index": "/sitemap.xml",
        "api entity (most tagged)": f"/api/entities/{top}/",
        "export json (most tagged, whole)": f"/entities/{top}/timeline/export.json",
        "export timelinejs (most tagged)": f"/entities/{top}/timeline/export.timelinejs.json",
        "export csv (whole archive)": "/timeline/export.csv",
    }
    for name, url in urls.items():
        times = []
        for _ in range(2 if "whole" in name else 5):
            started = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name}: median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms, "
              f"{size / 1e6:.1f} MB, X-Total-Count {response.get('X-Total-Count', '-')}")


if __name__ == "__main__":
    main()
