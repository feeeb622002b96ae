from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArchiveConfig(AppConfig):
    name = "archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import article_indexes, month_counts, stamp
        from archive.entities import summary
        from archive.search import signals  # noqa: F401 - connects the index to the records

        post_migrate.connect(stamp.installed_after_migrate, sender=self)
        post_migrate.connect(summary.installed_after_migrate, sender=self)
        post_migrate.connect(month_counts.installed_after_migrate, sender=self)
        post_migrate.connect(article_indexes.installed_after_migrate, sender=self)
