"""Every read of Whoosh's private structures, in one place.

Our ranking (ranking.py) reads postings a block at a time and field lengths a column at a
time, which Whoosh offers no public way to do; and Whoosh's AndNotMatcher and its reading of
memory-mapped segments (which copied them) need one fix each.
Each such read is a function here, named for what it gives. They hold for Whoosh-Reloaded
2.7.5 exactly (requirements.txt pins it): tests/test_search_whoosh_internals.py checks each
one against Whoosh's own public answers, so an upgrade that changes them fails there, by
name, before any search answers wrongly. docs/search.md, "Upgrading Whoosh", says what to check.
"""

import struct
import zlib
from bisect import bisect_right
from functools import partial
from hashlib import md5
from itertools import accumulate
from pickle import UnpicklingError, dumps, loads

from whoosh import fields, formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.filedb import compound, filetables
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import AndNotMatcher as _WhooshAndNotMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, _int_struct

WHOOSH_VERSION = (2, 7, 5)  # the version these reads were written against; see the module docstring
_PEEK = 256  # bytes a peek gives: a block header's pickle is some 30
_unpack_int_from = _int_struct.unpack_from


class _MappedPart:
    """A file read from a part of a memory-mapped segment, in place."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0

    def read(self, size=-1):
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        self._pos = max(start, end)
        return self._buf[start:end].tobytes()

    def peek(self, size=0):
        # With peek, pickle.load (each posting block's header) takes its bytes in one call
        # and reads past what it used once, instead of calling read() for every opcode.
        return self._buf[self._pos:self._pos + max(1, min(size, _PEEK))].tobytes()

    def readline(self, size=-1):
        start, end = self._pos, len(self._buf)
        found = bytes(self._buf[start:end]).find(b"\n")  # pickles of Whoosh's protocol hardly read lines
        self._pos = end if found < 0 else start + found + 1
        return self._buf[start:self._pos].tobytes()

    def seek(self, where, whence=0):
        self._pos = where if whence == 0 else (self._pos + where if whence == 1 else len(self._buf) + where)
        return self._pos

    def tell(self):
        return self._pos

    def close(self):
        pass


class MappedBufferFile(BufferFile):
    # Whoosh opens each file of a memory-mapped segment as a BufferFile over a BytesIO of its
    # bytes, and a BytesIO copies them: every searcher held the whole index in its own memory.
    # This one reads the mapped bytes in place (the system's file cache holds them, once).
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _MappedPart(buf)


compound.BufferFile = MappedBufferFile  # the name CompoundStorage.open_file makes its files with


def length_bytes(reader, fieldname):
    """One byte per document: Whoosh's compressed length of the field (0 where absent)."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:  # no document of the segment has the field
        return bytes(count)
    # A column of one unsigned byte per document, written up to the last non-zero one.
    raw = column._dbfile.get(column._basepos, column._count)
    return bytes(raw) + bytes(count - len(raw))


def deleted_documents(reader):
    """The segment's deleted document numbers (a segment reader's cached set)."""
    return reader.deleted_docs_set


def position_decoder(format_):
    """Whoosh's Positions.decode_positions without its per-position Python loop."""
    if type(format_) is not formats.Positions:
        return format_.decode_positions

    def decode(value):
        # A position list is a pickle of the gaps, stored without the pickle's final "." (STOP).
        return accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."))
    return decode


_NEXT = (1).__add__


def followed(candidates, first, second, format_):
    """The candidates where the second word stands right after the first: first[docnum] and
    second[docnum] are the words' encoded positions in the document."""
    if type(format_) is formats.Positions:
        try:
            # position_decoder's decoding, inline: this runs for every document holding both words.
            return [docnum for docnum in candidates
                    if not set(map(_NEXT, accumulate(loads(first[docnum][_INT_SIZE:])))).isdisjoint(
                        accumulate(loads(second[docnum][_INT_SIZE:])))]
        except (UnpicklingError, EOFError):
            pass  # a position list stored without its pickle's STOP: decoded as below
    decode = position_decoder(format_)
    return [docnum for docnum in candidates
            if not set(map(_NEXT, decode(first[docnum]))).isdisjoint(decode(second[docnum]))]


