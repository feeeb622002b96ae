"""Citations built from unsaved records: no database, no HTTP."""

import datetime as dt
import json

import bibtexparser
import pytest
import rispy

from archive import citations
from archive.models import Article, Source

URL = "https://archive.example/articles/code-red/"


def article(**fields):
    values = {
        "slug": "code-red", "title": "Computervirus Code Red 2 schlägt zu", "byline": "DPA/AP",
        "source": Source(name="taz"), "date": dt.date(2001, 8, 10), "date_precision": "day",
        "language": "de", "dateline": "REDMOND/MÜNCHEN", "teaser": "Microsoft-Server befallen",
    }
    values.update(fields)
    return Article(**values)


def test_it_reads_agencies_and_people_from_a_byline():
    assert citations.authors("DPA/AP") == [citations.Author(literal="DPA"), citations.Author(literal="AP")]
    assert citations.authors("Hans Peter Müller und Reuters") == [
        citations.Author(family="Müller", given="Hans Peter"), citations.Author(literal="Reuters"),
    ]
    assert citations.authors("") == []


def test_it_cites_a_day_precise_article_in_each_style():
    item = article()
    assert citations.apa(item, URL) == (
        f"DPA & AP. (2001, August 10). Computervirus Code Red 2 schlägt zu. taz. {URL}"
    )
    assert citations.mla(item, URL) == (
        "DPA and AP. “Computervirus Code Red 2 schlägt zu.” taz, 10 Aug. 2001, https://archive.example/articles/code-red/."
    )
    assert citations.chicago(item, URL) == (
        f"DPA and AP. “Computervirus Code Red 2 schlägt zu.” taz, August 10, 2001. {URL}."
    )


def test_it_prefers_the_original_url_to_the_archive_page():
    item = article(url="https://taz.de/!1234/")
    assert citations.apa(item, URL).endswith("https://taz.de/!1234/")


def test_it_keeps_month_and_year_precision():
    month = article(date=dt.date(2001, 8, 1), date_precision="month")
    assert "(2001, August)" in citations.apa(month)
    assert "Aug. 2001" in citations.mla(month) and "10 Aug" not in citations.mla(month)
    assert "month = aug" in citations.bibtex(month) and "day =" not in citations.bibtex(month)
    assert "DA  - 2001/08/\r\n" in citations.ris(month)
    assert citations.csl(month)["issued"] == {"date-parts": [[2001, 8]]}
    year = article(date=dt.date(2001, 1, 1), date_precision="year")
    assert "(2001)." in citations.apa(year)
    assert "taz, 2001." in citations.chicago(year)
    assert citations.csl(year)["issued"] == {"date-parts": [[2001]]}


def test_it_says_no_date_when_the_date_is_unknown():
    item = article(date=None)
    assert "(n.d.)." in citations.apa(item)
    assert "taz, n.d." in citations.chicago(item) and "n.d.." not in citations.chicago(item)
    assert "2001" not in citations.mla(item)
    assert "issued" not in citations.csl(item)
    assert "PY  -" not in citations.ris(item)
    assert "year" not in citations.bibtex(item)


def test_it_explains_an_inferred_date_in_the_records_not_in_the_styled_text():
    # CSL-JSON has no mark for a supplied date, so a CSL processor prints it as any other (see test_citeproc_equality).
    item = article(date_inferred=True, date_reason="Dated by a weekday.")
    assert "[" not in citations.chicago(item) and "August 10, 2001" in citations.chicago(item)
    assert "N1  - Date inferred: Dated by a weekday." in citations.ris(item)
    assert citations.csl(item)["note"] == "Date inferred: Dated by a weekday."


def test_it_names_people_as_each_style_wants():
    item = article(byline="Hans Peter Müller, Anna Schmidt und Karl Maier")
    assert citations.apa(item).startswith("Müller, H. P., Schmidt, A., & Maier, K. (2001")
    assert citations.mla(item).startswith("Müller, Hans Peter, et al. “")
    assert citations.chicago(item).startswith("Müller, Hans Peter, Anna Schmidt, and Karl Maier. “")
    assert "author = {Müller, Hans Peter and Schmidt, Anna and Maier, Karl}" in citations.bibtex(item)


def test_it_writes_bibtex_with_agencies_kept_whole_and_specials_escaped():
    text = citations.bibtex(article(title="50% of IIS & more"))
    assert text.startswith("@article{dpa200150,\n")
    assert "author = {{DPA} and {AP}}" in text
    assert r"title = {{50\% of IIS \& more}}" in text
    assert text.count("{") == text.count("}")


def test_it_writes_a_complete_ris_record():
    lines = citations.ris(article(), URL).split("\r\n")
    assert lines[0] == "TY  - NEWS"
    assert "T2  - taz" in lines and "LA  - de" in lines and f"UR  - {URL}" in lines
    assert lines[-2] == "ER  -" and lines[-1] == ""


@pytest.mark.parametrize("fields", [
    {}, {"byline": "Hans Peter Müller und Reuters"}, {"byline": ""}, {"date": None},
    {"date": dt.date(2001, 8, 1), "date_precision": "month"}, {"url": "http://taz.de/x"},
])
def test_rispy_reads_our_ris_as_we_meant_it(fields):
    item = article(**fields)
    [record] = rispy.loads(citations.ris(item, URL))
    assert record["type_of_reference"] == "NEWS" and record["title"] == item.title
    expected = [a.inverted() for a in citations.authors(item.byline)]
    assert record.get("authors", []) == expected
    assert record["urls"] == [item.url or URL]


@pytest.mark.parametrize("fields", [
    {}, {"title": "50% of IIS & more_{x}"}, {"byline": "Hans Peter Müller und Reuters"}, {"date": None},
])
def test_bibtexparser_reads_our_bibtex_without_complaint(fields):
    item = article(**fields)
    library = bibtexparser.parse_string(citations.bibtex(item, URL))
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "article" and entry.key == citations.bibtex_key(item)
    assert entry["url"] == URL and entry["journal"] == "taz"


def test_it_writes_csl_json_that_reads_back():
    items = json.loads(citations.csl_json(article(), URL))
    assert items == [{
        "id": "code-red", "type": "article-newspaper", "title": "Computervirus Code Red 2 schlägt zu",
        "author": [{"literal": "DPA"}, {"literal": "AP"}], "container-title": "taz",
        "issued": {"date-parts": [[2001, 8, 10]]}, "language": "de", "event-place": "REDMOND/MÜNCHEN",
        "URL": URL, "abstract": "Microsoft-Server befallen",
    }]


def test_it_gives_highwire_tags_and_news_article_data():
    tags = citations.highwire_tags(article(date=dt.date(2001, 8, 1), date_precision="month"), URL)
    # What makes Zotero's Embedded Metadata translator save a newspaper article, not a journal article.
    assert ("DC.type", "newspaperArticle") in tags and ("prism.publicationName", "taz") in tags
    assert "citation_journal_title" not in dict(tags)
    assert ("citation_publication_date", "2001/08") in tags
    assert [value for name, value in tags if name == "citation_author"] == ["DPA", "AP"]
    data = citations.news_article(article(), URL)
    assert data["@type"] == "NewsArticle" and data["datePublished"] == "2001-08-10"
    assert data["author"][0] == {"@type": "Organization", "name": "DPA"}
    assert data["url"] == URL
