"""Timeline filters read from query parameters, checked, and applied to events and articles.

Entity, kind and date range narrow everything; source and language narrow the
articles only, so the events stay on the axis as the reference they are read
against. A date range keeps every item whose period overlaps it: "August 2001"
is kept for a range starting on 5 August, because it may lie inside it.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, F, Func, OuterRef, Q, Subquery
from django.utils.translation import gettext

from archive import dates
from archive.entities import summary
from archive.models import Article, Coverage, Entity, Event, Source
from archive.params import BadParameter
from archive.remembered import query_key, remember
from archive.timeline.items import (
    KIND_ARTICLE,
    ItemCounts,
    article_item,
    article_urls,
    from_article,
    from_event,
    ordered,
)
from archive.timeline.labels import LANGUAGES, event_kind, reader_language

KINDS = [*Event.Kind.values, KIND_ARTICLE]
TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}
UNDATED_LISTED = 50


@dataclass
class Filters:
    entity: Entity | None = None
    kinds: frozenset = field(default_factory=frozenset)
    source: Source | None = None
    language: str = ""
    date_from: dates.PartialDate | None = None
    date_to: dates.PartialDate | None = None
    hide_inferred: bool = False

    @property
    def wants_events(self):
        return not self.kinds or bool(self.kinds - {KIND_ARTICLE})

    @property
    def wants_articles(self):
        return not self.kinds or KIND_ARTICLE in self.kinds

    def describe(self):
        """A short human line saying what is filtered, for titles and exports."""
        parts = []
        language = reader_language()
        if self.entity:
            parts.append(self.entity.name)
        if self.kinds:
            parts.append(", ".join(str(event_kind(kind)) for kind in sorted(self.kinds)))
        if self.source:
            parts.append(self.source.name)
        if self.language:
            parts.append(str(LANGUAGES.get(self.language, self.language)))
        if self.date_from:
            parts.append(gettext("from %(date)s") % {"date": self.date_from.display(language)})
        if self.date_to:
            parts.append(gettext("to %(date)s") % {"date": self.date_to.display(language)})
        if self.hide_inferred:
            parts.append(gettext("inferred dates hidden"))
        return "; ".join(parts)


def parse(params, *, entity=None):
    """Filters from a QueryDict-like mapping. Raises BadParameter, or Entity.DoesNotExist for an unknown entity."""
    filters = Filters(entity=entity)
    slug = params.get("entity", "").strip()
    if slug and entity is None:
        filters.entity = Entity.objects.get(slug=slug)
    filters.kinds = _kinds(params)
    source = params.get("source", "").strip()
    if source:
        try:
            filters.source = Source.objects.get(slug=source)
        except Source.DoesNotExist:
            raise BadParameter("source", gettext("no source with slug %(slug)r") % {"slug": source}) from None
    language = params.get("language", "").strip()
    if language and language not in dict(Article._meta.get_field("language").choices):
        raise BadParameter("language", gettext("%(value)r is not a known language (de, en)") % {"value": language})
    filters.language = language
    filters.date_from = _date(params, "from")
    filters.date_to = _date(params, "to")
    if filters.date_from and filters.date_to and filters.date_from.date > filters.date_to.end:
        raise BadParameter("from", gettext("%(start)s is after 'to' %(end)s") % {
            "start": filters.date_from.iso(), "end": filters.date_to.iso()})
    filters.hide_inferred = _flag(params, "hide_inferred")
    return filters


def _kinds(params):
    values = []
    for raw in params.getlist("kind") if hasattr(params, "getlist") else [params.get("kind", "")]:
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    for value in values:
        if value not in KINDS:
            raise BadParameter("kind", gettext("%(value)r is not one of %(kinds)s") % {
                "value": value, "kinds": ", ".join(KINDS)})
    return frozenset(values)


def _date(params, name):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = dates.PartialDate.parse(raw)
    except dates.PartialDateError:
        raise BadParameter(name, gettext("%(value)r is not a real date in the form YYYY, YYYY-MM or YYYY-MM-DD")
                           % {"value": raw}) from None
    if value.date.year < 1:
        raise BadParameter(name, gettext("year 0 does not exist"))
    return value


def _flag(params, name):
    raw = params.get(name, "").strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise BadParameter(name, gettext("%(value)r is not a yes/no value (use 1 or 0)") % {"value": raw})


def _overlaps(date_from, date_to):
    """Records whose period overlaps [date_from, date_to]; periods are stored as their first day."""
    query = Q()
    if date_to:
        query &= Q(date__lte=date_to.end)
    if date_from:
        start = date_from.date
        query &= (
            Q(date_precision=dates.DAY, date__gte=start)
            | Q(date_precision=dates.MONTH, date__gte=dates.truncate(start, dates.MONTH))
            | Q(date_precision=dates.YEAR, date__gte=dates.truncate(start, dates.YEAR))
            # A range overlaps when its last possible day is in the window; an open one always may.
            | Q(date_precision=dates.RANGE, date_not_after__gte=start)
            | Q(date_precision=dates.RANGE, date_not_after__isnull=True)
        )
    return query


def events(filters, *, plain=False):
    """Events matching the filters, dated or not; `plain` leaves out what only a listed item needs."""
    if not filters.wants_events:
        return Event.objects.none()
    query = Event.objects.all() if plain else \
        Event.objects.select_related("incident").annotate(claim_count=Count("claims"))
    if filters.entity:
        linked = Event.entities.through.objects.filter(entity=filters.entity).values("event_id")
        query = query.filter(Q(pk__in=linked) | Q(incident=filters.entity))
    kinds = filters.kinds - {KIND_ARTICLE}
    if kinds:
        query = query.filter(kind__in=kinds)
    if filters.hide_inferred:
        query = query.filter(date_inferred=False)
    return query


# Article field -> Item field, for the articles of a timeline.
ITEM_FIELDS = {"slug": "slug", "title": "title", "date": "date", "date_precision": "precision",
               "date_inferred": "inferred", "date_reason": "reason", "language": "language", "teaser": "summary",
               "source__name": "source", "source__slug": "source_slug", "covered_incident": "covered_incident",
               "date_not_after": "not_after"}


def articles(filters, *, plain=False):
    """Articles matching the filters, dated or not; `plain` leaves out what only a listed item needs."""
    # The incident of the first event the article is confirmed to cover, to group it with that incident.
    covered = Coverage.objects.filter(article=OuterRef("pk"), confirmed=True, event__incident__isnull=False)
    query = Article.objects.all() if plain else Article.objects.select_related("source").annotate(
        covered_incident=Subquery(covered.order_by("event__date").values("event__incident__name")[:1]))
    if not filters.wants_articles:
        return query.none()
    if filters.entity:
        query = query.filter(mentions__entity=filters.entity)
    if filters.source:
        query = query.filter(source=filters.source)
    if filters.language:
        query = query.filter(language=filters.language)
    if filters.hide_inferred:
        query = query.filter(date_inferred=False)
    return query


def chosen_articles(filters, pks):
    """articles(filters) of these primary keys. Keys chosen from one entity's own aggregates are already its
    articles, so the entity's mentions are not joined: the database reads the chosen rows alone."""
    if summary.covers(filters):
        return articles(Filters()).filter(pk__in=pks)
    return articles(filters).filter(pk__in=pks)


