"""RSS and Atom feeds: articles as they are added to the archive, overall and per entity.

Feeds follow what is new to the archive (created_at), not publication dates: a reader
subscribes to learn of additions, which may be old articles.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from archive import dates
from archive.models import Article, Entity

FEED_LENGTH = 30


def newest(articles):
    return articles.select_related("source").prefetch_related("mentions__entity").order_by(
        "-created_at", "-id"
    )[:FEED_LENGTH]


class ArticlesFeed(Feed):
    title = _("Incident Archive: new articles")
    description = _("Articles as they are added to the archive.")

    def link(self):
        return reverse("home")

    def items(self):
        return newest(Article.objects.all())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        published = dates.display(item.date, item.date_precision, item.language)
        source = item.source.name if item.source else ""
        lead = " · ".join(part for part in (source, published, item.byline) if part)
        return f"{lead}. {item.teaser}".strip() if item.teaser else lead

    def item_author_name(self, item):
        return item.byline or None

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [mention.entity.name for mention in item.mentions.all()]

    def item_guid(self, item):
        return item.get_absolute_url()


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
    subtitle = ArticlesFeed.description


class EntityArticlesFeed(ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Entity, slug=slug)

    def title(self, obj):
        return _("Incident Archive: articles on %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Articles naming %(name)s, as they are added to the archive.") % {"name": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return newest(Article.objects.filter(mentions__entity=obj))


class EntityArticlesAtomFeed(EntityArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
