from django.conf import settings

from archive.ingest import frontmatter, scrape
from archive.models import Article, Source
from archive.rendering import render_markdown
from tests.importing import SEED, run_import

FOUNDING = settings.CONTENT_DIR / "articles" / "computervirus-code-red-2-schlaegt-zu.md"
COMPARED = ["title", "kicker", "teaser", "dateline", "byline", "language", "removed_boilerplate"]


def test_it_turns_the_founding_scrape_into_the_founding_article(loaded):
    meta, body = frontmatter.split(FOUNDING.read_text(encoding="utf-8"))
    Article.objects.filter(slug="computervirus-code-red-2-schlaegt-zu").delete()

    out, err, failed = run_import(SEED, source="taz")

    assert not failed, err
    assert "created: 1  updated: 0  unchanged: 0  failed: 0" in out
    article = Article.objects.get()
    assert article.slug == FOUNDING.stem
    assert article.source == Source.objects.get(slug="taz")
    for name in COMPARED:
        assert getattr(article, name) == meta[name], name
    assert article.body == body
    assert article.language_detected is True
    assert "taz lesen kann" not in article.body
    assert article.origin.endswith("000_6ed5ad2b58a1c3c8.txt")


def test_it_finds_the_founding_article_already_there_and_leaves_it_alone(loaded):
    before = Article.objects.get()
    out, err, failed = run_import(SEED, source="taz")
    assert not failed, err
    assert "created: 0  updated: 0  unchanged: 1  failed: 0" in out
    after = Article.objects.get()
    assert (after.updated_at, after.date, after.origin) == (before.updated_at, before.date, before.origin)


def test_it_reads_a_kicker_before_the_colon():
    found = scrape.parse("Netzwelt: Wurm legt Server lahm\nDer Teaser.\nBERLIN taz ■ Erster Absatz.\nZweiter.\n")
    assert (found["kicker"], found["title"], found["teaser"]) == ("Netzwelt", "Wurm legt Server lahm", "Der Teaser.")
    assert (found["dateline"], found["byline"]) == ("BERLIN", "taz")
    assert found["body"] == "Erster Absatz.\n\nZweiter.\n"


def test_it_reads_an_agency_dateline_in_parentheses():
    found = scrape.parse("Titel ohne Dachzeile\nTeaser.\nNEW YORK (AP) - Der Text beginnt.\n")
    assert (found["kicker"], found["dateline"], found["byline"]) == ("", "NEW YORK", "AP")
    assert found["body"] == "Der Text beginnt.\n"


def test_it_keeps_scraped_lines_from_turning_into_markdown_blocks():
    found = scrape.parse("Titel\nTeaser.\n# 1 Virus\n1. Platz für Code Red\n")
    assert found["body"] == "\\# 1 Virus\n\n1\\. Platz für Code Red\n"
    assert "<h1>" not in render_markdown(found["body"]) and "<ol>" not in render_markdown(found["body"])
