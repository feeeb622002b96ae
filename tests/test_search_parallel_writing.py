"""Writing the index on several processes, and the cheaper segment writer, give the index one writer gives.

Same postings, lengths and stored documents term by term; same document numbers; the same
scores from Whoosh's own BM25F and the same pages from search().
"""

import datetime as dt
import io
import pickle
import shutil
import struct
import zlib

import pytest
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from archive import search
from archive.models import Article, Entity, Mention, Source
from archive.search import documents
from archive.search.whoosh import analysis, pairs, parallel, searchers, store
from archive.search.whoosh.writer import COMPRESS_FROM, COMPRESSION, Writer
from tests import search_corpus

QUERIES = ["Hotmail", "Wurm", "wurm server", "Code Red", '"Code Red"', "Symantek~", "serv*", "Modem",
           "entity:microsoft", "lang:de", "type:event", "date:2001", "report number", '"report number"']


def _more_articles(count, first=0):
    """`count` articles beyond the small corpus, with repeated words (so scores tie) and tags."""
    source, _ = Source.objects.get_or_create(slug="wire", defaults={"name": "Wire", "language": "en"})
    microsoft = Entity.objects.get(slug="microsoft")
    for number in range(first, first + count):
        article = Article.objects.create(
            slug=f"wire-{number}", source=source, language="de" if number % 5 == 0 else "en",
            date=dt.date(2001, 1 + number % 12, 1 + number % 28), title=f"Wire report number {number % 7}",
            body="The worm reached the servers of Hotmail. " * (1 + number % 4) + f"Report {number}.",
        )
        if number % 3 == 0:
            Mention.objects.create(article=article, entity=microsoft)


@pytest.fixture
def corpus(db, settings):
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    search_corpus.build(index=False)
    _more_articles(60)


def _answers():
    pages = {}
    for text in QUERIES:
        page = search.search(text, per_page=100)
        pages[text] = (page.total, [(result["slug"], result["score"]) for result in page.results])
    for sort in ("date", "-date"):
        page = search.search("", sort=sort, per_page=100)
        pages[sort] = [result["slug"] for result in page.results]
    return pages


def _whoosh_scores():
    from tests.test_search_whoosh_ranking import compiled

    with searchers.pool.reader() as reader:
        searcher = reader.searcher
        keys = [fields_["key"] for fields_ in searcher.all_stored_fields()]
        scores = {text: {hit.docnum: hit.score for hit in searcher.search(compiled(text), limit=None)}
                  for text in QUERIES}
        return keys, scores, len(searcher.leaf_searchers())


def _several_processes(monkeypatch, settings):
    settings.ARCHIVE_INDEX_WORKERS = 3
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)


def test_a_rebuild_on_several_processes_gives_what_one_process_gives(corpus, settings, monkeypatch):
    search.rebuild()
    one = _answers(), _whoosh_scores()
    assert one[1][2] == 1  # one segment
    _several_processes(monkeypatch, settings)
    search.rebuild()
    several = _answers(), _whoosh_scores()
    assert several[1][2] == 3  # a segment per worker, not merged
    assert several[1][0] == one[1][0]  # every document has the number one writer gives it
    assert several[1][1] == one[1][1]  # Whoosh's own scores, exactly
    assert several[0] == one[0]
    assert any(one[0][text][1] for text in QUERIES)


def test_a_large_write_on_several_processes_gives_what_one_process_gives(corpus, settings, monkeypatch):
    search.rebuild()
    root = store.root_folder()
    shutil.copytree(root, root.parent / "before")
    changed = list(Article.objects.filter(slug__startswith="wire-")[:20])
    for article in changed[:10]:
        article.title = "Retitled Sasser report"
        article.save()
    keys = {str(documents.key_for(article)) for article in changed}
    for article in changed[10:15]:
        article.delete()

    search.get_backend().update(keys)  # one process: the test's transaction holds the updates until here
    one = _answers(), _whoosh_scores()
    searchers.pool.close()
    shutil.rmtree(root)
    shutil.copytree(root.parent / "before", root)
    _several_processes(monkeypatch, settings)
    search.get_backend().update(keys)
    several = _answers(), _whoosh_scores()

    assert several[0] == one[0]
    assert several[1][:2] == one[1][:2]  # the same document numbers, Whoosh's own scores exactly
    assert (one[1][2], several[1][2]) == (2, 4)  # the rebuild's segment (with deletions), then the new ones
    assert search.search("Sasser").total == 10
    assert search.search("").total == documents.count_all()
    assert search.check().clean


def test_a_failing_worker_fails_the_rebuild_and_the_old_index_stays(corpus, settings, monkeypatch):
    search.rebuild()
    before = store.current_name(store.root_folder())
    _several_processes(monkeypatch, settings)
    real = analysis.whoosh_fields

    def broken(doc):
        if doc["slug"] == "wire-50":
            raise ValueError("cannot analyse wire-50")
        return real(doc)

    monkeypatch.setattr(analysis, "whoosh_fields", broken)
    with pytest.raises(parallel.WorkerFailed, match="cannot analyse wire-50"):
        search.rebuild()
    assert store.current_name(store.root_folder()) == before
    assert search.search("Hotmail").total > 0


