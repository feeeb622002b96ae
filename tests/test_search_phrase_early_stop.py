"""A phrase of common words checked best bound first (Ranker.best) gives the page a check of
every candidate gives: the same documents, order and scores, on an index where most documents
hold the phrase's words but not the phrase."""

import heapq
import random

import pytest
from whoosh import index
from whoosh import query as wq

from archive import search
from archive.search.whoosh import analysis, bestfirst, internals, ranking
from archive.search.whoosh.ranking import Ranker, SegmentTables
from tests import search_corpus


def _top(scores, count):
    return [docnum for docnum, _ in heapq.nlargest(count, scores.items(), key=lambda item: (item[1], -item[0]))]


@pytest.fixture
def common_words(tmp_path):
    """Three segments and deletions; every document holds alpha and beta, about one in five as "alpha beta"."""
    rng = random.Random(7)
    others = ["gamma", "delta", "epsilon"]
    ix = index.create_in(str(tmp_path), analysis.schema())
    for batch in range(3):
        writer = ix.writer()
        for n in range(600):
            words = [rng.choice(others) for _ in range(rng.randint(4, 60))]
            for word in ("beta", "alpha") * rng.randint(1, 3):  # "beta ... alpha": never the phrase
                words.insert(rng.randrange(len(words) + 1), word)
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words) + 1), "alpha beta")
            body = " ".join(words)
            words.reverse()
            writer.add_document(key=f"{batch}-{n}", type="article", body_en=body, title_en=" ".join(words[:8]))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 600, 9):
        writer.delete_by_term("key", f"1-{n}")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3 and searcher.reader().has_deletions()
        yield searcher


QUERIES = [
    wq.Phrase("body_en", ["alpha", "beta"]),
    # As a compiled query: the phrase in several fields, summed; a word beside it; a boost.
    wq.Or([wq.Phrase("title_en", ["alpha", "beta"]), wq.Phrase("body_en", ["alpha", "beta"])]),
    wq.Or([wq.Phrase("body_en", ["alpha", "beta"]), wq.Term("title_en", "gamma", boost=0.5)]),
    wq.Or([wq.Phrase("body_en", ["alpha", "gamma", "beta"], slop=4), wq.Phrase("title_en", ["beta", "alpha"])]),
]


@pytest.mark.parametrize("query", QUERIES, ids=str)
@pytest.mark.parametrize("count", [1, 10, 30])
def test_the_best_page_is_what_checking_every_candidate_gives(common_words, query, count):
    searcher = common_words
    ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
    full = ranker.matches(query).scores
    found, complete = ranker.best(query, count, least=0)
    assert _top(found.scores, count) == _top(full, count)
    for docnum in _top(full, count):
        assert found.scores[docnum] == pytest.approx(full[docnum], rel=1e-12)
    theirs = searcher.search(query, limit=count)
    assert [hit.score for hit in theirs] == pytest.approx([full[docnum] for docnum in _top(full, count)], rel=1e-6)
    assert set(found.scores) <= set(full)
    assert all(found.scores[docnum] == pytest.approx(full[docnum], rel=1e-12) for docnum in found.scores)
    # It stopped early, and "more than" the matches it counted is true.
    assert not complete and len(found.scores) < len(full)


def test_filters_keep_the_page_exact(common_words):
    searcher = common_words
    ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
    query = QUERIES[1]
    allowed = set(range(0, searcher.doc_count_all(), 3))
    full = {docnum: score for docnum, score in ranker.matches(query).scores.items() if docnum in allowed}
    found, _ = ranker.best(query, 10, allowed, least=0)
    assert set(found.scores) <= allowed
    assert _top(found.scores, 10) == _top(full, 10)


def test_few_candidates_are_checked_the_usual_way(common_words):
    ranker = Ranker(common_words, lambda reader: SegmentTables().view(reader))
    assert ranker.best(QUERIES[0], 10) is None  # fewer than EARLY_STOP_CANDIDATES documents hold the words
    assert ranker.best(wq.And([wq.Term("body_en", "alpha"), wq.Term("body_en", "beta")]), 10, least=0) is None


@pytest.fixture
def early_stopping(db, settings, monkeypatch):
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    search_corpus.build()
    monkeypatch.setattr(ranking, "EARLY_STOP_CANDIDATES", 1)


def test_the_search_says_more_than_its_total_when_it_stopped_early(early_stopping, monkeypatch):
    stopped = search.search('"Code Red"', per_page=1, query_language_only=True)
    monkeypatch.setattr(ranking, "EARLY_STOP_CANDIDATES", 10**9)
    checked = search.search('"Code Red"', per_page=1, query_language_only=True)
    assert checked.total > 1 and not checked.total_is_lower_bound
    assert stopped.total_is_lower_bound and not stopped.partial and stopped.total < checked.total
    assert stopped.as_json()["total_is_lower_bound"] is True
    assert [r["slug"] for r in stopped.results] == [r["slug"] for r in checked.results]


