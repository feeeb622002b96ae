"""import_articles: control characters and bad URLs are refused field by field; a re-run changes nothing."""

import json

import pytest

from archive.models import Article
from tests.importing import run_import, write_jsonl

GOOD = {"title": "Wurm befällt Server", "body": "Der Wurm Code Red befällt Server von Microsoft.", "language": "de"}
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f"]


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize("field", ["title", "teaser", "body", "byline"])
def test_a_control_character_in_a_json_field_is_refused_naming_the_field(db, tmp_path, field, char):
    record = {**GOOD, field: f"{GOOD.get(field, 'Text')} mit{char}Steuerzeichen"}
    path = write_jsonl(tmp_path / "a.jsonl", record, {**GOOD, "title": "Zweiter"})
    out, err, failed = run_import(path)
    assert failed
    name = "a NUL character" if char == "\x00" else "a control character"
    assert f"{path}:1: {field}: contains {name} (U+{ord(char):04X}) at position" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 1" in out
    assert list(Article.objects.values_list("title", flat=True)) == ["Zweiter"]


def test_control_characters_in_front_matter_and_body_are_refused(db, tmp_path):
    escaped = tmp_path / "escaped.md"
    # YAML refuses raw control characters itself; its escapes still produce them.
    escaped.write_text('---\ntitle: "Wurm\\x01 befällt Server"\nlanguage: de\n---\n\nText.\n', encoding="utf-8")
    raw_body = tmp_path / "body.md"
    raw_body.write_text("---\ntitle: Wurm\nlanguage: de\n---\n\nDer Wurm\x1b[31m befällt Server.\n", encoding="utf-8")
    boilerplate = write_jsonl(tmp_path / "b.jsonl", {**GOOD, "removed_boilerplate": ["Anzeige\x7f"]})
    out, err, failed = run_import(escaped, raw_body, boilerplate)
    assert f"{escaped}: title: contains a control character (U+0001) at position 5" in err
    assert f"{raw_body}: body: contains a control character (U+001B) at position 9" in err
    assert f"{boilerplate}:1: removed_boilerplate: contains a control character (U+007F)" in err
    assert Article.objects.count() == 0


def test_tabs_and_line_breaks_are_text(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "body": "Erste Zeile\r\n\tzweite Zeile\nDritte.", "url": ""})
    out, err, failed = run_import(path)
    assert not failed, err
    assert Article.objects.get().body.startswith("Erste Zeile")


@pytest.mark.parametrize("url", [
    'https://x.example/"><script>alert(1)</script>', "https://x.example/<b>", "https://x.example/a b",
    "https://x.example/\x01", "https://x.example/'onmouseover=1", "https://exa_mple..org/", "https:///nohost",
    "javascript:alert(1)", "ftp://x.example/", "https://x.example:99999/",
])
def test_a_url_breaking_the_rule_is_refused(db, tmp_path, url):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "url": url})
    out, err, failed = run_import(path)
    assert failed
    assert f"{path}:1: url: {url!r} is not an absolute http or https URL (" in err
    assert Article.objects.count() == 0


def test_a_good_url_is_kept(db, tmp_path):
    url = "https://www.heise.de/news/Code-Red-Wurm-42.html?seite=2&x=%22#kommentare"
    run_import(write_jsonl(tmp_path / "a.jsonl", {**GOOD, "url": url}))
    assert Article.objects.get().url == url


def test_the_same_text_under_two_dates_is_stable_and_the_first_wins(db, tmp_path):
    first = {**GOOD, "date": "1987-04-03", "source": "reuters"}
    later = {**first, "date": "1987-04-01"}
    path = write_jsonl(tmp_path / "a.jsonl", first, later)
    out, err, failed = run_import(path)
    assert "created: 1  updated: 0  unchanged: 1  failed: 0" in out
    assert f"{path}:2: the same article (URL or text) as {path}:1" in err
    out, err, failed = run_import(path)
    assert "created: 0  updated: 0  unchanged: 2  failed: 0" in out
    assert Article.objects.get().date.isoformat() == "1987-04-03"


def test_the_same_text_under_two_urls_is_stable(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {**GOOD, "url": "https://example.org/1"},
                       {**GOOD, "url": "https://example.org/2"})
    run_import(path)
    out, err, failed = run_import(path)
    assert "created: 0  updated: 0  unchanged: 2  failed: 0" in out
    assert Article.objects.get().url == "https://example.org/1"


def test_a_later_run_with_new_text_still_updates(db, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", {**GOOD, "url": "https://example.org/1"}))
    changed = {**GOOD, "url": "https://example.org/1", "title": "Wurm befällt tausende Server"}
    out, err, failed = run_import(write_jsonl(tmp_path / "b.jsonl", changed))
    assert "created: 0  updated: 1  unchanged: 0  failed: 0" in out


def test_the_json_source_name_follows_the_text_rule(db, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({**GOOD, "source": "taz\u0001"}) + "\n", encoding="utf-8")
    out, err, failed = run_import(path)
    assert f"{path}:1: source: contains a control character (U+0001)" in err
    assert Article.objects.count() == 0
