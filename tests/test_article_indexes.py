"""The articles' indexes no model declares (archive/article_indexes.py) are made again after every migrate:
SQLite drops them when a migration remakes the table, and without the (month, updated_at) one the
sitemaps' month walk would read every article once per month."""

import pytest
from django.core.management import call_command
from django.db import connection

from archive import article_indexes


def _indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "archive_article"))


def _expected():
    return set(article_indexes.NAMES) if connection.vendor == "sqlite" else {"archive_article_month_updated"}


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_indexes_again_after_they_were_lost():
    assert _expected() <= _indexes()
    article_indexes.drop()
    assert not _expected() & _indexes()
    call_command("migrate", verbosity=0)
    assert _expected() <= _indexes()
