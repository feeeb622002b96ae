"""Screenshots of the main pages at phone and desktop widths, kept in test-artifacts/."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot

PAGES = {
    "home": "/",
    "article": "/articles/computervirus-code-red-2-schlaegt-zu/",
    "entity": "/entities/code-red-ii/",
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_it_saves_a_screenshot(site, open_page, name, width):
    page = open_page(PHONE if width == "phone" else DESKTOP)
    page.goto(site + PAGES[name])
    path = screenshot(page, f"{name}-{width}")
    assert path.stat().st_size > 10_000