def prefixed_terms(reader, fieldname, prefix):
    """The segment's terms of the field beginning with `prefix` (text), decoded, in the lexicon's order:
    what reader.expand_prefix gives through from_bytes, read by walking the ordered term table's
    entries (each: key and value lengths, then the key, a field number and the term's bytes, then the
    value) in place: some 1 microsecond a term, where Whoosh's four nested generators take about 10."""
    field = reader.schema[fieldname]
    terms = reader._terms
    table = terms._tindex
    buf = getattr(table.dbfile, "_buf", None)
    if buf is None or type(field).from_bytes is not fields.FieldType.from_bytes:  # not mapped, or not UTF-8 text
        return [field.from_bytes(btext) for btext in reader.expand_prefix(fieldname, prefix)]
    key = terms._keycoder(fieldname, reader._text_to_bytes(fieldname, prefix))
    at = table.closest_key_pos(key)
    if at is None:
        return []
    found = []
    end, size, head = table.endofdata, len(key), _ENTRY_HEAD
    while at < end:
        keylen, datalen = _unpack_lengths(buf, at)
        start = at + head
        if buf[start:start + size] != key:
            break
        found.append(buf[start + _FIELD_NUMBER:start + keylen])
        at = start + keylen + datalen
    # One decoding of them all (from_bytes is UTF-8): a term holds no line break.
    return b"\n".join(found).decode("utf-8").split("\n") if found else []


_unpack_lengths = filetables._lengths.unpack_from
_ENTRY_HEAD = filetables._lengths.size
_unpack_pointer = filetables._pointer.unpack_from  # a hash slot: the key's hash, where its entry is (0: empty)
_POINTER = filetables._pointer.size
_FIELD_KEY = struct.Struct("!H")  # W3TermsReader._keycoder: the field's number, then the term's bytes
_FIELD_NUMBER = 2  # a term table key's first bytes: the field's number (W3TermsReader._keycoder)


def postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    # Deleted documents are dropped once, from the query's result, not posting by posting.
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def term_info(reader, fieldname, text):
    """The segment's TermInfo of the term (.doc_frequency(), where its postings are), or None: term_lookup()."""
    return term_lookup(reader)(fieldname, text)


def term_lookup(reader):
    """A function (fieldname, text) -> the segment's TermInfo of the term, or None: one lookup in the
    segment's term table, where asking whether the term is there, its document frequency and its
    postings look it up three times. Made once per open segment (ranking.SegmentView), so a lookup
    reads none of the reader's attributes again.

    The table is Whoosh's on-disk hash (filetables.HashReader: the key's md5 picks one of 256 tables and
    a slot in it, slots are probed in turn until the key or an empty one), read here from the mapped
    bytes in place: 1.3 microseconds for a word the segment lacks (most lookups: a query asks every
    field for its word) and 2.7 for one it has, where Whoosh's nested generators take 3.5 and 4.5, and
    more the first time a query runs them.
    """
    schema = reader.schema
    terms = reader._terms
    table = terms._tindex
    buf = getattr(table.dbfile, "_buf", None)
    if buf is None or table.hashfn is not filetables.md5_hash:  # not mapped
        return lambda fieldname, text: _whooshs_term_info(reader, fieldname, text) if fieldname in schema else None
    # The field's number in the table's keys, for the fields whose terms are UTF-8 text.
    numbers = {name: number for name, number in terms._fieldmap.items()
               if name in schema and type(schema[name]).to_bytes is fields.FieldType.to_bytes}
    hash_tables, pack, unpack_pointer, unpack_lengths = table.tables, _FIELD_KEY.pack, _unpack_pointer, _unpack_lengths
    head, from_bytes = _ENTRY_HEAD, W3TermInfo.from_bytes

    def lookup(fieldname, text):
        number = numbers.get(fieldname)
        if number is None:
            if fieldname in schema and fieldname in terms._fieldmap:  # a field of other terms than text
                return _whooshs_term_info(reader, fieldname, text)
            return None
        key = pack(number) + text.encode("utf-8")
        # filetables.md5_hash: the digest's last 32 bits.
        keyhash = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        start, slots = hash_tables[keyhash & 255]
        size = len(key)
        slot = (keyhash >> 8) % slots if slots else 0
        for _ in range(slots):
            slothash, at = unpack_pointer(buf, start + slot * _POINTER)
            if not at:
                return None
            if slothash == keyhash:
                keylen, datalen = unpack_lengths(buf, at)
                at += head
                if keylen == size and buf[at:at + size] == key:
                    return from_bytes(buf[at + size:at + size + datalen].tobytes())
            slot = slot + 1 if slot + 1 < slots else 0
        return None

    return lookup


