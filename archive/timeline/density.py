"""Long timelines counted in SQL and listed a page at a time.

A timeline or period can hold tens of thousands of items. Its drawing needs only
counts per month (or year), and a reader sees one page of the list at a time, so
neither is built from every item: the counts come from one GROUP BY per table,
and a page is the first `page * size` rows of each table in timeline order
(keys only), merged, then read in full for the `size` rows shown.
"""

import datetime as dt
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Lower, Substr
from django.utils.translation import gettext, ngettext

from archive import dates, month_counts
from archive.entities import summary
from archive.params import BadParameter
from archive.remembered import query_key, remember
from archive.timeline import filters as filters_module
from archive.timeline import svg
from archive.timeline.filters import Timeline, _overlaps, article_items
from archive.timeline.items import KIND_ARTICLE, LIFECYCLE, from_event, sort_key
from archive.timeline.labels import reader_language

PAGE_SIZE = 100


@dataclass
class Density:
    """Counts of a set of dated items: per month for those known to the day or month, per year for the rest."""

    months: dict = field(default_factory=dict)  # (year, month) -> [events, articles]
    years_only: dict = field(default_factory=dict)  # year -> [events, articles]
    undated: int = 0  # counted only when the queries given to count() hold undated records

    @property
    def events(self):
        return sum(n[0] for n in self.months.values()) + sum(n[0] for n in self.years_only.values())

    @property
    def articles(self):
        return sum(n[1] for n in self.months.values()) + sum(n[1] for n in self.years_only.values())

    @property
    def total(self):
        return self.events + self.articles

    def year_only_count(self, year=None):
        return sum(sum(n) for y, n in self.years_only.items() if year is None or y == year)

    def span(self):
        """(first day, last day) of the counted periods, or None when nothing is counted."""
        starts = [dt.date(y, m, 1) for y, m in self.months] + [dt.date(y, 1, 1) for y in self.years_only]
        ends = [dates.period_end(dt.date(y, m, 1), dates.MONTH) for y, m in self.months]
        ends += [dt.date(y, 12, 31) for y in self.years_only]
        return (min(starts), max(ends)) if starts else None


def _month_key():
    # The stored date as text ("2001-08-10" on both databases), cut to the month: a native string
    # function, where ExtractMonth on SQLite calls back into Python for every row.
    return _date_text(1, 7)


def count(event_query, article_query, *, entity_months=None, article_rows=None):
    """A Density from one grouped query per table; undated records fall into `undated`.

    The counts cover every item of the timeline: worked out once per state of the archive.
    `entity_months` (with_undated) takes the articles' counts from the entity's monthly counts
    (archive.entities.summary) instead of `article_query`, which must then be all the entity's
    articles (dated ones only unless with_undated). `article_rows` (a key naming them, a function
    giving them) takes them from counts kept per month (archive.month_counts), which must be those
    of `article_query`'s articles.
    """
    if article_rows is not None:
        key, rows = article_rows
        return remember(("density", query_key(event_query), "article-rows", key),
                        lambda: _count(event_query, rows()))
    if entity_months is not None:
        entity, with_undated = entity_months
        return remember(("density", query_key(event_query), "entity-months", entity.pk, with_undated),
                        lambda: _count(event_query, summary.month_rows(entity, undated=with_undated)))
    return remember(("density", query_key(event_query), query_key(article_query)),
                    lambda: _count(event_query, article_query))


def _grouped(query):
    # COUNT(*), not of a column: PostgreSQL then reads the (date, date_precision) index alone.
    return (query.order_by().annotate(ym=_month_key()).values("ym", "date_precision")
            .annotate(n=Count("*")).values_list("ym", "date_precision", "n"))


def _count(event_query, article_query):
    """`article_query` may also be its rows already counted: (month, precision, n)."""
    found = Density()
    for column, query in ((0, event_query), (1, article_query)):
        rows = query if isinstance(query, list) else _grouped(query)
        for ym, precision, n in rows:
            if ym is None:
                found.undated += n
                continue
            year, month = int(ym[:4]), int(ym[5:7])
            if precision == dates.YEAR:
                found.years_only.setdefault(year, [0, 0])[column] += n
            else:
                found.months.setdefault((year, month), [0, 0])[column] += n
    return found


