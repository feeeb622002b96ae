"""Each read of Whoosh's private structures (archive/search/whoosh/internals.py) against Whoosh's own answers.

Fails by name when a Whoosh upgrade changes what a read relies on: see docs/search.md,
"Upgrading Whoosh".
"""

import random

import pytest
import whoosh
from whoosh import fields, index
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from archive.search.whoosh import analysis, compile, internals

pytestmark = pytest.mark.whoosh_only


@pytest.fixture(scope="module")
def segments(tmp_path_factory):
    """Two segments of our schema, postings long enough for several blocks, one deleted document."""
    folder = tmp_path_factory.mktemp("internals")
    ix = index.create_in(str(folder), analysis.schema())
    for first, count in ((0, 300), (300, 50)):
        writer = ix.writer()
        for n in range(first, first + count):
            words = " ".join(["alpha"] * (1 + n % 4) + (["beta", "gamma"] if n % 3 == 0 else ["gamma"]))
            writer.add_document(key=f"article:{n}", type="article", lang="en", body_en=words,
                                title_en="omega" if n % 5 == 0 else "delta")
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("key", "article:7")
    writer.commit(merge=False)
    searcher = ix.searcher()
    yield [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    searcher.close()


def test_the_pinned_version_is_the_one_installed():
    assert whoosh.versionstring() == ".".join(map(str, internals.WHOOSH_VERSION)), (
        "Whoosh changed: check every function of archive/search/whoosh/internals.py, then update WHOOSH_VERSION")


def test_length_bytes_are_whooshs_field_lengths(segments):
    for reader in segments:
        lengths = internals.length_bytes(reader, "body_en")
        assert len(lengths) == reader.doc_count_all()
        for docnum in range(reader.doc_count_all()):
            assert byte_to_length(lengths[docnum]) == reader.doc_field_length(docnum, "body_en")
        assert internals.length_bytes(reader, "title_de") == bytes(reader.doc_count_all())  # a field nobody has


def _public(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    ids, weights, positions = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        positions.append(list(matcher.value_as("positions")))
        matcher.next()
    return ids, weights, positions


@pytest.mark.parametrize("text", ["alpha", "beta", "gamma"])
def test_blocks_give_every_posting_with_its_weight_and_positions(segments, text):
    for reader in segments:
        want_ids, want_weights, want_positions = _public(reader, "body_en", text)
        decode = internals.position_decoder(reader.schema["body_en"].format)
        ids, weights, positions = [], [], []
        for block_ids, block_weights, values in internals.blocks(internals.postings(reader, "body_en", text),
                                                                 values=True):
            ids.extend(block_ids)
            weights.extend(block_weights)
            positions.extend(list(decode(value)) for value in values)
        # Deleted documents stay in the postings; the ranker drops them once, from the result.
        deleted = set(internals.deleted_documents(reader)) if reader.has_deletions() else set()
        assert set(ids) - set(want_ids) <= deleted
        kept = [i for i, docnum in enumerate(ids) if docnum in set(want_ids)]
        assert [ids[i] for i in kept] == want_ids
        assert [weights[i] for i in kept] == want_weights
        assert [positions[i] for i in kept] == want_positions


@pytest.mark.parametrize("fieldname,text", [("body_en", "alpha"), ("body_en", "beta"), ("title_en", "omega"),
                                            ("body_en", "absent"), ("title_de", "alpha")])
def test_term_info_gives_whooshs_frequency_and_postings(segments, fieldname, text):
    for reader in segments:
        info = internals.term_info(reader, fieldname, text)
        if (fieldname, text) not in reader:
            assert info is None
            continue
        assert info.doc_frequency() == reader.doc_frequency(fieldname, text)
        ours = [(list(ids), list(weights), list(values))
                for ids, weights, values in internals.blocks(internals.postings_of(reader, fieldname, text, info),
                                                             values=True)]
        whooshs = [(list(ids), list(weights), list(values))
                   for ids, weights, values in internals.blocks(internals.postings(reader, fieldname, text),
                                                                values=True)]
        assert ours == whooshs and ours


@pytest.fixture(scope="module", params=["whoosh", "ours"])
def many_terms(request, tmp_path_factory):
    """A segment of some 6,000 different terms in several fields, German ones with umlauts and ß,
    written by Whoosh's writer or ours: hash tables full enough for collisions and wrapping probes."""
    from archive.search.whoosh.writer import Writer

    folder = tmp_path_factory.mktemp(f"terms-{request.param}")
    ix = index.create_in(str(folder), analysis.schema())
    writer = ix.writer() if request.param == "whoosh" else Writer(ix)
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyzäöüß"
    for n in range(400):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 12))) for _ in range(15)]
        writer.add_document(key=f"article:{n}", type="article", lang="de", body_de=" ".join(words),
                            title_de=words[0], names=" ".join(words[:3]), entity=f"e{n % 17}",
                            date=20010801 + n)
    writer.commit()
    searcher = ix.searcher()
    yield searcher.reader()
    searcher.close()


