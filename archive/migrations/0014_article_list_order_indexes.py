"""Indexes of the articles: the records API's order (date, title, id), also within a language, the newest
change (updated_at), and the sitemaps' indexes each database spells its own way (archive/article_indexes.py).
"""

from django.db import migrations, models


def forward(apps, schema_editor):
    from archive import article_indexes

    article_indexes.install(schema_editor.connection)


def backward(apps, schema_editor):
    from archive import article_indexes

    article_indexes.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0013_archive_month_counts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["date", "title", "id"], name="archive_article_list_order"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["language", "date", "title", "id"], name="archive_article_language_order"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="archive_article_updated"),
        ),
        migrations.RunPython(forward, backward),
    ]