def _whooshs_term_info(reader, fieldname, text):
    btext = reader._text_to_bytes(fieldname, text)
    try:
        return reader._terms.term_info(fieldname, btext)
    except TermNotFound:
        return None


def postings_of(reader, fieldname, text, info):
    """The term's postings from its TermInfo (term_info()), without looking it up again: where they
    stand in the postings file (StoredPostings), or Whoosh's list matcher of postings stored inline.
    Both are what blocks() and PostingBlocks read."""
    terms = reader._terms
    if info.is_inlined():
        return terms._codec.postings_reader(terms._postfile, info, reader.schema[fieldname].format,
                                            term=(fieldname, reader._text_to_bytes(fieldname, text)))
    offset, length = info.extent()
    return StoredPostings(terms._postfile, offset, length, reader.schema[fieldname].format)


class StoredPostings:
    """A term's postings in a segment's postings file, by where they stand, unread: the W3LeafMatcher
    Whoosh makes for them reads its first block's header through several layers of Python (some 40
    microseconds a term, the first time a query runs them), which blocks() then reads again."""

    __slots__ = ("postfile", "offset", "length", "format")

    def __init__(self, postfile, offset, length, format_):
        self.postfile, self.offset, self.format = postfile, offset, format_
        self.length = length[0] if isinstance(length, tuple) else length  # W3TermInfo.from_bytes leaves a 1-tuple


def blocks(matcher, values=False, wanted=None, offset=0):
    """(ids, weights, values or None) a block at a time; a term stored inline has a list matcher instead.

    With `wanted` (sorted document numbers, offset by `offset` from the segment's), blocks holding
    none of them are passed over by their headers alone, without reading their postings.

    Read from the term's bytes (PostingBlocks): Whoosh's own walk (whoosh_blocks) spends some 20
    microseconds a block in Python before reading it, more than the reading itself.
    """
    if not isinstance(matcher, StoredPostings) and (not hasattr(matcher, "_read_data") or matcher._byteids):
        yield from whoosh_blocks(matcher, values, wanted, offset)
        return
    walked = PostingBlocks(matcher)
    yield from _wanted_blocks(((top, partial(walked.decode, i)) for i, top in enumerate(walked.last_ids)),
                              values, wanted, offset)


def whoosh_blocks(matcher, values=False, wanted=None, offset=0):
    """blocks() as Whoosh's matcher walks them (term vectors, whose ids are bytes, and the tests)."""
    if not hasattr(matcher, "_read_data"):
        ids, weights, found = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            found.append(matcher.value() if values else None)
            matcher.next()
        yield ids, weights, found
        return

    def read():
        matcher._read_data()
        # Document numbers are stored as gaps; Whoosh undoes them in a Python generator.
        ids = matcher._data[0] if matcher._byteids else list(accumulate(matcher._data[0]))
        matcher._read_weights()
        if values:
            matcher._read_values()
        return ids, matcher._weights, matcher._values if values else None

    def walk():
        while matcher.is_active():
            yield matcher._maxid, read
            matcher._next_block()

    yield from _wanted_blocks(walk(), values, wanted, offset)


def _wanted_blocks(blocks, values, wanted, offset):
    """The blocks read, of (largest document number, read) pairs: those holding none of the wanted
    documents passed over unread."""
    last = -1  # the largest document number of the block before
    for top, read in blocks:
        if wanted is not None:
            i = bisect_right(wanted, offset + last)
            if i == len(wanted):
                return
            if wanted[i] > offset + top:
                last = top
                continue
        ids, weights, found = read()
        yield ids, weights, found if values else None
        last = top


