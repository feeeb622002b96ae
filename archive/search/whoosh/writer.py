"""Whoosh's segment writer, made cheaper where profiles of a rebuild found its time; same index files.

Most of a rebuild's time was Whoosh's per-posting Python work: a tuple per posting into its
pool, one sort over all of them at commit, then for every posting a chain of calls
(add_postings -> add -> add_posting, a field-length lookup, type checks) to fill its blocks.
Here the work is done per term and per block instead, writing the same bytes:

- TermPool keeps each term's postings together as they come, in compact arrays (document
  numbers, float32 weights as Whoosh's blocks keep them, encoded values), already in
  document order, so only the distinct terms are sorted. Past `limitmb` it writes its terms,
  sorted, to a temporary run file; the runs are merged term by term, not posting by posting.
- write_postings() cuts each term's arrays into blocks of Whoosh's size and writes each block
  and the term's statistics as W3PostingsWriter and W3TermInfo would, field lengths read
  once per field into a list.
- Writer.add_document() adds a document's postings to the pool without a tuple per posting.
- Posting blocks are compressed with zlib level 1 instead of 3 (the block says its level;
  readers decompress any): cheaper and, on these short pickled blocks, as small; blocks whose
  pickle is under COMPRESS_FROM bytes are not compressed at all.

tests/test_search_parallel_writing.py compares postings, term statistics, lengths and stored
fields with Whoosh's own writer, with and without runs on disk.
"""

import heapq
import pickle
import tempfile
import zlib
from array import array
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

COMPRESSION = 1
# A block whose pickle is shorter is stored as it is (the block says so: compression 0, which every reader
# of Whoosh's format honours). Three blocks in four are that short, and zlib made them no smaller (those
# under 32 bytes a sixth larger) at some 7 microseconds a block: 5% of a rebuild's time. Whoosh meant to
# do the same below 20 bytes (W3PostingsWriter._write_block), but sets the level again after.
COMPRESS_FROM = 64
POSTING_BYTES = 60   # memory of one pooled posting beside its value: array slots, list slot, bytes header
TERM_BYTES = 400     # memory of one pooled term: the key, three containers


class TermPool:
    """Postings grouped by (field, term) as they are added: {key: (ids, weights, values)}.

    `values` is None for fields whose postings carry no value (Whoosh stores none for them).
    Document numbers must come in order within a term, as they do when documents are added
    one after another; a merged segment's postings (add()) are checked and sorted if not.
    """

    def __init__(self, tempstore, segment, limitmb=128):
        self.folder = getattr(tempstore, "folder", None)
        self.limit = limitmb * 1024 * 1024
        self.terms = {}
        self.size = 0
        self.runs = []
        self.unordered = set()
        self.valueless = {}  # field name -> True when its format stores no values

    def new_term(self, fieldname, tbytes, valueless):
        postings = self.terms[fieldname, tbytes] = (array("I"), array("f"), None if valueless else [])
        self.size += TERM_BYTES + len(tbytes)
        return postings

    def add(self, item):
        """One posting (field, term, document, weight, value), as Whoosh's PostingPool takes it."""
        fieldname, tbytes, docnum, weight, vbytes = item
        postings = self.terms.get((fieldname, tbytes))
        if postings is None:
            postings = self.new_term(fieldname, tbytes, self.valueless.get(fieldname, False))
        ids, weights, values = postings
        if ids and docnum <= ids[-1]:
            self.unordered.add((fieldname, tbytes))
        ids.append(docnum)
        weights.append(weight)
        if values is not None:
            values.append(vbytes or b"")
        self.size += POSTING_BYTES + len(vbytes or b"")
        self.check_size()

    def check_size(self):
        if self.size > self.limit:
            self.save()

    def save(self):
        """Write the pooled terms, sorted, to a new run file and empty the pool."""
        if not self.terms:
            return
        run = tempfile.TemporaryFile(dir=self.folder)
        terms, self.terms = self.terms, {}
        dump, protocol = pickle.dump, pickle.HIGHEST_PROTOCOL
        for key in sorted(terms):
            ids, weights, values = terms[key]
            # A pickle per term: one Pickler for the whole run would remember every object it wrote
            # (its memo), as much memory again as the pool.
            dump((key, ids.tobytes(), weights.tobytes(), values), run, protocol)
        run.seek(0)
        self.runs.append(run)
        self.size = 0

    @staticmethod
    def _read_run(run):
        load = pickle.load
        while True:
            try:
                key, ids, weights, values = load(run)
            except EOFError:
                return
            yield key, (array("I", ids), array("f", weights), values)

    def terms_in_order(self):
        """(field, term, ids, weights, values) for every pooled term, sorted, runs joined in order."""
        terms, self.terms = self.terms, {}
        in_memory = ((key, terms[key]) for key in sorted(terms))
        if self.runs:
            merged = heapq.merge(*(self._read_run(run) for run in self.runs), in_memory, key=itemgetter(0))
            joined = (_join(key, group) for key, group in groupby(merged, key=itemgetter(0)))
        else:
            joined = in_memory
        unordered = self.unordered
        for (fieldname, tbytes), postings in joined:
            if unordered and (fieldname, tbytes) in unordered:
                postings = _sort(postings)
            yield fieldname, tbytes, *postings

    def cleanup(self):
        self.terms = {}
        for run in self.runs:
            run.close()
        self.runs = []


