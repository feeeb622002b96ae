"""Our block-wise matching and scoring gives what Whoosh's own collector gives, query by query.

The index is made to have several segments and deleted documents (records changed after
the rebuild), which is how a live index looks between merges.
"""

import pytest

from archive import search
from archive.models import Article
from archive.search import query as q
from archive.search.aliases import alias_table, expand_aliases
from archive.search.whoosh import analysis, compile, searchers, store
from archive.search.whoosh.ranking import Ranker, segment_tables
from tests import search_corpus

QUERIES = [
    "Hotmail", "Wurm", "wurm server", "Hotmail OR Symantec", "Code Red", "Code Red 2", "29 a", "Muenchen",
    "Strasse", '"Code Red"', '"worm infected"~3', "Symantek~", "Hotm*", "serv*", "Modem", "Internet*",
    "Wurm -entity:microsoft", "NOT Hotmail", "worm NOT (Hotmail OR backdoor)", "title:Hotmail", "entity:symantec",
    "source:bbc", "lang:de", "type:event", "date:2001", "date:[2001-07 to 2001-08]", "Code Red date:2001-08",
    "virus (group OR company)", "Cisco-Modems", "IIS Patch", '"Code Red II"', '"aimed a flood"', '"Code Red worm"',
    '"worm infected thousands"~2', '"infected worm"~3', "nothing-matches-this",
]
FIND_NOTHING = {'"infected worm"~3', "nothing-matches-this"}  # a phrase's words must keep their order


@pytest.fixture
def changed_index(db, settings):
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    search_corpus.build()
    backend = search.get_backend()
    for slug in ("taz-code-red", "bbc-markets", "bbc-hotmail-outage"):
        article = Article.objects.get(slug=slug)
        article.body += " Nachtrag: der Wurm ist fort; the worm is gone."
        article.save()
        backend.update({f"article:{article.pk}"})  # one commit each: a segment and a deletion each
    with searchers.pool.reader() as reader:
        searcher = reader.searcher
        assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
        yield searcher, store.root_folder() / reader.generation.name


def compiled(text):
    tree, _ = expand_aliases(q.parse(text), alias_table(search.get_backend().generation()))
    return compile.compile_tree(tree)


@pytest.mark.parametrize("text", QUERIES)
def test_it_matches_and_scores_as_whoosh_does(changed_index, text):
    searcher, folder = changed_index
    query = compiled(text)
    ours = Ranker(searcher, lambda reader: segment_tables(folder, reader)).matches(query).scores
    theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert set(ours) == set(theirs)
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-6), (text, searcher.stored_fields(docnum)["key"])


def test_the_queries_find_something(changed_index):
    searcher, folder = changed_index
    ranker = Ranker(searcher, lambda reader: segment_tables(folder, reader))
    nothing = {text for text in QUERIES if not ranker.matches(compiled(text)).scores}
    assert nothing == FIND_NOTHING  # so the comparisons above compare something


def test_it_says_which_terms_matched_a_document(changed_index):
    searcher, folder = changed_index
    ranker = Ranker(searcher, lambda reader: segment_tables(folder, reader))
    found = ranker.matches(compiled("worm NOT (Hotmail OR backdoor)"))
    for docnum in found.scores:
        terms = found.terms_of(docnum)
        assert terms and all(text.startswith("worm") for _, text in terms)  # never the excluded words
    theirs = searcher.search(compiled("Hotmail Symantec OR backdoor"), limit=None, terms=True)
    ours = ranker.matches(compiled("Hotmail Symantec OR backdoor"))
    for hit in theirs:
        expected = {(fieldname, text.decode()) for fieldname, text in hit.matched_terms()}
        assert set(ours.terms_of(hit.docnum)) == expected


