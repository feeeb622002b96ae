"""The search page speaks the reader's language: labels, help, dates; results keep their own language."""

import pytest

from tests import search_corpus


@pytest.fixture
def corpus(db):
    search_corpus.build()


def german(client, params):
    return client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")


def test_it_labels_results_facets_and_sorting_in_german(corpus, client):
    html = german(client, {"q": "Hotmail"}).content.decode()
    assert '<html lang="de">' in html
    for label in ("Ergebnisse eingrenzen", "Sortieren nach:", "Relevanz", "neueste zuerst", "älteste zuerst",
                  "Entitäten", "Quellen", "Treffer je", "ausschließen", "Gefunden wegen:", "So suchen Sie"):
        assert label in html, label
    assert "Sort by:" not in html and "Narrow the results" not in html


def test_it_gives_dates_of_results_in_the_readers_language(corpus, client):
    params = {"q": "Hotmail", "type": "article"}
    assert '<time datetime="2001-08-10">10. August 2001</time>' in german(client, params).content.decode()
    assert '<time datetime="2001-08-10">10 August 2001</time>' in client.get("/search/", params).content.decode()


def test_it_names_months_of_the_histogram_in_german(corpus, client):
    html = german(client, {"q": "worm OR Wurm", "from": "2001", "to": "2001"}).content.decode()
    assert "Treffer je Monat" in html and "Juli 2001" in html and "July 2001" not in html


def test_it_marks_each_result_with_its_own_language(corpus, client):
    html = german(client, {"q": "Hotmail", "type": "article"}).content.decode()
    assert 'lang="en">Hotmail hit by worm</a>' in html
    assert 'lang="de">Computervirus schlägt zu</a>' in html
    assert '<p class="snippet" lang="en">' in html and '<p class="snippet" lang="de">' in html


def test_it_explains_the_query_language_in_german(corpus, client):
    html = german(client, {}).content.decode()
    for text in ("alle Wörter müssen vorkommen", "genau diese Wortfolge", "unscharf: ein (oder zwei) Buchstaben",
                 "<code>date:[2001-07 to 2001-09]</code>", "<code>Wurm</code> findet Internetwurm"):
        assert text in html, text
    assert "all words must match" not in html


def test_it_shows_filters_paging_and_did_you_mean_in_german(corpus, client):
    html = german(client, {"q": "worm OR Wurm OR Hotmail", "entity": "microsoft", "per_page": "2"}).content.decode()
    assert "Filter:" in html and "Entität: microsoft ×" in html
    assert "Seite 1 von" in html and "weiter →" in html
    assert "Meinten Sie" in german(client, {"q": "Hotmial"}).content.decode()


def test_it_explains_a_bad_query_in_german(corpus, client):
    response = german(client, {"q": '"Code Red'})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Diese Suche lässt sich nicht ausführen" in html and "Anführungszeichen" in html
    assert '<span lang="en">' in html  # the parser's detail stays English and is marked so


@pytest.mark.parametrize(("query", "german_text", "english_text"), [
    ('"Code Red', "Das Anführungszeichen an Stelle 1 wird nicht geschlossen.",
     "A quotation mark opened at position 1 is never closed."),
    ("lang:fr", "lang:fr ist hier keine Sprache", "lang:fr is not a language here"),
    ("date:[2001-09 to 2001-07]", "endet, bevor er beginnt", "ends before it starts"),
    ("farbe:rot", "Unbekanntes Feld", "Unknown field"),
])
def test_it_explains_a_bad_query_in_the_readers_language(db, client, query, german_text, english_text):
    in_german = german(client, {"q": query})
    in_english = client.get("/search/", {"q": query})
    assert in_german.status_code == in_english.status_code == 400
    assert german_text in in_german.content.decode() and english_text not in in_german.content.decode()
    assert english_text in in_english.content.decode()


def test_it_explains_a_bad_parameter_in_the_readers_language(db, client):
    in_german = german(client, {"q": "Wurm", "page": "-1"})
    assert in_german.status_code == 400
    assert "page=-1 liegt außerhalb des Bereichs (1 bis 1000)." in in_german.content.decode()
    in_english = client.get("/search/", {"q": "Wurm", "page": "-1"})
    assert "page=-1 is out of range (1 to 1000)." in in_english.content.decode()
