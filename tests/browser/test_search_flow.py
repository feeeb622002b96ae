"""A reader searches: from the home page box to results, narrows and excludes with facets, pages, sorts,
follows "Did you mean", reads it all in German, is told what is wrong with a bad query; on a phone too."""

import datetime as dt
import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

FOUNDING = "Computervirus Code Red 2 schlägt zu"


def result_titles(page):
    return page.locator(".search-results .items > li > a").all_inner_texts()


def add_worm_reports(count):
    """Articles that all say "Wurm", one a month from January 2002, and one with no date."""
    from archive.models import Article, Source

    taz = Source.objects.get(slug="taz")
    for number in range(1, count + 1):
        Article.objects.create(slug=f"wurmbericht-{number}", title=f"Wurmbericht Nummer {number}", source=taz,
                               language="de", date=dt.date(2002, 1, 1) + dt.timedelta(days=31 * number),
                               date_precision="month", body=f"Der Wurm breitet sich weiter aus, Bericht {number}.")
    Article.objects.create(slug="wurmbericht-ohne-datum", title="Wurmbericht ohne Datum", source=taz,
                           language="de", body="Ein Wurm, Datum unbekannt.")


def test_it_searches_from_the_home_page_and_finds_the_founding_article_first(site, page):
    page.goto(site + "/")
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill("Hotmail Wurm")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Hotmail+Wurm")
    assert result_titles(page)[0] == FOUNDING
    assert page.get_by_role("searchbox", name="Search articles, events and entities").input_value() == "Hotmail Wurm"
    first = page.locator(".search-results .items > li").first
    assert first.locator("time").inner_text() == "10 August 2001"
    assert first.locator(".snippet").get_attribute("lang") == "de"
    assert "Why it matched:" in first.locator(".why").inner_text()


def test_it_narrows_by_an_entity_and_removes_the_filter(site, page):
    page.goto(site + "/search/?q=Code+Red")
    everything = result_titles(page)
    page.locator(".facets").get_by_role("link", name="White House", exact=True).click()
    page.wait_for_url(re.compile(r".*[?&]entity=white-house.*"))
    narrowed = result_titles(page)
    assert 0 < len(narrowed) < len(everything)
    chip = page.get_by_role("link", name="entity: white-house ×")
    assert chip.is_visible()
    assert page.locator(".facets strong", has_text="White House").is_visible()  # the chosen value, not a link
    chip.click()
    page.wait_for_url(re.compile(r".*/search/\?q=Code\+Red$"))
    assert result_titles(page) == everything


def test_it_leaves_out_an_entity(site, page):
    page.goto(site + "/search/?q=Wurm")
    assert FOUNDING in result_titles(page)
    page.locator(".facets").get_by_role("link", name="exclude Microsoft").click()
    page.wait_for_url(re.compile(r".*q=Wurm\+-entity%3Amicrosoft.*"))
    assert FOUNDING not in result_titles(page)
    assert page.get_by_role("searchbox", name="Search articles, events and entities").input_value() == \
        "Wurm -entity:microsoft"


def test_it_pages_through_many_results_and_sorts_them_by_date(site, page):
    add_worm_reports(14)
    page.goto(site + "/search/?q=Wurmbericht")
    summary = page.locator(".result-summary")
    assert "15 results, page 1 of 2" in summary.inner_text()
    first_page = result_titles(page)
    assert len(first_page) == 10
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="next →").click()
    page.wait_for_url("**page=2*")
    second_page = result_titles(page)
    assert len(second_page) == 5 and not set(first_page) & set(second_page)
    page.get_by_role("link", name="← previous").click()
    page.wait_for_url("**page=1*")

    summary.get_by_role("link", name="oldest").click()
    page.wait_for_url("**sort=date*")
    assert summary.locator("strong").inner_text() == "oldest"
    assert result_titles(page)[:2] == ["Wurmbericht Nummer 1", "Wurmbericht Nummer 2"]
    page.get_by_role("link", name="next →").click()
    page.wait_for_url("**sort=date*page=2*")
    assert result_titles(page)[-1] == "Wurmbericht ohne Datum"  # undated records last

    page.locator(".result-summary").get_by_role("link", name="newest").click()
    page.wait_for_url("**sort=-date*")
    days = [time.get_attribute("datetime") for time in page.locator(".search-results time").all()]
    assert days == sorted(days, reverse=True) and days[0] == "2003-03"