def test_long_postings_across_blocks_and_segments_match_whoosh(tmp_path):
    """Postings of many blocks, where the rarer parts of a query let whole blocks be skipped."""
    import random

    from whoosh import index
    from whoosh import query as wq

    from archive.search.whoosh.ranking import SegmentTables

    rng = random.Random(5)
    common, rare = ["alpha", "beta", "gamma", "delta"], ["omega", "sigma", "kappa"]
    ix = index.create_in(str(tmp_path), analysis.schema())
    for batch in range(3):  # three segments
        writer = ix.writer()
        for n in range(700):
            words = [rng.choice(common) for _ in range(rng.randint(5, 40))]
            if rng.random() < 0.05:
                words.insert(rng.randrange(len(words)), rng.choice(rare))
            if n in (10, 350, 690):  # so rare that a common word is read for it a block at a time
                words.append("zeta")
            writer.add_document(key=f"{batch}-{n}", type="article", title_en=" ".join(words[:3]),
                                body_en=" ".join(words))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 700, 7):
        writer.delete_by_term("key", f"1-{n}")
    writer.commit(merge=False)
    queries = [
        wq.Term("body_en", "alpha"),
        wq.And([wq.Term("body_en", "alpha"), wq.Term("body_en", "omega")]),
        wq.And([wq.Term("body_en", "sigma"), wq.Or([wq.Term("body_en", "beta"), wq.Term("title_en", "gamma")])]),
        wq.Phrase("body_en", ["alpha", "beta"]),
        wq.Phrase("body_en", ["omega", "gamma"]),
        wq.Phrase("body_en", ["kappa", "delta", "alpha"], slop=3),
        wq.And([wq.Phrase("body_en", ["beta", "beta"]), wq.Term("body_en", "kappa")]),
        compile._AndNot(wq.Term("body_en", "omega"), wq.Term("title_en", "delta")),
        wq.And([wq.Prefix("body_en", "s"), wq.Term("body_en", "gamma")]),
        wq.And([wq.Term("body_en", "zeta"), wq.Term("body_en", "alpha")]),
        wq.And([wq.Term("body_en", "zeta"), wq.Or([wq.Term("body_en", "beta"), wq.Term("title_en", "delta")])]),
    ]
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3 and searcher.reader().has_deletions()
        tables = {}  # per segment, shared by the rankers below as by a generation's searchers
        for _ in range(2):  # the second time, terms read whole before come from the segments' kept postings
            ranker = Ranker(searcher, lambda reader: tables.setdefault(reader.segment().segment_id(),
                                                                       SegmentTables()).view(reader))
            for query in queries:
                ours = ranker.matches(query).scores
                theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
                assert theirs, query
                assert set(ours) == set(theirs), query
                assert all(ours[docnum] == pytest.approx(score, rel=1e-6) for docnum, score in theirs.items()), query
        kept = [segment.postings[("body_en", "alpha")] for segment in tables.values()]
        assert len(kept) == 3 and all(len(blocks) > 1 for blocks in kept)  # read whole, several blocks each


def test_threads_reading_at_once_get_what_one_thread_gets(changed_index):
    """As the site reads: each thread takes a searcher of its own from the pool (a Whoosh reader is
    not safe in two threads at once; its range matchers fail now and then when shared), while the
    generation's segment tables are shared by all of them."""
    from concurrent.futures import ThreadPoolExecutor

    searcher, folder = changed_index
    queries = [compiled(text) for text in QUERIES]
    alone = [Ranker(searcher, lambda reader: segment_tables(folder, reader)).matches(query).scores
             for query in queries]

    def read(query):
        with searchers.pool.reader() as reader:
            return reader.ranker.matches(query).scores

    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(read, queries * 8))
    assert together == alone * 8


def test_prefixes_expand_to_whooshs_words_in_its_order(changed_index):
    """A prefix's words are cut from each segment's kept words with its first letter and merged: the
    same words, in the same order, as Whoosh's expand_prefix over the whole index (several segments,
    deleted documents), so the expanded terms' scores add up in the same order."""
    from whoosh import query as wq

    from archive.search.whoosh.ranking import Budget

    searcher, folder = changed_index
    reader = searcher.reader()
    ranker = Ranker(searcher, lambda reader: segment_tables(folder, reader))
    checked = 0
    for fieldname in ("body_de", "body_en", "title_en", "compound", "names"):
        words = [reader.schema[fieldname].from_bytes(word) for word in reader.lexicon(fieldname)]
        prefixes = {word[:size] for word in words for size in (1, 2, 3, len(word))}
        prefixes |= {"zzz", "\u00fc", words[-1] + "a", words[0][:-1] if len(words[0]) > 1 else "0"}
        for prefix in sorted(prefixes):
            query = wq.Prefix(fieldname, prefix)
            theirs = [(name, text.decode()) for name, text in query.expanded_terms(reader)]
            ranker._start(Budget())
            assert ranker._expand(query, Budget()) == theirs, (fieldname, prefix)
            checked += bool(theirs)
    assert checked > 100  # most of the prefixes name words


