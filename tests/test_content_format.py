"""What the content reader learned for backups: tag and coverage methods, counts,
unknown dates, import provenance; and what it refuses before writing anything."""

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, Coverage, Entity, Event, Mention

FRONT = "title: T\nsource: taz\nlanguage: de\n"


def write_article(folder, front, body="Text.\n", name="extra.md"):
    (folder / "articles" / name).write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")


def problems(folder, capsys):
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(folder))
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (FRONT + "entities: [{entity: code-red, method: guessed}]\n",
         "entities: item 1: method 'guessed' is not one of manual, alias"),
        (FRONT + "entities: [{entity: code-red, count: 0}]\n", "entities: item 1: count must be a whole number"),
        (FRONT + "entities: [{entity: code-red, count: 99999999999}]\n", "count must be a whole number from 1"),
        (FRONT + "entities: [code-red, code-red]\n", "entities: 'code-red' is listed twice"),
        (FRONT + "entities: [{name: code-red}]\n", "entities: item 1: {'name': 'code-red'} is neither a slug nor"),
        (FRONT + "url: javascript:alert(1)\n", "url: 'javascript:alert(1)' is not an absolute http or https URL"),
        (FRONT + "imported_at: yesterday\n", "imported_at: 'yesterday' is not a date and time"),
        (FRONT + "date: unknown\ndate_precision: week\n", "date_precision: 'week' is not one of day, month, year"),
        ("title: " + "x" * 501 + "\nlanguage: de\n", "title: is longer than 500 characters"),
        ('title: "a\\0b"\nlanguage: de\n', "title: contains a NUL character"),
    ],
)
def test_each_problem_is_named_and_nothing_is_written(db, content_copy, capsys, front, expected):
    write_article(content_copy, front)
    assert expected in problems(content_copy, capsys)
    assert Article.objects.count() == 0


def test_a_file_name_that_is_not_a_slug_is_refused(db, content_copy, capsys):
    (content_copy / "entities" / "Bad Name.yaml").write_text("name: B\nkind: person\n", encoding="utf-8")
    assert "entities/Bad Name.yaml: the file name 'Bad Name' is not a slug" in problems(content_copy, capsys)


def test_a_claim_link_must_be_http(db, content_copy, capsys):
    path = content_copy / "events" / "code-red-peak.yaml"
    path.write_text(path.read_text("utf-8").replace("url: ''", "url: 'javascript:alert(1)'"), "utf-8")
    err = problems(content_copy, capsys)
    assert "claims: claim 2: 'javascript:alert(1)' is not an absolute http or https URL" in err


def test_an_event_may_say_its_date_is_unknown_but_not_leave_it_out(db, content_copy, capsys):
    (content_copy / "events" / "undated.yaml").write_text("title: U\nkind: other\ndate: unknown\n", "utf-8")
    call_command("load_content", str(content_copy))
    assert Event.objects.get(slug="undated").date is None
    (content_copy / "events" / "missing.yaml").write_text("title: M\nkind: other\n", "utf-8")
    err = problems(content_copy, capsys)
    assert "events/missing.yaml: date: is missing (write 'unknown' if it is not known)" in err


def test_methods_counts_and_confirmation_are_loaded(db, content_copy):
    write_article(content_copy, FRONT + "entities: [microsoft, {entity: code-red, method: alias, count: 3}]\n"
                  "language_detected: true\nimported_at: 2026-11-29T05:00:00+01:00\n")
    path = content_copy / "events" / "code-red-peak.yaml"
    text = path.read_text("utf-8") + "- {article: extra, method: suggested, confirmed: false}\n"
    path.write_text(text, "utf-8")
    call_command("load_content", str(content_copy))
    article = Article.objects.get(slug="extra")
    assert article.language_detected and article.imported_at.isoformat() == "2026-11-29T04:00:00+00:00"
    assert {(m.entity.slug, m.method, m.count) for m in article.mentions.all()} == {
        ("microsoft", "manual", 1), ("code-red", "alias", 3)}
    link = Coverage.objects.get(event__slug="code-red-peak", article=article)
    assert (link.method, link.confirmed) == ("suggested", False)