@pytest.mark.parametrize("limitmb", [256, 0.02])  # 0.02: the pool spills sorted runs to disk and merges them
def test_our_writer_and_text_fields_write_what_whoosh_writes(corpus, tmp_path, limitmb, monkeypatch):
    monkeypatch.setattr(pairs, "MIN_DOCUMENTS", 20)
    docs = list(documents.all_documents())
    # Pairs of neighbouring common words too (pairs.py), the words chosen from these documents.
    lists = analysis.paired_words(docs)
    assert lists["en"].paired
    readers = []
    for name, make, text in (("whoosh", SegmentWriter, fields.TEXT), ("ours", Writer, analysis.Text)):
        folder = tmp_path / name
        folder.mkdir()
        ix = index.create_in(str(folder), analysis.schema(text=text, lists=lists))
        writer = make(ix, limitmb=limitmb)
        for doc in docs:
            writer.add_document(**analysis.whoosh_fields(doc))
        writer.commit()
        readers.append(ix.reader())
    theirs, ours = readers
    postings = list(ours.iter_postings())
    assert postings == list(theirs.iter_postings())
    assert any(fieldname == "pairs_en" for fieldname, *_ in postings)
    assert len(postings) > 1000
    for fieldname, text in theirs.all_terms():  # the statistics each term's blocks keep for ranking
        mine, whooshs = ours.term_info(fieldname, text), theirs.term_info(fieldname, text)
        for statistic in ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id"):
            assert getattr(mine, statistic)() == getattr(whooshs, statistic)(), (fieldname, text, statistic)
    for fieldname in analysis.schema().scorable_names():
        assert ours.field_length(fieldname) == theirs.field_length(fieldname)
        for docnum in range(len(docs)):
            assert ours.doc_field_length(docnum, fieldname) == theirs.doc_field_length(docnum, fieldname)
            assert ours.max_field_length(fieldname) == theirs.max_field_length(fieldname)
    assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
    for name in ("facets", "doc", "text"):
        mine, whooshs = (reader.column_reader(name, translate=False) for reader in readers)
        assert [mine[docnum] for docnum in range(len(docs))] == [whooshs[docnum] for docnum in range(len(docs))]
    assert any(ours.column_reader("text", translate=False)[docnum] for docnum in range(len(docs)))
    assert {name for stored in ours.all_stored_fields() for name in stored} == {"key", "fingerprint"}
    for reader in readers:
        reader.close()


def _blocks(folder, raw=False):
    """{(field, term): [(block info, block data)]}, unpickled (or pickled, with raw) from the segment's posting file."""
    data = next(folder.glob("*.pst")).read_bytes()
    reader = index.open_dir(str(folder), schema=analysis.schema()).reader()
    found = {}
    for fieldname, text in reader.all_terms():
        offset = reader.term_info(fieldname, text).extent()[0]
        stream = io.BytesIO(data)
        stream.seek(offset)
        assert stream.read(4) == b"W3Bl"
        blocks = found[fieldname, text] = []
        last = False
        while not last:
            size = struct.unpack("!i", stream.read(4))[0]
            last = size < 0  # the last block's size is written negative
            end = stream.tell() + abs(size)
            info = pickle.load(stream)
            body = stream.read(end - stream.tell())
            blocks.append((info, _raw(body, info) if raw else pickle.loads(_raw(body, info))))
    reader.close()
    return found


def _raw(body, info):
    return zlib.decompress(body) if info[3] else body


@pytest.mark.parametrize("limitmb", [256, 0.02])
def test_our_writer_writes_whooshs_posting_blocks(corpus, tmp_path, limitmb):
    # Block by block (each block's count, last id, top weight and length bytes, read to skip blocks, and its
    # pickled ids, weights and values), which comparing postings one by one does not see. Same compression
    # level on both sides. (The files' bytes may differ where a pickle refers back to an equal value it
    # already holds, and so the offsets in the term file.)
    _more_articles(250, first=60)  # common words in more documents than a block holds (128)
    docs = list(documents.all_documents())
    folders = []
    for name, make in (("whoosh", lambda ix: SegmentWriter(ix, codec=W3Codec(compression=COMPRESSION),
                                                           limitmb=limitmb, compound=False)),
                       ("ours", lambda ix: Writer(ix, limitmb=limitmb, compound=False))):
        folder = tmp_path / name
        folder.mkdir()
        ix = index.create_in(str(folder), analysis.schema())
        writer = make(ix)
        for doc in docs:
            writer.add_document(**analysis.whoosh_fields(doc))
        writer.commit()
        folders.append(folder)
    theirs, ours = (_blocks(folder) for folder in folders)
    # The same blocks but for the compression level each says it has: ours leaves short ones as they are.
    assert _without_level(ours) == _without_level(theirs)
    assert max(len(blocks) for blocks in ours.values()) > 1
    ours_raw = _blocks(folders[1], raw=True)
    levels = {(len(data) >= COMPRESS_FROM, info[3]) for found in ours_raw.values() for info, data in found}
    assert levels == {(False, 0), (True, COMPRESSION)}


def _without_level(blocks):
    return {term: [(info[:3] + info[4:], data) for info, data in found] for term, found in blocks.items()}


def test_posting_blocks_hold_their_position_lists_as_bytes(corpus, tmp_path):
    # Pickled with protocol 2 (as Whoosh pickles), each position list in a block was a call of
    # _codecs.encode on a str: unpickling a block took some 7 times as long.
    import pickletools

    _more_articles(150, first=60)
    ix = index.create_in(str(tmp_path), analysis.schema())
    writer = Writer(ix, compound=False)
    for doc in documents.all_documents():
        writer.add_document(**analysis.whoosh_fields(doc))
    writer.commit()
    blocks = _blocks(tmp_path, raw=True)
    positions = [data for (fieldname, _), found in blocks.items() if fieldname == "body_en" for _, data in found]
    assert len(positions) > 100
    for data in positions:
        operations = {operation.name for operation, _, _ in pickletools.genops(data)}
        assert not operations & {"GLOBAL", "STACK_GLOBAL", "REDUCE"}, operations
    assert any(isinstance(values, tuple) and values and isinstance(values[0], bytes)
               for values in (pickle.loads(data)[2] for data in positions))
