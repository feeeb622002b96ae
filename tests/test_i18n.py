"""The interface in English and German: chosen by Accept-Language, switched by a form, dates as readers say them."""

from pathlib import Path

import polib
from django.conf import settings

SLUG = "computervirus-code-red-2-schlaegt-zu"


def test_it_speaks_english_by_default(client, loaded):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Latest articles" in html and "10 August 2001" in html


def test_it_follows_accept_language(client, loaded):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="de">' in html
    assert "Neueste Artikel" in html and "Zum Inhalt springen" in html
    assert "10. August 2001" in html and "4. August 2001" in html  # an article's and an event's date


def test_it_switches_language_with_a_plain_form(client, loaded):
    response = client.post("/i18n/setlang/", {"language": "de", "next": f"/articles/{SLUG}/"})
    assert response.status_code == 302 and response["Location"] == f"/articles/{SLUG}/"
    html = client.get(f"/articles/{SLUG}/").content.decode()
    assert '<html lang="de">' in html
    assert "Diesen Artikel zitieren" in html and "(auf den Tag genau)" in html and "Erschienen" in html
    # The article keeps its own language, whatever the interface speaks.
    assert '<article class="article" lang="de">' in html


def test_it_marks_an_english_article_as_english_in_a_german_interface(client, loaded):
    from archive.models import Article

    Article.objects.create(slug="english-one", title="An English report", body="Text.", language="en")
    html = client.get("/articles/english-one/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in html and '<article class="article" lang="en">' in html


def test_it_has_every_german_string_translated_and_compiled():
    folder = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    compiled = {entry.msgid: entry.msgstr or entry.msgstr_plural for entry in polib.mofile(str(folder / "django.mo"))}
    source = {entry.msgid: entry.msgstr or entry.msgstr_plural for entry in po.translated_entries()}
    # A stale .mo would show readers old or missing German: run `make messages` after editing the .po.
    assert {key: compiled.get(key) for key in source} == source
