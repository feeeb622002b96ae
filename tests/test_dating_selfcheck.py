"""The archive checks the same-story rule on its own dated articles before an undated one is dated by it."""

import datetime as dt
import io
import json

from django.core.management import call_command

from archive.dating import selfcheck, service, stories
from archive.models import Article, DateProposal
from tests import dating_archives as wire


def _undated(slug, title, body):
    return Article.objects.create(slug=slug, title=title, body=body, language="en")


def _late_follow_up(n):
    """Story `n` dated 1 September 1991 and its follow-up undated: the follow-up, to be dated by it."""
    story, follow_up = wire.follow_up_pair(n)
    Article.objects.create(slug="late-story", title=story[0], body=story[1], date=dt.date(1991, 9, 1),
                           language="en")
    return _undated("late-follow-up", *follow_up)


# Enough of each for the check's minimum (selfcheck.MIN_DATED): it is the precision that decides here.
SERIES, FOLLOW_UPS = 150, 50


def _next_issue_undated():
    """Issue 2 of the first monthly report, undated: the rule would match it to issue 1, a month off."""
    return _undated("report-0-2", *wire.monthly_report(0, 2))


def test_an_archive_of_recurring_reports_turns_the_rule_off_and_nothing_is_proposed(db):
    wire.add_monthly_reports(SERIES)
    wire.add_follow_ups(FOLLOW_UPS)
    undated = _next_issue_undated()
    index = service.known_stories()
    # The rule alone would date it by last month's issue, wrongly (2 June is a month after its window).
    [match] = index.same_story(service._text(undated))
    assert match.key == "report-0-1" and not match.window[0] <= wire.issue_date(2) <= match.window[1]
    check = service.story_check(index)
    # Each pair of issues dates the other a month off; only the follow-ups and their stories come out right.
    assert (check.records, check.dated, check.right) == (400, 400, 100) and not check.trusted
    assert service.same_story(undated) == []
    assert service.date_article(undated) is None and not DateProposal.objects.exists()


def test_the_import_dates_nothing_by_the_rule_where_the_archive_turned_it_off(db, tmp_path):
    wire.add_monthly_reports(SERIES)
    wire.add_follow_ups(FOLLOW_UPS)
    title, body = wire.monthly_report(0, 2)
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"url": "https://example.org/report-0-2", "title": title, "body": body,
                                "language": "en"}) + "\n", encoding="utf-8")
    assert service.known_stories().same_story(f"{title}\n{body}")  # the rule alone would date it
    err = io.StringIO()
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)
    imported = Article.objects.get(url="https://example.org/report-0-2")
    assert imported.date is None and not DateProposal.objects.exists()
    assert "Same-story rule not used on this archive" in err.getvalue()  # the editor is told why


def test_an_archive_of_true_follow_ups_keeps_the_rule_and_dates_by_it(db):
    wire.add_follow_ups(SERIES)
    undated = _late_follow_up(SERIES)
    check = service.story_check()
    # Every follow-up and its story date each other within the window; the late story has no dated partner yet.
    assert (check.records, check.dated, check.right) == (301, 300, 300) and check.trusted
    proposal = service.date_article(undated)
    assert (proposal.not_before, proposal.not_after) == (dt.date(1991, 8, 17), dt.date(1991, 9, 16))
    assert "/articles/late-story/" in proposal.reason


def test_the_import_reports_the_check_it_dated_under_without_making_it_again(db, tmp_path, monkeypatch):
    wire.add_monthly_reports(SERIES)
    wire.add_follow_ups(FOLLOW_UPS)
    made = []
    check = selfcheck.check
    monkeypatch.setattr(selfcheck, "check", lambda index, **kw: made.append(1) or check(index, **kw))
    title, body = wire.monthly_report(0, 2)
    rows = [{"url": "https://example.org/report-0-2", "title": title, "body": body, "language": "en"}]
    # Then more dated articles than a tenth of the archive: the run's index changes past the recheck share.
    rows += [{"url": f"https://example.org/dated-{n}", "title": f"Dated note {n}", "body": f"Plain text {n}.",
              "date": "1991-05-02", "language": "en"} for n in range(len(service.known_stories()) // 5)]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    err = io.StringIO()
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)
    assert "Same-story rule not used on this archive" in err.getvalue()
    assert len(made) == 1  # made for the undated article, not again at the end only to be reported


def test_an_import_under_a_trusted_rule_dates_by_it_and_says_nothing_of_it(db, tmp_path):
    wire.add_follow_ups(SERIES)
    story, follow_up = wire.follow_up_pair(SERIES)
    Article.objects.create(slug="late-story", title=story[0], body=story[1], date=dt.date(1991, 9, 1),
                           language="en")
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"url": "https://example.org/late-follow-up", "title": follow_up[0],
                                "body": follow_up[1], "language": "en"}) + "\n", encoding="utf-8")
    err = io.StringIO()
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)
    imported = Article.objects.get(url="https://example.org/late-follow-up")
    assert imported.date_inferred and "/articles/late-story/" in imported.date_proposals.get().reason
    assert "Same-story rule" not in err.getvalue()


