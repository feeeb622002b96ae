"""What both engines show of a hit besides its passage: the lead when no word of its text matched,
and "why it matched" as the reader sees it.

Each engine cuts and marks its own passage (Whoosh over the stored text with its analysers,
PostgreSQL with ts_headline); what is the same for both is here, so it stays the same.
"""

import html


def lead(text, size=200):
    """The text's first `size` characters, cut at a word."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def unmatched_snippet(doc):
    """HTML for a hit none of whose text words matched: an entity shows none, others their lead."""
    return "" if doc["type"] == "entity" else html.escape(lead(doc["text"]))


def reasons(pairs):
    """(field label, term) pairs -> "matched" entries, each once, in the order first met."""
    return [{"field": label, "term": term} for label, term in dict.fromkeys(pairs)]
