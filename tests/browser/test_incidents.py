"""/incidents/ and an incident page in a real browser: phone and desktop, both languages, screenshots, axe."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

PAGES = {"incidents": "/incidents/", "incident": "/entities/code-red/"}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_it_reads_on_a_phone_and_a_desktop(site, open_page, name, width, locale):
    page = open_page(WIDTHS[width], locale=locale)
    page.goto(site + PAGES[name])
    german = locale.startswith("de")
    heading = {"incidents": "Vorfälle" if german else "Incidents", "incident": "Code Red"}[name]
    assert page.locator("h1").inner_text() == heading
    # Nothing but the drawing's own box may be wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if name == "incidents":
        assert page.locator(".ic-table tbody tr").count() >= 1
        assert page.locator("svg g.ic-row").count() == page.locator(".ic-table tbody tr").count()
        assert page.get_by_text("Was die Zahlen zeigen" if german else "What the figures show").is_visible()
    else:
        assert page.get_by_role("heading", name="Eckdaten" if german else "Key figures").is_visible()
    path = screenshot(page, f"{name}-{width}-{locale[:2]}")
    assert path.stat().st_size > 10_000


def test_sorting_and_filtering_work_without_script(site, open_page):
    page = open_page(PHONE)
    page.goto(site + "/incidents/")
    page.select_option("select[name=sort]", "-articles")
    page.get_by_role("button", name="Filter").click()
    assert "sort=-articles" in page.url
    assert page.locator(".ic-table tbody tr").count() >= 1
    page.goto(site + "/incidents/?decade=1990")
    assert "No incident matches these filters." in page.locator(".ic-table").inner_text()


@pytest.mark.parametrize("path", PAGES.values())
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_serious_accessibility_violations(site, open_page, path, scheme):
    page = open_page(PHONE)
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    assert axe_violations(page) == []