def test_term_info_finds_each_term_of_every_field_and_none_other(many_terms):
    reader = many_terms
    assert getattr(reader._terms._tindex.dbfile, "_buf", None) is not None  # read in place, not Whoosh's way
    checked = 0
    for fieldname in reader.indexed_field_names():
        field = reader.schema[fieldname]
        if isinstance(field, fields.NUMERIC):  # its terms are numbers at several precisions, not words
            continue
        for btext in reader.lexicon(fieldname):
            text = field.from_bytes(btext)
            ours, whooshs = internals.term_info(reader, fieldname, text), reader._terms.term_info(fieldname, btext)
            assert vars(ours) == vars(whooshs), (fieldname, text)
            checked += 1
            if isinstance(text, str):
                for missing in (text + "q", "x" + text, text[:-1]):
                    if (fieldname, missing) not in reader:
                        assert internals.term_info(reader, fieldname, missing) is None, (fieldname, missing)
    assert checked > 6000
    assert internals.term_info(reader, "body_en", "alpha") is None  # a field the segment has no terms of
    assert internals.term_info(reader, "no_such_field", "alpha") is None


@pytest.mark.parametrize("words", [("alpha", "gamma"), ("alpha", "beta"), ("beta", "gamma"), ("gamma", "alpha")])
def test_followed_finds_the_documents_where_one_word_stands_right_after_another(segments, words):
    for reader in segments:
        encoded = []
        for word in words:
            found = {}
            for ids, _, values in internals.blocks(internals.postings(reader, "body_en", word), values=True):
                found.update(zip(ids, values, strict=True))
            encoded.append(found)
        public = [_public(reader, "body_en", word) for word in words]
        where = [dict(zip(ids, positions, strict=True)) for ids, _, positions in public]
        both = sorted(set(where[0]) & set(where[1]))  # deleted documents left out, as Whoosh leaves them
        expected = [docnum for docnum in both if {p + 1 for p in where[0][docnum]} & set(where[1][docnum])]
        assert expected or words == ("gamma", "alpha")
        format_ = reader.schema["body_en"].format
        assert sorted(internals.followed(both, *encoded, format_)) == sorted(expected)
        # Position lists stored without their pickle's STOP are read too.
        cut = [{docnum: value[:-1] for docnum, value in found.items()} for found in encoded]
        assert sorted(internals.followed(both, *cut, format_)) == sorted(expected)


@pytest.mark.parametrize("fieldname", ["body_en", "title_en", "entity"])
def test_blocks_read_from_the_terms_bytes_are_whooshs_blocks(varied_segments, fieldname):
    rng = random.Random(4)
    for reader in varied_segments:
        for text in list(reader.lexicon(fieldname))[:40]:
            text = reader.schema[fieldname].from_bytes(text)
            every = [ids for ids, _, _ in internals.whoosh_blocks(internals.postings(reader, fieldname, text))]
            all_ids = [docnum for ids in every for docnum in ids]
            for wanted in (None, sorted(rng.sample(all_ids, min(3, len(all_ids)))), [all_ids[-1] + 1]):
                for values in (False, True):
                    ours = [(list(ids), list(weights), values and list(found)) for ids, weights, found in
                            internals.blocks(internals.postings(reader, fieldname, text), values, wanted)]
                    whooshs = [(list(ids), list(weights), values and list(found)) for ids, weights, found in
                               internals.whoosh_blocks(internals.postings(reader, fieldname, text), values, wanted)]
                    assert ours == whooshs, (fieldname, text, wanted)
    assert any(len(list(internals.whoosh_blocks(internals.postings(reader, "body_en", "alpha")))) > 3
               for reader in varied_segments)


