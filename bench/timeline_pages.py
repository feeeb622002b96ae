"""Time the timeline pages and exports against a throwaway database of N generated items.

    .venv/bin/python bench/timeline_pages.py [--items 3000] [--repeat 5]

Runs in a temporary ARCHIVE_DATA_DIR, so it never touches var/.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLS = [
    "/timeline/",
    "/timeline/export.svg",
    "/timeline/export.timelinejs.json",
    "/timeline/export.csv",
    "/timeline/export.ics",
    "/archive/2001/",
    "/entities/worm/timeline/",
    "/entities/worm/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ARCHIVE_DATA_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from archive.models import Article, Event, Mention
        from tests import timeline_factories as make

        call_command("migrate", verbosity=0)
        make.many(args.items, step_days=3)
        worm = make.entity("worm")
        Event.entities.through.objects.bulk_create(
            Event.entities.through(event_id=pk, entity=worm) for pk in Event.objects.values_list("pk", flat=True))
        Mention.objects.bulk_create(Mention(article_id=pk, entity=worm)
                                    for pk in Article.objects.values_list("pk", flat=True))
        client = Client()
        print(f"{args.items} items, median of {args.repeat} runs")
        for url in URLS:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            print(f"{url:40} {statistics.median(times) * 1000:8.1f} ms  {len(response.content) / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