def _date_text(start, length):
    return Substr(Cast("date", output_field=CharField()), start, length)


# The order of items.sort_key, in SQL: year, then month ("13" for a year-only item), then day ("32" for
# a month- or year-only item), then the stage of an incident's life, then title and slug. Cut from the
# date's text, like _month_key, so the sort runs in the database's own functions.
_ORDER_KEYS = {
    "o_year": _date_text(1, 4),
    "o_month": Case(When(date_precision=dates.YEAR, then=Value("13")), default=_date_text(6, 2),
                    output_field=CharField()),
    # A range sorts at its first possible day, as items.sort_key has it.
    "o_day": Case(When(date_precision__in=(dates.DAY, dates.RANGE), then=_date_text(9, 2)), default=Value("32"),
                  output_field=CharField()),
}
_STAGE = Case(*[When(kind=kind, then=Value(stage)) for stage, kind in enumerate(LIFECYCLE)],
              default=Value(len(LIFECYCLE)), output_field=IntegerField())
_KEY_FIELDS = ("pk", "date", "date_precision", "title", "slug")


def _keys(query, limit, *, events, among=None):
    """The first `limit` keys of `query` in timeline order; articles are sorted over `among()` (a part of
    `query` known to hold those first ones), by default the years of its first `limit` by date."""
    annotations = dict(_ORDER_KEYS, o_title=Lower("title"))
    order = ["o_year", "o_month", "o_day"]
    if events:
        annotations["o_stage"] = _STAGE
        order.append("o_stage")
    order += ["o_title", "slug"]
    fields = (*_KEY_FIELDS, "kind") if events else _KEY_FIELDS

    def first_rows(among):
        return among.order_by().annotate(**annotations).order_by(*order).values(*fields)[:limit]

    rows = first_rows(query)
    # Sorted over the items of the first years (or every item of the timeline): once per state of the archive.
    return remember(("keys", events, query_key(rows)),
                    lambda: _key_rows(rows if events else first_rows(among() if among else _first_years(query, limit)),
                                      events))


def _first_years(query, limit):
    """`query`'s records in the years of its first `limit` by date: the first `limit` in timeline order are
    among them, as that order sorts by year first. Found by one short walk of the date index, so the
    sort in timeline order reads those years only, where it read every article of the archive."""
    last = list(query.order_by("date").values_list("date", flat=True)[limit - 1:limit])
    if not last or last[0].year >= dt.MAXYEAR:
        return query
    return query.filter(date__lt=dt.date(last[0].year + 1, 1, 1))


def _first_months(query, limit, month_rows):
    """`query` narrowed to the months holding its first `limit` in timeline order, found from its dated
    articles' counts per month and precision `month_rows` (archive.month_counts) with no read of the
    articles: the sort then reads a month or two, where the first years can hold a fifth of the archive."""
    buckets = {}
    for ym, precision, n in month_rows:
        year, month = int(ym[:4]), int(ym[5:7])
        # The timeline's order puts a year-only item after the year's December (items.sort_key).
        key = (year, 13) if precision == dates.YEAR else (year, month)
        buckets[key] = buckets.get(key, 0) + n
    seen = 0
    for year, month in sorted(buckets):
        seen += buckets[(year, month)]
        if seen >= limit:
            if year >= dt.MAXYEAR:
                return query
            # A year-only item is stored as 1 January: the bound lets in those of this year, a few more to sort.
            bound = dt.date(year + 1, 1, 1) if month >= 12 else dt.date(year, month + 1, 1)
            return query.filter(date__lt=bound)
    return query


def _key_rows(rows, events):
    return [SimpleNamespace(type="event" if events else "article", pk=row["pk"], date=row["date"],
                            precision=row["date_precision"], title=row["title"], slug=row["slug"],
                            kind=row.get("kind", KIND_ARTICLE)) for row in rows]


