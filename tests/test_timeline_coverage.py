import datetime as dt
import html

import pytest
from django.core.management import CommandError, call_command

from archive import dates
from archive.models import Coverage, Event
from archive.timeline.coverage import Span, coverage_lag, exposure_windows, suggest_coverage
from tests import timeline_factories as make

SLUG = "computervirus-code-red-2-schlaegt-zu"


@pytest.fixture
def worm(db):
    worm = make.entity("worm")
    vendor = make.entity("vendor", kind="organization")
    make.event("outbreak", "2001-07-13", entities=[worm, vendor])
    make.article("same-week", "2001-07-19", entities=[worm, vendor])
    make.article("late", "2001-08-20", entities=[worm, vendor])  # 38 days after
    make.article("before", "2001-07-12", entities=[worm, vendor])
    make.article("one-shared", "2001-07-14", entities=[worm])
    make.article("month-only", "2001-07", entities=[worm, vendor])
    return worm


def suggested():
    return set(Coverage.objects.filter(method="suggested").values_list("article__slug", flat=True))


def test_it_suggests_articles_in_the_window_after_the_event_sharing_entities(worm):
    result = suggest_coverage(window_days=30, min_shared=2)
    assert result.created == 2
    assert suggested() == {"same-week", "month-only"}
    assert not Coverage.objects.filter(confirmed=True).exists()


def test_suggesting_twice_creates_nothing_and_keeps_manual_links(worm):
    outbreak = Event.objects.get(slug="outbreak")
    make.cover(outbreak, make.article("manual", "2001-07-15", entities=[worm]))
    suggest_coverage()
    again = suggest_coverage()
    assert again.created == 0 and again.existing == 2
    assert Coverage.objects.get(article__slug="manual").method == "manual"


def test_a_wider_window_and_fewer_shared_entities_suggest_more(worm):
    suggest_coverage(window_days=40, min_shared=1)
    assert suggested() == {"same-week", "late", "one-shared", "month-only"}


def test_the_command_reports_and_validates(worm, capsys):
    call_command("suggest_coverage", "--window", "30")
    out = capsys.readouterr().out
    assert "1/1 events" in out and "suggested: 2  already linked: 0" in out
    with pytest.raises(CommandError, match="no dated event with slug: nope"):
        call_command("suggest_coverage", "--event", "nope")
    with pytest.raises(CommandError, match="--window"):
        call_command("suggest_coverage", "--window", "-1")


def test_the_lag_counts_days_from_the_event_to_the_first_confirmed_article(worm):
    outbreak = Event.objects.get(slug="outbreak")
    make.cover(outbreak, make.article("x", "2001-07-25"))
    make.cover(outbreak, make.article("y", "2001-07-19", inferred=True, reason="'am Donnerstag'"))
    lag = coverage_lag(outbreak)
    assert lag.article.slug == "y"
    assert lag.text == "reported 6 days after the outbreak (the article's date is inferred)"


def test_suggested_links_give_a_lag_marked_as_suggested_only_without_confirmed_ones(worm):
    outbreak = Event.objects.get(slug="outbreak")
    suggest_coverage()
    lag = coverage_lag(outbreak)
    assert lag.suggested and "not yet confirmed" in lag.text
    make.cover(outbreak, make.article("confirmed-late", "2001-08-01"))
    assert coverage_lag(outbreak).article.slug == "confirmed-late"


def test_a_lag_with_an_imprecise_date_is_a_range():
    span = Span.between(dt.date(2001, 7, 13), dates.DAY, dt.date(2001, 8, 1), dates.MONTH)
    assert (span.low, span.high) == (19, 49)
    assert str(span) == "19–49 days"
    both_in_july = Span.between(dt.date(2001, 7, 1), dates.MONTH, dt.date(2001, 7, 19), dates.DAY)
    assert (both_in_july.low, both_in_july.high) == (-12, 18)
    assert str(both_in_july) == "at most 18 days"
    assert str(Span.between(dt.date(2001, 7, 13), dates.DAY, dt.date(2001, 7, 12), dates.DAY)) == "1 day"


def test_no_lag_without_dated_coverage(worm):
    assert coverage_lag(Event.objects.get(slug="outbreak")) is None


def test_code_red_ii_was_reported_six_days_after_its_outbreak(client, loaded):
    page = html.unescape(client.get("/events/code-red-ii-appears/").content.decode())
    assert "Reported 6 days after the outbreak (the article's date is inferred)" in page
    assert f'href="/articles/{SLUG}/"' in page


def test_the_exposure_windows_of_code_red(loaded):
    from archive.models import Entity

    windows = {w.label: w for w in exposure_windows(Entity.objects.get(slug="code-red"))}
    assert str(windows["Disclosure to advisory"].span) == "0 days"
    assert str(windows["Advisory to patch"].span) == "0 days"
    assert windows["Patch to outbreak"].end.slug == "code-red-first-seen"
    assert str(windows["Patch to outbreak"].span) == "25 days"
    assert windows["Outbreak to first coverage"].end.slug == SLUG
    assert str(windows["Outbreak to first coverage"].span) == "28 days (a date is inferred)"


def test_an_entity_without_incident_events_has_no_windows(worm):
    assert exposure_windows(worm) == []


def test_suggested_coverage_is_shown_as_such_on_the_event_page(client, worm):
    suggest_coverage()
    page = client.get("/events/outbreak/").content.decode()
    assert "suggested, not yet confirmed" in page


def test_an_editor_confirms_a_suggestion_in_the_admin(client, worm):
    from django.contrib.auth.models import User

    suggest_coverage()
    User.objects.create_superuser("editor", "editor@example.org", "a-long-password")
    client.login(username="editor", password="a-long-password")
    listing = client.get("/admin/archive/coverage/?method__exact=suggested&confirmed__exact=0")
    assert listing.status_code == 200 and "same-week" in listing.content.decode().lower().replace(" ", "-")
    links = list(Coverage.objects.order_by("pk"))
    form = {
        "form-TOTAL_FORMS": str(len(links)), "form-INITIAL_FORMS": str(len(links)), "_save": "Save",
        **{f"form-{n}-id": str(link.pk) for n, link in enumerate(links)},
        "form-0-confirmed": "on",
    }
    response = client.post("/admin/archive/coverage/", form)
    assert response.status_code == 302
    confirmed = Coverage.objects.get(pk=links[0].pk)
    assert confirmed.confirmed and confirmed.method == "suggested"
    assert coverage_lag(Event.objects.get(slug="outbreak")).suggested is False
