"""The sitemaps: an index (/sitemap.xml) of sections, each split into files of at most
ARCHIVE_SITEMAP_LIMIT addresses (the protocol allows 50,000; smaller files answer faster).

Every section reads only the columns its addresses need, a file's rows with a LIMIT, and the
XML is written as text while it is sent, escaped by xml.sax.saxutils: Django's sitemap
template spent most of a 5,000-address file's time rendering. lastmod comes from the
records' updated_at (a period: its newest record).
"""

import itertools
import math
from functools import cached_property
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import CharField, Max
from django.db.models.functions import Cast, Substr
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive import article_indexes, links
from archive.models import Article, Entity, Event
from archive.remembered import remember

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
WRITTEN = 1000  # addresses per piece of a streamed file
PROTOCOL_LIMIT = 50_000  # addresses a sitemap file may hold


def _limit():
    return min(settings.ARCHIVE_SITEMAP_LIMIT, PROTOCOL_LIMIT)


def _pattern(name):
    """slug -> path, from one reverse() for a whole file."""
    marker = "0-slug-0"
    path = reverse(name, args=[marker])
    return lambda slug: path.replace(marker, slug)


class _Section:
    changefreq = "monthly"
    priority = 0.5

    def count(self):
        raise NotImplementedError

    def rows(self, offset, limit):
        """(path, lastmod or None) of the addresses offset..offset+limit, in a fixed order."""
        raise NotImplementedError

    def latest(self):
        return None


class _Records(_Section):
    """A model's records, one address each; `url_name` reversed with the slug."""

    model = None
    url_name = ""
    stamped = False

    def count(self):
        return self.model.objects.count()

    def rows(self, offset, limit):
        path = _pattern(self.url_name)
        fields = ("slug", "updated_at") if self.stamped else ("slug",)
        found = self.model.objects.order_by("id")
        if offset:
            # From the first id of the file on, not past `offset` rows: an OFFSET reads every row it skips.
            found = found.filter(id__gte=self._first_id(offset))
        found = found.values_list(*fields)[:limit]
        return ((path(row[0]), row[1] if self.stamped else None) for row in found)

    def _first_id(self, offset):
        label = self.model._meta.label
        return remember(("sitemap-first-id", label, offset), lambda: self.model.objects.order_by("id").values_list(
            "id", flat=True)[offset:offset + 1].first())

    def latest(self):
        return self.model.objects.aggregate(last=Max("updated_at"))["last"] if self.stamped else None


class ArticleSitemap(_Records):
    changefreq, priority, model, url_name, stamped = "yearly", 0.8, Article, "article-detail", True


class EntitySitemap(_Records):
    changefreq, priority, model, url_name = "monthly", 0.6, Entity, "entity-detail"


class EntityTimelineSitemap(_Records):
    changefreq, priority, model, url_name = "monthly", 0.5, Entity, "entity-timeline"


class EventSitemap(_Records):
    changefreq, priority, model, url_name, stamped = "monthly", 0.6, Event, "event-detail", True


def _months(model):
    """{"YYYY-MM": newest updated_at} over the model's dated records: for articles two index seeks per month
    (archive/article_indexes.py), whatever their number; the few events from one grouped query."""
    if model is Article:
        return article_indexes.newest_change_per_month()
    rows = (model.objects.filter(date__isnull=False).order_by()
            .annotate(ym=Substr(Cast("date", output_field=CharField()), 1, 7)).values("ym")
            .annotate(last=Max("updated_at")).values_list("ym", "last"))
    return dict(rows)


class PeriodSitemap(_Section):
    """A year page for every year holding records, a month page for every month."""

    changefreq, priority = "monthly", 0.4

    @cached_property
    def _all(self):
        # Grouped over every dated record: once per state of the archive.
        return remember(("sitemap-periods",), self._periods)

    @staticmethod
    def _periods():
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

    def count(self):
        return len(self._all)

    def rows(self, offset, limit):
        # One reverse() per kind of page, not per period (they took a third of the file's time).
        year_path = reverse("timeline-year", args=["0-year-0"])
        month_path = reverse("timeline-month", args=["0-year-0", "0-month-0"])
        for year, month, last in self._all[offset:offset + limit]:
            path = year_path.replace("0-year-0", str(year)) if month is None else \
                month_path.replace("0-year-0", str(year)).replace("0-month-0", str(month))
            yield path, last

    def latest(self):
        return max((last for _y, _m, last in self._all), default=None)


class PageSitemap(_Section):
    changefreq, priority = "daily", 0.5
    names = ["home", "timeline", "api-index"]

    def count(self):
        return len(self.names)

    def rows(self, offset, limit):
        return ((reverse(name), None) for name in self.names[offset:offset + limit])


SITEMAPS = {
    "pages": PageSitemap, "articles": ArticleSitemap, "entities": EntitySitemap, "events": EventSitemap,
    "timelines": EntityTimelineSitemap, "periods": PeriodSitemap,
}


def _base(request):
    # Paths from reverse() start with "/" (and carry any script prefix themselves).
    return links.base_url(request).rstrip("/")


def _lastmod(value):
    return f"<lastmod>{value.isoformat()}</lastmod>" if value else ""


def _sections():
    """(name, addresses, newest lastmod) of every section; counted over whole tables."""
    found = []
    for name, section_class in SITEMAPS.items():
        section = section_class()
        found.append((name, section.count(), section.latest()))
    return found


@require_safe
def index(request):
    """Every file of every section: page 1 at sitemap-<section>.xml, the others with ?p=N."""
    limit = _limit()
    base = _base(request)
    parts = [HEAD, f'<sitemapindex xmlns="{XMLNS}">\n']
    for name, count, latest in remember(("sitemap-sections",), _sections):
        address = base + reverse("sitemap-section", args=[name])
        stamp = _lastmod(latest)
        for number in range(1, max(1, math.ceil(count / limit)) + 1):
            loc = address if number == 1 else f"{address}?p={number}"
            parts.append(f"<sitemap><loc>{escape(loc)}</loc>{stamp}</sitemap>\n")
    parts.append("</sitemapindex>\n")
    return HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")


@require_safe
def section(request, section):
    """One file of a section (?p=N, from 1): at most ARCHIVE_SITEMAP_LIMIT addresses, streamed."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap section {section!r}.")
    raw = request.GET.get("p", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise Http404("No such sitemap page.")
    number, limit, found = int(raw), _limit(), SITEMAPS[section]()
    if number > 1 and (number - 1) * limit >= found.count():
        raise Http404("No such sitemap page.")
    return StreamingHttpResponse(_urlset(_base(request), found, found.rows((number - 1) * limit, limit)),
                                 content_type="application/xml; charset=utf-8")


def _urlset(base, found, rows):
    tail = f"<changefreq>{found.changefreq}</changefreq><priority>{found.priority}</priority></url>\n"
    yield f'{HEAD}<urlset xmlns="{XMLNS}">\n'.encode()
    rows = iter(rows)
    while batch := list(itertools.islice(rows, WRITTEN)):
        yield "".join(f"<url><loc>{escape(base + path)}</loc>{_lastmod(last)}{tail}" for path, last in batch).encode()
    yield b"</urlset>\n"
