"""Whoosh's segment writer, made cheaper where a profile of a rebuild found its time; same index files.

A rebuild spent about half its time in Whoosh's commit. Three parts of it change here, none
of them in what the files hold for the readers (ranking.py and Whoosh's own):

- Sorting: Whoosh's pool collects every posting as a (field, term, document, weight, value)
  tuple and sorts them all at commit, string comparisons over millions of tuples. TermPool
  keeps each term's postings together as they come, already in document order, so only the
  distinct terms are sorted. (Past `limitmb` it writes a sorted run to disk, as Whoosh's does.)
- Lengths: for each posting the commit looked up the document's field length through the
  per-document column reader; here each field's lengths are read once into a list.
- Compression: posting blocks are compressed with zlib level 1 instead of 3 (the block says
  its level; readers decompress any). Level 1 is cheaper and, on these short pickled blocks,
  as small.
"""

from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import PostingPool, SegmentWriter

COMPRESSION = 1


class TermPool(PostingPool):
    """Postings grouped by (field, term) as they are added; sorted by term only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {}

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self.terms.get(key)
        if postings is None:
            postings = self.terms[key] = []
            self.fieldnames.add(fieldname)
            self.currentsize += 120 + len(tbytes)
        postings.append((docnum, weight, vbytes))
        self.currentsize += 90 + len(vbytes or b"")
        if self.currentsize > self.limit:
            self.save()

    def _sorted(self):
        terms, self.terms = self.terms, {}
        for key in sorted(terms):
            fieldname, tbytes = key
            postings = terms[key]
            postings.sort()  # already in document order when documents were added in order: a single pass
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def save(self):
        if self.terms:
            path, f = self._new_run()
            self._write_run(f, self._sorted())
            self._add_run(path)
        self.currentsize = 0

    def items(self, maxfiles=128):
        if not self.runs:
            return self._sorted()
        return super().items(maxfiles)

    def cleanup(self):
        self.terms = {}
        super().cleanup()


class _Lengths:
    """doc_field_length() for the commit from a list per field, filled once from the per-document reader."""

    def __init__(self, reader):
        self.reader = reader
        self.count = reader.doc_count_all()
        self.tables = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self.tables.get(fieldname)
        if table is None:
            length = self.reader.doc_field_length
            table = self.tables[fieldname] = [length(n, fieldname, default) for n in range(self.count)]
        return table[docnum]


class Writer(SegmentWriter):
    """A SegmentWriter with TermPool, lengths read once and cheaper compression."""

    def __init__(self, ix, *, limitmb=128, **kwargs):
        super().__init__(ix, codec=W3Codec(compression=COMPRESSION), limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)  # Whoosh ignores `poolclass`

    def _flush_segment(self):
        # SegmentWriter._flush_segment, with the lengths from _Lengths.
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, reader and _Lengths(reader), self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()
