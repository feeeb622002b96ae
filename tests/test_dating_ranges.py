"""A range date through the page, timelines, filters, sorting, exports, the API, the admin and the command."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive import dates
from archive.dating import service
from archive.models import Article, DateProposal, Event
from tests import timeline_factories as make


@pytest.fixture
def santy(db):
    worm = make.entity("santy", name="Santy")
    make.event("santy-first-seen", "2004-12-20", entities=[worm], incident=worm)
    make.article("before", "2004-12-19", entities=[worm], language="en")
    make.article("after", "2004-12-21", entities=[worm], language="en")
    report = Article.objects.create(slug="report", title="Forums defaced", body="The Santy worm defaces forums.",
                                    language="en")
    make.entity("santy").mentions.create(article=report)
    proposal = service.date_article(report)
    report.refresh_from_db()
    return report, proposal


def test_an_open_range_is_stored_and_shown_with_its_reason(client, santy):
    report, proposal = santy
    assert (report.date, report.date_precision, report.date_not_after, report.date_inferred) == (
        dt.date(2004, 12, 20), dates.RANGE, None, True)
    page = client.get("/articles/report/").content.decode()
    assert "not before 20 December 2004" in page
    assert "it names Santy, first seen 20 December 2004" in page
    client.cookies["django_language"] = "de"
    german = client.get("/articles/report/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "nicht vor dem 20. Dezember 2004" in german


def test_a_range_sorts_at_its_first_possible_day_and_filters_by_overlap(client, santy):
    data = json.loads(client.get("/timeline/export.json?entity=santy&hide_inferred=0").getvalue())
    assert [i["slug"] for i in data["items"]] == ["before", "santy-first-seen", "report", "after"]
    report = data["items"][2]
    assert (report["date"], report["precision"], report["date_not_after"]) == ("2004-12-20/..", "range", "")
    later = json.loads(client.get("/timeline/export.json?entity=santy&from=2005-03&hide_inferred=0").getvalue())
    assert [i["slug"] for i in later["items"]] == ["report"]  # an open range may lie in any later window
    earlier = json.loads(client.get("/timeline/export.json?entity=santy&to=2004-12-19&hide_inferred=0").getvalue())
    assert "report" not in [i["slug"] for i in earlier["items"]]


def test_a_closed_range_leaves_windows_after_it(client, santy):
    report, proposal = santy
    service.accept(proposal, not_before=dt.date(2004, 12, 21), not_after=dt.date(2004, 12, 31))
    inside = json.loads(client.get("/timeline/export.json?entity=santy&from=2004-12-30&hide_inferred=0").getvalue())
    assert "report" in [i["slug"] for i in inside["items"]]
    after = json.loads(client.get("/timeline/export.json?entity=santy&from=2005-01&hide_inferred=0").getvalue())
    assert "report" not in [i["slug"] for i in after["items"]]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/entities/santy/timeline/export.csv?hide_inferred=0").getvalue().decode())))
    row = next(r for r in rows if r["slug"] == "report")
    assert (row["date"], row["date_not_after"]) == ("2004-12-21/2004-12-31", "2004-12-31")
    tljs = json.loads(client.get("/timeline/export.timelinejs.json?entity=santy&hide_inferred=0").content)
    entry = next(e for e in tljs["events"] if e["unique_id"] == "article-report")
    assert entry["end_date"] == {"year": 2004, "month": 12, "day": 31}
    page = client.get("/entities/santy/timeline/?hide_inferred=0").content.decode()
    assert "tl-range" in page  # drawn as a span over its days


def test_the_api_carries_the_range(client, santy):
    data = json.loads(client.get("/api/articles/report/").content)
    assert (data["date"], data["date_precision"], data["date_not_before"], data["date_not_after"]) == (
        "2004-12-20/..", "range", "2004-12-20", None)
    assert data["date_inferred"] is True


def test_the_api_lists_filter_a_range_by_overlap(client, santy):
    report, proposal = santy

    def listed(**params):
        return [a["slug"] for a in json.loads(client.get("/api/articles/", params).content)["results"]]

    assert listed(**{"from": "2005-03"}) == ["report"]  # an open range may lie in any later window
    assert "report" not in listed(to="2004-12-19")
    service.accept(proposal, not_before=dt.date(2004, 12, 21), not_after=dt.date(2005, 1, 10))
    assert "report" in listed(**{"from": "2005-01", "to": "2005-01"})
    assert "report" not in listed(**{"from": "2005-02"})
    assert set(listed(**{"from": "2004-12-21", "to": "2004-12-31"})) == {"report", "after"}


def test_the_timeline_draws_an_open_range_to_the_end_of_its_axis(client, santy):
    assert client.get("/entities/santy/timeline/?hide_inferred=0").status_code == 200
    assert client.get("/entities/santy/").status_code == 200


@pytest.fixture
def editor(client, db):
    User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.login(username="editor", password="pw")
    return client


def test_editors_accept_and_reject_in_bulk_and_rejected_proposals_stay_rejected(editor, santy):
    report, proposal = santy
    other = Article.objects.create(slug="other", title="Other", body="The Santy worm again.", language="en")
    make.entity("santy").mentions.create(article=other)
    second = service.date_article(other)
    response = editor.post("/admin/archive/dateproposal/", {
        "action": "accept_proposals", "_selected_action": [proposal.pk]})
    assert response.status_code == 302
    report.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and report.date_reason == proposal.reason
    editor.post("/admin/archive/dateproposal/", {"action": "reject_proposals", "_selected_action": [second.pk]})
    other.refresh_from_db()
    assert other.date is None and not other.date_inferred
    assert DateProposal.objects.get(pk=second.pk).status == "rejected"
    out = io.StringIO()
    call_command("date_articles", "--apply", stdout=out)
    assert "dated: 0  left undated: 1" in out.getvalue()
    assert other.date_proposals.count() == 1


def test_an_editor_narrows_a_proposal_and_the_reason_keeps_it(editor, santy):
    report, proposal = santy
    url = f"/admin/archive/dateproposal/{proposal.pk}/change/"
    response = editor.post(url, {"decision": "accept", "narrow_not_before": "2004-12-19",
                                 "narrow_not_after": "2004-12-31"})
    assert response.status_code == 200 and "only shrink" in response.content.decode()
    response = editor.post(url, {"decision": "accept", "narrow_not_before": "2004-12-21",
                                 "narrow_not_after": "2004-12-31"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.date, report.date_precision, report.date_not_after) == (
        dt.date(2004, 12, 21), dates.RANGE, dt.date(2004, 12, 31))
    assert report.date_reason.startswith("Narrowed by an editor to between 21 December 2004 and 31 December 2004.")
    assert proposal.reason in report.date_reason


def test_the_command_is_a_dry_run_unless_told(db):
    worm = make.entity("santy", name="Santy")
    make.event("santy-first-seen", "2004-12-20", entities=[worm], incident=worm)
    article = Article.objects.create(slug="report", title="Forums", body="Santy.", language="en")
    worm.mentions.create(article=article)
    out = io.StringIO()
    call_command("date_articles", stdout=out)
    assert "report: not before 20 December 2004" in out.getvalue() and "would date: 1" in out.getvalue()
    assert not DateProposal.objects.exists() and Article.objects.get().date is None
    call_command("date_articles", "--apply", stdout=io.StringIO())
    assert Article.objects.get().date_precision == dates.RANGE and DateProposal.objects.count() == 1


def test_export_archive_and_load_content_keep_a_range(tmp_path, santy):
    report, proposal = santy
    service.accept(proposal, not_before=dt.date(2004, 12, 21), not_after=dt.date(2004, 12, 31))
    call_command("export_archive", str(tmp_path / "out"), verbosity=0, stdout=io.StringIO())
    Article.objects.filter(slug="report").delete()
    call_command("load_content", str(tmp_path / "out"), verbosity=0, stdout=io.StringIO())
    loaded = Article.objects.get(slug="report")
    assert (loaded.date, loaded.date_precision, loaded.date_not_after) == (
        dt.date(2004, 12, 21), dates.RANGE, dt.date(2004, 12, 31))


def test_an_event_dated_by_an_open_range_is_drawn_and_exported(client, db):
    worm = make.entity("santy", name="Santy")
    make.event("first", "2004-12-20", entities=[worm], incident=worm)
    make.event("later", None, entities=[worm], incident=worm)
    Event.objects.filter(slug="later").update(date=dt.date(2004, 12, 22), date_precision=dates.RANGE)
    assert client.get("/entities/santy/timeline/").status_code == 200
    assert client.get("/entities/santy/").status_code == 200
    ics = client.get("/entities/santy/timeline/export.ics").getvalue().decode()
    assert "DTSTART;VALUE=DATE:20041222" in ics and "DTEND;VALUE=DATE:20041223" in ics
    data = json.loads(client.get("/api/events/later/").content)
    assert (data["date"], data["date_precision"]) == ("2004-12-22/..", "range")
