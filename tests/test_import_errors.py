import json

import pytest

from archive.models import Article
from tests.importing import run_import, write_jsonl

GOOD = {"title": "Wurm befällt Server", "body": "Der Wurm Code Red befällt Server von Microsoft.", "language": "de"}


@pytest.fixture
def founding(loaded):
    article = Article.objects.get()
    return article, article.updated_at, set(article.mentions.values_list("entity__slug", "method", "count"))


def assert_untouched(founding):
    article, updated_at, mentions = founding
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.updated_at == updated_at
    assert set(fresh.mentions.values_list("entity__slug", "method", "count")) == mentions


def test_it_reports_an_empty_file(db, tmp_path):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    out, err, failed = run_import(tmp_path / "empty.txt", tmp_path / "empty.jsonl")
    assert failed
    assert f"{tmp_path / 'empty.txt'}: empty file" in err
    assert f"{tmp_path / 'empty.jsonl'}: empty file" in err
    assert "failed: 2" in out


def test_it_names_the_line_with_invalid_utf8_and_imports_the_rest(founding, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"title": "Caf\xe9", "body": "x"}\n')
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:2: not UTF-8 text (invalid continuation byte" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 1" in out
    assert_untouched(founding)


def test_it_reports_truncated_json_with_its_line(db, tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD)[:30], encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:2: invalid JSON: Unterminated string" in err
    assert Article.objects.count() == 1


def test_it_refuses_an_article_without_title_and_keeps_nothing_of_it(founding, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "title": None, "source": "Brand New Source"})
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:1: title: is missing or empty" in err
    assert Article.objects.count() == 1
    assert not Article.objects.filter(source__name="Brand New Source").exists()
    from archive.models import Source

    assert not Source.objects.filter(name="Brand New Source").exists()
    assert_untouched(founding)


@pytest.mark.parametrize("date", ["2001-02-30", "2001-13", "10.08.2001", "2001-08-10T25:00:00"])
def test_it_refuses_an_impossible_date(db, tmp_path, date):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "date": date})
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:1: date: " in err and date in err
    assert not Article.objects.exists()


def test_it_refuses_an_unknown_language(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "language": "fr"})
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:1: language: 'fr' is not one of de, en" in err


def test_it_refuses_text_it_cannot_tell_the_language_of(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {"title": "Le ver", "body": "Le ver informatique attaque les serveurs."})
    out, err, failed = run_import(path)
    assert failed
    assert "language: not given, and the text is not clearly German or English; pass --language" in err


def test_it_refuses_a_10_mb_body_clearly_and_goes_on(founding, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "body": "Wurm " * 2_100_000}, {**GOOD, "title": "Zweiter"})
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:1: line is longer than 4,194,304 bytes" in err and "one article may have at most 4,194,304" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 1" in out
    assert_untouched(founding)


def test_it_refuses_a_body_over_the_character_limit(db, tmp_path):
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: Lang\nlanguage: de\n---\n\n" + "Wurm " * 210_000, encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}: body: is 1,050,001 characters long; the limit is 1,000,000" in err


def test_it_skips_a_binary_file_in_a_folder_and_fails_a_binary_article_file(db, tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (tmp_path / "fake.txt").write_bytes(b"Titel\x00\x01\x02")
    write_jsonl(tmp_path / "good.jsonl", GOOD)
    out, err, failed = run_import(tmp_path)
    assert failed
    assert f"{tmp_path / 'photo.jpg'}: skipped: not an article file" in err
    assert f"{tmp_path / 'fake.txt'}: binary data, not text" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 1" in out


def test_it_refuses_a_file_named_that_is_not_an_article_file(db, tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    out, err, failed = run_import(tmp_path / "notes.csv", tmp_path / "missing.jsonl")
    assert failed
    assert f"{tmp_path / 'notes.csv'}: not an article file" in err
    assert f"{tmp_path / 'missing.jsonl'}: no such file or folder" in err


def test_it_names_every_bad_field_of_one_record(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {"title": ["a"], "body": 5, "url": "ftp://x", "date": True})
    out, err, failed = run_import(path)
    for message in ["title: must be text, not list", "body: must be text",
                    "url: 'ftp://x' is not an absolute http or https URL", "date: True is not a date"]:
        assert f"{path}:1: {message}" in err


def test_it_rejects_bad_options_before_reading_anything(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", GOOD)
    for options, message in [({"source": "nope"}, "--source: unknown source 'nope'"),
                             ({"language": "fr"}, "--language: 'fr' is not one of de, en"),
                             ({"date": "2001-02-30"}, "--date: '2001-02-30' is not a real date")]:
        out, err, failed = run_import(path, **options)
        assert failed and message in err
    assert not Article.objects.exists()

