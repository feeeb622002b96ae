"""What only the PostgreSQL backend does: its documents live in the database, beside the records."""

import pytest
from django.db import connection

from archive import search
from archive.models import Article, SearchDocument
from tests import search_corpus
from tests.search_corpus import slugs


@pytest.fixture
def postgres_search(settings):
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"


@pytest.mark.postgres_only
def test_a_failed_rebuild_leaves_the_old_documents_answering(db, postgres_search):
    search_corpus.build()
    before = search.search("Hotmail")
    Article.objects.filter(slug="bbc-markets").update(title="Hotmail markets")

    def fail_halfway(count):
        if count == 5:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        search.rebuild(progress=fail_halfway)
    after = search.search("Hotmail")
    assert slugs(after) == slugs(before) and "bbc-markets" not in slugs(after)
    assert SearchDocument.objects.count() == search.check().records


@pytest.mark.postgres_only
def test_documents_carry_a_weighted_vector_and_the_vocabulary_follows(db, postgres_search):
    search_corpus.build()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ts_filter(vec, '{a}')::text FROM archive_searchdocument WHERE key = %s",
                       [f"article:{Article.objects.get(slug='bbc-markets').pk}"])
        title_lexemes = cursor.fetchone()[0]
    assert "'market'" in title_lexemes and "'oil'" in title_lexemes and "'trader'" not in title_lexemes
    assert search.search("Hotmial").suggestion == "Hotmail"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="about running on SQLite")
def test_on_sqlite_it_answers_503_naming_database_url(db, client, postgres_search):
    response = client.get("/api/search", {"q": "worm"})
    assert response.status_code == 503
    assert "DATABASE_URL" in response.json()["error"]


@pytest.mark.postgres_only
def test_past_its_deadline_a_search_says_so_and_the_next_one_is_whole(db, postgres_search, monkeypatch):
    from archive.search import reading

    search_corpus.build()
    full = search.search("worm")
    assert full.total > 0 and not full.partial
    monkeypatch.setattr(reading, "SEARCH_SECONDS", -1.0)  # every deadline already past
    late = search.search("worm")
    assert late.partial and late.total == 0 and late.note
    monkeypatch.setattr(reading, "SEARCH_SECONDS", 5.0)
    assert search.search("worm").total == full.total


@pytest.mark.postgres_only
def test_the_time_limit_cancels_a_statement_that_runs_past_it(db):
    import time

    from django.db import OperationalError, transaction
    from psycopg.errors import QueryCanceled

    from archive.search.postgres.backend import _limit_time

    with pytest.raises(OperationalError) as caught, transaction.atomic(), connection.cursor() as cursor:
        _limit_time(cursor, time.monotonic() + 0.2)
        cursor.execute("SELECT pg_sleep(5)")
    assert isinstance(caught.value.__cause__, QueryCanceled)
    with connection.cursor() as cursor:  # the limit ended with its transaction
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.postgres_only
def test_the_vectors_are_indexed_with_rum(db):
    """scripts/with-postgres installs the rum extension; with it the migration swaps GIN for RUM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                       "WHERE c.relname LIKE 'archive_searchdocument_vec%%' AND am.amname <> 'btree' ORDER BY 1")
        assert cursor.fetchall() == [("archive_searchdocument_vec_de", "rum"),  # German documents (0014)
                                     ("archive_searchdocument_vec_rum", "rum")]


RANKED_QUERIES = ["worm", "Code Red", "Microsoft", "Wurm", "hotmail OR symantec", "serv*", "Hotmial~", "virus"]


@pytest.mark.postgres_only
def test_ranking_candidates_keep_the_order_of_ranking_every_match(db, postgres_search, monkeypatch):
    from archive.search.postgres import ranking

    search_corpus.build()
    every = {text: search.search(text) for text in RANKED_QUERIES}
    assert all(page.total > 1 for page in every.values()), [(t, p.total) for t, p in every.items()]
    monkeypatch.setattr(ranking, "RANK_ALL", 0)  # always rank candidates only
    for text, page in every.items():
        candidates = search.search(text)
        assert [(r["slug"], r["score"]) for r in candidates.results] == \
            [(r["slug"], r["score"]) for r in page.results], text
        assert candidates.total == page.total and candidates.facets == page.facets
    # Only the index's best match per language (for a page of one): entity and event records are
    # candidates all the same.
    monkeypatch.setattr(ranking, "CANDIDATES", 1)
    first = search.search("Code Red", per_page=1).results[0]
    assert (first["type"], first["slug"]) == ("entity", "code-red")


@pytest.mark.postgres_only
def test_entity_slugs_stay_in_the_rows(db):
    """The entity facet reads each match's slugs from its row (migration 0010), not from the TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'archive_searchdocument'::regclass "
                       "AND attname = 'entities'")
        assert cursor.fetchone()[0] == "m"


