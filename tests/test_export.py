"""export_archive writes every record as content files that load back into the same archive."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive import dates
from archive.models import Article, Claim, Coverage, Entity, EntityAlias, Event, HindsightNote, Mention, Source

AWKWARD = [
    "", "Müller – „Anführung“ ß 漢字 😀 עברית e\u0301", "yes", "null", "~", "2001-08", "- dash", ": colon",
    "#hash", "'single'", '"double"', "&anchor *alias !tag %percent @at `tick`", "line one\nline two",
    "a\n...\nb", "a\n---\nb", "tab\tinside", "line\u2028separator", "next\x85line", "a\r\nwindows\r\nlines",
    "trailing spaces inside  \nnext", "x" * 5000,
]


def awkward_records():
    """Records made the way the admin or an importer would make them, with every awkward value."""
    source = Source.objects.create(slug="weird-source", name=AWKWARD[1], language="", description=AWKWARD[13])
    bare = Entity.objects.create(slug="bare", name="B", kind="person")
    rich = Entity.objects.create(
        slug="rich", name=AWKWARD[4], kind="malware", description="\n".join(AWKWARD[11:20]), wikidata="Q1",
        external_ids={"cve": "CVE-2001-0500", "number": 7, "advisory": "MS01-033", "Zeta": "last"},
    )
    for number, name in enumerate(AWKWARD[1:12]):
        EntityAlias.objects.create(entity=rich, name=name, language=["", "de", "en"][number % 3])
    code_red = Entity.objects.get(slug="code-red")
    months = []
    for number, text in enumerate(AWKWARD):
        precision = ["day", "month", "year"][number % 3]
        article = Article.objects.create(
            slug=f"awkward-{number}", title=text.strip()[:500] or "Untitled", kicker=text[:300], teaser=text,
            body=f"    indented code first\n\n{text}\n\n---\n\nlast line  ",
            source=source if number % 2 else None, language=["de", "en"][number % 2],
            language_detected=bool(number % 2), url="https://example.org/ä?q=1&r=2" if number % 3 else "",
            date=None if number == 5 else dates.truncate(dt.date(2001, 8, 10), precision), date_precision=precision,
            date_inferred=bool(number % 2), date_reason=text, byline=text[:300], dateline=text[:300],
            origin=text[:1000],
            imported_at=dt.datetime(2026, 11, 29, 5, 0, number, 123456, tzinfo=dt.UTC) if number else None,
            removed_boilerplate=[text, "second\r\npiece"] if number % 2 else [],
        )
        Mention.objects.create(article=article, entity=rich, method=Mention.Method.ALIAS, count=number + 1)
        Mention.objects.create(article=article, entity=bare, method=Mention.Method.MANUAL, count=1 + number % 2)
        months.append(article)
    event = Event.objects.create(
        slug="awkward-event", title=AWKWARD[1], kind="other", description="\n".join(AWKWARD), date=None,
        date_precision="month", references=["zeta", "CVE-2001-0500", "https://example.org/", "alpha", ""],
    )
    event.entities.set([bare, rich, code_red])
    for text in reversed(AWKWARD[1:8]):
        Claim.objects.create(event=event, text=text, source_name=AWKWARD[1], url="")
    Coverage.objects.create(event=event, article=months[0], method=Coverage.Method.MANUAL)
    Coverage.objects.create(event=event, article=months[1], method=Coverage.Method.SUGGESTED, confirmed=False)
    Coverage.objects.create(event=event, article=months[2], method=Coverage.Method.MANUAL, confirmed=False)
    Event.objects.create(slug="year-event", title="Y", kind="patch", date=dt.date(2002, 1, 1), date_precision="year")
    for number, text in enumerate(AWKWARD[1:6]):
        HindsightNote.objects.create(article=months[1], date=dt.date(2003, 1, 5 - number % 2), text=text or "t",
                                     event=event if number % 2 else None, url="https://example.org/n" * (number % 2),
                                     author=text[:200])


def files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def empty_the_database():
    for model in (HindsightNote, Coverage, Claim, Mention, Event, Article, EntityAlias, Entity, Source):
        model.objects.all().delete()


def snapshot():
    """Every stored value a reader could see, independent of the exporter's code."""
    def rows(model, *fields):
        return sorted(tuple(str(v).strip() if isinstance(v, str) else v for v in row)
                      for row in model.objects.values_list(*fields))
    return {
        "sources": rows(Source, "slug", "name", "language", "country", "url", "description"),
        "entities": rows(Entity, "slug", "name", "kind", "description", "wikidata"),
        "external": sorted((e.slug, sorted((k, str(v)) for k, v in e.external_ids.items()))
                           for e in Entity.objects.all()),
        "aliases": rows(EntityAlias, "entity__slug", "name", "language"),
        "articles": rows(Article, "slug", "title", "kicker", "teaser", "source__slug", "language", "language_detected",
                         "date", "date_precision", "date_inferred", "date_reason", "byline", "dateline", "url",
                         "origin", "imported_at"),
        "bodies": sorted((a.slug, a.body.replace("\r\n", "\n").strip("\n")) for a in Article.objects.all()),
        "boilerplate": sorted((a.slug, [b.replace("\r\n", "\n") for b in a.removed_boilerplate])
                              for a in Article.objects.all()),
        "mentions": rows(Mention, "article__slug", "entity__slug", "method", "count"),
        "events": rows(Event, "slug", "title", "kind", "description", "date", "date_precision", "date_inferred",
                       "date_reason", "incident__slug"),
        "references": sorted((e.slug, e.references) for e in Event.objects.all()),
        "event_entities": rows(Event.entities.through, "event__slug", "entity__slug"),
        "claims": [(c.event.slug, c.text, c.source_name, c.url) for c in Claim.objects.order_by("event__slug", "id")],
        "coverage": rows(Coverage, "event__slug", "article__slug", "method", "confirmed"),
        "notes": [(n.article.slug, n.date, n.text, n.event.slug if n.event else None, n.url, n.author.strip())
                  for n in HindsightNote.objects.order_by("article__slug", "date", "id")],
    }


