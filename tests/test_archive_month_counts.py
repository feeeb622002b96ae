"""The archive's counts per month the database keeps (archive/month_counts.py) stay exact after every kind of write.

Each test writes through the ORM (save, bulk_create, update, delete) or raw SQL and then compares the
table with the articles counted here in Python, on SQLite and on PostgreSQL. The whole-archive timeline,
its exports and the year and month pages that read it are checked against the counts worked out from
every article, as they were before the table existed: ranges, "not before" and undated included.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection

from archive import dates, month_counts
from archive.models import ArchiveMonth, Article
from archive.timeline import density, exports, filters, periods
from tests import timeline_factories as make


def expected():
    """The table as the articles say it should be: (month, precision) -> articles."""
    return dict(Counter((a.date.strftime("%Y-%m") if a.date else "", a.date_precision) for a in Article.objects.all()))


def kept():
    return {(m, p): n for m, p, n in ArchiveMonth.objects.values_list("month", "date_precision", "articles")}


def assert_exact():
    assert kept() == expected()
    assert 0 not in kept().values()
    # The migration's fill from scratch agrees with what the triggers kept.
    month_counts.rebuild()
    assert kept() == expected()


def _range(slug, first, last):
    """An article dated to a range: between `first` and `last`, or "not before" `first` when `last` is None."""
    return Article.objects.create(slug=slug, title=slug.capitalize(), body="Text.", language="en", date=first,
                                  date_precision=dates.RANGE, date_not_after=last)


@pytest.fixture
def archive(db):
    make.article("first", "2001-08-10")
    make.article("second", "2001-08")
    make.article("third", "2001")
    make.article("undated", None)
    # A range across the end of a month, and an open one ("not before 20 December 2004").
    _range("between", dt.date(2001, 8, 31), dt.date(2001, 9, 1))
    _range("not-before", dt.date(2004, 12, 20), None)
    make.event("outbreak", "2001-08-12")


def test_new_articles_are_counted(archive):
    assert_exact()
    assert kept()[("2001-08", dates.RANGE)] == 1
    assert kept()[("2004-12", dates.RANGE)] == 1
    make.article("fourth", "2001-08-11")
    assert_exact()
    assert kept()[("2001-08", dates.DAY)] == 2
    # Many in one statement, several of the same month.
    Article.objects.bulk_create(Article(slug=f"bulk-{i}", title=f"Bulk {i}", language="en",
                                        date=dt.date(2002, 1 + i % 3, 1), date_precision=dates.MONTH)
                                for i in range(7))
    assert_exact()
    assert kept()[("2002-01", dates.MONTH)] == 3


def test_a_redated_article_moves_its_count(archive):
    first = Article.objects.get(slug="first")
    first.date, first.date_precision = dt.date(1999, 3, 1), dates.MONTH
    first.save()
    assert_exact()
    assert ("2001-08", dates.DAY) not in kept()
    # update() of many rows in one statement, to a date, to none, to a range.
    Article.objects.filter(slug__in=["undated", "third"]).update(date=dt.date(2003, 5, 6), date_precision=dates.DAY)
    assert_exact()
    Article.objects.filter(slug="second").update(date=None)
    assert_exact()
    Article.objects.filter(slug="not-before").update(date_not_after=dt.date(2005, 1, 3))
    Article.objects.filter(slug="between").update(date_precision=dates.DAY)
    assert_exact()
    # A write that leaves the date alone leaves the counts alone.
    before = kept()
    Article.objects.update(title="Renamed")
    Article.objects.get(slug="first").save()
    assert kept() == before


def test_a_deleted_article_leaves_nothing_behind(archive):
    Article.objects.get(slug="first").delete()
    assert_exact()
    Article.objects.filter(date__year=2001).delete()
    assert_exact()
    assert not any(month.startswith("2001") for month, _ in kept())
    Article.objects.all().delete()
    assert kept() == {}


def test_the_table_emptied_first_is_left_empty(archive):
    """As Django's flush may do: the counts deleted before the articles leave no row below zero behind."""
    ArchiveMonth.objects.all().delete()
    Article.objects.all().delete()
    assert kept() == {}
    make.article("again", "2001-08-10")
    assert_exact()


def test_raw_sql_is_counted_too(archive):
    # Every article copied in one statement, under another slug.
    columns = [field.column for field in Article._meta.concrete_fields if field.column not in ("id", "slug")]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO archive_article (slug, {listed}) SELECT slug || '-copy', {listed} "
                       "FROM archive_article")
    assert_exact()
    assert kept()[("2001-08", dates.DAY)] == 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET date = NULL WHERE slug LIKE %s", ["%-copy"])
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_article WHERE date IS NULL")
    assert_exact()
    assert "" not in {month for month, _ in kept()}


