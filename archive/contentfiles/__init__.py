"""The archive's own records as files (content/): read and checked (reader, fields), written into the
database (apply), and written back out from it (export). Outside articles come in through archive.ingest."""
