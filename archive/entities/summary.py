"""Per-entity aggregates kept up to date by the database itself, so an entity's pages cost the same at any size.

An entity can be named in tens of thousands of articles. Its page and timeline show counts per month,
the entities named beside it, the first page of its articles in list or timeline order: worked out
from its articles, each costs time in proportion to their number. Three tables hold them instead
(archive.models): EntityMonth (articles per month and precision, "" for the undated), EntityPair
(articles naming two entities, both ways round) and EntityArticle (each mention with its article's
sort keys, indexed in list and timeline order).

Triggers on archive_mention (insert, delete, a changed article or entity) and archive_article (a
changed date, precision, title or slug) write them in the same statement as the record, so they
are exact after any write however it is made: save(), bulk_create(), update(), delete(), raw SQL.
A migration that remakes a table on SQLite drops its triggers, so they are (re)installed after
every `migrate` (archive.apps), like the change stamp's; `rebuild()` fills the tables from scratch.
"""

from django.db import connection

from archive import dates, db_triggers

MONTH = "COALESCE(SUBSTR(CAST({a}.date AS text), 1, 7), '')"
# The timeline's order (archive.timeline.items.sort_key, archive.timeline.density._ORDER_KEYS) as one text.
ORDER_KEY = (f"CASE WHEN {{a}}.date IS NULL THEN NULL ELSE SUBSTR(CAST({{a}}.date AS text), 1, 4) || '-' || "
             f"CASE WHEN {{a}}.date_precision = '{dates.YEAR}' THEN '13' ELSE SUBSTR(CAST({{a}}.date AS text), 6, 2) "
             f"END || '-' || CASE WHEN {{a}}.date_precision IN ('{dates.DAY}', '{dates.RANGE}') "
             "THEN SUBSTR(CAST({a}.date AS text), 9, 2) ELSE '32' END END")

_MONTH_UPSERT = ("INSERT INTO archive_entitymonth (entity_id, month, date_precision, articles) {select} "
                 "ON CONFLICT (entity_id, month, date_precision) "
                 "DO UPDATE SET articles = archive_entitymonth.articles + excluded.articles")
_PAIR_UPSERT = ("INSERT INTO archive_entitypair (entity_id, other_id, articles) {select} "
                "ON CONFLICT (entity_id, other_id) "
                "DO UPDATE SET articles = archive_entitypair.articles + excluded.articles")


def _mention_statements(row, sign):
    """What one mention `row` (NEW or OLD) adds (sign 1) to the aggregates or takes away (sign -1)."""
    entity, article = f"{row}.entity_id", f"{row}.article_id"
    # The article's other mentions: the row itself is excluded by id, so an updated row counts once.
    others = f"FROM archive_mention m WHERE m.article_id = {article} AND m.id <> {row}.id"
    statements = [
        _MONTH_UPSERT.format(select=f"SELECT {entity}, {MONTH.format(a='a')}, a.date_precision, {sign} "
                                    f"FROM archive_article a WHERE a.id = {article}"),
        _PAIR_UPSERT.format(select=f"SELECT {entity}, m.entity_id, {sign} {others}"),
        _PAIR_UPSERT.format(select=f"SELECT m.entity_id, {entity}, {sign} {others}"),
    ]
    if sign > 0:
        statements.append(
            "INSERT INTO archive_entityarticle (entity_id, article_id, date, date_precision, title, slug, "
            f"order_key, title_key) SELECT {entity}, a.id, a.date, a.date_precision, a.title, a.slug, "
            f"{ORDER_KEY.format(a='a')}, LOWER(a.title) FROM archive_article a WHERE a.id = {article}")
    else:
        # Only the rows just counted down are looked at, each through its unique key.
        statements += [
            f"DELETE FROM archive_entityarticle WHERE entity_id = {entity} AND article_id = {article}",
            f"DELETE FROM archive_entitymonth WHERE entity_id = {entity} AND articles <= 0 AND (month, date_precision) "
            f"IN (SELECT {MONTH.format(a='a')}, a.date_precision FROM archive_article a WHERE a.id = {article})",
            f"DELETE FROM archive_entitypair WHERE entity_id = {entity} AND articles <= 0 "
            f"AND other_id IN (SELECT m.entity_id {others})",
            f"DELETE FROM archive_entitypair WHERE entity_id IN (SELECT m.entity_id {others}) "
            f"AND other_id = {entity} AND articles <= 0",
        ]
    return statements


