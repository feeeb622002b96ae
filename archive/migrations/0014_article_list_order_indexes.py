"""The records API's order (date, title, id) and the newest change (updated_at) as indexes of the articles.

On SQLite also a narrow index of the ids alone: the sitemap's article files start at the id
N * ARCHIVE_SITEMAP_LIMIT rows in, and an OFFSET over the table itself reads every row it skips with
its texts (50 ms at 100,000 articles), over this index only the ids (PostgreSQL's primary key index
serves it already).
"""

from django.db import migrations, models

ID_INDEX = "archive_article_by_id"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {ID_INDEX} ON archive_article (id)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ID_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0012_article_newest_first_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["date", "title", "id"], name="archive_article_list_order"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="archive_article_updated"),
        ),
        migrations.RunPython(forward, backward),
    ]