FUZZY_QUERIES = ["Hotmial~", "wurm~", "Microsfot~2", "serv~ OR virus", "title:wurm~"]


@pytest.mark.postgres_only
def test_a_fuzzy_words_matches_are_counted_one_index_scan_per_word_with_the_same_answer(
        db, postgres_search, monkeypatch):
    from archive.search.postgres import ranking

    search_corpus.build()
    monkeypatch.setattr(ranking, "SPLIT_MIN", 10**6)  # never split: the tsquery's OR as the index checks it
    whole = {text: search.search(text) for text in FUZZY_QUERIES}
    assert all(page.total for page in whole.values()), [(t, p.total) for t, p in whole.items()]
    monkeypatch.setattr(ranking, "SPLIT_MIN", 2)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        split = {text: search.search(text) for text in FUZZY_QUERIES}
    assert any("OR d.vec @@ %s::tsquery" in sql for sql in statements)
    for text, page in whole.items():
        assert (split[text].total, split[text].facets) == (page.total, page.facets), text
        assert [(r["slug"], r["score"]) for r in split[text].results] == \
            [(r["slug"], r["score"]) for r in page.results], text


@pytest.mark.parametrize(("tsquery", "parts"), [
    ("('a':ABC | 'b''c':ABC | 'd':*AC)", ["'a':ABC", "'b''c':ABC", "'d':*AC"]),
    ("'x|y':B | ('e' & 'f')", ["'x|y':B", "('e' & 'f')"]),
    ("('a' | 'b') & ('c' | 'd')", ["('a' | 'b') & ('c' | 'd')"]),
])
def test_a_tsquery_is_cut_at_its_top_level_ors_only(tsquery, parts):
    from archive.search.postgres.ranking import _disjuncts

    assert _disjuncts(tsquery) == parts


def test_only_an_or_of_plain_terms_is_split():
    from archive.search.postgres.ranking import _split_disjunction

    where = "d.language = 'de' AND d.vec @@ %s::tsquery AND d.entities @> %s::jsonb"
    terms = ["'a':ABC", "'b':ABC", "'c':ABC", "'d':ABC"]
    split, params = _split_disjunction(where, ["(" + " | ".join(terms) + ")", "[]"])
    assert split.count("d.vec @@ %s::tsquery") == 4 and params == [*terms, "[]"]
    negated = ["(" + " | ".join([*terms, "!'e'"]) + ")", "[]"]
    assert _split_disjunction(where, negated) == (where, negated)