def _join(key, group):
    (_, first), *rest = group
    if not rest:
        return key, first
    ids, weights, values = array("I", first[0]), array("f", first[1]), first[2] and list(first[2])
    for _, (more_ids, more_weights, more_values) in rest:  # runs in the order they were written
        ids.extend(more_ids)
        weights.extend(more_weights)
        if values is not None:
            values.extend(more_values)
    return key, (ids, weights, values)


def _sort(postings):
    ids, weights, values = postings
    order = sorted(range(len(ids)), key=ids.__getitem__)
    return (array("I", (ids[n] for n in order)), array("f", (weights[n] for n in order)),
            None if values is None else [values[n] for n in order])


class _Lengths:
    """Each field's document lengths in one list, read once from the per-document reader."""

    def __init__(self, reader):
        self.reader = reader
        self.count = reader.doc_count_all()
        self.tables = {}

    def table(self, fieldname):
        table = self.tables.get(fieldname)
        if table is None:
            length = self.reader.doc_field_length
            table = self.tables[fieldname] = [length(n, fieldname, 0) for n in range(self.count)]
        return table

    def doc_field_length(self, docnum, fieldname, default=0):
        return self.table(fieldname)[docnum]


# A block's data is pickled with protocol 5, not Whoosh's 2, which pickles each position list (bytes) as a
# call of _codecs.encode on a str: unpickling a block of a common word took 40 microseconds, now 6, and
# it is some 45% smaller compressed. Whoosh reads either (pickle.loads), so an index written before stays
# readable and gets faster at its next rebuild.
BLOCK_PICKLE = 5