class PostingBlocks:
    """A term's posting blocks in one segment, known by their headers; a block's postings are read
    only when asked (`read`), once.

    Per block: `last_ids` (its largest document number), `top_weights` (its highest weight) and
    `short_lengths` (the compressed length byte of its shortest field), which bound every score in
    it from above. Read from the term's bytes at once: Whoosh's own walk (W3LeafMatcher._goto)
    costs some 40 microseconds a block, this some 2.
    """

    def __init__(self, matcher):
        """`matcher`: StoredPostings, or a matcher of Whoosh's (W3LeafMatcher, or a list matcher of
        postings stored inline)."""
        self.last_ids, self.top_weights, self.short_lengths = [], [], []
        self._read = {}
        inline = not isinstance(matcher, StoredPostings) and not hasattr(matcher, "_read_data")
        if inline:  # postings stored in the term's entry: one "block", read now
            for ids, weights, values in whoosh_blocks(matcher, values=True):
                if ids:
                    self.last_ids.append(ids[-1])
                    self.top_weights.append(max(weights))
                    self.short_lengths.append(0)  # not stored: the shortest there is
                    self._read[0] = (list(ids), list(weights), list(values))
            return
        if not isinstance(matcher, StoredPostings):
            if matcher._byteids:
                raise ValueError("the postings of a term vector are not read by blocks")
            matcher = StoredPostings(matcher._postfile, matcher._startoffset, matcher._length, matcher.format)
        self._fixedsize = matcher.format.fixed_value_size()
        raw = matcher.postfile.get(matcher.offset, matcher.length)
        if raw[:_INT_SIZE] != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"postings not beginning as Whoosh {WHOOSH_VERSION} writes them: {raw[:_INT_SIZE]!r}")
        view = memoryview(raw)
        # Each block: its length (negative for the last one), then its header, pickled with protocol 2
        # as W3PostingsWriter._write_block (and writer.py) write it: (postings, last id, highest weight,
        # compression, shortest length byte, longest length byte); then its postings.
        infos, self._starts, self._ends = [], [], []
        position = _INT_SIZE  # past the postings' magic tag
        while True:
            length = _unpack_int_from(raw, position)[0]
            start = position + _INT_SIZE
            infos.append(loads(view[start:start + _PEEK]))  # reads up to the header's end only
            self._starts.append(start)
            position = start + abs(length)
            self._ends.append(position)
            if length < 0:
                break
        self.last_ids = [info[1] for info in infos]
        self.top_weights = [info[2] for info in infos]
        self.short_lengths = [info[4] for info in infos]
        self._infos, self._raw = infos, raw

    def read(self, i):
        """Block i's (document ids, weights, encoded values), as W3LeafMatcher reads them; kept."""
        found = self._read.get(i)
        if found is None:
            found = self._read[i] = self.decode(i)
        return found

    def decode(self, i):
        """Block i read, not kept."""
        found = self._read.get(i)
        if found is None:
            info = self._infos[i]
            count, compression = info[0], info[3]
            header = dumps(info, 2)  # its length is where the postings start
            start = self._starts[i]
            if self._raw[start:start + len(header)] != header:
                raise ValueError(f"a posting block header not as Whoosh {WHOOSH_VERSION} writes it: {info!r}")
            data = self._raw[start + len(header):self._ends[i]]
            ids, weights, values = loads(zlib.decompress(data) if compression else data)
            ids = list(accumulate(ids))  # stored as gaps from the block's start
            if weights is None:
                weights = [1.0] * count
            elif isinstance(weights, float):
                weights = [weights] * count
            size = self._fixedsize
            if size == 0:
                values = (None,) * count
            elif size is not None and size > 0:
                values = tuple(values[n:n + size] for n in range(0, len(values), size))  # none for Frequency
            found = (ids, weights, values)
        return found


class AndNotMatcher(_WhooshAndNotMatcher):
    # Whoosh checks its first document against the excluded side only when both sides start
    # on the same document: an excluded record whose excluded term also occurs in an earlier
    # document came through ("Wurm -entity:microsoft" kept a Microsoft article).
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()
