"""The PostgreSQL engine (ARCHIVE_SEARCH_BACKEND=postgres): search in the database; see backend.py."""
