"""Related articles of N random articles: p50/p95 of the search-based list (archive/search/related.py)
beside the entity-only one (selectors.articles_sharing_entities), on an archive bench_search.py built.

    .venv/bin/python bench/bench_related.py --folder DIR-10k --articles 100
    .venv/bin/python bench/bench_related.py --folder DIR-100k --articles 100 --page
    .venv/bin/python bench/bench_related.py --quality --data ../shared/data --folder DIR

On PostgreSQL, a database and folder loaded by bench_pg_search.py (`--size 100000 --folder DIR-100k`):
    ARCHIVE_SEARCH_BACKEND=postgres DATABASE_URL=postgres://... .venv/bin/python bench/bench_related.py \
        --folder DIR-100k --articles 200

--quality: on the scratch archive of bench_crosslang.py (the judged articles of
bench/crosslang/judged.yaml among 3,000 distractors), each judged article's related list is
compared with the other articles judged relevant to the same queries: precision@5, and how
many of those found are in the other language.

The folder's index must be on the current schema (else the search answers SearchUnavailable and this
stops); each article is asked once to warm nothing but the process's tables, then timed.
"""

import argparse
import functools
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


def timed(function, articles, empty=None):
    """Milliseconds per article; the articles whose list came back empty are added to `empty`."""
    times = []
    for article in articles:
        start = time.perf_counter()
        found = function(article)
        times.append((time.perf_counter() - start) * 1000)
        if empty is not None and not found:
            empty.append(article)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", required=True, help="an archive folder built by bench_search.py")
    parser.add_argument("--articles", type=int, default=100, help="how many random articles to time")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--page", action="store_true", help="also time the article page, through Django's client")
    parser.add_argument("--quality", action="store_true", help="precision@5 on the judged topics (above)")
    parser.add_argument("--data", type=Path, default=None, help="with --quality: the shared corpora's folder")
    parser.add_argument("--seconds", type=float, default=None,
                        help="with --quality: the deadline instead of related.RELATED_SECONDS (what the lists hold "
                             "without the machine's load)")
    args = parser.parse_args()
    if args.quality:
        return quality(args)
    bench_search.setup_django(Path(args.folder))

    from django.db.models import Count, Prefetch

    from archive import selectors
    from archive.models import Article, Mention
    from archive.search import related
    from archive.search.engine import get_backend

    pks = list(Article.objects.values_list("pk", flat=True))
    chosen = random.Random(args.seed).sample(pks, min(args.articles, len(pks)))
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
    articles = list(Article.objects.filter(pk__in=chosen).prefetch_related(mentions))
    related.related_articles(articles[0])  # the vocabularies and the index's tables, once per process
    kinds = {"search (words + entities, both languages)": related.related_articles,
             "shared entities only (before)": selectors.articles_sharing_entities}
    # The article naming the most entities: the entity count's worst case.
    most = (Mention.objects.values("article_id").annotate(n=Count("id")).order_by("-n").values_list("article_id", "n")
            .first())
    widest = Article.objects.prefetch_related(mentions).get(pk=most[0])
    print(f"{len(pks)} articles, {len(articles)} timed; the widest article names {most[1]} entities")
    print(f"engine: {get_backend().name}")
    for name, function in kinds.items():
        empty = []
        times = timed(lambda article: function(article), articles, empty)  # noqa: B023
        print(f"{name:45} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms  "
              f"max {max(times):7.1f} ms  widest {timed(function, [widest])[0]:7.1f} ms  empty {len(empty)}")
    if args.page:
        from django.test import Client

        client = Client()
        times = timed(lambda article: client.get(article.get_absolute_url()), articles)
        print(f"{'the article page (search-based list)':45} p50 {statistics.median(times):7.1f} ms  "
              f"p95 {percentile(times, 0.95):7.1f} ms  max {max(times):7.1f} ms")


def _same_topic(query, other):
    """Two judged queries of one topic in two languages: one is the vocabularies' counterpart of the other
    (en-de "copyright" and de-de "Urheberrecht"), so their relevant articles are one topic across languages."""
    from archive.glossary import lookup
    from archive.glossary import words as vocabulary

    lang, other_lang = query["group"][:2], other["group"][:2]
    if lang == other_lang:
        return False
    wanted = vocabulary.folded_key(other["query"], other_lang)
    return any(vocabulary.folded_key(counterpart.term, other_lang) == wanted
               for counterpart in lookup.counterparts(query["query"], lang))


def quality(args):
    import bench_crosslang

    folder = Path(args.folder)
    queries = bench_crosslang.read_judged()
    if (folder / "search").is_dir():
        bench_search.setup_django(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        bench_crosslang.build(folder, bench_crosslang.read_rows(args.data or bench_search.corpus.DEFAULT_DATA),
                              queries, 3000)

    from django.db.models import Prefetch

    from archive import selectors
    from archive.models import Article, Mention
    from archive.search import related

    if args.seconds is not None:
        related.RELATED_SECONDS = args.seconds
    topics = {}  # slug -> the other slugs judged relevant to a query it is relevant to (or to its translation)
    for query in queries:
        slugs = set()
        for other in queries:
            if other is query or _same_topic(query, other):
                slugs.update(bench_crosslang.slug_of(article_id) for article_id in other["relevant"])
        for slug in slugs:
            topics.setdefault(slug, set()).update(slugs - {slug})
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
    articles = list(Article.objects.filter(slug__in=topics).prefetch_related(mentions).order_by("slug"))
    language = {slug: lang for slug, lang in Article.objects.values_list("slug", "language")}
    kinds = {"shared entities only (before)": selectors.articles_sharing_entities,
             "search, words as written only": functools.partial(related.related_articles, across_languages=False),
             "search (words + entities, both languages)": related.related_articles}
    crossing = sum(_same_topic(query, other) for query in queries for other in queries) // 2
    print(f"{len(articles)} judged articles of {len(queries)} queries; {crossing} pairs of queries are one topic "
          "in two languages")
    for name, function in kinds.items():
        precision, other_language, found_any, times, empty = [], 0, 0, [], 0
        for article in articles:
            started = time.perf_counter()
            shown = [other.slug for other in function(article)]
            times.append((time.perf_counter() - started) * 1000)
            empty += not shown
            good = [slug for slug in shown if slug in topics[article.slug]]
            precision.append(len(good) / 5)
            other_language += sum(language[slug] != article.language for slug in good)
            found_any += bool(good)
        print(f"{name:45} precision@5 {statistics.mean(precision):.3f}  articles with a relevant one "
              f"{found_any}/{len(articles)}  relevant ones in the other language {other_language}  "
              f"p50 {statistics.median(times):.1f} ms  p95 {percentile(times, 0.95):.1f} ms  empty {empty}")


if __name__ == "__main__":
    main()
