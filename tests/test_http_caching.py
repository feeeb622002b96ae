"""Conditional GETs: a page, feed, export or API answer is 304 until something in the archive changes."""

import pytest

from archive.models import Article
from tests import timeline_factories as make

ADDRESSES = ["/", "/timeline/", "/archive/2001/", "/feeds/articles.atom", "/timeline/export.csv", "/api/articles/",
             "/entities/worm/", "/sitemap.xml"]


@pytest.fixture
def some(db):
    worm = make.entity("worm")
    return make.article("first", "2001-08-10", entities=[worm])


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_repeated_get_is_answered_not_modified_until_a_record_changes(client, some, address):
    first = client.get(address)
    assert first.status_code == 200
    tag = first["ETag"]
    assert first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "stale-while-revalidate" in first["Cache-Control"]
    assert "Accept-Language" in first["Vary"] and "Cookie" in first["Vary"]
    again = client.get(address, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    some.title = "Renamed"
    some.save()
    changed = client.get(address, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_a_new_record_added_without_save_signals_changes_the_tag(client, some):
    tag = client.get("/").get("ETag")
    Article.objects.bulk_create([Article(slug="bulk", title="Bulk", body="x", language="en")])
    assert client.get("/", HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_each_language_has_its_own_tag(client, some):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")["ETag"]
    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de")["ETag"]
    assert english != german
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de", HTTP_IF_NONE_MATCH=english).status_code == 200


def test_a_signed_in_editor_gets_private_answers(client, some, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a-long-password", is_staff=True)
    client.force_login(editor)
    response = client.get("/")
    assert response["Cache-Control"].startswith("private")


def test_errors_and_posts_carry_no_validators(client, some):
    assert not client.get("/entities/nobody/").has_header("ETag")
    assert not client.post("/api/articles/").has_header("ETag")
