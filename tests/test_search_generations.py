"""One long-lived process reading while the index is written: every answer as a fresh process gives it.

A web worker keeps its searcher and per-segment tables across requests; these tests write
(add, update, delete, and enough small commits that Whoosh merges segments) between
queries of every kind, and after each write compare the long-lived reader's answers with
those of a reader that starts from nothing, as a new process would.
"""

import os
import random
import threading
import time

import pytest
from django.db import connections, transaction

from archive import search
from archive.models import Article, Entity, Mention
from archive.search.types import Filters
from archive.search.whoosh import ranking, searchers
from tests import search_corpus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.whoosh_only]

# Every kind of query the ranker and the per-generation tables answer: words, German stems and
# compounds, entities, phrases, prefixes, fuzzy words, exclusions, date sorts, filters, facets.
QUERIES = [
    ("Wurm", {}),
    ("worm", {}),
    ("worm", {"sort": "date"}),
    ("worm", {"sort": "-date"}),
    ("entity:microsoft", {}),
    ("dollar", {}),
    ('"code red"', {}),
    ("serv*", {}),
    ("wurm~1", {}),
    ("worm -entity:microsoft", {}),
    ("title:worm OR Strom", {}),
    ("date:2001", {"sort": "-date"}),
    ("", {"filters": Filters(types=("article",), languages=("en",))}),
    ("", {"filters": Filters(entities=("microsoft",)), "sort": "date"}),
]


def answer(text, options):
    page = search.search(text, per_page=50, **options)
    return page.total, [(r["slug"], r["score"], r["snippet"]) for r in page.results], page.facets


def answers():
    return {f"{text} {options}": answer(text, options) for text, options in QUERIES}


def as_a_fresh_process():
    """The answers of a reader holding nothing from before: new searcher, no per-segment tables."""
    kept_pool, kept_segments = searchers.pool, dict(ranking._SEGMENTS)
    searchers.pool = searchers.ReaderPool()
    ranking._SEGMENTS.clear()
    try:
        return answers()
    finally:
        searchers.pool.close()
        searchers.pool = kept_pool
        ranking._SEGMENTS.clear()
        ranking._SEGMENTS.update(kept_segments)


def save_article(slug, title, body, language="en", entities=()):
    with transaction.atomic():
        article, _ = Article.objects.update_or_create(
            slug=slug, defaults={"title": title, "body": body, "language": language})
        for entity in entities:
            Mention.objects.get_or_create(article=article, entity=Entity.objects.get(slug=entity))


@pytest.fixture
def corpus():
    search_corpus.build()


def test_queries_needing_fields_not_read_before_still_answer_after_writes(corpus):
    # The first searcher reads only titles and bodies of the English fields...
    assert search.search("worm").total > 0
    # ...then three imports of one article, each changed, retire that searcher's generation.
    for round_ in range(3):
        save_article("imported", f"Imported worm report {round_}", f"A dollar figure, take {round_}.")
        assert search.search("worm").total > 0
    # Fields no query had read yet: read through the per-segment tables of the first segments.
    for text, options in [("Wurm", {}), ("entity:microsoft", {}), ("worm", {"sort": "date"}), ("dollar", {})]:
        assert answer(text, options) == as_a_fresh_process()[f"{text} {options}"]


def test_one_search_reads_one_generation_from_its_first_step_to_its_last(corpus):
    # A search asks for the generation (its entity names, facet labels) and then matches: an import
    # committing between the two must not give it names of one generation and matches of another.
    backend = search.get_backend()
    before = backend.generation()
    with backend.reading():
        assert backend.generation() == before
        save_article("written-meanwhile", "Worm written meanwhile", "A worm.")
        assert backend.generation() == before  # the held view
        held = search.search("meanwhile")
        assert held.total == 0
    assert backend.generation() != before  # the block over, the next search reads the new one
    assert search.search("meanwhile").total == 1


def test_a_write_is_seen_by_the_next_search_whether_the_index_had_settled_or_not(corpus, monkeypatch):
    # Which folder is current and its newest generation are kept between searches while the pointer's
    # and the folder's status stay as they were (store._unless_changed), once the last change is older
    # than SETTLED (here 50 ms): a write right after a search, and one after the index settled, are seen.
    from archive.search.whoosh import store

    monkeypatch.setattr(store, "_SETTLED_NS", 50_000_000)
    reads = []

    def counted(read):
        return lambda path: reads.append(path) or read(path)

    for name in ("_read_current", "_newest_toc"):
        monkeypatch.setattr(store, name, counted(getattr(store, name)))
    for step, pause in enumerate([0.0, 0.0, 0.2, 0.2, 0.0]):
        time.sleep(pause)
        assert search.search(f"settled{step}").total == 0
        if pause:  # settled before that search: the two after it read nothing again
            reads.clear()
            search.search("worm")
            search.search("Wurm")
            assert reads == []
        save_article(f"settled-{step}", f"Settled {step}", f"A report, settled{step}.")
        assert search.search(f"settled{step}").total == 1


