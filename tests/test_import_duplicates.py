from archive.models import Article
from tests.importing import run_import, write_jsonl

BASE = {
    "title": "Wurm legt Server lahm",
    "body": "Der Wurm Code Red befällt die Server von Microsoft, die nicht geschützt sind, und legt sie lahm.",
    "language": "de", "source": "taz", "url": "https://example.org/wurm", "date": "2001-07-19",
}


def test_the_same_file_twice_changes_nothing(loaded, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", BASE)
    run_import(path)
    before = Article.objects.get(url=BASE["url"]).updated_at
    out, err, failed = run_import(path)
    assert "created: 0  updated: 0  unchanged: 1  failed: 0" in out
    assert Article.objects.filter(url=BASE["url"]).get().updated_at == before


def test_the_same_url_with_new_text_updates_the_article(loaded, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", BASE))
    slug = Article.objects.get(url=BASE["url"]).slug
    changed = {**BASE, "title": "Wurm legt tausende Server lahm", "body": BASE["body"] + " Auch Cisco."}
    out, err, failed = run_import(write_jsonl(tmp_path / "b.jsonl", changed))
    assert "created: 0  updated: 1  unchanged: 0  failed: 0" in out
    article = Article.objects.get(url=BASE["url"])
    assert (article.title, article.slug) == (changed["title"], slug)
    assert article.mentions.filter(entity__slug="cisco").exists()


def test_the_same_text_without_url_is_the_same_article(loaded, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", BASE))
    copy = {key: value for key, value in BASE.items() if key not in ("url", "date")}
    copy["body"] = "  " + copy["body"].upper() + "\n"
    out, err, failed = run_import(write_jsonl(tmp_path / "b.jsonl", copy))
    assert "created: 0  updated: 0  unchanged: 1  failed: 0" in out
    article = Article.objects.get(url=BASE["url"])
    assert article.date.isoformat() == "2001-07-19"  # an import without a date keeps the known one


def test_a_later_file_with_a_date_fills_in_the_unknown_date(loaded, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", {**BASE, "date": None}))
    out, err, failed = run_import(write_jsonl(tmp_path / "b.jsonl", BASE))
    assert "updated: 1" in out
    assert Article.objects.get(url=BASE["url"]).date_iso() == "2001-07-19"


def test_duplicates_within_one_file_become_one_article(loaded, tmp_path):
    out, err, failed = run_import(write_jsonl(tmp_path / "a.jsonl", BASE, BASE))
    assert "created: 1  updated: 0  unchanged: 1  failed: 0" in out


def test_a_detected_language_does_not_override_a_stated_one(loaded, tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", {**BASE, "language": "en"}))
    copy = {key: value for key, value in BASE.items() if key != "language"}
    out, err, failed = run_import(write_jsonl(tmp_path / "b.jsonl", copy))
    assert "unchanged: 1" in out
    assert Article.objects.get(url=BASE["url"]).language == "en"


def test_a_new_article_with_a_taken_title_gets_a_numbered_slug(loaded, tmp_path):
    first = {**BASE, "title": "Computervirus Code Red 2 schlägt zu", "url": "https://example.org/1"}
    second = {**first, "body": "Ein anderer Text.", "url": "https://example.org/2"}
    out, err, failed = run_import(write_jsonl(tmp_path / "a.jsonl", first, second))
    assert "created: 2" in out
    slugs = set(Article.objects.values_list("slug", flat=True))
    assert {"computervirus-code-red-2-schlaegt-zu-2", "computervirus-code-red-2-schlaegt-zu-3"} <= slugs