def test_blocks_skip_only_blocks_without_wanted_documents(segments):
    reader = max(segments, key=lambda reader: reader.doc_count_all())
    all_ids, _, _ = _public(reader, "body_en", "alpha")
    wanted = [all_ids[5], all_ids[250]]
    read = [docnum for ids, _, _ in internals.blocks(internals.postings(reader, "body_en", "alpha"), wanted=wanted)
            for docnum in ids]
    assert set(wanted) <= set(read)
    assert len(read) < len(all_ids)  # whole blocks were passed over by their headers


def test_deleted_documents_are_the_ones_whoosh_skips(segments):
    for reader in segments:
        deleted = {n for n in range(reader.doc_count_all()) if reader.is_deleted(n)}
        assert (set(internals.deleted_documents(reader)) if reader.has_deletions() else set()) == deleted
    assert any(reader.has_deletions() for reader in segments)


def test_and_not_excludes_a_first_document_whose_term_occurs_earlier(segments, tmp_path):
    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = ix.writer()
    writer.add_document(key="article:1", body_en="delta")
    writer.add_document(key="article:2", body_en="omega", title_en="delta")
    writer.add_document(key="article:3", body_en="omega")
    writer.commit()
    with ix.searcher() as searcher:
        found = {searcher.stored_fields(n)["key"] for n in
                 searcher.docs_for_query(compile._AndNot(wq.Term("body_en", "omega"), wq.Term("title_en", "delta")))}
    assert found == {"article:3"}


