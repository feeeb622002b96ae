import io

from django.core.management import call_command

from archive.models import Article, Entity, EntityAlias, Mention
from tests.importing import run_import, write_jsonl

RECORD = {"title": "Nimda follows Code Red", "body": "The Nimda worm spread after Code Red and hit Microsoft.",
          "language": "en"}


def tag():
    out = io.StringIO()
    call_command("tag_entities", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def mentions(article):
    return set(article.mentions.values_list("entity__slug", "method", "count"))


def test_it_tags_articles_with_a_new_entity_and_keeps_manual_tags(loaded, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", RECORD))
    article = Article.objects.get(title=RECORD["title"])
    manual = Mention.objects.create(article=article, entity=Entity.objects.get(slug="cisco"), method="manual")
    tag()  # brings the founding article's manual tags up to their counts
    Entity.objects.create(slug="nimda", name="Nimda", kind="malware")

    out = tag()

    assert "articles: 2  retagged: 1  unchanged: 1" in out
    assert mentions(article) == {
        ("nimda", "alias", 2), ("code-red", "alias", 2), ("microsoft", "alias", 1), ("cisco", "manual", 1)
    }
    assert Mention.objects.filter(pk=manual.pk).exists()


def test_it_drops_an_alias_tag_whose_name_is_gone_but_never_a_manual_one(loaded, tmp_path):
    founding = Article.objects.get()
    manual_before = set(founding.mentions.filter(method="manual").values_list("entity__slug", flat=True))
    run_import(write_jsonl(tmp_path / "a.jsonl", {**RECORD, "body": "Code Red 2 spreads."}))
    article = Article.objects.get(title=RECORD["title"])
    assert ("code-red-ii", "alias", 1) in mentions(article)

    EntityAlias.objects.filter(name="Code Red 2").delete()
    tag()

    assert not article.mentions.filter(entity__slug="code-red-ii").exists()
    assert set(founding.mentions.filter(method="manual").values_list("entity__slug", flat=True)) == manual_before
    # The founding article says "Code Red 2" only in its title; its manual tag stays.
    assert founding.mentions.get(entity__slug="code-red-ii").count == 3


def test_a_second_run_changes_nothing(loaded):
    tag()
    before = set(Mention.objects.values_list("article_id", "entity_id", "method", "count"))
    assert "retagged: 0" in tag()
    assert set(Mention.objects.values_list("article_id", "entity_id", "method", "count")) == before
