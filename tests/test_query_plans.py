"""The work each query of a page does, not only how many there are: no page view reads every article.

Every SQL query of a repeated page view is run through the database's planner and fails when
it reads the whole articles or mentions table. SQLite (EXPLAIN QUERY PLAN): a scan of the table
or of a whole index with no LIMIT to stop it, or followed by a sort of everything it read.
PostgreSQL (EXPLAIN with sequential scans priced out): a sequential scan that remains, so no
index could serve the query.

The second view of a page is checked. The aggregates that must read an entity's or the whole
archive's rows (counts per month, the most named entities, co-mentions, a long list's first keys)
are worked out once per change of the archive (archive/remembered.py) and are not asked again
until something changes; docs/benchmarks.md gives their cost.
"""

import datetime as dt
import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Entity, Event, Mention, Source

BIG = ("archive_article", "archive_mention")
ARTICLES = 300


@pytest.fixture
def archive(db):
    source = Source.objects.create(slug="wire", name="Wire")
    articles = Article.objects.bulk_create(
        Article(slug=f"article-{i}", title=f"Article {i}", body="Text about a worm.", language="en", source=source,
                date=None if i % 10 == 0 else dt.date(1995 + i % 20, 1 + i % 12, 1 + i % 28))
        for i in range(ARTICLES)
    )
    worm, vendor = (Entity.objects.create(slug=slug, name=slug.title(), kind=Entity.Kind.MALWARE)
                    for slug in ("worm", "vendor"))
    Mention.objects.bulk_create([Mention(article=a, entity=worm) for a in articles] +
                                [Mention(article=a, entity=vendor) for a in articles[::3]])
    event = Event.objects.create(slug="outbreak", title="Outbreak", kind=Event.Kind.OUTBREAK,
                                 date=dt.date(2001, 7, 19), incident=worm)
    event.entities.add(vendor)
    return articles


PAGES = ["/", "/articles/article-7/", "/entities/worm/", "/entities/worm/?page=2", "/entities/worm/timeline/",
         "/entities/worm/timeline/?page=2", "/timeline/", "/timeline/?page=2", "/archive/2001/",
         "/archive/2001/7/", "/events/outbreak/", "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-periods.xml",
         "/feeds/articles.atom", "/feeds/entities/worm.atom", "/api/articles/?page=2", "/api/entities/worm/",
         "/api/articles/?entity=worm"]


