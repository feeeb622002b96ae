"""Which engine answers: the one settings.ARCHIVE_SEARCH_BACKEND names.

An engine is a subpackage with a `backend` module whose `backend()` returns an object with
update(keys), rebuild(progress=), reading() (a context manager: the calls inside it see
one state of the index), generation(), fingerprints(), advice() (sentences for whoever runs
update_index: what would serve readers better than the index does now) and search(request) (a
types.SearchRequest in, a types.SearchResults out). Engines are imported only when chosen, so a site on one never
loads the other's library.
"""

import importlib

from django.conf import settings

BACKENDS = {"whoosh": "archive.search.whoosh.backend", "postgres": "archive.search.postgres.backend"}


def get_backend():
    """The engine named by settings.ARCHIVE_SEARCH_BACKEND (default "whoosh")."""
    name = getattr(settings, "ARCHIVE_SEARCH_BACKEND", "whoosh")
    if name not in BACKENDS:
        raise ValueError(f"ARCHIVE_SEARCH_BACKEND={name!r}: use one of {', '.join(BACKENDS)}")
    return importlib.import_module(BACKENDS[name]).backend()