@pytest.mark.postgres_only
def test_past_the_count_cap_the_total_says_more_than_and_the_page_and_api_say_so(
        db, postgres_search, monkeypatch, client):
    from archive.search.postgres import ranking

    search_corpus.build()
    exact = search.search("worm")
    assert exact.total > 2 and not exact.total_is_lower_bound
    monkeypatch.setattr(ranking, "RANK_ALL", 1)  # the cap stays above RANK_ALL, as in the module
    monkeypatch.setattr(ranking, "COUNT_CAP", 2)
    capped = search.search("worm")
    assert capped.total == 2 and capped.total_is_lower_bound
    assert sum(item["count"] for item in capped.facets["type"]) == 2  # the facets count the two counted
    body = client.get("/api/search", {"q": "worm"}).json()
    assert body["total"] == 2 and body["total_is_lower_bound"] is True
    page = client.get("/search/", {"q": "worm"}).content.decode()
    assert "More than 2 results" in page and "Counted over the first 2 results only" in page
    monkeypatch.setattr(ranking, "COUNT_CAP", 10**6)
    assert client.get("/api/search", {"q": "worm"}).json()["total_is_lower_bound"] is False


@pytest.mark.postgres_only
def test_a_fuzzy_words_candidates_come_from_its_nearest_words_and_its_total_from_all(
        db, postgres_search, monkeypatch):
    from archive.search.postgres import compile as compiler
    from archive.search.postgres import ranking

    search_corpus.build()
    monkeypatch.setattr(ranking, "RANK_ALL", 0)  # always rank candidates only
    every = {text: search.search(text) for text in [*RANKED_QUERIES, *FUZZY_QUERIES]}
    monkeypatch.setattr(compiler, "FUZZY_RANK_WORDS", 1)
    for text, page in every.items():
        narrow = search.search(text)
        assert (narrow.total, narrow.facets) == (page.total, page.facets), text
        if "~" not in text:  # common words and prefixes: the same top ten
            assert [(r["slug"], r["score"]) for r in narrow.results] == \
                [(r["slug"], r["score"]) for r in page.results], text


def _plans(statements, marker):
    """EXPLAIN ANALYZE (JSON) of each recorded statement containing `marker`: their plan nodes, flattened."""
    nodes = []
    for sql, params in statements:
        if marker not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # as the search sets them (ranking.py)
            cursor.execute(f"SET LOCAL enable_indexscan = {'off' if 'GROUPING SETS' in sql else 'on'}")
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        stack = [(plan[0] if isinstance(plan, list) else plan)["Plan"]]
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(node.get("Plans", []))
    return nodes


def _recorded(text, **options):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page = search.search(text, **options)
    return page, statements


def _language_filters(nodes):
    """Steps that ran and sorted rows out by language."""
    return [node for node in nodes if "= 'de'::text" in node.get("Filter", "") and node.get("Actual Loops")]


@pytest.mark.postgres_only
def test_the_german_branch_reads_only_german_documents(db, postgres_search):
    """The German stems of an English word are in English documents too: the German branch reads the
    partial index of German documents (migration 0014), not every match of the whole index sorted out
    by language row by row."""
    search_corpus.build()
    page, statements = _recorded("servers")  # German stem "serv", English "server": a branch per language
    assert page.total > 1
    nodes = _plans(statements, "d.language = 'de' AND")
    assert any(node.get("Index Name") == "archive_searchdocument_vec_de" for node in nodes)
    assert _language_filters(nodes) == []
    with connection.cursor() as cursor:  # the check itself: without the index, the rows are sorted out
        cursor.execute("DROP INDEX archive_searchdocument_vec_de")
    assert _language_filters(_plans(statements, "d.language = 'de' AND"))


@pytest.mark.postgres_only
def test_past_the_cap_the_shortest_matches_are_read_among_the_short_documents_only(
        db, postgres_search, monkeypatch):
    """Facets count the first COUNT_CAP matches; the shortest candidates are of every match, found among
    the documents no longer than the CANDIDATES-th shortest counted one: the rest need not be read."""
    from archive.search.postgres import ranking

    search_corpus.build()
    every = {text: search.search(text) for text in RANKED_QUERIES}
    monkeypatch.setattr(ranking, "RANK_ALL", 0)  # rank candidates only
    monkeypatch.setattr(ranking, "COUNT_CAP", 2)
    monkeypatch.setattr(ranking, "CANDIDATES", 2)  # the shortest two: most of the matches are past them
    for text, page in every.items():
        capped, statements = _recorded(text)
        assert capped.total == min(page.total, 2) and capped.total_is_lower_bound == (page.total > 2), text
        assert [(r["slug"], r["score"]) for r in capped.results][:2] == \
            [(r["slug"], r["score"]) for r in page.results][:2], text
    _, statements = _recorded("worm")
    ran = [node for node in _plans(statements, "GROUPING SETS") if node.get("Actual Loops")]
    assert any("vec_length <= " in node.get("Recheck Cond", "") + node.get("Index Cond", "") for node in ran)