def test_a_segments_prefixed_words_are_its_readers(changed_index):
    searcher, folder = changed_index
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        view = segment_tables(folder, reader)
        for prefix in ("w", "wu", "wurm", "s", "str", "\u00fc", "\u00df", "z", "~"):
            for fieldname in ("body_de", "body_en", "compound"):
                expected = [text.decode() for text in reader.expand_prefix(fieldname, prefix)]
                assert view.prefixed(fieldname, prefix) == expected, (fieldname, prefix)
                assert view.words(fieldname, prefix) == expected, (fieldname, prefix)  # as fuzzy words ask
            everything = [text.decode() for text in reader.lexicon("body_en")]
            assert view.words("body_en", "") == everything


def test_words_read_for_a_few_documents_match_whoosh_where_their_documents_lie_apart(tmp_path):
    """A word read only where a rarer one matched passes over a segment where none of those documents
    lies between its first and last: the words here stand at the ends of their segments."""
    from whoosh import index
    from whoosh import query as wq

    from archive.search.whoosh.ranking import SegmentTables

    ix = index.create_in(str(tmp_path), analysis.schema())
    for batch in range(3):
        writer = ix.writer()
        for n in range(300):
            words = ["filler"] * (1 + n % 7)
            if batch in (0, 2) and n < 8:
                words.append("zeta")
            # Rarer than zeta, so read first; at zeta's first document in one segment and its last in another.
            if (batch == 0 and (n == 0 or n >= 296)) or (batch == 1 and n < 3) or (batch == 2 and n in (7, 150)):
                words.append("eta")
            if batch == 1 and n >= 290:
                words.append("theta")
            writer.add_document(key=f"{batch}-{n}", type="article", body_en=" ".join(words))
        writer.commit(merge=False)
    queries = [
        wq.And([wq.Term("body_en", "eta"), wq.Term("body_en", "zeta")]),
        wq.And([wq.Term("body_en", "eta"), wq.Or([wq.Term("body_en", "zeta"), wq.Term("body_en", "theta")])]),
        wq.And([wq.Term("body_en", "eta"), wq.Prefix("body_en", "t")]),
        wq.And([wq.Term("body_en", "eta"), wq.Term("body_en", "filler")]),
        wq.And([wq.Term("body_en", "theta"), wq.Term("body_en", "eta")]),
    ]
    with ix.searcher() as searcher:
        ranker = Ranker(searcher, lambda reader: SegmentTables().view(reader))
        for query in queries:
            ours = ranker.matches(query).scores
            theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert set(ours) == set(theirs), query
            assert all(ours[docnum] == pytest.approx(score, rel=1e-6) for docnum, score in theirs.items()), query
        assert ranker.matches(queries[0]).scores  # eta and zeta meet in two documents


@pytest.mark.parametrize("text", ["Wurm", "worm NOT (Hotmail OR backdoor)", "Hotmail Symantec OR backdoor",
                                  '"Code Red" worm', "serv*", "Modem"])
def test_the_page_s_matched_terms_are_each_document_s(changed_index, text):
    searcher, folder = changed_index
    found = Ranker(searcher, lambda reader: segment_tables(folder, reader)).matches(compiled(text))
    docnums = sorted(found.scores)
    assert docnums
    assert found.terms_of_each(docnums + [10**6]) == {docnum: found.terms_of(docnum)
                                                      for docnum in docnums + [10**6]}


def test_the_page_is_the_best_scores_the_older_document_first_among_equal_ones():
    import random

    from archive.search.whoosh.backend import _top

    rng = random.Random(3)
    scores = {docnum: rng.choice([0.5, 1.0, 1.5, 2.25]) for docnum in rng.sample(range(5000), 900)}
    expected = sorted(scores, key=lambda docnum: (-scores[docnum], docnum))
    for count in (1, 10, 25, 900, 1000):
        assert _top(scores, count, "relevance", None) == expected[:count]


def test_kept_scores_of_a_word_are_not_changed_by_a_query_using_them(changed_index):
    """A word's scores are kept for the searcher's next queries; a query leaving documents out (NOT, the
    deleted ones) leaves them out of its own copy only."""
    from whoosh import query as wq

    searcher, folder = changed_index
    ranker = Ranker(searcher, lambda reader: segment_tables(folder, reader))
    worm = wq.Term("body_en", "worm")
    without = compile._AndNot(worm, wq.Term("body_en", "hotmail"))
    for query in (worm, without, worm, worm):
        ours = ranker.matches(query).scores
        theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        assert ours.keys() == theirs.keys(), query
        assert all(ours[docnum] == pytest.approx(score, rel=1e-6) for docnum, score in theirs.items()), query
    assert len(ranker.matches(worm).scores) > len(ranker.matches(without).scores)  # NOT left some out
