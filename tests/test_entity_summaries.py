"""The per-entity aggregates the database keeps (archive/entities/summary.py) stay exact after every kind of write.

Each test writes through the ORM (save, bulk_create, update, delete with its cascade) and then compares
the three tables with what the mentions and articles say, worked out here in Python, on SQLite and on
PostgreSQL. The pages that read them are checked against the same records.
"""

import datetime as dt
from collections import Counter

import pytest

from archive import dates
from archive.entities import summary
from archive.models import Article, EntityArticle, EntityMonth, EntityPair, Mention
from archive.timeline.comentions import co_mentions
from archive.timeline.items import sort_key
from tests import timeline_factories as make


def _order_key(article):
    if article.date is None:
        return None
    month = "13" if article.date_precision == dates.YEAR else f"{article.date.month:02d}"
    day = f"{article.date.day:02d}" if article.date_precision in (dates.DAY, dates.RANGE) else "32"
    return f"{article.date.year:04d}-{month}-{day}"


def expected():
    """The three tables as the mentions and articles say they should be."""
    months, pairs, rows = Counter(), Counter(), set()
    named = {}
    for mention in Mention.objects.select_related("article"):
        article = mention.article
        months[(mention.entity_id, article.date.strftime("%Y-%m") if article.date else "",
                article.date_precision)] += 1
        named.setdefault(article.pk, []).append(mention.entity_id)
        rows.add((mention.entity_id, article.pk, article.date, article.date_precision, article.title, article.slug,
                  _order_key(article), article.title.lower()))
    for entities in named.values():
        for one in entities:
            for other in entities:
                if one != other:
                    pairs[(one, other)] += 1
    return dict(months), dict(pairs), rows


def kept():
    months = {(e, m, p): n for e, m, p, n in EntityMonth.objects.values_list("entity_id", "month", "date_precision",
                                                                             "articles")}
    pairs = {(e, o): n for e, o, n in EntityPair.objects.values_list("entity_id", "other_id", "articles")}
    rows = set(EntityArticle.objects.values_list("entity_id", "article_id", "date", "date_precision", "title", "slug",
                                                 "order_key", "title_key"))
    return months, pairs, rows


def assert_exact():
    assert kept() == expected()
    # The migration's fill from scratch agrees with what the triggers kept.
    summary.rebuild()
    assert kept() == expected()


@pytest.fixture
def archive(db):
    worm, vendor, police = make.entity("worm"), make.entity("vendor", "organization"), make.entity("police", "group")
    make.article("first", "2001-08-10", entities=[worm, vendor])
    make.article("second", "2001-08", entities=[worm])
    make.article("third", "2001", entities=[worm, vendor, police])
    make.article("undated", None, entities=[worm, police])
    return worm, vendor, police


def test_new_articles_and_mentions_are_counted(archive):
    worm, vendor, police = archive
    assert_exact()
    # Several mentions of one article in one statement: each pair still counted once.
    articles = Article.objects.bulk_create(Article(slug=f"bulk-{i}", title=f"Bulk {i}", language="en",
                                                   date=dt.date(2002, 1 + i, 1)) for i in range(3))
    Mention.objects.bulk_create(Mention(article=article, entity=entity) for article in articles
                                for entity in (worm, vendor, police))
    assert_exact()
    assert EntityPair.objects.get(entity=worm, other=vendor).articles == 5


def test_a_retagged_article_moves_its_counts(archive):
    worm, vendor, police = archive
    third = Article.objects.get(slug="third")
    Mention.objects.filter(article=third, entity=vendor).delete()
    assert_exact()
    Mention.objects.create(article=third, entity=vendor)
    assert_exact()
    # A mention moved to another entity or article by update().
    Mention.objects.filter(article__slug="first", entity=vendor).update(entity=police)
    assert_exact()
    fourth = make.article("fourth", "2002-02-02", entities=[vendor])
    Mention.objects.filter(article__slug="second", entity=worm).update(article=fourth)
    assert_exact()


def test_a_redated_or_renamed_article_moves_its_keys(archive):
    first = Article.objects.get(slug="first")
    first.date, first.date_precision, first.title = dt.date(1999, 3, 1), dates.MONTH, "Renamed"
    first.save()
    assert_exact()
    Article.objects.filter(slug="undated").update(date=dt.date(2003, 5, 6), date_precision=dates.DAY)
    Article.objects.filter(slug="second").update(date=None)
    assert_exact()


def test_a_deleted_article_or_entity_leaves_nothing_behind(archive):
    worm, vendor, police = archive
    Article.objects.filter(slug__in=["first", "third"]).delete()
    assert_exact()
    assert not EntityPair.objects.filter(entity=vendor).exists()
    police.delete()
    assert_exact()
    Article.objects.all().delete()
    assert kept() == ({}, {}, set())


def test_the_tables_emptied_first_are_left_empty(archive):
    """As Django's flush may do: the aggregates deleted before the mentions leave no row below zero behind."""
    for model in (EntityMonth, EntityPair, EntityArticle):
        model.objects.all().delete()
    Mention.objects.filter(article__slug="second").delete()
    Article.objects.all().delete()
    assert kept() == ({}, {}, set())
    worm, vendor, _ = archive
    make.article("again", "2001-08-10", entities=[worm, vendor])
    assert_exact()


def test_the_pages_read_what_the_records_say(client, archive):
    worm, vendor, police = archive
    for i in range(4):
        make.article(f"more-{i}", f"2004-0{i + 1}-02", entities=[worm, police])
    shared = {entity.slug: entity.shared for entity in co_mentions(worm)}
    assert shared == {"police": 6, "vendor": 2}
    # The entity's dated articles in timeline order, as the timeline's own sort puts them.
    built = sorted((make_item(a) for a in Article.objects.filter(mentions__entity=worm, date__isnull=False)),
                   key=sort_key)
    assert list(summary.in_timeline_order(worm).values_list("slug", flat=True)) == [item.slug for item in built]
    page = client.get("/entities/worm/")
    assert page.context["articles"][-1].slug == "undated"
    assert page.context["article_pages"].total == 8
    assert summary.undated_total(worm) == 1
    Mention.objects.filter(article__slug="undated").delete()
    assert client.get("/entities/worm/").context["article_pages"].total == 7


def make_item(article):
    from archive.timeline.items import from_article

    return from_article(article)