def test_it_offers_did_you_mean_for_a_misspelling(site, page):
    page.goto(site + "/search/?q=Symantek")
    suggestion = page.locator(".suggestion")
    assert suggestion.inner_text() == "Did you mean Symantec?"
    suggestion.get_by_role("link", name="Symantec").click()
    page.wait_for_url("**/search/?q=Symantec")
    assert "Symantec" in result_titles(page)
    assert page.locator(".suggestion").count() == 0


def test_it_speaks_german(site, open_page):
    page = open_page(DESKTOP, locale="de-DE")
    page.goto(site + "/search/?q=Hotmail+Wurm")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Suche"
    assert "Sortieren nach:" in page.locator(".result-summary").inner_text()
    assert page.get_by_role("complementary", name="Ergebnisse eingrenzen").get_by_role("heading", name="Entitäten") \
        .is_visible()
    assert page.locator(".search-results time").first.inner_text() == "10. August 2001"
    assert page.locator(".query-help summary").inner_text() == "So suchen Sie"
    page.goto(site + "/search/?q=Symantek")
    assert page.locator(".suggestion").inner_text() == "Meinten Sie Symantec?"


def test_a_bad_query_gets_a_helpful_message_on_the_search_page(site, page):
    response = page.goto(site + '/search/?q=%22Code+Red')
    assert response.status == 400
    alert = page.get_by_role("alert")
    assert "This search cannot be run:" in alert.inner_text() and "never closed" in alert.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert page.get_by_role("searchbox", name="Search articles, events and entities").input_value() == '"Code Red'
    assert page.locator(".query-help").get_attribute("open") is not None  # the help is open to read


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_has_no_serious_accessibility_violations(site, open_page, scheme):
    for viewport in (PHONE, DESKTOP):
        for path in ("/search/?q=Code+Red", "/search/?q=Wurm&entity=microsoft", "/search/?q=%22Code"):
            page = open_page(viewport)
            page.emulate_media(color_scheme=scheme)
            page.goto(site + path)
            assert axe_violations(page) == [], f"{path} at {viewport['width']}px, {scheme}"


def test_the_search_page_reads_well_on_a_phone_and_a_desktop(site, open_page):
    add_worm_reports(12)
    phone = open_page(PHONE)
    phone.goto(site + "/search/?q=Wurm")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the search page scrolls sideways by {overflow}px on a phone"
    # On a phone the facets wait in a closed box above the results, so the results come first to the eye.
    facets = phone.locator(".facets-box")
    assert facets.get_attribute("open") is None and not phone.locator(".facets h2").first.is_visible()
    assert facets.bounding_box()["height"] < 60
    screenshot(phone, "search-results-phone")
    facets.locator("summary").click()
    assert phone.locator(".facets h2").first.is_visible()
    screenshot(phone, "search-facets-open-phone")

    desktop = open_page(DESKTOP)
    desktop.goto(site + "/search/?q=Wurm")
    # On a wide screen the facets are always shown beside the results, without a box to open.
    assert desktop.locator(".facets h2").first.is_visible()
    assert not desktop.locator(".facets-box summary").is_visible()
    facet_box = desktop.locator(".facets").bounding_box()
    results_box = desktop.locator(".search-results").bounding_box()
    assert facet_box["x"] + facet_box["width"] <= results_box["x"]
    screenshot(desktop, "search-results-desktop")
    german = open_page(PHONE, locale="de-DE")
    german.goto(site + "/search/?q=Wurm")
    overflow = german.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the German search page scrolls sideways by {overflow}px on a phone"
    screenshot(german, "search-results-phone-de")
