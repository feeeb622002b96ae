from archive.models import Article
from tests.importing import run_import

FILE = """---
title: Code Red erreicht das Weiße Haus
source: taz
language: de
date: 2001-07
date_inferred: true
date_reason: Der Artikel nennt nur den Monat.
entities: [white-house]
---

Der Wurm Code Red greift die Website des Weißen Hauses an.
"""


def test_it_imports_markdown_with_front_matter_and_manual_tags(loaded, tmp_path):
    path = tmp_path / "weisses-haus.md"
    path.write_text(FILE, encoding="utf-8")
    out, err, failed = run_import(path)
    assert not failed, err
    article = Article.objects.get(title="Code Red erreicht das Weiße Haus")
    assert article.slug == "code-red-erreicht-das-weisse-haus"
    assert (article.date_display("de"), article.date_inferred) == ("Juli 2001", True)
    assert set(article.mentions.values_list("entity__slug", "method", "count")) == {
        ("white-house", "manual", 1), ("code-red", "alias", 2)
    }


def test_it_reports_broken_front_matter_with_its_line(db, tmp_path):
    path = tmp_path / "kaputt.md"
    path.write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:3: invalid YAML" in err


def test_it_refuses_an_unknown_entity_slug(loaded, tmp_path):
    path = tmp_path / "a.md"
    path.write_text(FILE.replace("[white-house]", "[white-house, nobody]"), encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}: entities: unknown entity 'nobody'" in err
    assert not Article.objects.filter(title__startswith="Code Red erreicht").exists()
