"""The sitemaps: an index (/sitemap.xml) of sections, each split into files of at most
ARCHIVE_SITEMAP_LIMIT addresses (the protocol allows 50,000; smaller files answer faster).

Every section reads only the columns its addresses need, so a file costs the same at any size
of the archive; lastmod comes from the records' updated_at (a period: its newest record).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import CharField, Max
from django.db.models.functions import Cast, Substr
from django.urls import reverse

from archive.models import Article, Entity, Event


class _Limited(Sitemap):
    @property
    def limit(self):
        return settings.ARCHIVE_SITEMAP_LIMIT


class _Stamped(_Limited):
    """A section whose items carry updated_at; the index's lastmod is the newest, from one aggregate."""

    model = None

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.model.objects.aggregate(last=Max("updated_at"))["last"]


class ArticleSitemap(_Stamped):
    changefreq = "yearly"
    priority = 0.8
    model = Article

    def items(self):
        return Article.objects.only("slug", "updated_at").order_by("id")


class EntitySitemap(_Limited):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Entity.objects.only("slug").order_by("id")


class EntityTimelineSitemap(_Limited):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Entity.objects.only("slug").order_by("id")

    def location(self, item):
        return reverse("entity-timeline", args=[item.slug])


class EventSitemap(_Stamped):
    changefreq = "monthly"
    priority = 0.6
    model = Event

    def items(self):
        return Event.objects.only("slug", "updated_at").order_by("id")


def _months(model):
    """{"YYYY-MM": newest updated_at} over the model's dated records, from one grouped query."""
    rows = (model.objects.filter(date__isnull=False).order_by()
            .annotate(ym=Substr(Cast("date", output_field=CharField()), 1, 7)).values("ym")
            .annotate(last=Max("updated_at")).values_list("ym", "last"))
    return dict(rows)


class PeriodSitemap(_Limited):
    """A year page for every year holding records, a month page for every month."""

    changefreq = "monthly"
    priority = 0.4

    def items(self):
        months = {}
        for model in (Article, Event):
            for ym, last in _months(model).items():
                months[ym] = max(months.get(ym, last), last)
        years = {}
        for ym, last in months.items():
            years[ym[:4]] = max(years.get(ym[:4], last), last)
        found = [(int(year), None, last) for year, last in years.items()]
        found += [(int(ym[:4]), int(ym[5:7]), last) for ym, last in months.items()]
        return sorted(found, key=lambda item: (item[0], item[1] or 0))

    def location(self, item):
        year, month, _last = item
        return reverse("timeline-year", args=[year]) if month is None else \
            reverse("timeline-month", args=[year, month])

    def lastmod(self, item):
        return item[2]


class PageSitemap(_Limited):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "timeline", "api-index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap, "articles": ArticleSitemap, "entities": EntitySitemap, "events": EventSitemap,
    "timelines": EntityTimelineSitemap, "periods": PeriodSitemap,
}
