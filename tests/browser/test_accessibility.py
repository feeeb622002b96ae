"""Keyboard use and an automated accessibility check with axe-core."""

import pytest

from tests.browser.conftest import PHONE, axe_violations

PAGES = ["/", "/articles/computervirus-code-red-2-schlaegt-zu/", "/entities/code-red-ii/", "/api/"]


def test_it_shows_where_the_keyboard_focus_is(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".skip").bounding_box()["y"] >= 0

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    link = page.evaluate("document.activeElement.tagName")
    assert link == "A"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_serious_accessibility_violations(site, open_page, path, scheme):
    page = open_page(PHONE)
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    page.locator("details").evaluate_all("nodes => nodes.forEach(node => { node.open = true; })")
    assert axe_violations(page) == []


def test_it_would_catch_a_violation(page):
    # The check itself can fail: an image without a text alternative is a critical violation.
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert "image-alt" in [rule for rule, _, _ in axe_violations(page)]