def test_an_answer_read_within_settled_of_a_change_is_read_again(tmp_path, monkeypatch):
    # File times may be coarser than the time between a read and the next change: an answer read so
    # soon after a change is not kept, or a change in the same tick would go unseen.
    from archive.search.whoosh import store

    path = tmp_path / "CURRENT"
    path.write_text("index-a\n")
    status = os.stat(path)
    changed = max(status.st_mtime_ns, status.st_ctime_ns)
    reads = []

    def read(name):
        reads.append(name)
        return store._read_current(name)

    monkeypatch.setattr(store.time, "time_ns", lambda: changed + store._SETTLED_NS // 2)
    assert [store._unless_changed(str(path), read) for _ in range(2)] == ["index-a"] * 2
    assert len(reads) == 2
    monkeypatch.setattr(store.time, "time_ns", lambda: changed + 2 * store._SETTLED_NS)
    assert [store._unless_changed(str(path), read) for _ in range(3)] == ["index-a"] * 3
    assert len(reads) == 3  # settled: read once more, then kept
    path.write_text("index-bb\n")
    assert store._unless_changed(str(path), read) == "index-bb"
    path.unlink()
    assert store._unless_changed(str(path), read) is None


def test_an_error_inside_the_held_view_is_not_taken_for_a_damaged_index(corpus):
    # Entity names and facet labels are read from the database inside the view: its errors stay
    # its own, not "the search index cannot be read".
    backend = search.get_backend()
    with pytest.raises(LookupError, match="not the index"), backend.reading():
        raise LookupError("not the index")
    assert search.search("worm").total > 0  # the searcher was given back


def test_random_writes_between_queries_of_every_kind_answer_as_a_fresh_process(corpus):
    rng = random.Random(12)
    words = ["worm", "Wurm", "dollar", "Server", "Strom", "backdoor", "Internetwurm", "virus"]
    live = []
    for step in range(30):
        action = rng.choice(["add", "add", "update", "delete"] if live else ["add"])
        if action == "add":
            slug = f"written-{step}"
            language = rng.choice(["de", "en"])
            save_article(slug, f"{rng.choice(words)} {step}", " ".join(rng.choices(words, k=12)), language,
                         rng.sample(["microsoft", "hotmail", "cisco"], k=rng.randint(0, 2)))
            live.append(slug)
        elif action == "update":
            slug = rng.choice(live)
            save_article(slug, f"{rng.choice(words)} changed {step}", " ".join(rng.choices(words, k=8)))
        else:
            slug = live.pop(rng.randrange(len(live)))
            Article.objects.filter(slug=slug).delete()
        # Only some kinds before comparing, so later writes meet tables that earlier ones left half read.
        for text, options in rng.sample(QUERIES, k=4):
            answer(text, options)
        if step % 3 == 2:
            assert answers() == as_a_fresh_process(), f"after step {step} ({action})"
    assert search.check().clean


@pytest.fixture
def larger_corpus(corpus):
    """Enough long articles that postings fill blocks read from the segment files, not inline."""
    rng = random.Random(3)
    vocabulary = [f"{stem}{ending}" for stem in ("wurm", "server", "strom", "netz", "daten", "virus", "sicher")
                  for ending in ("", "e", "en", "es", "ung", "lich", "werk", "stelle")]
    with transaction.atomic(), search.deferred_indexing():
        for n in range(300):
            Article.objects.create(slug=f"bulk-{n}", title=f"Bericht {n}", language="de",
                                   body=" ".join(rng.choices(vocabulary, k=300)))


def test_threads_reading_one_process_while_it_is_written_see_no_error(larger_corpus):
    errors, stop = [], threading.Event()
    kinds = QUERIES + [("se*", {}), ("st* wu* se*", {}), ("server~2 wurm~2", {})]

    def read(offset):
        n = offset
        try:
            while not stop.is_set():
                text, options = kinds[n % len(kinds)]
                n += 1
                try:
                    answer(text, options)
                except Exception as exc:  # every error counts, whatever it is
                    errors.append(f"{text!r}: {type(exc).__name__}: {exc}")
        finally:
            # A thread's own database connection is its to close, as Django does after each request.
            connections.close_all()

    readers = [threading.Thread(target=read, args=(n,)) for n in range(6)]
    for thread in readers:
        thread.start()
    try:
        for step in range(12):
            save_article(f"threaded-{step % 4}", f"Worm {step}", f"Ein Wurm und ein Server, Runde {step}.", "de")
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []
    assert answers() == as_a_fresh_process()
