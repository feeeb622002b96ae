"""An article as a reference: APA, MLA, Chicago, BibTeX, RIS, CSL-JSON and meta tags.

Every formatter takes an article record (saved or not) and returns text; none needs a
request. The reference is to the original publication: its source, date and byline.
The archive's own page is given as `archive_url` and used when the original URL is
unknown. Dates keep their precision: a month-precise article is cited as
"August 2001", an undated one as "n.d.".

CSL-JSON (csl()) is the single source: APA, MLA and Chicago print what citeproc-js
prints for that item with the official CSL styles (apa, modern-language-association,
chicago-notes-bibliography-17th-edition) and the en-US locale, which
tests/test_citeproc_equality.py checks over every combination of author, date, address,
language and source. So a worked-out date is not bracketed here (CSL-JSON has no mark
for it); the reason goes into the CSL-JSON and RIS notes and the page.
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass

from django.utils.safestring import mark_safe

from archive import dates

MONTHS = dates.MONTH_NAMES["en"]
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class Author:
    """A person (family and given names) or an agency or desk (literal)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def is_person(self):
        return not self.literal

    def inverted(self):
        """Family name first: "Müller, Hans"; agencies as they are: "DPA"."""
        return f"{self.family}, {self.given}" if self.is_person and self.given else self.family or self.literal

    def natural(self):
        return f"{self.given} {self.family}".strip() if self.is_person else self.literal

    def initials(self):
        """APA's "Müller, H."."""
        if not self.is_person or not self.given:
            return self.inverted()
        letters = " ".join(f"{part[0]}." for part in self.given.split())
        return f"{self.family}, {letters}"


def authors(byline):
    """A byline as authors: "DPA/AP" is two agencies, "Hans Müller" one person.

    A part written in capitals or as one word is an agency or desk (DPA, AP, Reuters,
    taz); anything else is a person whose last word is the family name.
    """
    found = []
    for part in re.split(r"\s*(?:/|,|;|\band\b|\bund\b|&)\s*", byline or ""):
        part = part.strip(" .")
        if not part:
            continue
        words = part.split()
        if len(words) == 1 or part.isupper():
            found.append(Author(literal=part))
        else:
            found.append(Author(family=words[-1], given=" ".join(words[:-1])))
    return found


def _source_name(article):
    source = getattr(article, "source", None)
    return source.name if source else ""


def _link(article, archive_url):
    return article.url or archive_url or ""


def _date_parts(article):
    """[year], [year, month] or [year, month, day], to the article's precision; [] when undated."""
    if article.date is None:
        return []
    parts = [article.date.year, article.date.month, article.date.day]
    return parts[: {dates.YEAR: 1, dates.MONTH: 2}.get(article.date_precision, 3)]


def _join_names(names, two, many):
    """"A", "A and B", "A, B, and C" (joiners given by the style)."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}{two}{names[1]}"
    return ", ".join(names[:-1]) + many + names[-1]


def _sentence(text):
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


# CSL 1.0.2's title-case rule: these stay lower case unless first or after a colon.
STOP_WORDS = frozenset(
    "a an and as at but by down for from in into nor of on onto or over so the till to up via with yet".split()
)


def _english(article):
    # A CSL processor applies English casing rules to items in English or of no stated language.
    return not article.language or article.language.startswith("en")


def title_case(text):
    """CSL's title case: lower-case words capitalised, stop words kept low except first or after a colon."""
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        starts = index == 0 or out[-1].endswith(":")
        if word.islower() and (starts or word not in STOP_WORDS):
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)


def _cased(text, article):
    return title_case(text) if _english(article) else text


def _source(article):
    return _cased(_source_name(article), article)


def _e(text):
    """Text for HTML; quotes stay as they are, like citeproc-js's HTML output."""
    return html.escape(text, quote=False)


def _italic(text):
    return f"<i>{_e(text)}</i>" if text else ""


def _italic_sentence(text):
    """An italic title closed by a period outside the italics, unless it ends in its own mark."""
    text = text.strip()
    return f"<i>{_e(text)}</i>" if text.endswith((".", "?", "!")) else f"<i>{_e(text)}</i>."


def plain(markup):
    """Our citation HTML as text: the tags we write dropped, entities read back."""
    return html.unescape(re.sub(r"</?i>", "", markup))