def test_too_few_dated_articles_prove_nothing_however_right(db):
    pairs = selfcheck.MIN_DATED // 2 - 1
    wire.add_follow_ups(pairs)
    undated = _late_follow_up(pairs)
    check = service.story_check()
    assert (check.dated, check.right) == (2 * pairs, 2 * pairs) and check.precision == 1.0
    assert not check.trusted
    assert [s.key for s in service.known_stories().same_story(service._text(undated))] == ["late-story"]
    assert service.proposal_for(undated) is None
    # More pairs (over a tenth of the archive: checked again) pass the minimum; the archive then dates it.
    wire.add_follow_ups(16, start=pairs + 1)
    assert service.story_check().dated == 2 * pairs + 32 >= selfcheck.MIN_DATED
    assert service.proposal_for(undated).not_before == dt.date(1991, 8, 17)


def test_date_articles_says_why_no_proposal_rests_on_the_same_story(db):
    wire.add_monthly_reports(SERIES)
    wire.add_follow_ups(FOLLOW_UPS)
    _next_issue_undated()
    out = io.StringIO()
    call_command("date_articles", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Same-story rule not used on this archive: its self-check dated 400 of 400 articles checked (of 400 dated "
        "as printed), each by the others, and held the true date for 25.0% of them; it needs 96.5% of at least "
        "300 dated.",
        "would date: 0  left undated: 1  (dry run; --apply)"]


def test_date_articles_says_nothing_of_the_rule_when_it_is_used(db):
    wire.add_follow_ups(SERIES)
    _late_follow_up(SERIES)
    out = io.StringIO()
    call_command("date_articles", stdout=out)
    assert "Same-story rule" not in out.getvalue()
    assert out.getvalue().startswith("late-follow-up: between 17 August 1991 and 16 September 1991")
    assert service.story_check().trusted


def _index(pairs, series):
    records = []
    for n in range(pairs):
        story, follow_up = wire.follow_up_pair(n)
        day = wire.FIRST_DAY + dt.timedelta(days=7 * n)
        records += [(f"stake-{n}", day, *story), (f"stake-{n}-confirmed", day + dt.timedelta(days=2), *follow_up)]
    for s in range(series):
        records += [(f"report-{s}-{k}", wire.issue_date(k), *wire.monthly_report(s, k)) for k in range(2)]
    return stories.StoryIndex(records)


def test_the_check_is_kept_with_its_index_until_a_tenth_of_it_changed():
    index = _index(SERIES, 0)
    first = selfcheck.current(index)
    assert first.trusted and selfcheck.current(index) is first
    # Thirty recurring reports' issues (a tenth of 300) leave the kept check as it was...
    for s in range(15):
        for k in range(2):
            index.put(f"report-{s}-{k}", wire.issue_date(k), *wire.monthly_report(s, k))
    assert selfcheck.current(index) is first
    # ...more is more than a tenth: checked again, the rule is now wrong for 32 of 332.
    index.put("report-15-0", wire.issue_date(0), *wire.monthly_report(15, 0))
    index.put("report-15-1", wire.issue_date(1), *wire.monthly_report(15, 1))
    again = selfcheck.current(index)
    assert again is not first and (again.dated, again.right) == (332, 300) and not again.trusted
    # Put again unchanged, an article is no change.
    index.put("report-15-1", wire.issue_date(1), *wire.monthly_report(15, 1))
    assert selfcheck.current(index) is again


def test_a_sample_is_checked_when_the_archive_is_large_and_the_same_sample_each_time():
    index = _index(20, 20)
    whole = selfcheck.check(index)
    assert (whole.candidates, whole.checked, whole.dated, whole.right) == (80, 80, 80, 40)
    sampled = selfcheck.check(index, sample=30)
    assert sampled.checked == 30 and sampled == selfcheck.check(index, sample=30)
    assert sampled.dated == 30 and 0 < sampled.right < 30
