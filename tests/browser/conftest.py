"""Real headless Chromium against Django's live server.

Each test gets the project's content/ loaded into a fresh database, a fresh browser
context at the width it asks for, and helpers to save a screenshot and run axe-core.
Add a flow by adding a module here that uses the `site` and `page` fixtures.
"""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps`")
    # Playwright's synchronous API keeps an event loop in this thread, which makes Django
    # refuse database calls here; fixtures make theirs between browser steps, never inside it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the project's content/ loaded."""
    call_command("load_content", verbosity=0)
    return live_server.url


@pytest.fixture
def open_page(browser):
    """open_page(width=DESKTOP, locale="en") gives a page in a fresh context."""
    contexts = []

    def open_(viewport=DESKTOP, locale="en-GB"):
        context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page; the violations of the given impacts, as (id, help, targets)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make browser-deps`")
    # Evaluated through the debugging protocol, not as a <script> tag, so the site's
    # Content Security Policy (no inline scripts) does not stop it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = json.loads(result)["violations"]
    return [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]])
        for v in violations if v["impact"] in impacts
    ]
