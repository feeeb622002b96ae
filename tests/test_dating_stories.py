"""The same story in the archive's dated articles dates an undated one: German and English, pure and on SQLite."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from archive.dating import service, stories
from archive.dating.propose import propose
from archive.models import Article
from tests import dating_archives

# Wire stories as Reuters sent them: the stake, then the follow-up with the same figures.
SOROS = ("SOROS GROUP HAS B.F. GOODRICH STAKE",
         "An investor group led by New York investor George Soros said it acquired a 6.1 pct stake in B.F. "
         "Goodrich Co common stock as an investment. The group said it paid about 69.4 mln dlrs, or 49.95 dlrs "
         "a share, for the 1,389,600 Goodrich shares, which are held by Quantum Fund N.V., a Netherlands "
         "Antilles investment firm advised by Soros.")
SOROS_FOLLOW_UP = ("GOODRICH SAYS IT WAS TOLD OF SOROS STAKE",
                   "B.F. Goodrich Co said it was told by the Soros group of its 1,389,600 share stake, 6.1 pct of "
                   "its common stock, bought for about 69.4 mln dlrs (49.95 dlrs a share) through "
                   "Quantum Fund N.V.")
OPEC = ("OPEC OUTPUT ABOVE CEILING, SURVEY SAYS",
        "OPEC oil output rose to 16.2 mln barrels per day in February, above its 15.8 mln bpd ceiling, "
        "a survey of oil companies and traders showed.")
SUGAR = ("INDIA BUYS WHITE SUGAR", "India bought two cargoes of white sugar at its tender for shipment in April, "
         "traders in London said. Prices were around 220 dlrs a tonne cif.")
# Die gleiche Meldung auf Deutsch: Übernahme, dann die Nachricht mit denselben Zahlen.
KAPSCH = ("Kapsch übernimmt Mehrheit an Softwarefirma Tecnomen",
          "Der Wiener Technologiekonzern Kapsch hat 51,3 Prozent der finnischen Softwarefirma Tecnomen "
          "übernommen. Der Kaufpreis betrug 42,7 Mio. Euro für 3.418.200 Aktien zu je 12,49 Euro, teilte "
          "Kapsch in Wien mit.")
KAPSCH_FOLLOW_UP = ("Tecnomen bestätigt Einstieg von Kapsch",
                    "Die finnische Softwarefirma Tecnomen bestätigte den Einstieg des Wiener Technologiekonzerns "
                    "Kapsch: 3.418.200 Aktien, 51,3 Prozent des Kapitals, zu 12,49 Euro je Aktie, Kaufpreis "
                    "42,7 Mio. Euro.")
# Recurring reports: the next issue uses the last one's words, but not its figures, and appears weeks later.
AMERON = ("AMERON INC <AMN> SETS QTLY DIV", "Qtly div 24 cts vs 24 cts prior\nPay May 15\nRecord April 30\n"
          "Ameron Inc said its board declared the regular quarterly dividend.")
AMERON_NEXT = ("AMERON INC <AMN> QTLY DIVIDEND", "Qtly div 24 cts vs 24 cts prior\nPay August 14\nRecord July 24\n"
               "Ameron Inc said its board declared the regular quarterly dividend.")
AMS = ("Arbeitslosigkeit in Kärnten im März gesunken",
       "Die Arbeitslosenquote in Kärnten ist im März auf 8,1 Prozent gesunken, meldete das Arbeitsmarktservice "
       "Kärnten. 21.340 Menschen waren beim AMS Kärnten als arbeitslos vorgemerkt.")
AMS_NEXT = ("Arbeitslosigkeit in Kärnten im April gesunken",
            "Die Arbeitslosenquote in Kärnten ist im April auf 7,4 Prozent gesunken, meldete das Arbeitsmarktservice "
            "Kärnten. 19.870 Menschen waren beim AMS Kärnten als arbeitslos vorgemerkt.")
WETTER = ("Hochwasser in Kärnten", "Nach tagelangem Regen traten in Kärnten mehrere Flüsse über die Ufer, "
          "die Feuerwehr stand mit 1.200 Helfern im Einsatz.")

MARCH_3 = dt.date(1987, 3, 3)
PERIOD = (dt.date(1987, 2, 1), dt.date(1987, 10, 31))


def _index(*records):
    return stories.StoryIndex((slug, date, title, body) for slug, date, (title, body) in records)


@pytest.mark.parametrize("text, figures", [
    ("paid about 69.4 mln dlrs for 1,389,600 shares in 1987", {"69.4 mln dlrs", "1,389,600"}),
    ("zahlte 42,7 Mio. Euro für 3.418.200 Aktien im Jahr 2015", {"42,7 mio euro", "3.418.200"}),
    ("on 12 March it sold 8 shares", set()),
])
def test_figures_are_amounts_and_large_numbers_not_years_or_small_counts(text, figures):
    assert stories.figures(text) == figures


@pytest.mark.parametrize("story, follow_up, other", [(SOROS, SOROS_FOLLOW_UP, OPEC),
                                                     (KAPSCH, KAPSCH_FOLLOW_UP, WETTER)])
def test_a_follow_up_is_found_by_the_figures_and_names_it_shares(story, follow_up, other):
    index = _index(("story", MARCH_3, story), ("other", MARCH_3, other), ("sugar", MARCH_3, SUGAR))
    [found] = index.same_story("\n".join(follow_up))
    assert (found.key, found.date) == ("story", MARCH_3)
    assert len(found.shared_figures) >= stories.MIN_FIGURES and found.similarity >= stories.MIN_SIMILARITY
    # Another story of the same day and the same trade is no match.
    assert index.same_story("\n".join(other), exclude="other") == []


@pytest.mark.parametrize("issue, next_issue", [(AMERON, AMERON_NEXT), (AMS, AMS_NEXT)])
def test_the_next_issue_of_a_recurring_report_is_not_the_same_story(issue, next_issue):
    index = _index(("issue", MARCH_3, issue), ("opec", MARCH_3, OPEC), ("sugar", MARCH_3, SUGAR),
                   ("wetter", MARCH_3, WETTER))
    text = "\n".join(next_issue)
    [nearest, *_] = index.nearest(text)
    # As close in words as a follow-up, but without the story's figures: a quarter or a month later, not its story.
    assert nearest.key == "issue" and nearest.similarity >= stories.MIN_SIMILARITY
    assert len(nearest.shared_figures) < stories.MIN_FIGURES
    assert index.same_story(text) == []
    assert propose(text, period=PERIOD, stories=index.same_story(text)) is None


@pytest.mark.parametrize("story, follow_up", [(SOROS, SOROS_FOLLOW_UP), (KAPSCH, KAPSCH_FOLLOW_UP)])
def test_the_same_story_bounds_the_date_to_its_window(story, follow_up):
    index = _index(("story", MARCH_3, story), ("sugar", dt.date(1987, 6, 1), SUGAR))
    found = propose("\n".join(follow_up), period=PERIOD, stories=index.same_story("\n".join(follow_up)))
    assert (found.not_before, found.not_after) == (dt.date(1987, 2, 16), dt.date(1987, 3, 18))
    assert f'the same story as "{story[0]}" of 3 March 1987' in found.reason
    assert "within 15 days of each other" in found.reason
    assert [e["article"] for e in found.evidence if e["kind"] == "same_story"] == ["story"]


@pytest.mark.parametrize("text", [
    SOROS_FOLLOW_UP[1] + " The shares were bought on February 20.",
    KAPSCH_FOLLOW_UP[1] + " Die Aktien wurden am 20. Februar gekauft.",
])
def test_a_day_written_as_past_narrows_the_window_of_the_same_story(text):
    index = _index(("soros", MARCH_3, SOROS), ("kapsch", MARCH_3, KAPSCH), ("sugar", dt.date(1987, 6, 1), SUGAR))
    found = propose(text, period=PERIOD, stories=index.same_story(text))
    # The window (16 February to 18 March) decides the year of "20 February": 1987, so not before it.
    assert (found.not_before, found.not_after) == (dt.date(1987, 2, 20), dt.date(1987, 3, 18))


def test_without_the_same_story_nothing_is_proposed():
    index = _index(("sugar", MARCH_3, SUGAR), ("opec", MARCH_3, OPEC))
    assert index.same_story("\n".join(SOROS_FOLLOW_UP)) == []
    assert propose("\n".join(SOROS_FOLLOW_UP), period=PERIOD, stories=[]) is None


@pytest.fixture
def follow_ups(db):
    """Twenty true follow-ups dated as printed: enough for the archive's self-check to trust the rule
    (archive.dating.selfcheck); an archive of three articles proves nothing (tests/test_dating_selfcheck.py)."""
    dating_archives.add_follow_ups(150)


def _article(slug, title, body, date=None, language="en", **fields):
    return Article.objects.create(slug=slug, title=title, body=body, date=date, language=language, **fields)


@pytest.mark.parametrize("story, follow_up, other, language", [
    (SOROS, SOROS_FOLLOW_UP, OPEC, "en"), (KAPSCH, KAPSCH_FOLLOW_UP, WETTER, "de")])
def test_an_undated_article_in_the_archive_is_dated_by_its_dated_story(follow_ups, story, follow_up, other, language):
    _article("the-story", *story, date=MARCH_3, language=language)
    _article("other", *other, date=dt.date(1987, 6, 1), language=language)
    _article("sugar", *SUGAR, date=dt.date(1987, 4, 7))
    undated = _article("follow-up", *follow_up, language=language)
    proposal = service.date_article(undated)
    undated.refresh_from_db()
    assert (proposal.not_before, proposal.not_after) == (dt.date(1987, 2, 16), dt.date(1987, 3, 18))
    assert (undated.date, undated.date_not_after, undated.date_inferred) == (
        dt.date(1987, 2, 16), dt.date(1987, 3, 18), True)
    assert "/articles/the-story/" in proposal.reason and "/articles/the-story/" in undated.date_reason
    [item] = [e for e in proposal.evidence if e["kind"] == "same_story"]
    assert (item["article"], item["date"], item["link"]) == ("the-story", "1987-03-03", "/articles/the-story/")


def test_an_inferred_date_anchors_no_other_article(db):
    _article("the-story", *SOROS, date=MARCH_3, date_inferred=True)
    _article("sugar", *SUGAR, date=dt.date(1987, 4, 7))
    assert service.proposal_for(_article("follow-up", *SOROS_FOLLOW_UP)) is None


def test_the_command_dates_by_the_same_story(follow_ups):
    _article("the-story", *KAPSCH, date=MARCH_3, language="de")
    _article("sugar", *SUGAR, date=dt.date(1987, 4, 7))
    _article("follow-up", *KAPSCH_FOLLOW_UP, language="de")
    out = io.StringIO()
    call_command("date_articles", stdout=out)
    assert "follow-up: between 16 February 1987 and 18 March 1987" in out.getvalue().replace("  ", " ")
    assert "the same story as" in out.getvalue() and Article.objects.get(slug="follow-up").date is None
    call_command("date_articles", "--apply", stdout=io.StringIO())
    assert Article.objects.get(slug="follow-up").date == dt.date(1987, 2, 16)


def test_the_index_grows_and_forgets_one_article_at_a_time():
    index = _index(("sugar", MARCH_3, SUGAR), ("opec", MARCH_3, OPEC))
    follow_up = "\n".join(KAPSCH_FOLLOW_UP)
    assert index.same_story(follow_up) == []
    index.put("kapsch", MARCH_3, *KAPSCH)
    assert [s.key for s in index.same_story(follow_up)] == ["kapsch"]
    index.put("kapsch", dt.date(1987, 6, 1), *KAPSCH)  # its date corrected: put again, replacing
    assert [(s.key, s.date) for s in index.same_story(follow_up)] == [("kapsch", dt.date(1987, 6, 1))]
    index.remove("kapsch")
    assert index.same_story(follow_up) == [] and len(index) == 2


def test_an_article_dated_after_the_index_was_read_is_matched(follow_ups):
    _article("sugar", *SUGAR, date=dt.date(1987, 4, 7))
    undated = _article("follow-up", *SOROS_FOLLOW_UP)
    assert service.proposal_for(undated) is None
    _article("the-story", *SOROS, date=MARCH_3)
    assert service.proposal_for(undated).not_before == dt.date(1987, 2, 16)
    Article.objects.filter(slug="the-story").update(date=None)
    assert service.proposal_for(undated) is None


def test_an_import_reads_the_dated_articles_once_and_dates_by_what_it_imported_itself(follow_ups, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _article("sugar", *SUGAR, date=dt.date(1987, 4, 7))
    _article("opec", *OPEC, date=dt.date(1987, 3, 20))
    lines = [{"url": "https://example.org/soros", "title": SOROS[0], "body": SOROS[1], "date": "1987-03-03",
              "language": "en"}]
    lines += [{"url": f"https://example.org/follow-up-{n}", "title": f"{SOROS_FOLLOW_UP[0]} ({n})",
               "body": f"{SOROS_FOLLOW_UP[1]} Update {n}.", "language": "en"} for n in range(4)]
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    with CaptureQueriesContext(connection) as captured:
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    dated = Article.objects.filter(url__startswith="https://example.org/follow-up-")
    assert [(a.date, a.date_not_after, a.date_inferred) for a in dated] == [
        (dt.date(1987, 2, 16), dt.date(1987, 3, 18), True)] * 4
    # The dated articles are read whole once for the run, not again before each undated article.
    reads = [q["sql"] for q in captured.captured_queries if 'MAX("archive_article"."updated_at")' in q["sql"]]
    assert len(reads) == 1, reads