def test_the_candidates_check_again_only_what_the_index_did_not():
    """Rows the rank query's index scan returns match it: the condition's same `vec @@` is TRUE there, so
    their vectors are not unpacked to check it again; other tsqueries are checked row by row."""
    from archive.search.postgres.ranking import _unindexed

    where = "d.language = 'de' AND (d.entities @> %s::jsonb OR d.vec @@ %s::tsquery) AND d.vec @@ %s::tsquery"
    sql, params = _unindexed(where, ["[\"x\"]", "'worm':AC", "'code':AC"], "'worm':AC")
    assert sql == ("d.language = 'de' AND (d.entities @> %s::jsonb OR TRUE) "
                   "AND ts_match_vq(d.vec, %s::tsquery)")
    assert params == ["[\"x\"]", "'code':AC"]
    assert _unindexed("d.type = %s", ["article"], "'worm':AC") == ("d.type = %s", ["article"])


@pytest.mark.postgres_only
def test_a_fuzzy_words_pages_past_the_candidates_rank_every_match(db, postgres_search, monkeypatch):
    """A page past what candidates cover ranks every match, with a fuzzy word's OR split into one condition
    per word: its parameters were given unsplit, and such a page failed."""
    from archive.search.postgres import ranking

    search_corpus.build()
    every = {text: search.search(text, per_page=2) for text in FUZZY_QUERIES}
    monkeypatch.setattr(ranking, "RANK_ALL", 0)
    monkeypatch.setattr(ranking, "CANDIDATES", 1)  # a page of two is past the candidates
    monkeypatch.setattr(ranking, "SPLIT_MIN", 2)
    for text, page in every.items():
        assert [(r["slug"], r["score"]) for r in search.search(text, per_page=2).results] == \
            [(r["slug"], r["score"]) for r in page.results], text


@pytest.mark.postgres_only
def test_a_fuzzy_words_very_common_neighbour_is_not_where_its_candidates_come_from(
        db, postgres_search, monkeypatch):
    """"them~" finds "the", in most documents: candidates in the index's order through it had the index
    order nearly every document (138 ms at 100,000 articles). They come from the other near words (the
    word itself always); "the" still matches and scores, so the total and facets stay."""
    from archive.search import query as q
    from archive.search.postgres import compile as compiler
    from archive.search.postgres import ranking

    search_corpus.build()
    monkeypatch.setattr(compiler, "COMMON_NEIGHBOUR_SHARE", 0.1)  # 18 documents: "the" is in a few
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_searchdocument")  # the share comes from the planner's statistics
        compilers, _ = compiler.compile_both(cursor, q.parse("them~"))
    assert "the" in compilers["en"].lexicon.common and "them" not in compilers["en"].lexicon.common
    [(every, few)] = compilers["en"].narrow
    assert "'the':" in every and "'the':" not in few and "'them':" in few
    monkeypatch.setattr(ranking, "RANK_ALL", 0)  # always rank candidates only
    narrowed = search.search("them~")
    monkeypatch.setattr(compiler, "COMMON_NEIGHBOUR_SHARE", 1.0)  # no neighbour that common
    assert (narrowed.total, narrowed.facets) == (search.search("them~").total, search.search("them~").facets)
    assert narrowed.total > 0