@dataclass
class Page:
    number: int
    size: int
    total: int
    items: list
    previous_url: str = ""
    next_url: str = ""

    @property
    def count(self):
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.count

    def link(self, request):
        """Set the addresses of the neighbouring pages: the request's own query with another `page`."""
        def address(number):
            query = request.GET.copy()
            query["page"] = str(number)
            return f"{request.path}?{query.urlencode()}"

        self.previous_url = address(self.number - 1) if self.has_previous else ""
        self.next_url = address(self.number + 1) if self.has_next else ""
        return self

    @property
    def first_index(self):
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last_index(self):
        return (self.number - 1) * self.size + len(self.items)


def _entity_keys(entity, limit):
    """The first `limit` keys of the entity's dated articles in timeline order, from its sorted mentions."""
    rows = summary.in_timeline_order(entity).values(
        "date", "date_precision", "title", "slug", pk=F("article_id"))[:limit]
    return remember(("keys", False, query_key(rows)), lambda: _key_rows(rows, False))


def page(event_query, article_query, *, number, total, read_events, read_articles, size=PAGE_SIZE,
         entity_articles=None, article_months=None):
    """Page `number` of the items of both queries (dated records, no annotations) in timeline order.

    `read_events(pks)` and `read_articles(pks)` turn the chosen records into timeline items, so a
    page's items carry the same fields as a fully built timeline's. With `entity_articles` (an entity),
    the articles are all its dated ones, read in order from its sorted mentions. `article_months()` gives
    `article_query`'s counts per month and precision (archive.month_counts), which find its first months.
    """
    limit = number * size
    article_keys = (_entity_keys(entity_articles, limit) if entity_articles is not None
                    else _keys(article_query, limit, events=False,
                               among=(lambda: _first_months(article_query, limit, article_months()))
                               if article_months else None))
    keys = sorted([*_keys(event_query, limit, events=True), *article_keys], key=sort_key)[(number - 1) * size:limit]
    event_pks = [key.pk for key in keys if key.type == "event"]
    article_pks = [key.pk for key in keys if key.type == "article"]
    events = {item.record.pk: item for item in read_events(event_pks)} if event_pks else {}
    articles = {item.slug: item for item in read_articles(article_pks)} if article_pks else {}
    items = [events[key.pk] if key.type == "event" else articles[key.slug] for key in keys]
    return Page(number=number, size=size, total=total, items=items)


