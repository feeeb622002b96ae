"""The admin forms apply the same door rules as the importer and the loader."""

import pytest
from django.contrib.auth.models import User

from archive.models import Article, Source


@pytest.fixture
def editor(client, loaded):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    return client


def post_source(client, **fields):
    data = {"slug": "neu", "name": "Neue Quelle", "language": "", "country": "", "url": "", "description": "",
            **fields}
    return client.post("/admin/archive/source/add/", data)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("name", "Quelle\x01", "contains a control character (U+0001)"),
    ("description", "Text\x1b[31m", "contains a control character (U+001B)"),
    ("description", "Text\x7f", "contains a control character (U+007F)"),
    ("url", 'https://x.example/"><script>alert(1)</script>', "is not an absolute http or https URL"),
    ("url", "https://x.example/'onmouseover=alert(1)", "is not an absolute http or https URL"),
])
def test_the_admin_refuses_what_the_importer_refuses(editor, field, value, expected):
    response = post_source(editor, **{field: value})
    assert response.status_code == 200  # the form again, with its error
    assert expected in response.content.decode()
    assert not Source.objects.filter(slug="neu").exists()


def test_the_admin_saves_a_clean_record(editor):
    response = post_source(editor, url="https://www.taz.de/", description="Zeile eins\n\tZeile zwei")
    assert response.status_code == 302
    assert Source.objects.get(slug="neu").url == "https://www.taz.de/"


def test_the_article_admin_refuses_a_control_character_in_the_title(editor):
    article = Article.objects.get()
    page = editor.get(f"/admin/archive/article/{article.pk}/change/")
    form = page.context["adminform"].form
    # A field without a value (a range's date_not_after) is posted empty, as a browser sends it.
    data = {name: "" if form.initial.get(name) is None else form.initial[name] for name in form.fields}
    data.update({"title": "Code\x01 Red", "date": article.date.isoformat() if article.date else "",
                 "removed_boilerplate": "[]", "source": article.source_id or "",
                 "language_detected": "", "date_inferred": ""})
    for prefix in ("mentions", "hindsight_notes"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = editor.post(f"/admin/archive/article/{article.pk}/change/", data)
    assert "contains a control character (U+0001) at position 5" in response.content.decode()
    article.refresh_from_db()
    assert "\x01" not in article.title
