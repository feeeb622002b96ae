"""A reader finds the founding article from the home page and follows its story."""

from tests.browser.conftest import PHONE

FOUNDING = "Computervirus Code Red 2 schlägt zu"


def test_it_follows_the_founding_article_and_an_entity(site, page):
    page.goto(site + "/")
    page.get_by_role("link", name=FOUNDING).first.click()
    page.wait_for_url("**/articles/computervirus-code-red-2-schlaegt-zu/")
    assert page.get_by_role("heading", level=1).inner_text() == FOUNDING
    assert page.locator("article.article").get_attribute("lang") == "de"
    assert "REDMOND/MÜNCHEN" in page.locator(".dateline").inner_text()

    page.locator(".article-facts .chips").get_by_role("link", name="Code Red II", exact=True).click()
    page.wait_for_url("**/entities/code-red-ii/")
    assert page.get_by_role("heading", level=1).inner_text() == "Code Red II"
    assert page.get_by_role("link", name=FOUNDING).count() >= 1


def test_it_searches_from_the_box_on_every_page(site, page):
    page.goto(site + "/entities/microsoft/")
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill("Hotmail")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Hotmail")


def test_it_reads_well_on_a_phone_without_sideways_scrolling(site, open_page):
    page = open_page(PHONE)
    for path in ("/", "/articles/computervirus-code-red-2-schlaegt-zu/", "/entities/code-red-ii/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
