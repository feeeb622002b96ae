"""load_content reads content files under the same rules as the importer; export_archive backs up any record."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, Claim, Event, Source

ARTICLE = "---\ntitle: {title}\nsource: taz\nlanguage: de\ndate: 2001-08\n---\n\n{body}\n"


def problems(folder):
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(folder), stderr=err, stdout=io.StringIO())
    return err.getvalue()


def test_an_article_linked_to_the_zero_device_is_refused_unread(db, content_copy):
    (content_copy / "articles" / "zero.md").symlink_to("/dev/zero")
    assert "content/articles/zero.md: is a link that leads outside" in problems(content_copy)
    assert Article.objects.count() == 0


def test_a_fifo_is_never_opened(db, content_copy):
    os.mkfifo(content_copy / "events" / "pipe.yaml")
    assert "content/events/pipe.yaml: is not a regular file (a FIFO); not read" in problems(content_copy)
    assert Event.objects.count() == 0


@pytest.mark.parametrize("target", ["own", "/etc/os-release"])
def test_a_link_out_of_the_folder_is_refused(db, content_copy, tmp_path, target):
    if target == "own":
        outside = tmp_path / "elsewhere.md"
        outside.write_text(ARTICLE.format(title="Von draussen", body="Text."), encoding="utf-8")
        target = str(outside)
    elif not os.path.exists(target):
        pytest.skip(f"{target} does not exist here")
    (content_copy / "articles" / "outside.md").symlink_to(target)
    assert f"content/articles/outside.md: is a link that leads outside {content_copy}" in problems(content_copy)
    assert Article.objects.count() == 0


def test_an_article_over_the_record_limit_is_refused(db, content_copy, settings):
    settings.ARCHIVE_MAX_RECORD_BYTES = 100_000
    (content_copy / "articles" / "huge.md").write_text(ARTICLE.format(title="Riesig", body="Wurm " * 30_000))
    assert ("content/articles/huge.md: is larger than 100,000 bytes, the limit for one record "
            "(ARCHIVE_MAX_RECORD_BYTES)") in problems(content_copy)


@pytest.mark.parametrize(("text", "expected"), [
    (ARTICLE.format(title='"Wurm\\x01"', body="Text."), "title: contains a control character (U+0001) at position 5"),
    (ARTICLE.format(title='"Wurm\\0"', body="Text."), "title: contains a NUL character (U+0000)"),
    (ARTICLE.format(title="Wurm", body="Der Wurm\x1b[31m."), "body: contains a control character (U+001B)"),
    (ARTICLE.format(title="Wurm", body="Der Wurm\x7f."), "body: contains a control character (U+007F)"),
    (ARTICLE.format(title="Wurm", body="Text.").replace("date:", 'teaser: "a\\x7f"\ndate:'),
     "teaser: contains a control character (U+007F)"),
    (ARTICLE.format(title="Wurm", body="Text.").replace("date:", "url: https://exa_mple..org/x\ndate:"),
     "url: 'https://exa_mple..org/x' is not an absolute http or https URL ('exa_mple..org' is not a valid host"),
])
def test_article_fields_follow_the_door_rules(db, content_copy, text, expected):
    (content_copy / "articles" / "bad.md").write_text(text, encoding="utf-8")
    assert f"content/articles/bad.md: {expected}" in problems(content_copy)


def test_a_claim_text_with_a_control_character_is_refused(db, content_copy):
    path = content_copy / "events" / "code-red-peak.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("claims:\n", 'claims:\n- text: "a\\x01b"\n  source: X\n', 1), "utf-8")
    assert "content/events/code-red-peak.yaml: claims: contains a control character (U+0001)" in problems(content_copy)


def export(folder):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_archive", str(folder), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_record_stored_before_the_rules_does_not_block_the_backup(loaded, tmp_path, db_vendor):
    # PostgreSQL refuses NUL in text, so there the body carries another control character.
    nul, named = ("\x02", "a control character (U+0002) at position 4") if db_vendor == "postgresql" \
        else ("\x00", "a NUL character (U+0000)")
    article = Article.objects.get(slug="computervirus-code-red-2-schlaegt-zu")
    Article.objects.filter(pk=article.pk).update(url='https://x.example/"><script>alert(1)</script>',
                                                 title="Code\x01 Red", body=f"Der{nul} Wurm.\n")
    Source.objects.filter(slug="taz").update(url="https://taz.de/\x1b")
    claim = Claim.objects.first()
    Claim.objects.filter(pk=claim.pk).update(url="https://x.example/<b>")
    out, err = export(tmp_path / "backup")
    assert "articles: " in out
    slug = article.slug
    assert f"articles/{slug}: url: left empty: 'https://x.example/\"><script>alert(1)</script>'" in err
    assert f"articles/{slug}: title: contains a control character (U+0001) at position 5" in err
    assert f"articles/{slug}: body: contains {named}" in err
    assert "sources/taz: url: left empty" in err
    assert f"events/{claim.event.slug}: claims: left empty: 'https://x.example/<b>'" in err
    # The backup loads back: into a fresh folder of records, the repaired values.
    call_command("load_content", str(tmp_path / "backup"), stdout=io.StringIO())
    article.refresh_from_db()
    assert (article.title, article.url, article.body) == ("Code Red", "", "Der Wurm.\n")
    assert Path(tmp_path / "backup" / "articles" / f"{slug}.md").is_file()
