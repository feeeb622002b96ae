"""Related articles of N random articles: p50/p95 of the search-based list (archive/search/related.py)
beside the entity-only one (selectors.articles_sharing_entities), on an archive bench_search.py built.

    .venv/bin/python bench/bench_related.py --folder /tmp/bench-10k --articles 100
    .venv/bin/python bench/bench_related.py --folder /tmp/bench-100k --articles 100

The folder's index must be on the current schema (else the search answers SearchUnavailable and this
stops); each article is asked once to warm nothing but the process's tables, then timed.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, articles):
    times = []
    for article in articles:
        start = time.perf_counter()
        function(article)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", required=True, help="an archive folder built by bench_search.py")
    parser.add_argument("--articles", type=int, default=100, help="how many random articles to time")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    bench_search.setup_django(Path(args.folder))

    from django.db.models import Prefetch

    from archive import selectors
    from archive.models import Article, Mention
    from archive.search import related

    pks = list(Article.objects.values_list("pk", flat=True))
    chosen = random.Random(args.seed).sample(pks, min(args.articles, len(pks)))
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
    articles = list(Article.objects.filter(pk__in=chosen).prefetch_related(mentions))
    related.related_articles(articles[0])  # the vocabularies and the index's tables, once per process
    kinds = {"search (words + entities, both languages)": related.related_articles,
             "shared entities only (before)": selectors.articles_sharing_entities}
    print(f"{len(pks)} articles, {len(articles)} timed")
    for name, function in kinds.items():
        times = timed(lambda article: function(article), articles)  # noqa: B023
        print(f"{name:45} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms  "
              f"max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