def test_a_mapped_segment_is_read_in_place_not_copied(tmp_path):
    # Whoosh's BufferFile copied each file of a memory-mapped segment into a BytesIO: every
    # searcher held the whole index in its own memory.
    import tracemalloc

    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = ix.writer()
    for n in range(2000):
        writer.add_document(key=f"article:{n}", type="article", lang="en",
                            body_en=" ".join(f"word{(n * 7 + k) % 5000}" for k in range(60)))
    writer.commit()
    segment_bytes = sum(path.stat().st_size for path in tmp_path.glob("*.seg"))
    assert segment_bytes > 1_000_000
    tracemalloc.start()
    try:
        searcher = ix.searcher()
        found = [searcher.doc_frequency("body_en", f"word{n}") for n in range(0, 5000, 50)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(found)
    assert held < segment_bytes / 4, f"{held:,} bytes held for a segment of {segment_bytes:,}"
    assert isinstance(searcher.reader()._terms._dbfile, internals.MappedBufferFile)
    searcher.close()


def test_pickles_in_a_mapped_segment_are_read_whole_in_few_calls():
    # Each posting block's header is a pickle read from the file: without peek, pickle.load
    # called read() once per opcode.
    import pickle

    from whoosh.filedb.structfile import StructFile

    items = [(128, 4711, 2.5, 1, 3, 200), list(range(5000)), "x" * 1000, ("tail",)]
    data = b"".join(pickle.dumps(item, 2) for item in items)
    part = internals.MappedBufferFile(memoryview(data)).file
    calls = []

    class Counted:  # the part, its reads counted
        def read(self, *args):
            calls.append(args)
            return part.read(*args)

        def __getattr__(self, name):
            return getattr(part, name)

    structured = StructFile(Counted())
    assert [structured.read_pickle() for _ in items] == items
    assert part.tell() == len(data)
    calls.clear()
    part.seek(0)
    structured.read_pickle()
    assert len(calls) <= 2


@pytest.fixture(scope="module", params=["whoosh", "ours"])
def varied_segments(request, tmp_path_factory):
    """Two segments written by Whoosh's writer or ours (writer.py), weights and lengths varying
    from block to block, one term stored inline (a single posting)."""
    from archive.search.whoosh.writer import Writer

    folder = tmp_path_factory.mktemp(f"blocks-{request.param}")
    ix = index.create_in(str(folder), analysis.schema())
    for first, count in ((0, 700), (700, 300)):
        writer = ix.writer() if request.param == "whoosh" else Writer(ix)
        for n in range(first, first + count):
            words = ["alpha"] * (1 + n % 7) + ["beta"] * (n % 3) + ["filler"] * ((n * 37) % 90)
            if n == 555:
                words.append("lonely")
            writer.add_document(key=f"article:{n}", type="article", lang="en", body_en=" ".join(words))
        writer.commit(merge=False)
    searcher = ix.searcher()
    yield [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    searcher.close()


@pytest.mark.parametrize("text", ["alpha", "beta", "filler", "lonely"])
def test_posting_blocks_give_whooshs_blocks_and_bound_them_by_their_headers(varied_segments, text):
    for reader in varied_segments:
        info = internals.term_info(reader, "body_en", text)
        if info is None:
            continue
        whooshs = [(list(ids), list(weights), list(values))
                   for ids, weights, values in internals.whoosh_blocks(internals.postings(reader, "body_en", text),
                                                                       values=True)]
        ours = internals.PostingBlocks(internals.postings_of(reader, "body_en", text, info))
        assert [tuple(map(list, ours.read(i))) for i in range(len(ours.last_ids))] == whooshs
        assert ours.last_ids == [ids[-1] for ids, _, _ in whooshs]
        lengths = internals.length_bytes(reader, "body_en")
        for (ids, weights, _), top, short in zip(whooshs, ours.top_weights, ours.short_lengths, strict=True):
            # What the ranker bounds a block's scores by: its highest weight, its shortest field.
            assert top == max(weights)
            assert short == min(lengths[docnum] for docnum in ids)
    assert len(internals.PostingBlocks(internals.postings(varied_segments[0], "body_en", "alpha")).last_ids) > 3


def test_postings_stored_inline_are_one_block():
    from whoosh.matching import ListMatcher

    blocks = internals.PostingBlocks(ListMatcher([3, 9], [1.0, 2.0], [b"x", b"y"]))
    assert (blocks.last_ids, blocks.top_weights, blocks.short_lengths) == ([9], [2.0], [0])
    assert blocks.read(0) == ([3, 9], [1.0, 2.0], [b"x", b"y"])


def test_postings_are_read_from_where_the_term_info_says_without_whooshs_matcher(varied_segments):
    reader = varied_segments[0]
    stored = internals.postings_of(reader, "body_en", "alpha", internals.term_info(reader, "body_en", "alpha"))
    assert isinstance(stored, internals.StoredPostings)
    wrong = internals.StoredPostings(stored.postfile, stored.offset + 1, stored.length - 1, stored.format)
    with pytest.raises(ValueError, match="postings not beginning as Whoosh"):
        internals.PostingBlocks(wrong)


def test_a_block_header_not_as_whoosh_writes_it_is_refused(varied_segments):
    reader = varied_segments[0]
    blocks = internals.PostingBlocks(internals.postings(reader, "body_en", "alpha"))
    start = blocks._starts[1]
    blocks._raw = blocks._raw[:start + 2] + b"\xff" + blocks._raw[start + 3:]  # the header's first opcode
    blocks.read(0)
    with pytest.raises(ValueError, match="header not as Whoosh"):
        blocks.read(1)


def _expanded_alike(reader, fieldname):
    field = reader.schema[fieldname]
    every = [field.from_bytes(btext) for btext in reader.lexicon(fieldname)]
    prefixes = {"", "zzzz", "\u00e4", "stra\u00df"} | {term[:n] for term in every[::7] for n in (1, 2, 4)}
    for prefix in sorted(prefixes):
        whooshs = [field.from_bytes(btext) for btext in reader.expand_prefix(fieldname, prefix)]
        assert internals.prefixed_terms(reader, fieldname, prefix) == whooshs, (fieldname, prefix)
    return every


def test_prefixed_terms_are_whooshs_expanded_prefix(segments, varied_segments, tmp_path):
    for reader in segments:
        for fieldname in ("body_en", "title_en", "key", "type", "title_de"):
            _expanded_alike(reader, fieldname)
    for reader in varied_segments:
        assert _expanded_alike(reader, "body_en")
    # Words beyond ASCII, in the last field of the term table and in one before it.
    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = ix.writer()
    writer.add_document(key="article:1", body_de="Ärger über Straße und Strasse, Öl, ärgerlich", spell="Ärger Zürich")
    writer.add_document(key="article:2", body_de="Straßenbahn Ärgernis Übel", spell="Ölpreis")
    writer.commit()
    with ix.reader() as reader:
        assert len(_expanded_alike(reader, "body_de")) >= 8
        assert _expanded_alike(reader, "spell")
        # Read in place from the mapped segment file, not through Whoosh's fallback.
        assert getattr(reader._terms._tindex.dbfile, "_buf", None) is not None
