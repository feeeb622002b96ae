
import io

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, Coverage, Entity, Event, Mention, Source


def load(folder, capsys, **options):
    call_command("load_content", str(folder), **options)
    return capsys.readouterr()


def load_failing(folder, capsys):
    with pytest.raises(CommandError) as raised:
        call_command("load_content", str(folder))
    return str(raised.value), capsys.readouterr().err


def test_first_load_creates_every_record(db, content_copy, capsys):
    out = load(content_copy, capsys).out
    counted = sum(1 for kind in ("sources", "entities", "events") for _ in (content_copy / kind).glob("*.yaml"))
    counted += len(list((content_copy / "articles").glob("*.md")))
    assert f"created: {counted}  updated: 0  unchanged: 0" in out
    assert Source.objects.count() == len(list((content_copy / "sources").glob("*.yaml")))
    assert Entity.objects.count() == len(list((content_copy / "entities").glob("*.yaml")))


def test_second_load_changes_nothing_and_says_so(db, content_copy, capsys):
    load(content_copy, capsys)
    before = {a.slug: a.updated_at for a in Article.objects.all()}
    out = load(content_copy, capsys).out
    assert "created: 0  updated: 0" in out
    assert "Nothing changed" in out
    assert {a.slug: a.updated_at for a in Article.objects.all()} == before


def test_an_edited_file_counts_as_one_update(db, content_copy, capsys):
    load(content_copy, capsys)
    path = content_copy / "entities" / "symantec.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Norton", "Norton AntiVirus"), encoding="utf-8")
    out = load(content_copy, capsys).out
    assert "created: 0  updated: 1" in out
    assert "Norton AntiVirus" in Entity.objects.get(slug="symantec").description


def test_an_alias_change_counts_as_an_update(db, content_copy, capsys):
    load(content_copy, capsys)
    path = content_copy / "entities" / "qwest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- Qwest Communications", "- Qwest Corp."), "utf-8")
    assert "updated: 1" in load(content_copy, capsys).out
    assert list(Entity.objects.get(slug="qwest").aliases.values_list("name", flat=True)) == ["Qwest Corp."]


def write_article(folder, name, front, body="Text.\n"):
    (folder / "articles" / name).write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")


GOOD_FRONT = "title: A test\nsource: taz\nlanguage: de\ndate: 2001-08-10\n"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("source: taz\nlanguage: de\n", "articles/bad.md: title: is missing or empty"),
        ("title: T\nlanguage: fr\n", "articles/bad.md: language: 'fr' is not one of de, en"),
        ("title: T\nlanguage: de\ndate: 2001-02-30\n", "articles/bad.md: date: '2001-02-30' is not a real date"),
        ("title: T\nlanguage: de\nentities: [nope]\n", "articles/bad.md: entities: unknown entity 'nope'"),
        ("title: T\nlanguage: de\nsource: nowhere\n", "articles/bad.md: source: unknown source 'nowhere'"),
        ("title: T\nlanguage: de\ncolour: red\n", "articles/bad.md: colour: unknown field"),
        ("title: T\nlanguage: de\ndate_inferred: maybe\n", "articles/bad.md: date_inferred: must be true or false"),
        ("title: [unclosed\nlanguage: de\n", "articles/bad.md:2: invalid YAML"),
    ],
)
def test_each_problem_names_file_and_field_and_nothing_is_written(db, content_copy, capsys, front, expected):
    write_article(content_copy, "bad.md", front)
    message, err = load_failing(content_copy, capsys)
    assert "nothing was written" in message
    assert expected in err
    assert Article.objects.count() == 0
    assert Entity.objects.count() == 0


def test_a_duplicate_slug_is_reported(db, content_copy, capsys):
    write_article(content_copy, "a-copy.md", "slug: computervirus-code-red-2-schlaegt-zu\n" + GOOD_FRONT)
    _, err = load_failing(content_copy, capsys)
    assert "slug: 'computervirus-code-red-2-schlaegt-zu' is also used by" in err


def test_an_event_needs_a_known_kind_and_a_date(db, content_copy, capsys):
    (content_copy / "events" / "bad.yaml").write_text("title: Something\nkind: rumour\n", encoding="utf-8")
    _, err = load_failing(content_copy, capsys)
    assert "events/bad.yaml: kind: 'rumour' is not one of" in err
    assert "events/bad.yaml: date: is missing" in err


def test_a_file_that_is_not_utf8_is_reported(db, content_copy, capsys):
    (content_copy / "entities" / "broken.yaml").write_bytes(b"name: M\xfcller\nkind: person\n")
    _, err = load_failing(content_copy, capsys)
    assert "entities/broken.yaml: not UTF-8 text" in err


def test_a_failed_load_leaves_earlier_records_intact(db, content_copy, capsys):
    load(content_copy, capsys)
    path = content_copy / "entities" / "symantec.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Norton", "CHANGED"), encoding="utf-8")
    write_article(content_copy, "bad.md", "title: T\nlanguage: xx\n")
    load_failing(content_copy, capsys)
    assert "CHANGED" not in Entity.objects.get(slug="symantec").description


def test_missing_records_stay_unless_pruned(db, content_copy, capsys):
    load(content_copy, capsys)
    write_article(content_copy, "extra.md", GOOD_FRONT)
    load(content_copy, capsys)
    (content_copy / "articles" / "extra.md").unlink()
    load(content_copy, capsys)
    assert Article.objects.filter(slug="extra").exists()
    out = load(content_copy, capsys, prune=True).out
    assert "deleted: 1" in out
    assert not Article.objects.filter(slug="extra").exists()


def test_manual_tags_follow_the_file_but_alias_tags_stay(db, content_copy, capsys):
    load(content_copy, capsys)
    article = Article.objects.get(slug="computervirus-code-red-2-schlaegt-zu")
    extra = Entity.objects.create(slug="extra", name="Extra", kind="organization")
    Mention.objects.create(article=article, entity=extra, method=Mention.Method.ALIAS)
    load(content_copy, capsys)
    assert article.mentions.filter(entity=extra, method=Mention.Method.ALIAS).exists()


def test_events_link_their_covering_articles(loaded):
    event = Event.objects.get(slug="code-red-ii-appears")
    assert list(event.articles.values_list("slug", flat=True)) == ["computervirus-code-red-2-schlaegt-zu"]
    assert Coverage.objects.get(event=event).method == Coverage.Method.MANUAL


def test_a_missing_folder_is_an_error(db, tmp_path, capsys):
    message, err = load_failing(tmp_path / "nowhere", capsys)
    assert "is not a folder" in err


def test_a_content_folder_with_empty_kinds_loads_nothing(db, tmp_path, capsys):
    (tmp_path / "empty" / "articles").mkdir(parents=True)
    assert "created: 0  updated: 0  unchanged: 0" in load(tmp_path / "empty", capsys).out


@pytest.mark.parametrize("folder", ["empty", "/etc"])
def test_a_folder_that_is_not_a_content_folder_is_refused(db, tmp_path, folder):
    folder = tmp_path / folder
    folder.mkdir(exist_ok=True)
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(folder), "--prune", stderr=io.StringIO())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_content", str(folder), stderr=err)
    assert f"{folder}: is not a content folder: it has none of the folders sources/, entities/" in err.getvalue()


def test_the_default_folder_is_the_projects_content(db, capsys):
    call_command("load_content")
    assert Article.objects.filter(slug="computervirus-code-red-2-schlaegt-zu").exists()
