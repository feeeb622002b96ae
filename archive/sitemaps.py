"""The sitemap: every article, entity and event page, plus the fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Article, Entity, Event


class ArticleSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return Article.objects.order_by("id")

    def lastmod(self, item):
        return item.updated_at


class EntitySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Entity.objects.order_by("id")


class EventSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Event.objects.order_by("id")

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "api-index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "entities": EntitySitemap, "events": EventSitemap}
