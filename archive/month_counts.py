"""The archive's articles counted per month and precision, kept up to date by the database itself.

The whole-archive timeline, its exports and the year and month pages draw counts per month: worked
out from the articles, that is a grouped read of every article (100,000 index entries at 100,000
articles) on the first view after any change. One table holds them instead (archive.models.ArchiveMonth):
a row per month ("YYYY-MM" of the stored date, "" for the undated) and precision, the same groups as
archive.timeline.density's grouped query. A range counts in the month of its first possible day, as
the timeline has always counted it.

Triggers on archive_article (insert, delete, a changed date or precision) write it in the same
statement as the record, so it is exact after any write however it is made: save(), bulk_create(),
update(), delete(), raw SQL. SQLite runs them per row; PostgreSQL counts an insert or delete as a
set (statement triggers with transition tables) and a redate per row. A migration that remakes
archive_article on SQLite drops its triggers, so they are (re)installed after every `migrate`
(archive.apps), like the per-entity ones (archive.entities.summary); `rebuild()` fills the table from scratch.
"""

from django.db import connection

from archive import dates, db_triggers
from archive.entities.summary import MONTH

_UPSERT = ("INSERT INTO archive_archivemonth (month, date_precision, articles) {select} "
           "ON CONFLICT (month, date_precision) "
           "DO UPDATE SET articles = archive_archivemonth.articles + excluded.articles")
_DATING_CHANGED = "OLD.date IS DISTINCT FROM NEW.date OR OLD.date_precision IS DISTINCT FROM NEW.date_precision"


# A count is taken away from the row there is, never written below zero: when the table is emptied before
# the articles (Django's flush deletes table by table, in no set order), nothing is left behind.


def _row_statements(row, sign):
    """What one article `row` (NEW or OLD) adds (sign 1) to the counts or takes away (sign -1)."""
    month = MONTH.format(a=row)
    key = f"month = {month} AND date_precision = {row}.date_precision"
    if sign > 0:
        # "WHERE true": SQLite reads an ON right after a bare SELECT as a join's.
        return [_UPSERT.format(select=f"SELECT {month}, {row}.date_precision, 1 WHERE true")]
    return [f"UPDATE archive_archivemonth SET articles = articles - 1 WHERE {key}",
            f"DELETE FROM archive_archivemonth WHERE {key} AND articles <= 0"]


def _set_statements(rows, sign):
    """What a set of articles (a transition table `rows`) adds or takes away, one row per month and precision."""
    month = MONTH.format(a="r")
    grouped = f"SELECT {month} AS month, r.date_precision, COUNT(*) AS n FROM {rows} r GROUP BY 1, 2"
    if sign > 0:
        return [_UPSERT.format(select=grouped)]
    return [f"UPDATE archive_archivemonth c SET articles = c.articles - g.n FROM ({grouped}) g "
            "WHERE c.month = g.month AND c.date_precision = g.date_precision",
            "DELETE FROM archive_archivemonth WHERE articles <= 0 AND (month, date_precision) IN "
            f"(SELECT {month}, r.date_precision FROM {rows} r)"]


def _sqlite_triggers():
    def trigger(name, event, statements, when=""):
        body = "; ".join(statements)
        condition = f" WHEN {when}" if when else ""
        # Dropped and made again, so a changed body replaces the one installed (SQLite has no CREATE OR REPLACE).
        return [f"DROP TRIGGER IF EXISTS {name}",
                (f"CREATE TRIGGER {name} AFTER {event} FOR EACH ROW{condition} BEGIN {body}; END"
                 .replace("IS DISTINCT FROM", "IS NOT"))]

    return [
        *trigger("archive_months_article_insert", "INSERT ON archive_article", _row_statements("NEW", 1)),
        *trigger("archive_months_article_delete", "DELETE ON archive_article", _row_statements("OLD", -1)),
        *trigger("archive_months_article_redate", "UPDATE OF date, date_precision ON archive_article",
                 _row_statements("OLD", -1) + _row_statements("NEW", 1), when=_DATING_CHANGED),
    ]


def _postgres_triggers():
    function = db_triggers.plpgsql_function

    return [
        function("archive_months_added", _set_statements("added", 1)),
        function("archive_months_removed", _set_statements("removed", -1)),
        function("archive_months_redated", _row_statements("OLD", -1) + _row_statements("NEW", 1)),
        "CREATE OR REPLACE TRIGGER archive_months_added AFTER INSERT ON archive_article "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION archive_months_added()",
        "CREATE OR REPLACE TRIGGER archive_months_removed AFTER DELETE ON archive_article "
        "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION archive_months_removed()",
        # A transition table cannot go with a column list (UPDATE OF), and a redate is rare: per row.
        "CREATE OR REPLACE TRIGGER archive_months_redated AFTER UPDATE OF date, date_precision ON archive_article "
        f"FOR EACH ROW WHEN ({_DATING_CHANGED}) EXECUTE FUNCTION archive_months_redated()",
    ]


def install(using_connection=None):
    """The triggers, once the table exists; idempotent."""
    db_triggers.install_where("archive_archivemonth", _sqlite_triggers, _postgres_triggers, using_connection)


installed_after_migrate = db_triggers.after_migrate(install)


def rebuild(using_connection=None):
    """The counts worked out again from the articles (the migration's first fill)."""
    target = using_connection or connection
    month = MONTH.format(a="a")
    with target.cursor() as cursor:
        cursor.execute("DELETE FROM archive_archivemonth")
        cursor.execute("INSERT INTO archive_archivemonth (month, date_precision, articles) "
                       f"SELECT {month}, a.date_precision, COUNT(*) FROM archive_article a GROUP BY 1, 2")


# --- reading them ----------------------------------------------------------------------------


def covers(filters):
    """Whether the articles of a timeline's `filters` are all the archive's, so the counts answer for them."""
    return not filters.entity and filters.wants_articles and not (
        filters.source or filters.language or filters.hide_inferred or filters.date_from or filters.date_to)


def _rows(query):
    return [(month or None, precision, n) for month, precision, n in
            query.values_list("month", "date_precision", "articles")]


def month_rows(*, undated):
    """(month "YYYY-MM" or None for the undated, precision, articles) of all the archive's articles."""
    from archive.models import ArchiveMonth

    rows = ArchiveMonth.objects.all()
    return _rows(rows if undated else rows.exclude(month=""))


def year_rows(year):
    """The rows of the articles dated in `year` (any precision): those of Article.objects.filter(date__year=year)."""
    from archive.models import ArchiveMonth

    return _rows(ArchiveMonth.objects.filter(month__gte=f"{year:04d}-01", month__lte=f"{year:04d}-12"))


def precise_month_rows(year, month):
    """The rows of the articles dated to a day or month in `month` of `year`."""
    from archive.models import ArchiveMonth

    return _rows(ArchiveMonth.objects.filter(month=f"{year:04d}-{month:02d}",
                                             date_precision__in=[dates.DAY, dates.MONTH]))
