"""Markdown to safe HTML: render with Python-Markdown, then sanitise with nh3.

Every piece of text that reaches a page as HTML passes through here; the
allowed tags, attributes and URL schemes are listed once, below. Plain text
(titles, kickers, teasers, names) is never turned into HTML at all: templates
escape it. URLs that templates put into href attributes go through safe_url.
"""

import html
import re
from urllib.parse import urlsplit

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "blockquote", "q", "cite",
    "ul", "ol", "li", "code", "pre", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr", "del", "ins",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Links from records to the outside world (article originals, claims, references).
LINK_SCHEMES = {"http", "https"}
LINK_REL = "nofollow noopener"

# Browsers drop tabs and newlines anywhere in a URL and control characters and
# spaces at its ends, so "java\tscript:" is javascript:; judge the URL as they do.
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _browser_view(url):
    return _URL_NOISE.sub("", url).strip(_URL_EDGES)


def _href_filter(tag, attribute, value):
    """Keep a link only if it is relative or its scheme is allowed.

    nh3 already refuses other schemes; this also refuses values such as
    "java  script:..." that no parser reads as a scheme but that contain a colon
    before any slash, so nothing scheme-like of unknown meaning reaches a page.
    """
    if attribute != "href":
        return value
    seen = _browser_view(value)
    match = _SCHEME.match(seen)
    if match:
        return value if match.group(1).lower() in URL_SCHEMES else None
    head = re.split(r"[/?#]", seen, maxsplit=1)[0]
    return None if ":" in head else value


def sanitize(html_text):
    """Untrusted HTML reduced to the allow-list above."""
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_href_filter,
        strip_comments=True,
    )


def render_markdown(text):
    """Markdown from an untrusted author, as HTML safe to show."""
    text = text or ""
    try:
        rendered = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    except RecursionError:
        # Pathologically nested Markdown (thousands of list levels) exhausts the
        # parser; show the text as text rather than failing the page or the save.
        rendered = "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n") if part.strip())
    return sanitize(rendered)


def safe_url(url):
    """The URL if it is an absolute http(s) link with a host, else ""."""
    if not isinstance(url, str):
        return ""
    seen = _browser_view(url)
    if seen != url.strip() or any(ord(c) < 0x20 or c in ' "<>`' for c in seen):
        return ""
    try:
        parts = urlsplit(seen)
    except ValueError:
        return ""
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return ""
    return seen
