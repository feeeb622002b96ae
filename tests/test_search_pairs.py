"""Neighbouring common words indexed as one term (pairs.py): exactly the documents where they stand
side by side, chosen once per index, and phrases found through them as Whoosh finds and scores them."""

import datetime as dt
import random

import pytest
from whoosh import index
from whoosh import query as wq
from whoosh.writing import SegmentWriter

from archive import search
from archive.models import Article, Source
from archive.search import documents
from archive.search.whoosh import analysis, pairs, store
from archive.search.whoosh.ranking import Ranker, SegmentTables
from archive.search.whoosh.writer import Writer
from tests import search_corpus

COMMON = ["alpha", "beta", "gamma", "delta", "the", "said"]
RARE = ["omega", "sigma", "kappa", "zeta"]
LISTS = {"en": pairs.Lists(frozenset(["alpha", "beta", "gamma", "the", "said"]), frozenset(["the", "said"])),
         "de": pairs.NONE}


def _texts(rng, count):
    texts = []
    for _ in range(count):
        words = [rng.choice(COMMON) for _ in range(rng.randint(3, 60))]
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randrange(len(words)), rng.choice(RARE))
        texts.append(" ".join(words))
    return texts


def _index(folder, texts, lists, make=Writer, segments=3):
    ix = index.create_in(str(folder), analysis.schema(lists=lists))
    per = -(-len(texts) // segments)
    for first in range(0, len(texts), per):
        writer = make(ix)
        for number, text in enumerate(texts[first:first + per], first):
            writer.add_document(key=str(number), type="article", body_en=text, pairs_en=text)
        writer.commit(merge=False)
    return ix


def test_choose_pairs_the_common_words_but_not_two_of_the_commonest():
    texts = [("en", "the said alpha" + (" beta" if n % 10 == 0 else "") + (" zeta" if n % 50 == 0 else ""))
             for n in range(pairs.MIN_DOCUMENTS)]
    texts += [("de", "der Wurm")] * 10
    lists = pairs.choose(texts, {"en": analysis.ENGLISH.words, "de": analysis.GERMAN.words})
    english = lists["en"]
    assert english.paired == {"the", "said", "alpha", "beta"}  # zeta: in 2% of the documents
    assert english.top == {"the", "said", "alpha"}
    assert not english.pairable("the", "said") and english.pairable("said", "beta")
    assert english.terms(["the", "said", "beta", "zeta", "beta", "alpha"]) == {"said beta", "beta alpha"}
    assert lists["de"] == pairs.NONE  # too few German documents to say what is common


@pytest.mark.parametrize("make", [Writer, SegmentWriter])
def test_a_pair_term_holds_exactly_the_documents_where_its_words_stand_together(tmp_path, make):
    texts = _texts(random.Random(3), 400)
    ix = _index(tmp_path, texts, LISTS, make=make)
    english = LISTS["en"]
    checked = 0
    with ix.reader() as reader:
        for first in english.paired:
            for second in english.paired:
                words_of = (analysis.ENGLISH.words(text) for text in texts)
                expected = {n for n, words in enumerate(words_of)
                            if any(pair == (first, second) for pair in zip(words, words[1:]))}  # noqa: B905
                term = f"{first} {second}"
                found = set(reader.postings("pairs_en", term).all_ids()) if (
                    "pairs_en", term) in reader else set()
                if english.pairable(first, second):
                    assert found == expected, term
                    checked += bool(expected) and len(expected) < len(texts)
                else:
                    assert not found, term
    assert checked >= 10


PHRASES = [["alpha", "beta"], ["beta", "alpha"], ["said", "gamma"], ["gamma", "the"], ["alpha", "alpha"],
           ["alpha", "beta", "gamma"], ["the", "alpha", "said"], ["omega", "alpha"], ["the", "said"],
           ["alpha", "delta"], ["said", "beta", "omega"]]


@pytest.mark.parametrize("slop", [1, 2])
def test_phrases_found_through_pairs_match_and_score_as_whoosh_does(tmp_path, slop):
    texts = _texts(random.Random(4), 900)
    ix = _index(tmp_path, texts, LISTS)
    writer = ix.writer()
    for number in range(0, 900, 11):
        writer.delete_by_term("key", str(number))
    writer.commit(merge=False)
    queries = [wq.Phrase("body_en", words, slop=slop) for words in PHRASES]
    queries += [wq.And([wq.Phrase("body_en", ["alpha", "beta"], slop=slop), wq.Term("body_en", "omega")]),
                wq.Or([wq.Phrase("body_en", ["said", "gamma"], slop=slop), wq.Term("body_en", "kappa")])]
    with ix.searcher() as searcher:
        assert searcher.reader().has_deletions() and len(searcher.leaf_searchers()) == 3
        tables = {}
        ranker = Ranker(searcher, lambda reader: tables.setdefault(reader.segment().segment_id(),
                                                                   SegmentTables()).view(reader))
        for query in queries:
            ranker._start(None)
            ours = ranker.matches(query).scores
            theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert ours.keys() == theirs.keys(), query
            assert all(ours[docnum] == pytest.approx(theirs[docnum], rel=1e-6) for docnum in theirs), query
        ranker._start(None)
        taken = [words for words in PHRASES if ranker._pairs("body_en", words, slop)[1]]
    if slop == 1:  # these went through their pairs
        assert ["alpha", "beta"] in taken and ["alpha", "beta", "gamma"] in taken and ["said", "gamma"] in taken
        assert ["the", "said"] not in taken and ["alpha", "delta"] not in taken
    else:
        assert not taken


@pytest.fixture
def wire(db, settings, monkeypatch):
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", 40)
    search_corpus.build(index=False)
    source, _ = Source.objects.get_or_create(slug="wire", defaults={"name": "Wire", "language": "en"})
    rng = random.Random(6)
    fillers = [f"filler{n}" for n in range(40)]
    pieces = ["alpha beta", "said gamma", "alpha beta gamma", "the alpha", "gamma alpha"]
    for number in range(80):
        words = [rng.choice(fillers) for _ in range(25)]
        for piece in pieces:
            if rng.random() < 0.15:
                words.insert(rng.randrange(len(words)), piece)
        Article.objects.create(slug=f"wire-{number}", source=source, language="en",
                               date=dt.date(2001, 8, 1 + number % 28), title=f"Wire {number}", body=" ".join(words))
    return source


def _pages(phrases):
    return {text: [(result["slug"], result["score"]) for result in search.search(text, per_page=100).results]
            for text in phrases}


def test_a_rebuild_chooses_the_pairs_and_later_writes_keep_them(wire, monkeypatch):
    phrases = ['"alpha beta"', '"said gamma"', '"alpha beta gamma"', '"the alpha"', '"worm infected"']
    search.rebuild()
    folder = store.root_folder() / store.current_name(store.root_folder())
    lists = pairs.read(folder)
    assert {"alpha", "beta", "gamma", "said"} <= lists["en"].paired - lists["en"].top and lists["de"] == pairs.NONE
    paired = _pages(phrases)
    assert all(paired[text] for text in phrases[:3])
    # Written later by the live index (another segment), with the index's own lists.
    article = Article.objects.create(slug="wire-late", source=wire, language="en", date=dt.date(2001, 9, 1),
                                     title="Late", body="zeta omega alpha beta kappa")
    search.get_backend().update({f"article:{article.pk}"})
    assert "wire-late" in [slug for slug, _ in _pages(['"alpha beta"'])['"alpha beta"']]
    with store.reading_index():
        reader = store.open_index(folder).reader()
        bodies = (analysis.ENGLISH.words(doc["text"]) for doc in documents.all_documents() if doc["language"] != "de")
        assert reader.doc_frequency("pairs_en", "alpha beta") == sum(
            ("alpha", "beta") in zip(words, words[1:]) for words in bodies)  # noqa: B905
        reader.close()
    paired = _pages(phrases)
    # The same pages from an index that pairs nothing.
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", 10**6)
    search.rebuild()
    folder = store.root_folder() / store.current_name(store.root_folder())
    assert pairs.read(folder)["en"] == pairs.NONE
    assert _pages(phrases) == paired


def test_a_bulk_write_into_an_empty_index_chooses_the_pairs_and_a_later_one_keeps_them(wire, monkeypatch):
    root = store.root_folder()
    store.open_current(root)  # created empty, before the archive had anything to choose from
    folder = root / store.current_name(root)
    assert pairs.read(folder)["en"] == pairs.NONE
    keys = {str(key) for key in documents.querysets()["article"].values_list("pk", flat=True)}
    search.get_backend().update({f"article:{pk}" for pk in keys})  # as an import's deferred write
    assert store.current_name(root) == folder.name
    chosen = pairs.read(folder)["en"]
    assert {"alpha", "beta"} <= chosen.paired
    assert _pages(['"alpha beta"'])['"alpha beta"']
    with store.reading_index():
        reader = store.open_index(folder).reader()
        assert reader.doc_frequency("pairs_en", "alpha beta") > 0
        reader.close()
    # The index now holds documents: a later write, however large, keeps the words its postings were paired with.
    monkeypatch.setattr(pairs, "PAIRED_SHARE", 0.9)
    search.get_backend().update({f"article:{pk}" for pk in keys})
    assert pairs.read(folder)["en"] == chosen


def _update_index():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("update_index", stdout=out)
    return out.getvalue()


ADVICE = "pairs no common words"


def test_update_index_says_when_an_index_grown_a_few_records_at_a_time_would_pair_words_if_rebuilt(wire, monkeypatch):
    root = store.root_folder()
    store.open_current(root)  # created empty, before the archive had anything to choose from
    keys = sorted(f"{kind}:{pk}" for kind, queryset in documents.querysets().items()
                  for pk in queryset.values_list("pk", flat=True))
    for start in range(0, len(keys), 25):  # a few records at a time, as edits and small imports write them
        search.get_backend().update(set(keys[start:start + 25]))
    assert not store.pairs_chosen()
    first = _update_index()
    assert "Updated the search index" in first and ADVICE in first
    again = _update_index()
    assert "up to date" in again and ADVICE in again
    # An archive too small to tell which words are common: nothing to advise, whether the index is (all
    # languages together) or only each language is too small.
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", 10**6)
    assert ADVICE not in _update_index()
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", search.get_backend().count())
    assert not store.would_pair()
    assert ADVICE not in _update_index()
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", 40)
    search.rebuild()
    assert store.pairs_chosen()
    assert ADVICE not in _update_index()