def test_unlisted_suggestions_stay_but_unlisted_manual_links_go(db, content_copy):
    call_command("load_content", str(content_copy))
    event = Event.objects.get(slug="code-red-peak")
    other = Article.objects.create(slug="other", title="O", body="b", language="en")
    Coverage.objects.create(event=event, article=other, method=Coverage.Method.SUGGESTED, confirmed=False)
    path = content_copy / "events" / "code-red-peak.yaml"
    path.write_text(path.read_text("utf-8").split("articles:")[0], "utf-8")
    call_command("load_content", str(content_copy))
    assert list(event.coverage.values_list("article__slug", "method")) == [("other", "suggested")]


def test_an_alias_tag_in_the_file_replaces_a_manual_one(db, content_copy):
    call_command("load_content", str(content_copy))
    path = content_copy / "articles" / "computervirus-code-red-2-schlaegt-zu.md"
    path.write_text(path.read_text("utf-8").replace("- qwest\n", "- {entity: qwest, method: alias, count: 2}\n"),
                    "utf-8")
    call_command("load_content", str(content_copy))
    mention = Mention.objects.get(entity=Entity.objects.get(slug="qwest"))
    assert (mention.method, mention.count) == ("alias", 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nkind: person\ndescription: " + "[" * 5000 + "\n", "invalid YAML: nested too deeply"),
        ("name: &a x\nkind: person\ndescription: *a\n", ":3: invalid YAML: aliases (*name) are not allowed"),
    ],
)
def test_yaml_that_would_exhaust_the_reader_is_refused(db, content_copy, capsys, text, expected):
    (content_copy / "entities" / "bomb.yaml").write_text(text, encoding="utf-8")
    assert expected in problems(content_copy, capsys)


def test_hindsight_notes_are_loaded_and_checked(db, content_copy, capsys):
    write_article(content_copy, FRONT + "notes:\n- {date: 2002-01-10, text: Later *known*., event: code-red-peak, "
                  "url: 'https://example.org/', author: Ed}\n- {date: 2001-12-01, text: Earlier.}\n")
    call_command("load_content", str(content_copy))
    notes = Article.objects.get(slug="extra").hindsight_notes.all()
    assert [(str(n.date), n.event.slug if n.event else "") for n in notes] == [
        ("2001-12-01", ""), ("2002-01-10", "code-red-peak")]
    assert "<em>known</em>" in notes[1].text_html
    write_article(content_copy, FRONT + "notes:\n- {date: 2002-13-01, text: x}\n- {date: 2002, text: y, event: nope}\n"
                  "- {text: z}\n")
    err = problems(content_copy, capsys)
    assert "notes: note 1: '2002-13-01' is not a real date" in err
    assert "notes: note 3 needs date and text" in err
    assert Article.objects.get(slug="extra").hindsight_notes.count() == 2


def test_an_alias_listed_twice_with_different_languages_is_refused(db, content_copy, capsys):
    (content_copy / "entities" / "twice.yaml").write_text(
        "name: T\nkind: person\naliases: [Munich, {name: Munich, language: en}]\n", encoding="utf-8")
    assert "entities/twice.yaml: aliases: alias 'Munich' is listed with different languages" in problems(
        content_copy, capsys)


def test_an_article_known_by_reference_has_an_abstract_and_no_body(db, content_copy):
    write_article(content_copy, FRONT + "abstract: Our own summary.\nurl: https://example.org/a\n", body="")
    call_command("load_content", str(content_copy))
    article = Article.objects.get(slug="extra")
    assert article.by_reference and article.abstract == "Our own summary."
    assert not Article.objects.get(slug="computervirus-code-red-2-schlaegt-zu").by_reference


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (FRONT, "", "body: is empty (an article known by reference has an abstract instead)"),
        (FRONT + "abstract: Summary.\n", "Text.\n", "abstract: is only for an article known by reference"),
    ],
)
def test_an_article_has_a_body_or_an_abstract_not_both(db, content_copy, capsys, front, body, expected):
    write_article(content_copy, front, body=body)
    assert expected in problems(content_copy, capsys)
    assert Article.objects.count() == 0


def test_an_incident_is_a_kind_of_entity(db, content_copy):
    (content_copy / "entities" / "sony-pictures-hack.yaml").write_text(
        "name: Sony Pictures hack\nkind: incident\n", "utf-8")
    call_command("load_content", str(content_copy))
    assert Entity.objects.get(slug="sony-pictures-hack").kind == "incident"