def page_number(params):
    """The `page` parameter: a whole number of 1 or more, 1 when absent."""
    raw = (params.get("page") or "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter("page", gettext("%(value)r is not a page number (1 or more)") % {"value": raw})
    return int(raw)


# --- drawings from counts ----------------------------------------------------------------

def _scale(counted):
    first, last = counted.span()
    scale = svg.Scale(first.replace(day=1), dates.period_end(last, dates.MONTH))
    if scale.months > svg.MONTH_BINS_UP_TO:
        scale = svg.Scale(scale.start.replace(month=1), scale.end.replace(month=12, day=31))
    return scale


def bins(counted, scale):
    """(precision, Bins, items left out): per month over short spans, where year-only items have no
    month, else per year."""
    if scale.months <= svg.MONTH_BINS_UP_TO:
        found = [svg.Bin(dt.date(y, m, 1), dates.MONTH, e, a) for (y, m), (e, a) in sorted(counted.months.items())]
        return dates.MONTH, found, counted.year_only_count()
    years = {}
    for (y, _m), (e, a) in [*counted.months.items(), *(((y, 0), n) for y, n in counted.years_only.items())]:
        years.setdefault(y, [0, 0])
        years[y][0] += e
        years[y][1] += a
    return dates.YEAR, [svg.Bin(dt.date(y, 1, 1), dates.YEAR, e, a) for y, (e, a) in sorted(years.items())], 0


def _period_label(day, precision):
    return dates.display(day, precision, reader_language())


def timeline_svg(counted, *, title, undated=0, ident="timeline"):
    """The timeline drawn as counts per month or year; the same drawing svg.timeline_svg makes of a dense list."""
    if not counted.total:
        return svg.timeline_svg([], title=title, undated=undated, ident=ident)
    scale = _scale(counted)
    precision, found, skipped = bins(counted, scale)
    chart = 160
    height = svg.AXIS + chart + 30
    first, last = counted.span()
    values = {"count": counted.total, "events": svg._events(counted.events),
              "articles": svg._articles(counted.articles),
              "first": _period_label(first, dates.MONTH), "last": _period_label(last, dates.MONTH)}
    desc = svg.counts_description(precision, values, skipped, undated)
    root = svg._root(height, title, desc, ident)
    svg._axis(root, scale, svg.AXIS - 12, svg.AXIS + chart)
    top = max(b.total for b in found) if found else 1
    base = svg.AXIS + chart
    for counted_bin in found:
        left, width = _bar(scale, counted_bin, precision)
        link = ET.SubElement(root, "a", {"href": counted_bin.url, "class": f"tl-bin tl-bin-{precision}"})
        ET.SubElement(link, "title").text = (
            f"{counted_bin.label()}: {svg._events(counted_bin.events)}, {svg._articles(counted_bin.articles)}")
        event_height = chart * counted_bin.events / top
        article_height = chart * counted_bin.articles / top
        ET.SubElement(link, "rect", {"x": svg._n(left), "y": svg._n(base - event_height), "width": svg._n(width),
                                     "height": svg._n(event_height), "fill": svg.EVENT_COLOUR,
                                     "class": "tl-bar-events"})
        ET.SubElement(link, "rect", {"x": svg._n(left), "y": svg._n(base - event_height - article_height),
                                     "width": svg._n(width), "height": svg._n(article_height),
                                     "fill": svg.ARTICLE_COLOUR, "class": "tl-bar-articles"})
        if width >= 18:
            svg._text(link, left + width / 2, base - event_height - article_height - 3, str(counted_bin.total),
                      text_anchor="middle", fill="#111")
    legend = (gettext("Counts per month; highest bar: %(top)s items.") if precision == dates.MONTH
              else gettext("Counts per year; highest bar: %(top)s items."))
    svg._text(root, svg.MARGIN, height - 8, legend % {"top": top}, fill="#444")
    return svg._serialise(root)


def _bar(scale, counted_bin, precision):
    left = scale.x(counted_bin.start)
    right = scale.x(dates.period_end(counted_bin.start, precision) + dt.timedelta(days=1))
    return left, max(right - left - 1, 1)


def coverage_svg(counted, *, title, ident="coverage"):
    """Articles per month or year as bars, events counted per period below the axis."""
    if not counted.total:
        return svg.coverage_svg([], title=title, ident=ident)
    scale = _scale(counted)
    precision, found, skipped = bins(counted, scale)
    chart = 120
    base = svg.AXIS + chart
    height = base + 40
    counted_as = (gettext("%(articles)s counted per month as blue bars") if precision == dates.MONTH
                  else gettext("%(articles)s counted per year as blue bars")) % {
        "articles": svg._articles(counted.articles)}
    marked_as = gettext("%(events)s marked as red bars below the axis, counted per period") % {
        "events": svg._events(counted.events)}
    desc = f"{counted_as}; {marked_as}."
    if skipped:
        desc += " " + ngettext("%(count)s item dated only to a year is not counted in any month.",
                               "%(count)s items dated only to a year are not counted in any month.",
                               skipped) % {"count": skipped}
    root = svg._root(height, title, desc, ident)
    svg._axis(root, scale, svg.AXIS - 12, base)
    top = max((b.articles for b in found), default=0) or 1
    top_events = max((b.events for b in found), default=0) or 1
    for counted_bin in found:
        left, width = _bar(scale, counted_bin, precision)
        if counted_bin.articles:
            bar = chart * counted_bin.articles / top
            link = ET.SubElement(root, "a", {"href": counted_bin.url, "class": "tl-bin"})
            ET.SubElement(link, "title").text = f"{counted_bin.label()}: {svg._articles(counted_bin.articles)}"
            ET.SubElement(link, "rect", {"x": svg._n(left), "y": svg._n(base - bar), "width": svg._n(width),
                                         "height": svg._n(bar), "fill": svg.ARTICLE_COLOUR,
                                         "class": "tl-bar-articles"})
            if width >= 18:
                svg._text(link, left + width / 2, base - bar - 3, str(counted_bin.articles),
                          text_anchor="middle", fill="#111")
        if counted_bin.events:
            link = ET.SubElement(root, "a", {"href": counted_bin.url, "class": "tl-event-count"})
            ET.SubElement(link, "title").text = f"{counted_bin.label()}: {svg._events(counted_bin.events)}"
            ET.SubElement(link, "rect", {"x": svg._n(left), "y": svg._n(base + 3), "width": svg._n(width),
                                         "height": svg._n(2 + 14 * counted_bin.events / top_events),
                                         "fill": svg.EVENT_COLOUR})
    ET.SubElement(root, "line", {"x1": svg._n(svg.MARGIN), "x2": svg._n(svg.WIDTH - svg.MARGIN),
                                 "y1": svg._n(base), "y2": svg._n(base), "stroke": "#888"})
    legend = (gettext("Articles per month (highest: %(top)s); red marks are events.") if precision == dates.MONTH
              else gettext("Articles per year (highest: %(top)s); red marks are events.")) % {"top": top}
    svg._text(root, svg.MARGIN, height - 6, legend, fill="#444")
    return svg._serialise(root)


# --- a timeline a page at a time ----------------------------------------------------------

def paged_timeline(filters, number, *, size=PAGE_SIZE):
    """A Timeline whose `items` are page `number` of its items, with its `density` and `page`."""
    window = _overlaps(filters.date_from, filters.date_to)
    all_events = filters_module.events(filters, plain=True)
    all_articles = filters_module.articles(filters, plain=True)
    # Undated records are never in the window (a NULL date compares false), so they are let in beside it.
    # (An empty window is no condition: Q() | x would be x alone.)
    counting = (window | Q(date__isnull=True)) if window else Q()
    # The articles of one entity, unnarrowed, are counted and ordered by the aggregates kept for it.
    entity = filters.entity if summary.covers(filters) else None
    counted = count(all_events.filter(counting), all_articles.filter(counting),
                    entity_months=(entity, True) if entity else None, article_rows=archive_rows(filters))
    dated_events, dated_articles = all_events.filter(window, date__isnull=False), all_articles.filter(
        window, date__isnull=False)
    shown = page(dated_events, dated_articles, number=number, total=counted.total, size=size,
                 read_events=lambda pks: map(from_event, filters_module.events(filters).filter(pk__in=pks)),
                 read_articles=lambda pks: article_items(filters_module.chosen_articles(filters, pks)),
                 entity_articles=entity,
                 article_months=(lambda: month_counts.month_rows(undated=False)) if month_counts.covers(filters)
                 else None)
    return Timeline(filters=filters, items=shown.items, undated=filters_module.undated(filters, counted=False)[0],
                    undated_count=counted.undated, density=counted, page=shown)


def archive_rows(filters):
    """count()'s `article_rows` when the filters' articles are all the archive's, undated ones included:
    the counts the database keeps per month (archive.month_counts), not a read of every article."""
    if not month_counts.covers(filters):
        return None
    return ("archive", True), lambda: month_counts.month_rows(undated=True)


def month_rows(counted):
    """A MonthCount per month holding items, in order, for the table of a long timeline."""
    from archive.timeline.periods import MonthCount

    return [MonthCount(y, m, _period_label(dt.date(y, m, 1), dates.MONTH), e, a)
            for (y, m), (e, a) in sorted(counted.months.items())]