def test_it_round_trips_byte_for_byte_with_every_record(loaded, tmp_path, capsys):
    awkward_records()
    before = snapshot()
    call_command("export_archive", str(tmp_path / "first"))
    assert "articles: 22" in capsys.readouterr().out

    empty_the_database()
    assert Article.objects.count() == Entity.objects.count() == 0
    call_command("load_content", str(tmp_path / "first"))
    assert snapshot() == before
    call_command("export_archive", str(tmp_path / "second"))

    first, second = files(tmp_path / "first"), files(tmp_path / "second")
    records = sum(model.objects.count() for model in (Source, Entity, Article, Event))
    assert len(first) == records
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_loading_a_restored_backup_again_changes_nothing(loaded, tmp_path, capsys):
    awkward_records()
    call_command("export_archive", str(tmp_path / "backup"))
    empty_the_database()
    call_command("load_content", str(tmp_path / "backup"))
    capsys.readouterr()
    call_command("load_content", str(tmp_path / "backup"))
    assert "Nothing changed" in capsys.readouterr().out


def test_the_exported_founding_article_keeps_its_tags_and_dates(loaded, tmp_path):
    call_command("export_archive", str(tmp_path / "backup"))
    text = (tmp_path / "backup" / "articles" / "computervirus-code-red-2-schlaegt-zu.md").read_text("utf-8")
    assert "date: '2001-08-10'\ndate_precision: day\ndate_inferred: true\n" in text
    assert "entities:\n- 29a\n- ap\n" in text
    assert "Das Sabotageprogramm „Code Red II“" in text


def test_machine_tags_and_suggested_coverage_are_written_apart_from_manual_ones(loaded, tmp_path):
    article = Article.objects.get(slug="computervirus-code-red-2-schlaegt-zu")
    extra = Entity.objects.create(slug="aaa-extra", name="Extra", kind="organization")
    Mention.objects.create(article=article, entity=extra, method=Mention.Method.ALIAS, count=4)
    event = Event.objects.get(slug="code-red-peak")
    Coverage.objects.filter(event=event).update(method=Coverage.Method.SUGGESTED, confirmed=False)
    call_command("export_archive", str(tmp_path / "backup"))
    text = (tmp_path / "backup" / "articles" / f"{article.slug}.md").read_text("utf-8")
    assert "entities:\n- 29a\n- entity: aaa-extra\n  method: alias\n  count: 4\n- ap\n" in text
    event_text = (tmp_path / "backup" / "events" / "code-red-peak.yaml").read_text("utf-8")
    assert f"articles:\n- article: {article.slug}\n  method: suggested\n  confirmed: false\n" in event_text


def test_it_refuses_a_folder_that_is_not_empty(loaded, tmp_path):
    target = tmp_path / "old"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="is not an empty folder"):
        call_command("export_archive", str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "old"]
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_it_writes_into_an_empty_folder(loaded, tmp_path):
    (tmp_path / "empty").mkdir()
    call_command("export_archive", str(tmp_path / "empty"))
    assert (tmp_path / "empty" / "sources" / "taz.yaml").is_file()


def test_a_record_that_would_not_load_back_fails_the_export_and_leaves_nothing(loaded, tmp_path):
    event = Event.objects.get(slug="code-red-peak")
    Claim.objects.create(event=event, text="", source_name="nobody")
    with pytest.raises(CommandError) as raised:
        call_command("export_archive", str(tmp_path / "backup"))
    assert "events/code-red-peak.yaml: claims: claim 4 needs text and source" in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_an_unwritable_place_is_a_clear_error(loaded, tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot write beside"):
        call_command("export_archive", str(tmp_path / "a-file" / "backup"))
