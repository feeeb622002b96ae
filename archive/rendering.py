"""Markdown to safe HTML: render with Python-Markdown, then sanitise with nh3.

Every piece of text that reaches a page as HTML passes through here; the
allowed tags, attributes and URL schemes are listed once, below.
"""

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


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


def render_markdown(text):
    """Markdown from an untrusted author, as HTML safe to show."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html)