def _article_statements():
    """An article's new date, precision, title or slug, carried to the aggregates of its entities."""
    mentions = "FROM archive_mention m WHERE m.article_id = NEW.id"
    return [
        _MONTH_UPSERT.format(select=f"SELECT m.entity_id, {MONTH.format(a='OLD')}, OLD.date_precision, -1 {mentions}"),
        _MONTH_UPSERT.format(select=f"SELECT m.entity_id, {MONTH.format(a='NEW')}, NEW.date_precision, 1 {mentions}"),
        f"DELETE FROM archive_entitymonth WHERE entity_id IN (SELECT m.entity_id {mentions}) "
        f"AND month = {MONTH.format(a='OLD')} AND date_precision = OLD.date_precision AND articles <= 0",
        "UPDATE archive_entityarticle SET date = NEW.date, date_precision = NEW.date_precision, title = NEW.title, "
        f"slug = NEW.slug, order_key = {ORDER_KEY.format(a='NEW')}, title_key = LOWER(NEW.title) "
        "WHERE article_id = NEW.id",
    ]


_ARTICLE_CHANGED = ("OLD.date IS DISTINCT FROM NEW.date OR OLD.date_precision IS DISTINCT FROM NEW.date_precision "
                    "OR OLD.title IS DISTINCT FROM NEW.title OR OLD.slug IS DISTINCT FROM NEW.slug")
_MENTION_CHANGED = "OLD.article_id IS DISTINCT FROM NEW.article_id OR OLD.entity_id IS DISTINCT FROM NEW.entity_id"


def _sqlite_triggers():
    def trigger(name, event, statements, when=""):
        body = "; ".join(statements)
        condition = f" WHEN {when}" if when else ""
        # SQLite spells IS DISTINCT FROM as IS NOT.
        return (f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} FOR EACH ROW{condition} BEGIN {body}; END"
                .replace("IS DISTINCT FROM", "IS NOT"))

    return [
        trigger("archive_summary_mention_insert", "INSERT ON archive_mention", _mention_statements("NEW", 1)),
        trigger("archive_summary_mention_delete", "DELETE ON archive_mention", _mention_statements("OLD", -1)),
        trigger("archive_summary_mention_update", "UPDATE OF article_id, entity_id ON archive_mention",
                _mention_statements("OLD", -1) + _mention_statements("NEW", 1), when=_MENTION_CHANGED),
        trigger("archive_summary_article_update", "UPDATE OF date, date_precision, title, slug ON archive_article",
                _article_statements(), when=_ARTICLE_CHANGED),
    ]