def apa_html(article, archive_url=""):
    """APA 7: Author, A. (2001, August 10). Title. <i>Source</i>. URL"""
    parts = _date_parts(article)
    if not parts:
        when = "n.d."
    else:
        when = ", ".join([str(parts[0]), *([f"{MONTHS[parts[1] - 1]}{f' {parts[2]}' if len(parts) > 2 else ''}"]
                                            if len(parts) > 1 else [])])
    when = f"({when})."
    found = authors(article.byline)
    names = [author.initials() for author in found]
    # APA puts a comma before "&" after initials ("Smith, J., & Jones, K."), not after a group name.
    two = ", & " if found and found[0].is_person else " & "
    source = _source(article)
    # A work of its own (no publication known) has its title in italics.
    title = _e(_sentence(article.title)) if source else _italic_sentence(article.title)
    pieces = []
    if names:
        pieces += [_e(_sentence(_join_names(names, two, ", & "))), when, title]
    else:
        pieces += [title, when]
    if source:
        pieces.append(f"{_italic(source)}.")
    link = _link(article, archive_url)
    if link:
        # The APA style names the address of an undated web item with "Retrieved".
        pieces.append(_e(link if parts else f"Retrieved {link}"))
    return " ".join(pieces)


def _standalone_or_quoted(article):
    """A title in quotes when it is part of a publication; a work of its own (no source known) in italics."""
    title = _cased(article.title, article)
    return f"“{_e(_sentence(title))}”" if _source_name(article) else _italic_sentence(title)


def mla_html(article, archive_url=""):
    """MLA 9: Author. "Title." <i>Source</i>, 10 Aug. 2001, URL."""
    found = authors(article.byline)
    pieces = []
    if found:
        first = found[0].inverted()
        if len(found) == 2:
            joiner = ", and " if found[0].is_person else " and "
            pieces.append(_e(_sentence(f"{first}{joiner}{found[1].natural()}")))
        elif len(found) > 2:
            pieces.append(_e(f"{first}, et al."))
        else:
            pieces.append(_e(_sentence(first)))
    pieces.append(_standalone_or_quoted(article))
    tail = []
    if _source_name(article):
        tail.append(_italic(_source(article)))
    parts = _date_parts(article)
    if parts:
        words = [str(parts[0])]
        if len(parts) > 1:
            words.insert(0, MLA_MONTHS[parts[1] - 1])
        if len(parts) > 2:
            words.insert(0, str(parts[2]))
        tail.append(" ".join(words))
    link = _link(article, archive_url)
    if link:
        tail.append(_e(link))
    if tail:
        pieces.append(", ".join(tail) + ".")
    return " ".join(pieces)


def chicago_html(article, archive_url=""):
    """Chicago 17, bibliography: Author. "Title." <i>Source</i>, August 10, 2001. URL."""
    found = authors(article.byline)
    source = _source(article)
    pieces = []
    if found:
        names = [found[0].inverted(), *(author.natural() for author in found[1:])]
        two = ", and " if found[0].is_person and found[0].given else " and "
        pieces.append(_e(_sentence(_join_names(names, two, ", and "))))
    elif source:
        # Without an author the publication takes the author's place, and is not named again.
        pieces.append(_italic_sentence(source))
    pieces.append(_standalone_or_quoted(article))
    parts = _date_parts(article)
    if not parts:
        when = "n.d."
    elif len(parts) == 1:
        when = str(parts[0])
    elif len(parts) == 2:
        when = f"{MONTHS[parts[1] - 1]} {parts[0]}"
    else:
        when = f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    pieces.append(f"{_italic(source)}, {_sentence(when)}" if source and found else _sentence(when))
    link = _link(article, archive_url)
    if link:
        pieces.append(f"{_e(link)}.")
    return " ".join(pieces)


def apa(article, archive_url=""):
    return plain(apa_html(article, archive_url))


def mla(article, archive_url=""):
    return plain(mla_html(article, archive_url))


def chicago(article, archive_url=""):
    return plain(chicago_html(article, archive_url))


def _bibtex_escape(text):
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def bibtex_key(article):
    first = authors(article.byline)
    name = (first[0].family or first[0].literal) if first else (_source_name(article) or "anon")
    year = str(article.date.year) if article.date else "nd"
    word = re.sub(r"\W", "", (article.title.split() or ["untitled"])[0])
    ascii_text = unicodedata.normalize("NFKD", f"{name}{year}{word}").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", ascii_text).lower() or "article"


def bibtex(article, archive_url=""):
    found = authors(article.byline)
    # Braces keep an agency's name whole, so BibTeX does not read "DPA" as a first name.
    names = " and ".join(
        f"{{{_bibtex_escape(a.literal)}}}" if not a.is_person else _bibtex_escape(a.inverted()) for a in found
    )
    parts = _date_parts(article)
    fields = [("title", f"{{{_bibtex_escape(article.title)}}}")]
    if names:
        fields.append(("author", names))
    if _source_name(article):
        fields.append(("journal", _bibtex_escape(_source_name(article))))
    if parts:
        fields.append(("year", str(parts[0])))
    if len(parts) > 1:
        fields.append(("month", BIBTEX_MONTHS[parts[1] - 1]))
    if len(parts) > 2:
        fields.append(("day", str(parts[2])))
    if article.date:
        fields.append(("date", dates.iso(article.date, article.date_precision)))
    if article.language:
        fields.append(("language", article.language))
    link = _link(article, archive_url)
    if link:
        fields.append(("url", link))
    if article.date_inferred and article.date:
        fields.append(("note", "Date inferred"))
    body = ",\n".join(f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields)
    return f"@article{{{bibtex_key(article)},\n{body}\n}}\n"