def write_postings(fieldwriter, schema, lengths, terms, blocklimit, compression=COMPRESSION):
    """Every term's posting blocks and term info, as W3FieldWriter.add_postings() writes them.

    `terms`: (field, term bytes, ids, weights, values) sorted by field and term. A block is
    Whoosh's pickled (delta-coded ids, weights, values) (protocol BLOCK_PICKLE) after a pickled (count, last id, max
    weight, compression, min length byte, max length byte); see W3PostingsWriter._write_block.
    """
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    dumps, compress = pickle.dumps, zlib.compress
    lastfield = None
    for fieldname, tbytes, ids, weights, values in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            prefix = pack_ushort(fieldwriter._fieldid)
            fixedsize = fieldobj.format.fixed_value_size()
            table = lengths.table(fieldname) if lengths and fieldobj.scorable else None
            lastfield = fieldname
        terminfo = W3TermInfo()
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        count = len(ids)
        total, maxweight, minlength, maxlength = 0.0, 0, None, 0
        for low in range(0, count, blocklimit):
            high = min(low + blocklimit, count)
            block_ids = ids[low:high]
            block_weights = weights[low:high]
            deltas = [block_ids[0]]  # delta_encode() starts from 0 in every block
            deltas.extend(map(int.__sub__, block_ids[1:], block_ids[:-1]))
            top = max(block_weights)
            if top == 1.0 and min(block_weights) == 1.0:
                mini_weights = None
            elif top == min(block_weights):
                mini_weights = block_weights[0]
            else:
                mini_weights = tuple(block_weights)
            if values is None or fixedsize == 0:
                mini_values = None
            else:
                present = [value for value in values[low:high] if value]
                mini_values = tuple(present) if fixedsize is None else b"".join(present)
            if table is not None:
                found = [table[docnum] for docnum in block_ids]
                low_length, high_length = min(found), max(found)
                if not low_length:
                    found = [length for length in found if length]
                    low_length, high_length = (min(found), max(found)) if found else (None, 0)
            else:
                low_length, high_length = None, 0
            databytes = dumps((tuple(deltas), mini_weights, mini_values), BLOCK_PICKLE)
            level = compression if len(databytes) >= COMPRESS_FROM else 0
            if level:
                databytes = compress(databytes, level)
            infobytes = dumps((high - low, block_ids[-1], top, level,
                               length_to_byte(low_length), length_to_byte(high_length)), 2)
            size = len(infobytes) + len(databytes)
            postfile.write_int(-size if high == count else size)
            postfile.write(infobytes)
            postfile.write(databytes)
            # W3TermInfo.add_block(), per block as Whoosh adds it up
            total += sum(block_weights)
            maxweight = max(maxweight, top)
            if low_length is not None:
                minlength = low_length if minlength is None else min(minlength, low_length)
            maxlength = max(maxlength, high_length)
        terminfo._weight, terminfo._df = total, count
        terminfo._minlength, terminfo._maxlength, terminfo._maxweight = minlength, maxlength, maxweight
        terminfo._minid, terminfo._maxid = ids[0], ids[-1]
        terminfo.set_extent(start, postfile.tell() - start)
        tindex.add(prefix + tbytes, terminfo.to_bytes())
    if lastfield is not None:
        fieldwriter.finish_field()


class Writer(SegmentWriter):
    """A SegmentWriter with TermPool, postings written per term and block, cheaper compression."""

    def __init__(self, ix, *, limitmb=128, **kwargs):
        super().__init__(ix, codec=W3Codec(compression=COMPRESSION), limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)  # Whoosh ignores `poolclass`
        self.pool.valueless = {name: field.format.fixed_value_size() == 0
                               for name, field in self.schema.items() if field.format is not None}

    def add_document(self, **fields):
        """SegmentWriter.add_document() for fields without boosts, vectors or separate spelling."""
        if any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self._check_state()
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        terms, new_term, valueless = pool.terms, pool.new_term, pool.valueless
        added = 0
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                if field.vector or field.separate_spelling():
                    raise NotImplementedError(f"field {fieldname}: vectors and separate spelling are not written here")
                length = 0
                if field.indexed:
                    no_values = valueless[fieldname]
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        postings = terms.get((fieldname, tbytes))
                        if postings is None:
                            postings = new_term(fieldname, tbytes, no_values)
                        postings[0].append(docnum)
                        postings[1].append(weight)
                        if not no_values:
                            postings[2].append(vbytes)
                            added += len(vbytes)
                        added += POSTING_BYTES
                        if scorable:
                            length += freq
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        pool.size += added
        pool.check_size()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        # SegmentWriter._flush_segment, writing the pool's terms with write_postings().
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, reader and _Lengths(reader), self.pool.terms_in_order(),
                       self.codec._blocklimit)
        self.fieldwriter.close()
        if reader:
            reader.close()