def test_a_sort_by_date_checks_every_candidate(early_stopping):
    by_date = search.search('"Code Red"', sort="-date", per_page=1, query_language_only=True)
    assert not by_date.total_is_lower_bound and by_date.total > 1


def test_the_page_says_more_than_and_links_the_next_page(early_stopping, client):
    stopped = search.search('"Code Red"', per_page=1, query_language_only=True)
    assert stopped.total_is_lower_bound and stopped.pages > stopped.total / stopped.per_page
    params = {"q": '"Code Red"', "per_page": 1, "query_language_only": 1}
    page = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"More than {stopped.total} results" in page and "page=2" in page
    page = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert f"Mehr als {stopped.total} Ergebnisse" in page


@pytest.fixture(scope="module", params=["whoosh", "ours"])
def titles_and_bodies(request, tmp_path_factory):
    """Three segments (written by Whoosh's writer or ours) and deletions. Every body holds alpha and
    beta, most as the phrase, in long bodies; about one title in twelve holds the phrase, as many
    others both words but not the phrase. A few
    bodies are short, the phrase and little else, scoring far above the rest: some behind a title
    with the phrase, some without. Some documents come twice (equal scores)."""
    from archive.search.whoosh.writer import Writer

    rng = random.Random(11)
    others = ["gamma", "delta", "epsilon", "zeta"]
    ix = index.create_in(str(tmp_path_factory.mktemp(f"bodies-{request.param}")), analysis.schema())
    twins = []
    for batch in range(3):
        writer = ix.writer() if request.param == "whoosh" else Writer(ix)
        for n in range(900):
            body = [rng.choice(others) for _ in range(rng.randint(30, 150))]
            for _ in range(rng.randint(1, 4)):
                body.insert(rng.randrange(len(body) + 1), "alpha beta" if rng.random() < 0.6 else "beta x alpha")
            title = [rng.choice(others) for _ in range(rng.randint(2, 12))]
            if rng.random() < 1 / 12:
                title.insert(rng.randrange(len(title) + 1), "alpha beta")
            elif rng.random() < 1 / 12:  # short titles with both words, not the phrase: high bounds, no match
                title = ["beta", rng.choice(others), "alpha"]
            if n % 150 == 75:  # a short body of the phrase, one with a title holding it too
                body = ["alpha", "beta"] * rng.randint(1, 3) + ["gamma"] * rng.randint(0, 3)
                if n % 300 == 75:
                    title = ["alpha", "beta"] + [rng.choice(others) for _ in range(rng.randint(5, 12))]
            if n % 200 == 13 and twins:
                title, body = twins[rng.randrange(len(twins))]
            elif n % 200 == 7:
                twins.append((title, body))
            writer.add_document(key=f"{batch}-{n}", type="article", body_en=" ".join(body), title_en=" ".join(title))
        writer.commit(merge=False)
    writer = ix.writer()
    for key in ["1-75", "0-375", "2-7"] + [f"1-{n}" for n in range(0, 900, 11)]:
        writer.delete_by_term("key", key)
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3 and searcher.reader().has_deletions()
        yield searcher


BODY_BLOCKS_QUERIES = [
    wq.Or([wq.Phrase("title_en", ["alpha", "beta"]), wq.Phrase("body_en", ["alpha", "beta"])]),
    wq.Or([wq.Phrase("body_en", ["alpha", "beta"], boost=2.0), wq.Phrase("title_en", ["alpha", "beta"]),
           wq.Term("title_en", "zeta", boost=0.5), wq.Term("body_en", "alpha")]),
    wq.Or([wq.Phrase("body_en", ["alpha", "gamma", "beta"], slop=4), wq.Phrase("title_en", ["alpha", "beta"])]),
]


def _same_page(found, full, count):
    assert _top(found.scores, count) == _top(full, count)
    assert set(found.scores) <= set(full)
    assert all(found.scores[docnum] == pytest.approx(full[docnum], rel=1e-12) for docnum in found.scores)