def _sqlite_full_reads(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        rows = cursor.fetchall()
    plan = [row[3] for row in rows]
    limited = re.search(r"\bLIMIT\b", sql, re.IGNORECASE) is not None
    # A sort of the query's own rows (parent 0), not one inside a correlated subquery that reads a few.
    sorts_all = any(row[3].startswith("USE TEMP B-TREE FOR ORDER BY") and row[1] == 0 for row in rows)
    found = []
    for step in plan:
        match = re.match(r"SCAN (\w+)", step)
        if match and match.group(1) in BIG and (not limited or sorts_all):
            found.append(step)
    return found


def _postgres_nodes(node, outer_only=False):
    yield node
    for child in node.get("Plans", []):
        if outer_only and child.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            continue
        yield from _postgres_nodes(child, outer_only)


def _postgres_full_reads(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # Only sequential scans count here: on a few hundred rows the planner may walk a whole small index
    # for a merge join even where an index lookup exists, which it would not do at scale.
    return [f"Seq Scan on {node['Relation Name']}" for node in _postgres_nodes(plan[0]["Plan"])
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG]


def full_reads(sql, params):
    reads = _postgres_full_reads if connection.vendor == "postgresql" else _sqlite_full_reads
    return reads(sql, params)



def _read(client, address):
    response = client.get(address)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("address", PAGES)
def test_a_page_view_reads_no_whole_table_of_articles_or_mentions(client, archive, address):
    _read(client, address)
    with CaptureQueriesContext(connection) as captured:
        _read(client, address)
    offending = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        # Captured SQL has its parameters written in; planning it as written is what the database would do.
        reads = full_reads(sql, None)
        if reads:
            offending[sql[:300]] = reads
    assert not offending, json.dumps(offending, indent=1)


def test_the_check_finds_a_full_read(archive):
    """The check itself: a count of an article column no index holds must be found."""
    sql = 'SELECT COUNT(*) FROM "archive_article" WHERE "archive_article"."body" LIKE \'%worm%\''
    assert full_reads(sql, None)
    assert not full_reads('SELECT "archive_article"."id" FROM "archive_article" WHERE "archive_article"."slug" = '
                          "'article-7'", None)


def _plan_steps(sql, outer_only=False):
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL holds within a transaction
        if connection.vendor == "postgresql":
            # As in full_reads, and bitmap scans too: on a few hundred rows never vacuumed the planner may
            # prefer reading the rows to reading only an index, which it would not do at scale.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            cursor.execute("SET LOCAL enable_seqscan = on")
            cursor.execute("SET LOCAL enable_bitmapscan = on")
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return [f"{node['Node Type']} on {node.get('Relation Name')} {node.get('Index Name', '')}".strip()
                    for node in _postgres_nodes(plan[0]["Plan"], outer_only)]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


def test_the_periods_sitemap_finds_each_months_newest_change_by_index_seeks(db, archive):
    """Its first view after a change finds every month holding dated articles, with the newest change of
    each, by seeks in the (month, updated_at) index (archive/article_indexes.py): two per month, never a
    grouping of every dated article."""
    from archive import sitemaps

    Article.objects.filter(slug="article-7").update(updated_at=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner told how the months spread (the expression index's statistics), as in a live
            # archive; without them it may walk any small index whole, a choice of the test's size.
            cursor.execute("ANALYZE archive_article")
    with CaptureQueriesContext(connection) as captured:
        months = sitemaps._months(Article)
    expected = {}
    for article in Article.objects.filter(date__isnull=False):
        key = article.date.strftime("%Y-%m")
        expected[key] = max(expected.get(key, article.updated_at), article.updated_at)
    assert months == expected
    assert months[Article.objects.get(slug="article-7").date.strftime("%Y-%m")].year == 2030
    steps = _plan_steps(captured.captured_queries[-1]["sql"])
    article_steps = [step for step in steps if "archive_article" in step]
    assert article_steps and all("archive_article_month_updated" in step for step in article_steps), steps
    assert not any(step.startswith(("SCAN archive_article", "Seq Scan")) for step in steps), steps


# The first view after a change of the archive, of the pages and exports of an entity named in every article:
# what it counts or sorts comes from the aggregates kept for the entity (archive/entities/summary.py), so
# no query reads all of the entity's articles or mentions. PostgreSQL gives the rows each step read
# (EXPLAIN ANALYZE); SQLite's plan shows the entity's mentions walked with no LIMIT, or sorted or grouped.
ENTITY_FIRST_VIEWS = ["/entities/bug/", "/entities/bug/?page=2", "/entities/bug/timeline/",
                      "/entities/bug/timeline/?page=2", "/api/entities/bug/", "/api/articles/?entity=bug&page=2"]
ENTITY_EXPORTS = ["/entities/bug/timeline/export.json", "/entities/bug/timeline/export.csv"]
# A page shows 100 articles; the entity is named in all 300.
MOST_ROWS = 200


@pytest.fixture
def named_everywhere(archive):
    bug = Entity.objects.create(slug="bug", name="Bug", kind=Entity.Kind.VULNERABILITY)
    Mention.objects.bulk_create(Mention(article=article, entity=bug) for article in archive)
    if connection.vendor == "postgresql":
        # The planner's statistics of these tables are otherwise whatever earlier tests of the run left
        # (autovacuum analyses as it likes): plans then differ from run to run. Analysed here, they are this
        # archive's, and the check says what the planner does with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_article, archive_source, archive_entity, archive_mention, "
                           "archive_entityarticle, archive_entitymonth, archive_entitypair, archive_event, "
                           "archive_coverage, archive_hindsightnote")
    return bug


def _sqlite_entity_reads(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = [row[3] for row in cursor.fetchall()]
    limited = re.search(r"\bLIMIT\b", sql, re.IGNORECASE) is not None
    walks = [step for step in plan if re.match(r"SEARCH archive_mention USING (COVERING )?INDEX \w+ \(entity_id=\?\)",
                                               step)]
    sorts = [step for step in plan if step.startswith("USE TEMP B-TREE")]
    return walks if walks and (sorts or not limited) else []


def _postgres_entity_reads(sql):
    # On a table of 300 rows reading them all is the cheapest plan, which it is not at 100,000: with whole
    # reads and hash or merge joins priced out, what is left shows whether the query can be answered by
    # reading a page (an ORDER BY that needs every article of the entity sorted still reads them all).
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = on")  # SET LOCAL outlives the savepoint: the test's rest as usual
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [f"{node['Node Type']} on {node['Relation Name']}: {node['Actual Rows']} rows"
            for node in _postgres_nodes(plan[0]["Plan"])
            if node.get("Relation Name") in BIG and node["Actual Rows"] * node.get("Actual Loops", 1) > MOST_ROWS]


def _entity_reads(captured):
    reads = _postgres_entity_reads if connection.vendor == "postgresql" else _sqlite_entity_reads
    offending = {}
    for query in captured:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and (found := reads(sql)):
            offending[sql[:300]] = found
    return offending


# "worm" is an incident (the outbreak's) named in every article: its page and the incidents' list, table and
# comparison count its articles and find its first coverage from the same aggregates.
INCIDENT_FIRST_VIEWS = ["/entities/worm/", "/incidents/", "/incidents/comparison.svg", "/incidents/comparison.csv"]


@pytest.mark.parametrize("address", ENTITY_FIRST_VIEWS + INCIDENT_FIRST_VIEWS)
def test_the_first_view_of_an_entity_after_a_change_reads_a_page_not_the_entity(client, named_everywhere, address):
    from archive import remembered

    _read(client, address)
    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        _read(client, address)
    offending = _entity_reads(captured.captured_queries)
    assert not offending, json.dumps(offending, indent=1)


@pytest.mark.parametrize("address", ENTITY_EXPORTS)
def test_an_entity_export_starts_without_reading_the_entity_whole(client, named_everywhere, address):
    from archive import remembered

    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        next(iter(response.streaming_content))
        before_first_byte = list(captured.captured_queries)
    offending = _entity_reads(before_first_byte)
    assert not offending, json.dumps(offending, indent=1)


def _sqlite_summary_reads(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = [row[3] for row in cursor.fetchall()]
    limited = re.search(r"\bLIMIT\b", sql, re.IGNORECASE) is not None
    return [step for step in plan if "archive_entityarticle" in step] if not limited else []


def _postgres_summary_reads(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [f"{node['Node Type']}: {node['Actual Rows']} rows" for node in _postgres_nodes(plan[0]["Plan"])
            if node.get("Relation Name") == "archive_entityarticle"
            and node["Actual Rows"] * node.get("Actual Loops", 1) > MOST_ROWS]


def test_the_timelinejs_export_of_a_big_entity_reads_index_ranges_around_its_events(client, named_everywhere,
                                                                                     settings):
    """It holds a few slides of an entity named in 300 articles: the events, then the articles nearest to
    them, chosen from index ranges around each event's day, never from every article of the entity."""
    from archive import remembered

    settings.ARCHIVE_TIMELINEJS_SLIDES = 20
    Event.objects.get(slug="outbreak").entities.add(named_everywhere)
    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/entities/bug/timeline/export.timelinejs.json?hide_inferred=0")
        data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    dated = Article.objects.filter(date__isnull=False).count()  # a timeline holds the dated articles
    assert len(data["events"]) == 20 and data["left_out"]["articles"] == dated - 19
    reads = _postgres_summary_reads if connection.vendor == "postgresql" else _sqlite_summary_reads
    offending = {query["sql"][:300]: found for query in captured.captured_queries
                 if query["sql"].lstrip().upper().startswith(("SELECT", "WITH")) and (found := reads(query["sql"]))}
    offending.update(_entity_reads(captured.captured_queries))
    assert not offending, json.dumps(offending, indent=1)


def _ordered_plan_steps(sql):
    """The plan's steps; on PostgreSQL with sorts priced out too, so a sort that remains is one no index
    could spare (on a few hundred rows the planner may sort them even where an index holds the order)."""
    if connection.vendor != "postgresql":
        return _plan_steps(sql)
    with transaction.atomic(), connection.cursor() as cursor:
        settings = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort")
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [f"{node['Node Type']} on {node.get('Relation Name')} {node.get('Index Name', '')}".strip()
            for node in _postgres_nodes(plan[0]["Plan"])]


@pytest.mark.parametrize("address", ["/api/articles/?page=2", "/api/articles/?page=3&page_size=50",
                                     "/api/articles/?page=14", "/api/articles/?language=en&page=2"])
def test_a_page_of_the_records_api_reads_the_articles_in_an_index_order(client, archive, address):
    """The API lists every article by (date, title, id): a page is read from the index in that order, not
    sorted from every undated article (first on SQLite), every article of a day or of a language; the ids
    alone, so a page deep in the list skips index entries, not rows (SQLite: a covering index)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_article")  # the planner told how the dates spread, as a live table is
    _read(client, address)
    with CaptureQueriesContext(connection) as captured:
        _read(client, address)
    listing = [query["sql"] for query in captured.captured_queries
               if query["sql"].lstrip().upper().startswith("SELECT") and "OFFSET" in query["sql"].upper()]
    assert listing
    for sql in listing:
        steps = _ordered_plan_steps(sql)
        sorts = [step for step in steps if step.startswith(("USE TEMP B-TREE", "Sort", "Incremental Sort"))]
        assert not sorts, steps
        if connection.vendor == "sqlite":  # PostgreSQL's tests cannot show index-only reads: see above
            assert any("COVERING INDEX" in step for step in steps), steps


# Rows a query may read from the articles' table for a list of ten or an article's two neighbours.
FEW_ROWS = 30


def _postgres_rows_read(sql):
    """Each step on the articles' table with the rows it read (kept or filtered out), by EXPLAIN ANALYZE."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at scale, where no table is small enough to read
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [(f"{node['Node Type']} {node.get('Index Name', '')}",
             (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1))
            for node in _postgres_nodes(plan[0]["Plan"]) if node.get("Relation Name") == "archive_article"]


@pytest.mark.parametrize("selector", ["latest_articles", "source_neighbours"])
def test_the_newest_articles_and_an_articles_neighbours_read_a_few_rows(archive, selector):
    """The home page's newest articles (undated last) and an article's neighbours in its source are found
    through an index in their order, never by sorting or filtering the whole archive (on PostgreSQL the
    date index read backwards puts the undated first, and an OR of dates was no bound for the index)."""
    from archive import selectors

    middle = Article.objects.get(slug="article-151")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_article")  # the planner told how the dates spread, as a live table is
    with CaptureQueriesContext(connection) as captured:
        found = (list(selectors.latest_articles()) if selector == "latest_articles"
                 else selectors.source_neighbours(middle))
    assert all(found)
    offending = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if connection.vendor == "postgresql":
            reads = [(step, rows) for step, rows in _postgres_rows_read(sql) if rows > FEW_ROWS]
        else:
            reads = _sqlite_full_reads(sql, None)
        if reads:
            offending[sql[:300]] = reads
    assert not offending, json.dumps(offending, indent=1)



def _postgres_rows_read_at_all(sql):
    """Each step on the articles' table that read more than a few years' rows, an index alone or not."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [f"{node['Node Type']} {node.get('Index Name', '')}: {node['Actual Rows']} rows"
            for node in _postgres_nodes(plan[0]["Plan"])
            if node.get("Relation Name") == "archive_article"
            and (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1) > FEW_YEARS]


# The first view of page 2 sorts the first three years' articles (about 90 a year below); the archive holds 3,000.
FEW_YEARS = 400


@pytest.mark.parametrize("address", ["/timeline/", "/timeline/?page=2", "/archive/2001/", "/archive/2001/7/"])
def test_the_first_view_of_the_whole_timeline_reads_its_first_years_only(client, transactional_db, address):
    """After a change, the whole archive's timeline (and a year's or month's page) takes its articles' counts
    per month from the counts the database keeps (archive/month_counts.py), sorts only the years holding its
    first pages' articles and lists the first undated by title from their index: it reads neither every
    article's row nor every article's index entry."""
    from archive import remembered

    # 3,000 articles over 30 years, one in ten undated, with texts filling many pages, vacuumed (outside a
    # transaction) as a live table is: on a few pages of rows the planner reads them, which it would not at scale.
    Article.objects.bulk_create(
        Article(slug=f"long-{i}", title=f"Long {i}", body="A worm spreads. " * 150, language="en",
                date=None if i % 10 == 0 else dt.date(1990 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(3000))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE archive_article")
    _read(client, address)
    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        _read(client, address)
    offending = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        reads = _postgres_rows_read_at_all(sql) if connection.vendor == "postgresql" else _sqlite_full_reads(sql, None)
        if reads:
            offending[sql[:300]] = reads
    assert not offending, json.dumps(offending, indent=1)


def test_the_first_view_of_the_home_page_counts_entities_from_their_monthly_counts(client, archive):
    """The most named entities are summed from the entities' counts per month, never counted over the mentions."""
    from archive import remembered

    _read(client, "/")
    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert 'href="/entities/worm/"' in page and 'href="/entities/vendor/"' in page
    readers = [query["sql"][:300] for query in captured.captured_queries
               if query["sql"].lstrip().upper().startswith("SELECT") and "archive_mention" in _plan_text(query["sql"])]
    assert not readers, readers


def _plan_text(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return " ".join(str(node.get("Relation Name")) for node in _postgres_nodes(plan[0]["Plan"]))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " ".join(row[3] for row in cursor.fetchall())


def test_the_first_undated_articles_are_read_from_their_index_in_title_order(db, archive):
    """The timeline lists the first undated articles by title: read from the index of the undated in that
    order, not found by the date index and sorted (a third of an archive can be undated; SQLite takes
    "date IS NULL" for a rare value unless told otherwise)."""
    from archive import remembered
    from archive.timeline import filters

    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        listed, _ = filters.undated(filters.Filters(), counted=False)
    assert [item.slug for item in listed] == list(
        Article.objects.filter(date__isnull=True).order_by("title").values_list("slug", flat=True)[:50])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_article")
    sql = next(query["sql"] for query in captured.captured_queries
               if '"archive_article"' in query["sql"] and "IS NULL" in query["sql"] and "LIMIT 50" in query["sql"])
    steps = _plan_steps(sql)
    # The partial index of the undated, or the list order's (date, title, id) whose NULL-date range is in title order.
    in_title_order = ("archive_article_undated", "archive_article_list_order (date=?)")
    assert any(index in step for step in steps for index in in_title_order), steps
    # No sort of what was found (the covered incident's subquery, planned after it, sorts its own few rows:
    # SQLite lists it after CORRELATED, PostgreSQL as a subplan, left out here).
    if connection.vendor == "postgresql":
        steps = _plan_steps(sql, outer_only=True)
    outer = steps[:next((i for i, step in enumerate(steps) if step.startswith("CORRELATED")), len(steps))]
    assert not any(step.startswith("USE TEMP B-TREE FOR ORDER BY") or step == "Sort on None" for step in outer), steps


@pytest.mark.parametrize("address", ["/api/entities/", "/api/entities/worm/"])
def test_the_apis_entity_counts_come_from_their_monthly_counts(client, archive, address):
    """An entity's article count in the API is summed from its counts per month, never counted over the
    mentions (which took 0.1 s for the list at 100,000 articles)."""
    from archive import remembered

    remembered.forget()
    with CaptureQueriesContext(connection) as captured:
        data = json.loads(client.get(address).content)
    counts = {row["slug"]: row["article_count"] for row in data.get("results", [data])}
    assert counts["worm"] == ARTICLES
    readers = [query["sql"][:300] for query in captured.captured_queries
               if query["sql"].lstrip().upper().startswith("SELECT") and "archive_mention" in _plan_text(query["sql"])
               and "COUNT(" in query["sql"].upper()]
    assert not readers, readers
