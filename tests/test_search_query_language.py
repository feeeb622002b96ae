import pytest

from archive import search
from archive.search import Filters
from tests import search_corpus
from tests.search_corpus import slugs

pytestmark = pytest.mark.usefixtures("search_backend")

ARTICLES = Filters(types=("article",))


@pytest.fixture
def corpus(db):
    search_corpus.build()


def found(query, filters=ARTICLES):
    return set(slugs(search.search(query, filters=filters, per_page=50)))


def test_it_needs_every_word_by_default(corpus):
    assert found("Hotmail Wurm") == {"taz-code-red"}
    assert found("Hotmail AND Wurm") == {"taz-code-red"}


def test_it_takes_either_word_with_or(corpus):
    assert found("markets OR backdoor") == {"bbc-markets", "bbc-backdoor"}


def test_it_leaves_out_words_with_not_and_minus(corpus):
    with_hotmail = found("Microsoft")
    assert {"taz-code-red", "bbc-hotmail-outage"} <= with_hotmail
    assert found("Microsoft -Hotmail") == with_hotmail - {"taz-code-red", "bbc-hotmail-outage"}
    assert found("Microsoft NOT Hotmail") == found("Microsoft -Hotmail")


def test_it_matches_phrases_in_order(corpus):
    assert found('"White House"') == {"bbc-white-house"}
    assert found('"House White"') == set()


def test_it_matches_words_near_each_other(corpus):
    assert found('"worm thousands"') == set()
    assert found('"worm thousands"~3') == {"bbc-white-house"}


def test_it_forgives_a_misspelling_with_fuzzy(corpus):
    assert found("Symantek") == set()
    assert found("Symantek~") == {"taz-code-red", "bbc-symantec-numbers"}


def test_it_matches_prefixes(corpus):
    assert found("infect*") == {"bbc-white-house", "bbc-symantec-numbers"}


def test_it_searches_one_field(corpus):
    assert found("title:Hotmail") == {"bbc-hotmail-outage"}
    assert found("entity:hotmail") == {"taz-code-red", "bbc-hotmail-outage"}
    assert found('entity:"Code Red II"') == {"taz-code-red"}
    assert found("source:heise") == {"heise-computerwurm"}
    assert found("lang:de") == {"taz-code-red", "heise-computerwurm", "taz-strasse"}
    assert slugs(search.search("type:event")) == ["code-red-ii-appears"]


def test_it_filters_by_dates(corpus):
    assert found("date:2003") == {"bbc-symantec-numbers"}
    assert found("date:2001-07") == {"heise-computerwurm", "bbc-white-house"}
    assert found("date:[2001-08 to 2001-08]") == {
        "taz-code-red", "bbc-hotmail-outage", "bbc-backdoor", "bbc-virus-group"}
    assert found("date:[2004 to *]") == {"taz-strasse", "bbc-markets"}


def test_it_groups_with_parentheses(corpus):
    assert found("(Hotmail OR backdoor) IIS") == {"taz-code-red", "bbc-backdoor"}


@pytest.mark.parametrize(("query", "message"), [
    ('"Code Red', "never closed"),
    ("date:[x to]", "two ends"),
    ("date:[2001 to x]", "not a date"),
    ("date:2001-13", "not a real date"),
    ("foo:bar", "Unknown field 'foo'"),
    ("lang:fr", "lang:de or lang:en"),
    ("(Hotmail", "never closed"),
    ("Hotmail)", "without a matching"),
    ("x" * 501, "at most 500"),
    ("Hotmail\x00", "control character"),
    ("a*b", "only at the end"),
    ("Symantec~5", "~1 or ~2"),
    ("-", None),
])
def test_it_explains_what_is_wrong_with_a_query(corpus, query, message):
    if message is None:
        search.search(query)  # a lone minus is just punctuation
        return
    with pytest.raises(search.QueryError, match=message):
        search.search(query)


def test_it_shows_records_with_some_words_when_none_has_all(corpus):
    page = search.search("Hotmail timeline", filters=ARTICLES)
    assert page.relaxed
    assert slugs(page)[0] == "bbc-hotmail-outage"
    assert not search.search("Hotmail Wurm", filters=ARTICLES).relaxed
    assert search.search("Hotmail -worm -Wurm timeline", filters=ARTICLES).total == 0  # exclusions stay strict
