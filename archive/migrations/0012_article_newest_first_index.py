"""On PostgreSQL, the articles indexed newest first with the undated last (date DESC NULLS LAST, then
title), the order of the home page's latest articles (archive.selectors.NEWEST_FIRST). The date index
read backwards gives the undated first, so without this PostgreSQL sorted every article to show ten.
SQLite cannot index NULLS LAST and needs none: its NULLs sort first, so a backwards walk puts them last.

On both databases: (date, date_precision), from which a timeline's counts per month and precision are
grouped without reading the articles' rows, and the undated articles by title (a timeline lists the
first of them).
"""

from django.db import migrations, models

INDEX = "archive_article_newest_first"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON archive_article (date DESC NULLS LAST, title)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0011_postgres_search_entities_inline"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["date", "date_precision"], name="archive_article_date_precision"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(condition=models.Q(date__isnull=True), fields=["title"], name="archive_article_undated"),
        ),
    ]