def _counted_from_articles(events, articles):
    """What density.count() gave before the table: the articles grouped by month from their own rows."""
    return density._count(events, articles)


def _same(one, other):
    assert (one.months, one.years_only, one.undated) == (other.months, other.years_only, other.undated)


def test_the_timeline_and_period_pages_count_as_from_the_articles(client, archive):
    for i in range(5):
        make.article(f"more-{i}", f"2001-0{i + 1}-02")
    everything = filters.Filters()
    whole = density.paged_timeline(everything, 1)
    _same(whole.density, _counted_from_articles(filters.events(everything, plain=True),
                                                filters.articles(everything, plain=True)))
    # A range counts in the month of its first possible day, as the timeline always counted it.
    assert whole.density.months[(2001, 8)] == [1, 3]
    assert whole.density.months[(2004, 12)] == [0, 1]
    assert whole.density.years_only == {2001: [0, 1]}
    assert whole.density.undated == 1
    _same(exports.counts(everything), whole.density)
    year = periods.year_period(2001)
    from archive.models import Event

    _same(year.density, _counted_from_articles(Event.objects.filter(date__year=2001),
                                               Article.objects.filter(date__year=2001)))
    month = periods.month_period(2001, 8)
    precise = {"date__range": (dt.date(2001, 8, 1), dt.date(2001, 8, 31)),
               "date_precision__in": [dates.DAY, dates.MONTH]}
    _same(month.density, _counted_from_articles(Event.objects.filter(**precise), Article.objects.filter(**precise)))
    assert month.density.months == {(2001, 8): [1, 2]}
    # The pages show what the records say, and follow a change.
    page = client.get("/timeline/")
    assert page.context["timeline"].density.total == 11  # dated items: the undated are beside the axis
    Article.objects.filter(slug="more-0").delete()
    assert client.get("/timeline/").context["timeline"].density.total == 10
    assert client.get("/archive/2001/").context["period"].density.articles == 8


def test_filtered_timelines_still_count_their_own_articles(archive):
    """A source, language or date window narrows the articles: those are counted from the articles themselves."""
    make.article("english", "2001-08-03", language="en")
    narrowed = filters.Filters(language="en")
    assert not month_counts.covers(narrowed)
    counted = density.paged_timeline(narrowed, 1).density
    assert counted.articles == Article.objects.filter(language="en").exclude(date=None).count() + \
        Article.objects.filter(language="en", date=None).count()
    window = filters.parse({"from": "2001-09", "to": "2004"})
    assert not month_counts.covers(window)
    # The closed range ends in September, the open one has no end: both overlap, though counted in their first month.
    assert density.paged_timeline(window, 1).density.months == {(2001, 8): [0, 1], (2004, 12): [0, 1]}


def _varied(count, year):
    """`count` articles of `year` and the next: by day, month, year and range, several on one day."""
    precisions = [dates.DAY, dates.MONTH, dates.YEAR, dates.RANGE, dates.DAY]
    found = []
    for i in range(count):
        precision = precisions[i % len(precisions)]
        day = dt.date(year + i % 2, 1 + (i // 2) % 12, 1 + (i * 5) % 31 % 28)
        if precision == dates.MONTH:
            day = day.replace(day=1)
        if precision == dates.YEAR:
            day = day.replace(month=1, day=1)
        found.append(Article(slug=f"varied-{i}", title=f"Varied {i % 9}", language="en", date=day,
                             date_precision=precision,
                             date_not_after=day + dt.timedelta(days=2) if precision == dates.RANGE else None))
    Article.objects.bulk_create(found)


@pytest.mark.parametrize("size", [1, 3, 7])
def test_the_whole_timelines_pages_are_its_items_in_order(archive, size):
    """The first items of the whole timeline are sorted among the months the counts point to: every page
    holds what the timeline of every item, sorted whole, holds there."""
    _varied(40, 2000)
    everything = filters.Filters()
    whole = [item.slug for item in filters.build(everything).items]
    paged = []
    for number in range(1, len(whole) // size + 2):
        paged += [item.slug for item in density.paged_timeline(everything, number, size=size).items]
    assert paged == whole


def test_a_year_pages_pages_are_its_items_in_order(archive):
    _varied(400, 2000)
    year = [item for item in filters.build(filters.Filters()).items if item.date.year == 2000]
    paged = []
    for number in (1, 2):
        paged += [item.slug for item in periods.year_period(2000, number).items]
    assert paged == [item.slug for item in year]
