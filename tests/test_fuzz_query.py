"""Any text given to the query parser gives a tree or a QueryError, nothing else."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search import query as q

# Pieces of the query language, so random queries reach deep into the parser, not only its first check.
PIECES = st.sampled_from([
    "worm", "Wurm", "code", "red", "OR", "AND", "NOT", "-", "(", ")", '"', "~", "~2", "~9", "*", ":", "[", "]",
    "title:", "entity:", "source:", "lang:", "type:", "date:", "date:[", " to ", "*]", "2001", "2001-08",
    "2001-13", "2001-02-30", "de", "en", "article", "event", " ", "ä", "ß", "\t", "\u200b", "\x00",
])
QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(PIECES, max_size=30).map("".join),
    st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=20).map(" ".join),
)
FUZZ = settings(max_examples=200, deadline=None, derandomize=True)


@FUZZ
@given(QUERIES)
def test_any_query_parses_or_raises_a_query_error(text):
    try:
        tree = q.parse(text)
    except q.QueryError as exc:
        assert str(exc) and exc.parameter == "q"
        return
    for node in q.walk(tree):  # every node is one the backends compile
        assert isinstance(node, q.And | q.Or | q.Not | q.Term | q.Phrase | q.Match | q.DateRange)


@FUZZ
@given(st.text(min_size=501, max_size=600))
def test_an_over_long_query_is_refused_by_length(text):
    try:
        q.parse(text)
    except q.QueryError as exc:
        assert "at most 500" in str(exc)
    else:
        raise AssertionError("an over-long query was accepted")