def article_items(query):
    """Items from plain rows: a timeline can hold tens of thousands of articles, whose bodies are long
    and whose model instances cost more than the items themselves."""
    url = article_urls()
    return [item_from_row(row, url) for row in query.values(*ITEM_FIELDS)]


def item_from_row(row, url):
    """An article's Item from a values() row of ITEM_FIELDS; `url` is article_urls()."""
    values = {ITEM_FIELDS[name]: value for name, value in row.items()}
    values["source"] = values["source"] or ""
    values["source_slug"] = values["source_slug"] or ""
    values["covered_incident"] = values["covered_incident"] or ""
    return article_item(url=url(values["slug"]), **values)


@dataclass
class Timeline(ItemCounts):
    filters: Filters
    items: list  # dated items, in order (one page of them when `page` is set)
    undated: list  # the first undated items, for listing beside the axis
    undated_count: int
    density: object = None  # density.Density of all dated items, when counted in SQL
    page: object = None  # density.Page, when `items` is one page

    @property
    def event_count(self):
        return self.density.events if self.density else super().event_count

    @property
    def article_count(self):
        return self.density.articles if self.density else super().article_count


def undated(filters, *, counted=True):
    """(the first undated items, how many there are); `counted=False` leaves the count to the caller."""
    undated_events = events(filters).filter(date__isnull=True)
    undated_articles = articles(filters).filter(date__isnull=True)
    # Sorted and counted over every undated record: once per state of the archive.
    first_events, first_articles = (undated_events.order_by("title")[:UNDATED_LISTED],
                                    _undated_by_title(articles(filters))[:UNDATED_LISTED])
    if summary.covers(filters):
        # One entity's first undated articles by title are an index range of its sorted mentions.
        chosen = summary.undated(filters.entity).values("article_id")[:UNDATED_LISTED]
        first_articles = chosen_articles(filters, chosen).order_by("title", "pk")
    listed = remember(("undated", query_key(first_events), query_key(first_articles)), lambda: [
        *map(from_event, first_events), *map(from_article, first_articles)])
    if not counted:
        return listed, None
    if summary.covers(filters):
        return listed, remember(("undated-count", query_key(undated_events), "entity", filters.entity.pk),
                                lambda: undated_events.count() + summary.undated_total(filters.entity))
    return listed, remember(("undated-count", query_key(undated_events), query_key(undated_articles)),
                            lambda: undated_events.count() + undated_articles.count())


def _undated_by_title(query):
    """`query`'s undated articles by title, read in that order from the index of the undated. SQLite takes
    "date IS NULL" for a rare value and finds them by the date index, then sorts them all (a third of an
    archive can be undated); told the condition is likely, it walks the undated index in title order."""
    if connection.vendor != "sqlite":
        return query.filter(date__isnull=True).order_by("title")
    likely = Func(F("date"), template="likelihood(%(expressions)s IS NULL, 0.9)", output_field=BooleanField())
    return query.filter(likely).order_by("title")


def build(filters):
    """The dated items on the axis plus the undated ones counted beside it; a fixed number of queries."""
    window = _overlaps(filters.date_from, filters.date_to)
    found = [from_event(event) for event in events(filters).filter(window, date__isnull=False)]
    found += article_items(articles(filters).filter(window, date__isnull=False))
    listed, count = undated(filters)
    return Timeline(filters=filters, items=ordered(found), undated=listed, undated_count=count)
