"""RSS and Atom feeds: articles as they are added to the archive, overall and per entity,
and the newest articles matching a search.

The overall and entity feeds follow what is new to the archive (created_at), not
publication dates: a reader subscribes to learn of additions, which may be old articles,
so an entry's `published` is when it was added (a 2001 date would make readers file a
new addition among old news, or drop it). A search feed lists what the search page
shows sorted by "newest", so there `published` is the article's publication date: the
first day of its period when only the month or year is known. `updated` is always the
record's last change.

Every id and link is absolute through archive.links (ARCHIVE_BASE_URL, else the
request's host): an entry's id is its page's address, so RSS guids are permalinks.
Feed texts follow the reader's language (the request's, as on pages); an article's own
title and teaser stay in the article's language.

Every text goes through archive.xmltext on its way into the feed (one control character
in an imported title would otherwise make Django's writer raise), and summaries are
built from escaped text: RSS descriptions and Atom's <summary type="html"> are HTML to
a feed reader.
"""

import copy
import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from archive import dates, links, search, xmltext
from archive.models import Article, Entity

FEED_LENGTH = 30
SEARCH_FILTERS = ("type", "entity", "source", "language", "from", "to")


def _clean(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(part) for part in value)
    if isinstance(value, (str, Promise)):
        return xmltext.clean(value)
    return value


class _CleanText:
    """A feed writer that drops the characters XML forbids from the feed's and every item's text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_clean, args), **{key: _clean(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_clean, args), **{key: _clean(value) for key, value in kwargs.items()})


class RssFeed(_CleanText, Rss201rev2Feed):
    pass


class AtomFeed(_CleanText, Atom1Feed):
    pass


def newest(articles):
    return newest_first(articles)[:FEED_LENGTH]


def newest_first(articles):
    return articles.select_related("source").prefetch_related("mentions__entity").order_by("-created_at", "-id")


class ArticlesFeed(Feed):
    feed_type = RssFeed
    title = _("Incident Archive: new articles")
    description = _("Articles as they are added to the archive.")
    # RFC 4287 §4.1.1: an entry without its own author takes the feed's.
    author_name = _("Incident Archive")

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request (and thread): the request goes on a copy.
        bound = copy.copy(self)
        bound.request = request
        return Feed.__call__(bound, request, *args, **kwargs)

    def absolute(self, path):
        return links.absolute(path, self.request)

    def link(self):
        return self.absolute(reverse("home"))

    def feed_url(self):
        return self.absolute(self.request.path)

    def feed_guid(self):
        return self.feed_url()

    def items(self):
        return newest(Article.objects.all())

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item):
        return self.item_link(item)

    def item_guid_is_permalink(self, item):
        return True

    def item_description(self, item):
        published = dates.display(item.date, item.date_precision, get_language(), item.date_not_after)
        source = item.source.name if item.source else ""
        lead = " · ".join(escape(part) for part in (source, published, item.byline) if part)
        return f"{lead}. {escape(item.teaser)}".strip() if item.teaser else lead

    def item_author_name(self, item):
        return item.byline or (item.source.name if item.source else None)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [mention.entity.name for mention in item.mentions.all()]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = AtomFeed
    subtitle = ArticlesFeed.description


class EntityArticlesFeed(ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Entity, slug=slug)

    def title(self, obj):
        return _("Incident Archive: articles on %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Articles naming %(name)s, as they are added to the archive.") % {"name": obj.name}

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def feed_url(self, obj):
        return self.absolute(self.request.path)

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def items(self, obj):
        return newest(Article.objects.filter(mentions__entity=obj))


class EntityArticlesAtomFeed(EntityArticlesFeed):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)


class SearchArticlesFeed(ArticlesFeed):
    """The newest articles (by publication date) matching a search and its filters: /search/feed.atom?q=..."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except search.QueryError as exc:
            return HttpResponseBadRequest(f"{exc.parameter or 'q'}: {exc}", content_type="text/plain; charset=utf-8")
        except search.SearchUnavailable as exc:
            return HttpResponse(f"Search is unavailable: {exc}.", status=503, content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        params = search.parse_params(request.GET)
        kept = [(key, value) for key in ("q", *SEARCH_FILTERS) for value in request.GET.getlist(key) if value.strip()]
        return {"params": params, "query": urlencode(kept)}

    def title(self, obj):
        text = obj["params"]["text"]
        if text:
            return _("Incident Archive: search for “%(query)s”") % {"query": text}
        return _("Incident Archive: search")

    def description(self, obj):
        return _("The newest articles matching this search, by publication date.")

    def link(self, obj):
        return self.absolute(reverse("search") + (f"?{obj['query']}" if obj["query"] else ""))

    def feed_url(self, obj):
        # The search is in the query string: without it the self link would name another feed.
        return self.absolute(self.request.path + (f"?{obj['query']}" if obj["query"] else ""))

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def item_pubdate(self, item):
        if item.date is None:
            return None
        return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)

    def items(self, obj):
        params = obj["params"]
        filters = params["filters"]
        if filters.types and "article" not in filters.types:
            return []
        page = search.search(params["text"], filters=dataclasses.replace(filters, types=("article",)),
                             sort="-date", per_page=FEED_LENGTH, query_language_only=params["query_language_only"])
        slugs = [result["slug"] for result in page.results]
        found = {article.slug: article for article in newest_first(Article.objects.filter(slug__in=slugs))}
        return [found[slug] for slug in slugs if slug in found]


class SearchArticlesAtomFeed(SearchArticlesFeed):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)
