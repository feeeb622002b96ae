"""Indexes of the articles that a model's Meta cannot declare the same way on both databases.

  archive_article_by_id          SQLite only: the ids alone. A sitemap file of articles starts at the
                                 id N * ARCHIVE_SITEMAP_LIMIT rows in; an OFFSET over the table reads every
                                 row it skips with its texts (50 ms at 100,000 articles), over this index
                                 only the ids. PostgreSQL's primary key index already serves it.
  archive_article_month_updated  (month of the date, updated_at), the month written as each database
                                 can index it (PostgreSQL indexes only immutable expressions, and a
                                 date cast to text depends on DateStyle). The sitemap's lastmod of every
                                 month is then two index seeks per month (MONTHS_SQL), not a grouping of
                                 every dated article.

Made by migration 0014 and again after every `migrate` (archive.apps): SQLite drops the indexes a
model does not declare when a migration remakes its table.
"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

_SQLITE_MONTH = "SUBSTR(CAST(date AS text), 1, 7)"
_POSTGRES_MONTH = "date_trunc('month', date::timestamp)"

_SQLITE = {
    "archive_article_by_id": "CREATE INDEX IF NOT EXISTS archive_article_by_id ON archive_article (id)",
    "archive_article_month_updated":
        f"CREATE INDEX IF NOT EXISTS archive_article_month_updated ON archive_article ({_SQLITE_MONTH}, updated_at)",
}
_POSTGRES = {
    "archive_article_month_updated": "CREATE INDEX IF NOT EXISTS archive_article_month_updated ON archive_article "
                                     f"(({_POSTGRES_MONTH}), updated_at)",
}
NAMES = ("archive_article_by_id", "archive_article_month_updated")

# The months holding dated articles walked from the smallest on, each found by one seek for the next
# larger, with the newest updated_at of each by one more seek (the month as the index writes it).
_MONTHS = """WITH RECURSIVE months(m) AS (
  SELECT MIN({month}) FROM archive_article
  UNION ALL SELECT (SELECT MIN({month}) FROM archive_article WHERE {month} > months.m) FROM months
  WHERE months.m IS NOT NULL)
SELECT m, (SELECT MAX(updated_at) FROM archive_article WHERE {month} = months.m) FROM months WHERE m IS NOT NULL"""


def install(using_connection=None):
    """Create the indexes where the articles' table exists; idempotent."""
    target = using_connection or connection
    if "archive_article" not in target.introspection.table_names():
        return
    with target.cursor() as cursor:
        # Only the missing ones are made: PostgreSQL refuses any CREATE INDEX, even one that would do nothing,
        # in a transaction whose deferred foreign key checks are still pending (a migrate inside one).
        present = set(target.introspection.get_constraints(cursor, "archive_article"))
        for name, statement in (_POSTGRES if target.vendor == "postgresql" else _SQLITE).items():
            if name not in present:
                cursor.execute(statement)


def drop(using_connection=None):
    target = using_connection or connection
    with target.cursor() as cursor:
        for name in NAMES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def installed_after_migrate(sender, using, **kwargs):
    from django.db import connections

    install(connections[using])


def newest_change_per_month():
    """{"YYYY-MM": newest updated_at} over the dated articles, from archive_article_month_updated."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(_MONTHS.format(month=_POSTGRES_MONTH if postgres else _SQLITE_MONTH))
        rows = cursor.fetchall()
    if postgres:
        return {month.strftime("%Y-%m"): last for month, last in rows}
    return {month: _sqlite_datetime(last) for month, last in rows}


def _sqlite_datetime(value):
    """The column's text as Django's SQLite backend reads it: an aware time in UTC (USE_TZ)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is not None and settings.USE_TZ and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed
