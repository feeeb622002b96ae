"""`make run`'s start (manage.py start): every step in one process, each skipped quickly when nothing it
depends on changed; the content is loaded again when its files or the records changed."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.glossary import dictionary
from archive.models import Article, Source

pytestmark = pytest.mark.whoosh_only

ARTICLE = "---\ntitle: {title}\nsource: wire\nlanguage: en\ndate: 2001-08\n---\n\nA worm spreads.\n"


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    (folder / "sources").mkdir(parents=True)
    (folder / "articles").mkdir()
    (folder / "sources" / "wire.yaml").write_text("name: Wire\nlanguage: en\n", "utf-8")
    (folder / "articles" / "worm.md").write_text(ARTICLE.format(title="Worm spreads"), "utf-8")
    return folder


def _load(folder):
    out = StringIO()
    call_command("load_content", str(folder), if_changed=True, stdout=out)
    return out.getvalue()


def test_load_content_if_changed_skips_an_unchanged_folder_and_database(db, content):
    assert "created: 2" in _load(content)
    assert "neither the content files nor the records changed" in _load(content)


def test_load_content_if_changed_loads_a_changed_file(db, content):
    _load(content)
    (content / "articles" / "worm.md").write_text(ARTICLE.format(title="Worm spreads fast"), "utf-8")
    assert "updated: 1" in _load(content)
    assert Article.objects.get(slug="worm").title == "Worm spreads fast"


def test_load_content_if_changed_loads_again_after_an_edit_of_the_records(db, content):
    """The files say what their records are: an edit in the admin moves the archive's stamp, and the
    next start makes the record match its file again, as a plain load_content does."""
    _load(content)
    Article.objects.filter(slug="worm").update(title="Edited by hand")
    assert "updated: 1" in _load(content)
    assert Article.objects.get(slug="worm").title == "Worm spreads"


def test_start_runs_every_step_then_skips_them_on_an_unchanged_archive(db, content, settings, tmp_path,
                                                                        monkeypatch):
    settings.CONTENT_DIR = content
    word_list = tmp_path / "de-en"
    word_list.write_text("Wurm {m} :: worm\n", "utf-8")  # the Ding format, one line
    monkeypatch.setattr(dictionary, "DING", word_list)
    first = StringIO()
    call_command("start", no_serve=True, stdout=first)
    assert "created: 2" in first.getvalue()
    assert "Rebuilding the search index: there is no index yet" in first.getvalue()
    assert "pairs read: 1  kept: 1" in first.getvalue()
    assert Source.objects.filter(slug="wire").exists()
    again = StringIO()
    call_command("start", no_serve=True, stdout=again)
    said = again.getvalue()
    assert "No migrations to apply" in said
    assert "neither the content files nor the records changed" in said
    assert "nothing changed since the last run" in said
    assert "up to date:" in said  # the dictionary
    for step in ("migrate", "load_content", "build_dictionary", "update_index"):
        assert f"{step}: " in said
