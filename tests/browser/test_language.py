"""The interface speaks the reader's language: chosen by the browser, switchable without JavaScript."""

from tests.browser.conftest import DESKTOP

ARTICLE = "/articles/computervirus-code-red-2-schlaegt-zu/"


def test_it_switches_the_interface_to_german_and_back(site, page):
    page.goto(site + ARTICLE)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Entities").is_visible()

    page.get_by_role("button", name="DE – Deutsch").click()
    page.wait_for_load_state()
    assert page.url.endswith(ARTICLE)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name="Startseite").is_visible()
    assert page.get_by_role("heading", name="Entitäten").is_visible()
    assert "10. August 2001" in page.locator(".article-meta").inner_text()
    # The article keeps its own language whatever the interface speaks.
    assert page.locator("article.article").get_attribute("lang") == "de"

    page.get_by_role("button", name="EN – English").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Home").is_visible()


def test_it_follows_the_browser_language(site, open_page):
    page = open_page(DESKTOP, locale="de-DE")
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", name="Neueste Artikel").is_visible()


def test_it_switches_language_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.get_by_role("button", name="DE – Deutsch").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "de"
    finally:
        context.close()
