"""The Whoosh engine (ARCHIVE_SEARCH_BACKEND=whoosh): an index on local disk; see backend.py."""