def _slashed(parts):
    return "/".join(f"{part:02d}" if index else str(part) for index, part in enumerate(parts))


def ris(article, archive_url=""):
    """RIS for reference managers (Zotero, EndNote, Citavi): one NEWS record."""
    lines = [("TY", "NEWS"), ("TI", article.title)]
    for author in authors(article.byline):
        # An agency goes in as its name alone: a trailing comma would become part of it.
        lines.append(("AU", author.inverted() if author.is_person else author.literal))
    if _source_name(article):
        lines.append(("T2", _source_name(article)))
    parts = _date_parts(article)
    if parts:
        lines.append(("PY", str(parts[0])))
        # RIS dates are YYYY/MM/DD with empty parts kept: "2001/08/" for August 2001.
        lines.append(("DA", _slashed(parts) + ("/" if len(parts) < 3 else "")))
    if article.dateline:
        lines.append(("CY", article.dateline))
    if article.language:
        lines.append(("LA", article.language))
    link = _link(article, archive_url)
    if link:
        lines.append(("UR", link))
    if article.teaser:
        lines.append(("AB", " ".join(article.teaser.split())))
    if article.date_inferred and article.date:
        lines.append(("N1", "Date inferred: " + " ".join((article.date_reason or "").split())))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\r\n" for tag, value in lines)


def csl(article, archive_url=""):
    """One CSL-JSON item, the format citeproc processors and Zotero read."""
    item = {"id": article.slug or bibtex_key(article), "type": "article-newspaper", "title": article.title}
    found = authors(article.byline)
    if found:
        item["author"] = [
            {"family": a.family, "given": a.given} if a.is_person else {"literal": a.literal} for a in found
        ]
    if _source_name(article):
        item["container-title"] = _source_name(article)
    parts = _date_parts(article)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if article.language:
        item["language"] = article.language
    if article.dateline:
        item["event-place"] = article.dateline
    link = _link(article, archive_url)
    if link:
        item["URL"] = link
    if article.teaser:
        item["abstract"] = " ".join(article.teaser.split())
    if article.date_inferred and article.date:
        item["note"] = "Date inferred: " + " ".join((article.date_reason or "").split())
    return item


def csl_json(article, archive_url=""):
    return json.dumps([csl(article, archive_url)], ensure_ascii=False, indent=2)


def highwire_tags(article, archive_url=""):
    """(name, content) pairs for Highwire Press <meta name="citation_..."> tags."""
    tags = [("citation_title", article.title)]
    tags += [("citation_author", a.inverted()) for a in authors(article.byline)]
    parts = _date_parts(article)
    if parts:
        tags.append(("citation_publication_date", _slashed(parts)))
    if _source_name(article):
        # Zotero's Embedded Metadata translator makes any page with citation_journal_title a
        # journal article. A dc:type naming a Zotero item type outranks that guess (RDF.js,
        # detectType: t.dc comes before exports.defaultUnknownType), and PRISM's publicationName
        # is where its RDF import reads the publication's title first.
        tags.append(("prism.publicationName", _source_name(article)))
        tags.append(("citation_publisher", _source_name(article)))
    tags.append(("DC.type", "newspaperArticle"))
    if article.language:
        tags.append(("citation_language", article.language))
    if archive_url:
        tags.append(("citation_public_url", archive_url))
    if article.url:
        tags.append(("citation_fulltext_html_url", article.url))
    return tags


def news_article(article, archive_url=""):
    """schema.org NewsArticle as a dict, for JSON-LD."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.language,
    }
    if article.date:
        data["datePublished"] = dates.iso(article.date, article.date_precision)
    found = authors(article.byline)
    if found:
        data["author"] = [
            {"@type": "Person", "name": a.natural()} if a.is_person else {"@type": "Organization", "name": a.literal}
            for a in found
        ]
    if _source_name(article):
        data["publisher"] = {"@type": "Organization", "name": _source_name(article)}
    if article.teaser:
        data["description"] = " ".join(article.teaser.split())
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if article.url:
        data["isBasedOn"] = article.url
    if archive_url:
        data["url"] = archive_url
        data["mainEntityOfPage"] = archive_url
    return data


def styles(article, archive_url=""):
    """The styles the page shows, in its order: (key, label, entry); APA, MLA and Chicago as safe HTML."""
    return [
        ("apa", "APA", mark_safe(apa_html(article, archive_url))),
        ("mla", "MLA", mark_safe(mla_html(article, archive_url))),
        ("chicago", "Chicago", mark_safe(chicago_html(article, archive_url))),
        ("bibtex", "BibTeX", bibtex(article, archive_url)),
    ]