def _postgres_set_statements(rows, sign):
    """What a set of mentions (a transition table `rows`, inserted or deleted by one statement) adds or takes
    away. PostgreSQL runs row triggers after the whole statement, when every row's siblings have already
    changed, so a statement's mentions are counted as a set: each pair of entities once, whether one or
    both of its mentions are in the set."""
    month = MONTH.format(a="a")
    pairs = (f"SELECT x, y, {sign} * COUNT(*) FROM ("
             f"SELECT r.entity_id AS x, m.entity_id AS y FROM {rows} r JOIN archive_mention m "
             "ON m.article_id = r.article_id AND m.id <> r.id "
             f"UNION ALL SELECT m.entity_id, r.entity_id FROM {rows} r JOIN archive_mention m "
             f"ON m.article_id = r.article_id AND m.id <> r.id WHERE m.id NOT IN (SELECT id FROM {rows})"
             + ("" if sign > 0 else
                f" UNION ALL SELECT r.entity_id, o.entity_id FROM {rows} r JOIN {rows} o "
                "ON o.article_id = r.article_id AND o.id <> r.id") +
             ") AS shared GROUP BY x, y")
    statements = [
        _MONTH_UPSERT.format(select=f"SELECT r.entity_id, {month}, a.date_precision, {sign} * COUNT(*) FROM {rows} r "
                                    f"JOIN archive_article a ON a.id = r.article_id GROUP BY 1, 2, 3"),
        _PAIR_UPSERT.format(select=pairs),
    ]
    if sign > 0:
        statements.append(
            "INSERT INTO archive_entityarticle (entity_id, article_id, date, date_precision, title, slug, "
            f"order_key, title_key) SELECT r.entity_id, a.id, a.date, a.date_precision, a.title, a.slug, "
            f"{ORDER_KEY.format(a='a')}, LOWER(a.title) FROM {rows} r JOIN archive_article a ON a.id = r.article_id")
    else:
        statements += [
            f"DELETE FROM archive_entityarticle e USING {rows} r WHERE e.entity_id = r.entity_id "
            "AND e.article_id = r.article_id",
            f"DELETE FROM archive_entitymonth WHERE articles <= 0 AND entity_id IN (SELECT entity_id FROM {rows})",
            f"DELETE FROM archive_entitypair WHERE articles <= 0 AND (entity_id IN (SELECT entity_id FROM {rows}) "
            f"OR other_id IN (SELECT entity_id FROM {rows}))",
        ]
    return statements


def _postgres_triggers():
    function = db_triggers.plpgsql_function

    return [
        function("archive_summary_mentions_added", _postgres_set_statements("added", 1)),
        function("archive_summary_mentions_removed", _postgres_set_statements("removed", -1)),
        # A mention moved to another article or entity: a BEFORE row trigger sees the rows the same
        # statement changed before it, so each row is taken away and added again in turn.
        function("archive_summary_mention_moved",
                 _mention_statements("OLD", -1) + _mention_statements("NEW", 1), returns="NEW"),
        function("archive_summary_article", _article_statements()),
        "CREATE OR REPLACE TRIGGER archive_summary_mentions_added AFTER INSERT ON archive_mention "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION archive_summary_mentions_added()",
        "CREATE OR REPLACE TRIGGER archive_summary_mentions_removed AFTER DELETE ON archive_mention "
        "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION archive_summary_mentions_removed()",
        "CREATE OR REPLACE TRIGGER archive_summary_mention_moved BEFORE UPDATE OF article_id, entity_id "
        f"ON archive_mention FOR EACH ROW WHEN ({_MENTION_CHANGED}) EXECUTE FUNCTION archive_summary_mention_moved()",
        "CREATE OR REPLACE TRIGGER archive_summary_article AFTER UPDATE OF date, date_precision, title, slug "
        f"ON archive_article FOR EACH ROW WHEN ({_ARTICLE_CHANGED}) EXECUTE FUNCTION archive_summary_article()",
    ]


def install(using_connection=None):
    """The triggers, once the tables exist; idempotent."""
    db_triggers.install_where("archive_entityarticle", _sqlite_triggers, _postgres_triggers, using_connection)


installed_after_migrate = db_triggers.after_migrate(install)


def rebuild(using_connection=None):
    """Every aggregate worked out again from the mentions and articles (the migration's first fill)."""
    target = using_connection or connection
    with target.cursor() as cursor:
        for table in ("archive_entitymonth", "archive_entitypair", "archive_entityarticle"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            "INSERT INTO archive_entitymonth (entity_id, month, date_precision, articles) "
            f"SELECT m.entity_id, {MONTH.format(a='a')}, a.date_precision, COUNT(*) FROM archive_mention m "
            f"JOIN archive_article a ON a.id = m.article_id GROUP BY m.entity_id, {MONTH.format(a='a')}, "
            "a.date_precision")
        cursor.execute(
            "INSERT INTO archive_entitypair (entity_id, other_id, articles) SELECT m.entity_id, o.entity_id, COUNT(*) "
            "FROM archive_mention m JOIN archive_mention o ON o.article_id = m.article_id "
            "AND o.entity_id <> m.entity_id GROUP BY m.entity_id, o.entity_id")
        cursor.execute(
            "INSERT INTO archive_entityarticle (entity_id, article_id, date, date_precision, title, slug, order_key, "
            "title_key) SELECT m.entity_id, a.id, a.date, a.date_precision, a.title, a.slug, "
            f"{ORDER_KEY.format(a='a')}, LOWER(a.title) FROM archive_mention m JOIN archive_article a "
            "ON a.id = m.article_id")


