"""The archive's change stamp moves on every kind of write, so no reader is told 304 about a changed archive."""

import pytest
from django.db import connection

from archive import stamp
from archive.models import Article, Entity, Mention
from tests import timeline_factories as make


@pytest.fixture
def some(db):
    worm = make.entity("worm")
    return make.article("first", "2001-08-10", entities=[worm])


def _unchanged_after(client, write, address="/"):
    tag = client.get(address)["ETag"]
    write()
    return client.get(address, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_a_queryset_update_changes_the_tag(client, some):
    assert not _unchanged_after(client, lambda: Article.objects.filter(pk=some.pk).update(title="Renamed"))


def test_an_entity_renamed_to_a_name_of_the_same_length_changes_the_tag(client, some):
    assert not _unchanged_after(client, lambda: Entity.objects.filter(slug="worm").update(name="Wurm"),
                                address="/entities/worm/")


def test_a_deleted_and_a_new_mention_change_the_tag(client, some):
    other = make.entity("virus")

    def swap():
        Mention.objects.filter(article=some).delete()
        Mention.objects.create(article=some, entity=other)

    assert not _unchanged_after(client, swap)


def test_raw_sql_changes_the_stamp(some):
    before = stamp.archive_stamp(fresh=True)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET body = 'x' WHERE id = %s", [some.pk])
    after = stamp.archive_stamp(fresh=True)
    assert stamp.etag(after) != stamp.etag(before)


def test_reading_pages_leaves_the_stamp_alone(client, some):
    before = stamp.archive_stamp(fresh=True)
    for address in ("/", "/entities/worm/", "/timeline/", "/sitemap.xml"):
        assert client.get(address).status_code == 200
    assert stamp.archive_stamp(fresh=True) == before


def test_installing_again_keeps_the_stamp(some):
    before = stamp.archive_stamp(fresh=True)
    stamp.install()
    assert stamp.archive_stamp(fresh=True) == before


def test_a_remembered_aggregate_is_worked_out_again_after_any_write(some):
    from archive.remembered import remember

    calls = []

    def counted():
        calls.append(1)
        return Mention.objects.count()

    assert remember("mentions", counted) == remember("mentions", counted) == 1
    assert len(calls) == 1
    Mention.objects.create(article=some, entity=make.entity("virus"))
    assert remember("mentions", counted) == 2 and len(calls) == 2


def test_the_home_page_shows_an_entity_named_after_the_first_visit(client, some):
    assert "Rootkit" not in client.get("/").content.decode()
    Mention.objects.create(article=some, entity=make.entity("rootkit", name="Rootkit"))
    assert "Rootkit" in client.get("/").content.decode()
