"""The founding scrape, imported without its date beside the archive's events, is dated as an editor did it."""

import datetime as dt

import pytest

from archive.models import Article, DateProposal
from tests.importing import SEED, run_import


@pytest.fixture
def scrape_alone(loaded):
    # The hand-dated copy would make the scrape a duplicate; the events it covers stay.
    Article.objects.filter(slug="computervirus-code-red-2-schlaegt-zu").delete()
    out, err, failed = run_import(SEED, source="taz")
    assert not failed, err
    return Article.objects.get()


def test_the_founding_scrape_is_dated_10_august_2001_with_the_thursday_reasoning(scrape_alone):
    article = scrape_alone
    assert (article.date, article.date_precision, article.date_inferred) == (dt.date(2001, 8, 10), "day", True)
    proposal = DateProposal.objects.get(article=article)
    assert (proposal.not_before, proposal.not_after, proposal.point) == (
        dt.date(2001, 8, 10), dt.date(2001, 8, 11), dt.date(2001, 8, 10))
    assert proposal.reason.startswith("Friday 10 August 2001 (possibly Saturday 11 August 2001)")
    assert "am Donnerstag" in proposal.reason and "Thursday 9 August 2001" in proposal.reason
    assert article.date_reason == proposal.reason
    assert "Code Red II" in proposal.reason
    kinds = [e["kind"] for e in proposal.evidence]
    assert "weekday" in kinds and "event" in kinds
