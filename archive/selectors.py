"""Read queries used by the pages; views stay thin and these stay testable."""

import re

from django.db.models import Count, F, Prefetch, Q

from archive import search
from archive.entities import summary
from archive.models import Article, Coverage, Entity, Event, HindsightNote, Mention
from archive.remembered import remember

# Undated records go last on every database (PostgreSQL puts NULL first when descending, SQLite last).
NEWEST_FIRST = (F("date").desc(nulls_last=True), "title")
OLDEST_FIRST = (F("date").asc(nulls_last=True), "title")


def latest_articles(limit=10):
    return Article.objects.select_related("source").order_by(*NEWEST_FIRST)[:limit]


def entities_by_kind():
    grouped = {}
    for entity in Entity.objects.annotate(article_count=Count("mentions")).order_by("kind", "name"):
        grouped.setdefault(entity.get_kind_display(), []).append(entity)
    return grouped


def recent_events(limit=10):
    return Event.objects.select_related("incident").order_by(*NEWEST_FIRST)[:limit]


def article_with_relations(slug):
    return (
        Article.objects.select_related("source")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("entity").order_by("entity__name")),
            Prefetch("coverage", queryset=Coverage.objects.select_related("event").order_by(
                F("event__date").asc(nulls_last=True)
            )),
        )
        .get(slug=slug)
    )


def entity_with_relations(slug):
    return Entity.objects.prefetch_related("aliases").get(slug=slug)


def entity_articles(entity):
    # What a list shows: an entity can have tens of thousands of articles, sorted before the first are shown.
    return _listed(Article.objects.filter(mentions__entity=entity))


def _listed(articles):
    return (
        articles.select_related("source")
        .only("slug", "title", "language", "date", "date_precision", "date_not_after", "date_inferred", "source__name")
        .order_by(*OLDEST_FIRST, "pk")
    )


ENTITY_ARTICLES_PER_PAGE = 100


def entity_article_page(entity, number, size=ENTITY_ARTICLES_PER_PAGE):
    """One page of the entity's articles; the total is counted over its mentions alone."""
    from archive.timeline.density import Page

    start = (number - 1) * size
    # Counted and ordered by the aggregates the database keeps for the entity (archive.entities.summary).
    total, items = remember(("entity-articles", entity.pk, start, size), lambda: (
        summary.article_total(entity),
        list(_listed(Article.objects.filter(
            pk__in=summary.in_list_order(entity).values("article_id")[start:start + size])))))
    return Page(number=number, size=size, total=total, items=items)



def entity_events(entity):
    events = Event.objects.filter(entities=entity) | Event.objects.filter(incident=entity)
    return events.distinct().order_by(*OLDEST_FIRST)


def event_with_relations(slug):
    return (
        Event.objects.select_related("incident")
        .prefetch_related(
            "entities",
            "claims",
            Prefetch("coverage", queryset=Coverage.objects.select_related("article__source").order_by(
                F("article__date").asc(nulls_last=True)
            )),
        )
        .get(slug=slug)
    )


# Microsoft bulletins keep a stable address by year and number.
MS_BULLETIN = re.compile(r"^MS(\d\d)-(\d{3})$", re.I)
MS_BULLETIN_URL = "https://learn.microsoft.com/en-us/security-updates/securitybulletins/{year}/ms{yy}-{number}"


def external_links(entity):
    """The entity's outside identifiers as (label, value, url) rows; url is "" when none is known."""
    rows = []
    if entity.wikidata:
        rows.append(("Wikidata", entity.wikidata, f"https://www.wikidata.org/wiki/{entity.wikidata}"))
    for key, value in sorted((entity.external_ids or {}).items()):
        values = value if isinstance(value, list) else [value]
        for one in values:
            one = str(one)
            rows.append((key.upper() if key in ("cve", "cwe") else key.capitalize(), one, _external_url(key, one)))
    return rows


def _external_url(key, value):
    if key == "cve" and re.fullmatch(r"CVE-\d{4}-\d{4,}", value, re.I):
        return f"https://www.cve.org/CVERecord?id={value.upper()}"
    if key == "wikidata" and re.fullmatch(r"Q\d+", value):
        return f"https://www.wikidata.org/wiki/{value}"
    if key == "advisory":
        match = MS_BULLETIN.match(value)
        if match:
            yy, number = match.groups()
            year = int(yy) + (1900 if int(yy) >= 90 else 2000)
            return MS_BULLETIN_URL.format(year=year, yy=yy, number=number)
    if value.startswith(("https://", "http://")):
        return value
    return ""
def related_articles(article, limit=5):
    """Other articles sharing most of this one's key words and entities, in either language, each with
    .reasons (archive/search/related.py); by shared entities alone while the index cannot answer."""
    try:
        return search.related_articles(article, limit)
    except search.SearchUnavailable:
        return articles_sharing_entities(article, limit)


def articles_sharing_entities(article, limit=5):
    """Other articles naming the same entities, those sharing the most first, each with .reasons.

    Counted over the mentions alone, then only the chosen few articles are read: an entity can
    have tens of thousands of articles, whose bodies a grouped query over articles would carry.
    """
    names = {mention.entity_id: mention.entity.name for mention in article.mentions.all()}
    if not names:
        return []
    ranked = list(
        Mention.objects.filter(entity_id__in=names).exclude(article_id=article.pk)
        .values("article_id").annotate(shared=Count("entity_id", distinct=True))
        .order_by("-shared", F("article__date").desc(nulls_last=True), "article__title", "article_id")
        .values_list("article_id", "shared")[:limit]
    )
    found = Article.objects.select_related("source").in_bulk([pk for pk, _ in ranked])
    shared = {}
    for article_id, entity_id in Mention.objects.filter(article_id__in=found, entity_id__in=names) \
            .order_by("entity__name").values_list("article_id", "entity_id"):
        shared.setdefault(article_id, []).append(names[entity_id])
    related_list = []
    for pk, _ in ranked:
        found[pk].reasons = shared.get(pk, [])
        related_list.append(found[pk])
    return related_list


def source_neighbours(article):
    """The articles of the same source just before and just after this one, by date then title."""
    if article.source_id is None or article.date is None:
        return None, None
    same_source = Article.objects.filter(source_id=article.source_id, date__isnull=False).exclude(pk=article.pk)
    # The bare date bound lets the (source, date) index start at the article's date: PostgreSQL does not
    # take the OR as one, and walked the source's articles from its far end instead.
    earlier = Q(date__lte=article.date) & (Q(date__lt=article.date) | Q(date=article.date, title__lt=article.title))
    later = Q(date__gte=article.date) & (Q(date__gt=article.date) | Q(date=article.date, title__gt=article.title))
    previous = same_source.filter(earlier).order_by("-date", "-title").first()
    following = same_source.filter(later).order_by("date", "title").first()
    return previous, following


def hindsight_notes(article):
    return HindsightNote.objects.filter(article=article).select_related("event").order_by("date", "id")