@pytest.mark.parametrize("query", BODY_BLOCKS_QUERIES, ids=str)
@pytest.mark.parametrize("count", [1, 3, 10, 40])
@pytest.mark.parametrize("least", [0, 1000])
@pytest.mark.parametrize("queued", [bestfirst.QUEUED, 1])
def test_bodies_read_a_block_at_a_time_give_the_page_of_a_full_check(titles_and_bodies, query, count, least, queued,
                                                                     monkeypatch):
    """least=1000: the titles (a few hundred documents) are read whole, the bodies (every document)
    a block at a time where a candidate may reach the page; least=0: the titles too. queued=1: of
    the candidates a part read whole brings, only the best bound is queued, the rest when reached."""
    monkeypatch.setattr(bestfirst, "QUEUED", queued)
    searcher = titles_and_bodies
    ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
    full = ranker.matches(query).scores
    found, complete = ranker.best(query, count, least=least)
    _same_page(found, full, count)
    theirs = searcher.search(query, limit=count)
    assert [hit.score for hit in theirs] == pytest.approx([full[docnum] for docnum in _top(full, count)], rel=1e-6)
    assert complete == (len(found.scores) == len(full))
    # The page holds documents with equal scores (twins), the older one first.
    if count == 40:
        page = [full[docnum] for docnum in _top(full, count)]
        assert len(set(page)) < len(page)


def test_blocks_whose_headers_bound_them_below_the_page_are_not_read(tmp_path, monkeypatch):
    """The first block's bodies are short, the others long: a document of another block with the
    phrase in its title too is bounded by its blocks' headers below the page, and they go unread."""
    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = ix.writer()
    for n in range(1280):  # ten blocks of 128 postings for each word
        body = "alpha beta" if n < 128 else " ".join(["gamma"] * 150 + ["alpha beta"])
        writer.add_document(key=str(n), type="article", body_en=body, title_en="alpha beta" if n % 10 == 0 else "delta")
    writer.commit()
    query = BODY_BLOCKS_QUERIES[0]
    read = []
    original = internals.PostingBlocks.read

    def counted(blocks, i):
        read.append((id(blocks), i))
        return original(blocks, i)

    monkeypatch.setattr(internals.PostingBlocks, "read", counted)
    with ix.searcher() as searcher:
        ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
        found, complete = ranker.best(query, 10, least=1000)
        assert not complete and 2 <= len(set(read)) <= 4  # of 20
        monkeypatch.undo()
        full = ranker.matches(query).scores
    _same_page(found, full, 10)
    assert max(_top(full, 10)) < 128


@pytest.mark.parametrize("count", [1, 10])
def test_filters_and_deletions_keep_the_page_exact_when_bodies_are_read_by_blocks(titles_and_bodies, count):
    searcher = titles_and_bodies
    ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
    query = BODY_BLOCKS_QUERIES[0]
    full = ranker.matches(query).scores
    best = _top(full, 3)
    for allowed in (set(range(0, searcher.doc_count_all(), 2)), set(range(searcher.doc_count_all())) - set(best)):
        kept = {docnum: score for docnum, score in full.items() if docnum in allowed}
        found, _ = ranker.best(query, count, allowed, least=1000)
        assert set(found.scores) <= allowed
        _same_page(found, kept, count)
    assert not ranker.deleted.intersection(full)


@pytest.mark.parametrize("queued", [bestfirst.QUEUED, 3])
def test_bodies_read_whole_late_still_bring_their_best_documents(tmp_path, monkeypatch, queued):
    """The titles hold the phrase in more documents than the page, but in long titles (low scores);
    a few short bodies of the phrase score above all of them. The page is not certain until the
    bodies are read, after the titles filled it: their best documents come onto it."""
    monkeypatch.setattr(bestfirst, "QUEUED", queued)
    rng = random.Random(5)
    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = ix.writer()
    for n in range(1500):
        body = [rng.choice(["gamma", "delta", "zeta"]) for _ in range(rng.randint(40, 160))]
        if n % 5 < 2 and n % 8 != 3:  # alpha and beta in two bodies of five, none behind those titles
            body.insert(rng.randrange(len(body) + 1), "alpha beta" if rng.random() < 0.5 else "beta x alpha")
        title = "delta"
        if n % 8 == 3:
            title = " ".join(["alpha beta"] + ["delta"] * rng.randint(150, 250))
        if n % 70 == 12:  # never one of those titles
            body = ["alpha", "beta"] * rng.randint(1, 3) + ["gamma"] * rng.randint(0, 3)
        writer.add_document(key=str(n), type="article", body_en=" ".join(body), title_en=title)
    writer.commit()
    query = BODY_BLOCKS_QUERIES[0]
    with ix.searcher() as searcher:
        ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
        full = ranker.matches(query).scores
        for count in (5, 10, 25, 60):
            found, complete = ranker.best(query, count, least=300)
            _same_page(found, full, count)
            assert not complete and len(found.scores) < len(full)
        assert sum(1 for docnum in _top(full, 10) if docnum % 70 == 12) >= 5  # the short bodies lead