# --- reading them ----------------------------------------------------------------------------


def covers(filters):
    """Whether the articles of a timeline's `filters` are all of one entity's, unnarrowed, so the
    aggregates answer for them."""
    return bool(filters.entity) and filters.wants_articles and not (
        filters.source or filters.language or filters.hide_inferred or filters.date_from or filters.date_to)


def month_rows(entity, *, undated):
    """(month "YYYY-MM" or None for the undated, precision, articles) of the entity's articles."""
    from archive.models import EntityMonth

    rows = EntityMonth.objects.filter(entity=entity)
    if not undated:
        rows = rows.exclude(month="")
    return [(month or None, precision, n) for month, precision, n in
            rows.values_list("month", "date_precision", "articles")]


def article_total(entity):
    """How many articles name the entity."""
    return sum(n for _month, _precision, n in month_rows(entity, undated=True))


def article_total_annotation():
    """For an Entity queryset's annotate(): how many articles name each entity, summed from its counts per
    month (0 for none), not counted over its mentions."""
    from django.db.models import IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from archive.models import EntityMonth

    months = (EntityMonth.objects.filter(entity=OuterRef("pk")).order_by().values("entity")
              .annotate(total=Sum("articles")).values("total"))
    return Coalesce(Subquery(months, output_field=IntegerField()), 0)


def in_timeline_order(entity):
    """The entity's dated articles in timeline order (archive.timeline.items.sort_key): an index range."""
    from archive.models import EntityArticle

    return EntityArticle.objects.filter(entity=entity, order_key__isnull=False).order_by(
        "order_key", "title_key", "slug")


def in_list_order(entity):
    """The entity's articles by date, the undated last, then title: an index range."""
    from django.db.models import F

    from archive.models import EntityArticle

    return EntityArticle.objects.filter(entity=entity).order_by(F("date").asc(nulls_last=True), "title", "article_id")


def undated(entity):
    """The entity's undated articles by title: an index range."""
    from archive.models import EntityArticle

    return EntityArticle.objects.filter(entity=entity, date__isnull=True).order_by("title", "article_id")


def undated_total(entity):
    from archive.models import EntityMonth

    return sum(EntityMonth.objects.filter(entity=entity, month="").values_list("articles", flat=True))


# Days per query of dated_around: two parts each, well under SQLite's 500 parts of a compound SELECT.
DAYS_PER_QUERY = 100


def dated_around(entity, days, room):
    """(article id, date) of the entity's dated articles that can be among the `room` dated nearest to one of
    `days` (ties: the earlier date, then the lower id): for each day the first `room` on or after it and the
    last `room` before it, each an index range. Any other article has `room` better ones on its side of the
    day nearest to it. With no days, the first `room` by date and id."""
    from archive.models import EntityArticle

    dated = EntityArticle.objects.filter(entity=entity, date__isnull=False).values_list("article_id", "date")
    if not days:
        return list(dated.order_by("date", "article_id")[:room])
    parts = []
    for day in sorted(set(days)):
        parts.append(dated.filter(date__gte=day).order_by("date", "article_id")[:room])
        parts.append(dated.filter(date__lt=day).order_by("-date", "article_id")[:room])
    found = set()
    for start in range(0, len(parts), 2 * DAYS_PER_QUERY):
        found.update(_union_all(parts[start:start + 2 * DAYS_PER_QUERY]))
    return list(found)


def _union_all(querysets):
    """The rows of several ordered, limited querysets from one query (Django's union() cannot keep each
    part's ORDER BY and LIMIT on SQLite)."""
    sqls, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS part{number}")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sqls), params)
        rows = cursor.fetchall()
    return [(pk, _as_date(day)) for pk, day in rows]


def _as_date(value):
    import datetime as dt

    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
