"""What both engines show of a hit besides its passage: the lead when no word of its text matched,
and "why it matched" as the reader sees it.

Each engine cuts and marks its own passage (Whoosh over the stored text with its analysers,
PostgreSQL with ts_headline); what is the same for both is here, so it stays the same.
"""

import html


def lead(text, size=200):
    """The text's first `size` characters, its runs of white space read as one, cut at a word."""
    # Only as much of the text as the lead needs is read: a long text's whole takes tens of microseconds.
    read = 2 * size + 2
    while True:
        shown = " ".join(text[:read].split())
        if len(shown) > size or read >= len(text):
            break
        read *= 4
    return shown if len(shown) <= size else shown[:size].rsplit(" ", 1)[0] + " …"


def unmatched_snippet(doc):
    """HTML for a hit none of whose text words matched: an entity shows none, others their lead."""
    return "" if doc["type"] == "entity" else html.escape(lead(doc["text"]))


def reasons(pairs):
    """(field label, term) pairs -> "matched" entries, each once, in the order first met."""
    return [{"field": label, "term": term} for label, term in dict.fromkeys(pairs)]
