"""A student follows Code Red on the timelines: filters without JavaScript, reads the order and the lag,
follows the drawing, exports to TimelineJS; the same in German; accessible and readable on a phone."""

import json

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

TAZ = "Computervirus Code Red 2 schlägt zu"
CODE_RED_II = "Code Red II appears"
TIMELINE_PAGES = {
    "timeline": "/timeline/",
    "entity-timeline": "/entities/code-red/timeline/",
    "event": "/events/code-red-peak/",
    "year": "/archive/2001/",
}


def list_titles(page):
    """The titles of the timeline's items in the order the list shows them."""
    return page.locator(".tl-li > a").all_inner_texts()


def test_it_filters_the_timeline_with_a_plain_form(site, browser):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
        page.wait_for_url("**/timeline/")
        assert page.get_by_role("heading", level=1).inner_text() == "Timeline"
        everything = len(list_titles(page))

        page.get_by_label("Entity").select_option(label="Code Red II")
        page.get_by_label("Kind").select_option(label="outbreak")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/timeline/?entity=code-red-ii&kind=outbreak*")
        assert page.get_by_role("heading", level=1).inner_text() == "Timeline of Code Red II"
        assert list_titles(page) == [CODE_RED_II]
        assert everything > 1
        # The form shows what is chosen, so the reader can change it.
        assert page.get_by_label("Kind").input_value() == "outbreak"
    finally:
        context.close()


def test_it_follows_code_red_in_order_and_exports_it(site, page, tmp_path):
    page.goto(site + "/entities/code-red/")
    page.get_by_role("link", name="Full timeline of Code Red").click()
    page.wait_for_url("**/entities/code-red/timeline/")
    assert page.get_by_role("heading", level=1).inner_text() == "Timeline of Code Red"

    titles = list_titles(page)
    assert titles.index(CODE_RED_II) < titles.index(TAZ)
    code_red_ii = page.locator(".tl-li", has=page.get_by_role("link", name=CODE_RED_II, exact=True))
    assert "Reported 6 days after the outbreak" in code_red_ii.locator(".tl-lag-note").inner_text()
    assert page.locator(".tl-li").nth(titles.index(TAZ)).get_attribute("class").count("tl-li-article") == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="TimelineJS").click()
    path = tmp_path / "timeline.json"
    download.value.save_as(path)
    assert download.value.suggested_filename == "timeline-code-red.timelinejs.json"
    exported = json.loads(path.read_text(encoding="utf-8"))
    ids = [event["unique_id"] for event in exported["events"]]
    assert ids.index("event-code-red-ii-appears") < ids.index("article-computervirus-code-red-2-schlaegt-zu")
    assert exported["title"]["text"]["headline"] == "Timeline of Code Red"

    drawing = page.locator("svg.tl-svg").first
    assert drawing.locator("title").first.text_content() == "Timeline of Code Red"
    drawing.locator('a[href="/events/code-red-peak/"]').click()
    page.wait_for_url("**/events/code-red-peak/")
    assert "359,000" in page.get_by_role("heading", level=1).inner_text()
    assert "Reported 22 days after the peak" in page.locator(".tl-lag").inner_text()


def test_it_shows_the_timeline_in_german(site, open_page):
    page = open_page(DESKTOP, locale="de-DE")
    page.goto(site + "/entities/code-red/timeline/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Zeitleiste zu Code Red"
    assert page.get_by_label("Erschlossene Daten ausblenden").is_visible()
    assert page.get_by_role("button", name="Filtern").is_visible()
    assert page.get_by_role("heading", name="Juli 2001").is_visible()
    assert page.get_by_role("heading", name="Zeitfenster der Gefährdung").is_visible()
    peak = page.locator(".tl-li", has=page.get_by_role("link", name="Code Red infects more than 359,000 hosts"))
    assert "19. Juli 2001" in peak.locator("time").inner_text()
    assert "Berichtet 22 Tage nach dem Höhepunkt" in peak.inner_text()
    assert page.locator("svg.tl-svg").first.locator("title").first.text_content() == "Zeitleiste zu Code Red"

    page.get_by_role("button", name="EN – English").click()
    page.wait_for_url("**/entities/code-red/timeline/")
    assert page.get_by_role("heading", level=1).inner_text() == "Timeline of Code Red"


@pytest.mark.parametrize("path", TIMELINE_PAGES.values(), ids=TIMELINE_PAGES.keys())
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_timeline_pages_have_no_serious_accessibility_violations(site, open_page, path, scheme):
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        page.emulate_media(color_scheme=scheme)
        page.goto(site + path)
        assert axe_violations(page) == [], f"{path} at {viewport['width']}px"


def test_timeline_pages_keep_wide_drawings_in_their_own_box_on_a_phone(site, open_page):
    page = open_page(PHONE)
    for path in TIMELINE_PAGES.values():
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    page.goto(site + "/entities/code-red/timeline/")
    box = page.locator(".tl-scroll").first
    assert box.evaluate("node => node.scrollWidth > node.clientWidth")  # the drawing scrolls, in its box
    assert page.locator(".tl-scroll-hint").first.is_visible()
    # A keyboard reaches the box to scroll it.
    assert box.get_attribute("tabindex") == "0"

    wide = open_page(DESKTOP)
    wide.goto(site + "/entities/code-red/timeline/")
    assert not wide.locator(".tl-scroll-hint").first.is_visible()


@pytest.mark.parametrize("name", ["timeline", "entity-timeline", "year"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_it_saves_screenshots_of_the_timeline_pages(site, open_page, name, width):
    page = open_page(PHONE if width == "phone" else DESKTOP)
    page.goto(site + TIMELINE_PAGES[name])
    path = screenshot(page, f"{name}-{width}")
    assert path.stat().st_size > 10_000
