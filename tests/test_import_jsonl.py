import gzip
import json

from archive.models import Article, Source
from tests.importing import run_import, write_jsonl

RECORD = {
    "title": "Worm hits web servers", "kicker": "Security", "teaser": "Thousands infected.",
    "body": "The Code Red worm has infected thousands of servers running Microsoft software.\n\nIt spreads fast.",
    "source": "BBC News", "date": "2001-07-19", "url": "https://example.org/code-red",
    "language": "en", "byline": "AP",
}


def test_it_imports_every_field_of_a_json_line(loaded, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", RECORD)
    out, err, failed = run_import(path)
    assert not failed, err
    assert "created: 1  updated: 0  unchanged: 0  failed: 0" in out
    article = Article.objects.get(url=RECORD["url"])
    for name in ("title", "kicker", "teaser", "byline", "language"):
        assert getattr(article, name) == RECORD[name]
    assert article.body == RECORD["body"] + "\n"
    assert article.date_iso() == "2001-07-19" and not article.language_detected
    assert article.origin == f"{path}:1"
    assert article.source.name == "BBC News"
    assert "new source 'bbc-news' (BBC News) created" in err
    assert set(article.mentions.values_list("entity__slug", "method")) == {
        ("code-red", "alias"), ("microsoft", "alias"), ("ap", "alias")
    }


def test_it_reads_gzipped_json_lines(loaded, tmp_path):
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(RECORD) + "\n\n" + json.dumps({**RECORD, "url": None, "title": "Second"}) + "\n")
    out, err, failed = run_import(path)
    assert "created: 2  updated: 0  unchanged: 0  failed: 0" in out


def test_a_broken_gzip_file_is_reported(db, tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(((json.dumps(RECORD) + "\n") * 50).encode())[:-40])
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:" in err and "compressed data ends early or is damaged" in err


def test_a_null_date_is_an_unknown_date_that_sorts_last(loaded, tmp_path):
    # Naming Code Red would date it "not before 13 July 2001" (docs/dating.md): this text gives no evidence.
    record = {**RECORD, "date": None, "url": None, "body": "A worm has infected thousands of servers.\n"}
    out, err, failed = run_import(write_jsonl(tmp_path / "a.jsonl", record))
    article = Article.objects.get(title=RECORD["title"])
    assert article.date is None
    assert article.date_display() == "date unknown"
    assert list(Article.objects.all())[-1] == article


def test_options_fill_in_what_records_do_not_say(loaded, tmp_path):
    bare = {"title": "Wurm", "body": "Ein Wurm befällt die Server, und niemand weiß, wer ihn schrieb."}
    path = write_jsonl(tmp_path / "a.jsonl", bare, {**bare, "title": "Worm", "language": "en", "date": "2002"})
    out, err, failed = run_import(path, source="taz", language="de", date="2001-08")
    assert not failed, err
    first, second = Article.objects.get(title="Wurm"), Article.objects.get(title="Worm")
    assert (first.source.slug, first.language, first.date_display("de")) == ("taz", "de", "August 2001")
    assert (second.language, second.date_display()) == ("en", "2002")


def test_it_detects_the_language_when_nothing_says_it(loaded, tmp_path):
    record = {key: value for key, value in RECORD.items() if key != "language"}
    run_import(write_jsonl(tmp_path / "a.jsonl", record))
    article = Article.objects.get(url=RECORD["url"])
    assert (article.language, article.language_detected) == ("en", True)


def test_unknown_keys_are_reported_once_per_file(loaded, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**RECORD, "autor": "X"}, {**RECORD, "url": None, "autor": "Y"})
    out, err, failed = run_import(path)
    assert not failed
    assert err.count("unknown field 'autor' ignored") == 1
    assert "on 2 records, first" in err and f"{path}:1" in err


def test_a_source_named_by_slug_or_name_is_the_existing_source(loaded, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**RECORD, "source": "TAZ"}, {**RECORD, "url": None, "source": "taz"})
    run_import(path)
    assert Source.objects.count() == 1
