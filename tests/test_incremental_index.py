"""The start-up's index update after a change: only the documents the change log names are compared.

Each write here is one the index does not hear of (QuerySet.update(), raw SQL, bulk_create, a
delete inside deferred_indexing), as when another program writes the database. The run must
find it from the log alone: a run that fell back to comparing every document would hide a miss.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from archive import search
from archive.models import Article, Claim, Entity, EntityAlias, Event, Mention, Source
from archive.search import changes
from tests import timeline_factories as make

pytestmark = pytest.mark.usefixtures("search_backend")

FULL = "Checking every document"


def _run(*args):
    out = StringIO()
    call_command("update_index", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive(db):
    worm = make.entity("worm")
    taz = make.source("taz")
    articles = [make.article(f"a-{n}", "2001-08-10", entities=[worm], source_=taz if n == 0 else None)
                for n in range(3)]
    event = make.event("outbreak", "2001-07-19", entities=[worm])
    out = _run()
    assert "Rebuilding the search index: there is no index yet" in out
    assert not changes.read().read  # what the rebuild covered is no longer in the log
    return {"worm": worm, "taz": taz, "articles": articles, "event": event}


def _incremental(expected):
    """Run update_index after a write the index did not hear of; it must mend it from the log alone."""
    assert not search.check().clean, "the write reached the index: the test would prove nothing"
    out = _run()
    assert FULL not in out and "Rebuilding" not in out, out
    assert expected in out, out
    assert search.check().clean
    assert _run().startswith("The search index is up to date")


def test_a_queryset_update_is_found(archive):
    Article.objects.filter(pk=archive["articles"][1].pk).update(title="Renamed by update()")
    _incremental("0 added, 1 rewritten, 0 removed")


def test_a_raw_sql_update_is_found(archive):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET body = 'Changed by hand' WHERE id = %s",
                       [archive["articles"][2].pk])
    _incremental("0 added, 1 rewritten, 0 removed")


def test_a_delete_is_found(archive):
    with search.deferred_indexing():
        Article.objects.filter(pk=archive["articles"][1].pk).delete()
    _incremental("0 added, 0 rewritten, 1 removed")


def test_a_raw_sql_delete_is_found(archive):
    gone = archive["articles"][2].pk
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_mention WHERE article_id = %s", [gone])
        cursor.execute("DELETE FROM archive_article WHERE id = %s", [gone])
    _incremental("0 added, 0 rewritten, 1 removed")


def test_an_add_is_found(archive):
    Article.objects.bulk_create([Article(slug="new", title="New", body="Text.", language="en")])
    _incremental("1 added, 0 rewritten, 0 removed")


def test_an_entity_renamed_by_update_rewrites_every_document_showing_its_name(archive):
    Entity.objects.filter(pk=archive["worm"].pk).update(name="Wurm")
    # The entity's own document, its three articles and its event.
    _incremental("0 added, 5 rewritten, 0 removed")


def test_an_alias_added_in_raw_sql_is_found(archive):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO archive_entityalias (entity_id, name, language) VALUES (%s, 'CodeRedWorm', '')",
                       [archive["worm"].pk])
    assert EntityAlias.objects.filter(entity=archive["worm"]).exists()
    _incremental("0 added, 5 rewritten, 0 removed")


def test_a_source_renamed_by_update_rewrites_its_articles(archive):
    Source.objects.filter(pk=archive["taz"].pk).update(name="die tageszeitung")
    _incremental("0 added, 1 rewritten, 0 removed")


def test_a_mention_removed_by_update_rewrites_its_article(archive):
    Mention.objects.filter(article=archive["articles"][0]).delete()
    _incremental("0 added, 1 rewritten, 0 removed")


def test_an_event_tagged_and_given_a_claim_is_found(archive):
    virus = Entity.objects.create(slug="virus", name="Virus", kind="malware")
    # The entity's document is new; the event gains the entity and a claim.
    archive["event"].entities.add(virus)
    Claim.objects.bulk_create([Claim(event=archive["event"], text="359,000 hosts", source_name="CAIDA")])
    _incremental("1 added, 1 rewritten, 0 removed")


def test_a_write_the_log_lost_is_caught_by_the_counts(archive):
    """The safety net: the log emptied by hand after an add; the counts differ, so every document is compared."""
    Event.objects.bulk_create([Event(slug="lost", title="Lost", kind="outbreak")])
    changes.forget(changes.read())
    out = _run()
    assert f"{FULL} of the search index: the index holds 5 documents, the database 6 records" in out
    assert "1 added" in out
    assert search.check().clean


def test_full_compares_every_document(archive):
    out = _run("--full")
    assert f"{FULL} of the search index: asked for (--full)" in out
    assert "0 added, 0 rewritten, 0 removed" in out


def test_an_index_kept_before_the_change_log_is_compared_in_full_once(archive, settings):
    from archive.management.commands import update_index

    saved = update_index._saved_stamp()
    del saved["changes"]
    update_index._stamp_file().write_text(__import__("json").dumps(saved))
    Article.objects.filter(pk=archive["articles"][1].pk).update(title="Renamed by update()")
    out = _run()
    assert f"{FULL} of the search index: no earlier run" in out
    assert "0 added, 1 rewritten, 0 removed" in out
    Article.objects.filter(pk=archive["articles"][1].pk).update(title="Renamed again")
    _incremental("0 added, 1 rewritten, 0 removed")


@pytest.mark.postgres_only
def test_a_truncate_makes_the_next_run_compare_every_document(archive):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE archive_claim")
    out = _run()
    assert f"{FULL} of the search index: a table was emptied at once (TRUNCATE)" in out
    assert search.check().clean
