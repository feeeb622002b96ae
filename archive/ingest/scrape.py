"""Raw page scrapes (.txt) -> article fields.

The shape, taken from the taz scrape the archive was founded on:

    Kicker: Title            (": Title" when the page has no kicker)
    Teaser line
    DATELINE AGENCIES ■ first paragraph ...
    further paragraphs, one per line
    page boilerplate (appeals, share buttons, link lists)

Boilerplate is cut first (archive.ingest.boilerplate), so a cookie banner
above the title does not become the title.
"""

import re

from archive.ingest import boilerplate

# "REDMOND/MÜNCHEN DPA/AP ■ Text" (taz) and "BERLIN (dpa) - Text" (agency style).
_UPPER_PLACE = r"[A-ZÄÖÜ][A-ZÄÖÜ.\-]+(?:[ /][A-ZÄÖÜ][A-ZÄÖÜ.\-]+)*"
_DATELINE_MARK = re.compile(rf"^(?P<head>{_UPPER_PLACE}(?: [\w/.\-]+)?) ?■ ?(?P<rest>.*)$", re.DOTALL)
_DATELINE_PAREN = re.compile(rf"^(?P<place>{_UPPER_PLACE}) \((?P<agency>[\w/. ]+)\) [-–—] (?P<rest>.*)$", re.DOTALL)
# Markdown would read these line starts as headings, quotes or lists; a scrape means them as text.
_BLOCK_START = re.compile(r"^(#|>|[-+*] )")
_NUMBERED = re.compile(r"^(\d+)([.)] )")


class ScrapeError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def _title_line(line):
    """'Kicker: Title' -> (kicker, title); ': Title' has an empty kicker."""
    if line.startswith(":"):
        return "", line[1:].strip()
    kicker, sep, title = line.partition(": ")
    if sep and kicker.strip() and title.strip() and len(kicker) <= 80:
        return kicker.strip(), title.strip()
    return "", line.strip()


def _dateline(paragraph):
    """Split a dateline off the first paragraph: (dateline, byline, rest)."""
    match = _DATELINE_MARK.match(paragraph)
    if match:
        head = match.group("head").split(" ")
        # The last word is the agency ("DPA/AP", "taz") unless the head is one place only.
        if len(head) > 1:
            return " ".join(head[:-1]), head[-1], match.group("rest").strip()
        return head[0], "", match.group("rest").strip()
    match = _DATELINE_PAREN.match(paragraph)
    if match:
        return match.group("place"), match.group("agency").strip(), match.group("rest").strip()
    return "", "", paragraph


def _escape_block(paragraph):
    if _BLOCK_START.match(paragraph):
        return "\\" + paragraph
    return _NUMBERED.sub(r"\1\\\2", paragraph, count=1)


def parse(text, *, source_slug=""):
    """Fields of one scraped article; raises ScrapeError naming what is missing."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    found = boilerplate.cut(lines, boilerplate.rules_for(source_slug))
    lines = found.kept
    if not lines:
        raise ScrapeError("title", "the file has no text (after cutting page boilerplate)")
    kicker, title = _title_line(lines[0])
    if not title:
        raise ScrapeError("title", "the first line holds no title")
    rest = lines[1:]
    teaser = ""
    # A second line that already opens with a dateline is the body, not a teaser.
    if len(rest) > 1 and not _dateline(rest[0])[0]:
        teaser, rest = rest[0], rest[1:]
    if not rest:
        raise ScrapeError("body", "there is no body after the title and teaser")
    dateline, byline, first = _dateline(rest[0])
    paragraphs = [p for p in [first, *rest[1:]] if p]
    return {
        "title": title,
        "kicker": kicker,
        "teaser": teaser,
        "dateline": dateline,
        "byline": byline,
        "body": "\n\n".join(_escape_block(p) for p in paragraphs) + "\n",
        "removed_boilerplate": found.removed,
    }
