"""The index follows the database: changes are indexed once their transaction commits."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from archive import search
from archive.models import Article, Entity, EntityAlias, Mention
from tests import search_corpus
from tests.search_corpus import slugs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("search_backend")]


def titles(query):
    return [result["title"] for result in search.search(query).results]


def new_article(slug, title, body="Text.", language="en"):
    return Article.objects.create(slug=slug, title=title, body=body, language=language)


def test_it_indexes_a_saved_article_after_commit():
    with transaction.atomic():
        new_article("a", "Blaster worm spreads")
        assert titles("Blaster") == []  # not before the commit
    assert titles("Blaster") == ["Blaster worm spreads"]


def test_it_indexes_nothing_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        new_article("a", "Sasser worm spreads")
        raise RuntimeError("import failed")
    new_article("b", "Unrelated")  # a later write must not carry the rolled-back key along wrongly
    assert titles("Sasser") == []
    assert search.check().clean


def test_it_follows_edits_and_deletes():
    article = new_article("a", "Slammer worm spreads")
    article.title = "Slammer hits banks"
    article.save()
    assert titles("banks") == ["Slammer hits banks"]
    assert titles("spreads") == []
    article.delete()
    assert titles("Slammer") == []


def test_it_reindexes_articles_when_an_entity_gains_an_alias():
    entity = Entity.objects.create(slug="sql-slammer", name="SQL Slammer", kind="malware")
    article = new_article("a", "Worm hits banks")
    Mention.objects.create(article=article, entity=entity)
    assert titles("Sapphire") == []
    EntityAlias.objects.create(entity=entity, name="Sapphire")
    assert "Worm hits banks" in titles("Sapphire")


def test_it_removes_an_entity_from_its_articles_when_deleted():
    entity = Entity.objects.create(slug="nimda", name="Nimda", kind="malware")
    article = new_article("a", "Worm hits banks")
    article.entities.add(entity)
    assert search.search("entity:nimda").total == 2  # the entity and its article
    entity.delete()
    assert search.search("entity:nimda").total == 0
    assert search.check().clean


def test_deferred_indexing_writes_once_at_the_end():
    with search.deferred_indexing():
        for number in range(5):
            new_article(f"a{number}", f"Mydoom variant {number}")
        assert titles("Mydoom") == []
    assert len(titles("Mydoom")) == 5
    assert search.check().clean


def test_deferred_indexing_inside_a_transaction_waits_for_the_commit():
    with transaction.atomic(), search.deferred_indexing():
        new_article("a", "Bagle variant")
    assert titles("Bagle") == ["Bagle variant"]


def test_load_content_leaves_the_index_matching_the_database():
    call_command("load_content", verbosity=0)
    drift = search.check()
    assert drift.clean and drift.records > 40
    assert "computervirus-code-red-2-schlaegt-zu" in slugs(search.search("Hotmail Wurm"))


def test_check_index_reports_drift_and_exits_non_zero(capsys):
    search_corpus.build(index=False)
    search.rebuild()
    call_command("check_index")
    Article.objects.filter(slug="bbc-markets").update(title="Changed behind the index's back")
    Article.objects.bulk_create([Article(slug="silent", title="Silent", body="x", language="en")])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_article WHERE slug = 'bbc-backdoor'")
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_index")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "missing: 1" in out and "stale: 1" in out and "orphans: 1" in out
    assert "missing: article:" in out
    call_command("check_index", "--fix")
    call_command("check_index")  # clean now: does not exit
    assert titles("Changed") == ["Changed behind the index's back"]


def test_rebuild_index_prints_progress_and_swaps(capsys):
    search_corpus.build(index=False)
    call_command("rebuild_index", "--every", "5")
    out = capsys.readouterr().out
    assert "5/18 indexed" in out and "Switched to the new index" in out
    assert search.check().clean
