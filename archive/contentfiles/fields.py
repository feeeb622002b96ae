"""The fields of one content file: each read and checked against the door rules (archive.rules),
every problem collected rather than stopping at the first, so one run lists all that needs fixing."""

import datetime as dt
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from archive import dates, rules

SOURCE_KEYS = {"name", "language", "country", "url", "description"}
ENTITY_KEYS = {"name", "kind", "aliases", "description", "wikidata", "external_ids"}
ARTICLE_KEYS = {
    "slug", "title", "kicker", "teaser", "source", "date", "date_precision", "date_inferred",
    "date_reason", "byline", "dateline", "language", "language_detected", "url", "entities", "origin",
    "imported_at", "removed_boilerplate", "notes", "abstract",
}
EVENT_KEYS = {
    "title", "date", "date_precision", "date_inferred", "date_reason", "kind", "incident",
    "entities", "references", "description", "articles", "claims",
}
CLAIM_KEYS = {"text", "source", "url"}
NOTE_KEYS = {"date", "text", "event", "url", "author"}
# A date written as this is known to be unknown (an event must say so rather than omit it).
UNKNOWN_DATE = "unknown"
# The largest value a PositiveIntegerField holds on every database.
MAX_COUNT = 2**31 - 1


@dataclass
class Problem:
    path: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self):
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

class FieldReader:
    """Validates one file's mapping, collecting problems instead of stopping at the first."""

    not_after = None  # the last day of a range date, once partial_date has read one

    def __init__(self, path, data, problems, allowed):
        self.path, self.data, self.problems = path, data, problems
        for key in sorted(set(data) - allowed):
            self.problem(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def problem(self, name, message):
        self.problems.append(Problem(self.path, name, message))

    def text(self, name, *, required=False, default=""):
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "is missing or empty")
            return default
        if not rules.is_text(value):
            self.problem(name, f"must be text, not {type(value).__name__} (quote it)")
            return default
        return value.strip()

    def language(self, name, *, required=True):
        value = self.text(name, required=required)
        if value and rules.language_problem(value):
            self.problem(name, rules.language_problem(value))
        return value

    def choice(self, name, choices, *, required=True, default=""):
        value = self.text(name, required=required, default=default)
        if value and value not in choices:
            self.problem(name, f"{value!r} is not one of {', '.join(sorted(choices))}")
        return value

    def url(self, name):
        value = self.text(name)
        if value and rules.url_problem(value):
            self.problem(name, rules.url_problem(value))
        return value

    def slug_list(self, name):
        value = self.data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, "must be a list of slugs")
            return []
        return value

    def boolean(self, name):
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.problem(name, "must be true or false")
            return False
        return value

    def partial_date(self, *, required):
        raw = self.data.get("date")
        precision = self.data.get("date_precision")
        self.not_after = None
        if isinstance(raw, str) and "/" in raw:
            return self._range(raw)
        if raw is None or raw == "" or raw == UNKNOWN_DATE:
            if required and raw != UNKNOWN_DATE:
                self.problem("date", f"is missing (write {UNKNOWN_DATE!r} if it is not known)")
            if precision is not None and precision not in dates.PRECISIONS:
                self.problem("date_precision", f"{precision!r} is not one of day, month, year")
                precision = None
            return None, precision or dates.DAY
        try:
            parsed = dates.PartialDate.parse(raw, precision)
        except dates.PartialDateError as exc:
            self.problem("date", str(exc))
            return None, dates.DAY
        return parsed.date, parsed.precision

    def _range(self, raw):
        """ "2004-12-20/2004-12-31" or "2004-12-20/.." (open-ended), as export_archive writes a range."""
        first, _, last = raw.partition("/")
        try:
            start = dates.PartialDate.parse(first.strip(), dates.DAY).date
            self.not_after = None if last.strip() == ".." else dates.PartialDate.parse(last.strip(), dates.DAY).date
        except dates.PartialDateError as exc:
            self.problem("date", str(exc))
            return None, dates.DAY
        if self.not_after is not None and self.not_after < start:
            self.problem("date", f"{raw!r} ends before it begins")
        return start, dates.RANGE

    def timestamp(self, name):
        raw = self.data.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = parse_datetime(str(raw).strip())
        except ValueError:
            value = None
        if value is None:
            self.problem(name, f"{raw!r} is not a date and time such as 2001-08-10T12:00:00+00:00")
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    def links(self, name, *, key, methods, field_name, default, check, wanted):
        """Links to other records: a slug each, or {key: slug, method, field_name} where not the default.

        A plain slug means the first of methods and the default value of field_name
        (a manual tag counted once; a manual, confirmed coverage link). Returns
        [(slug, method, value)]; check(value) says whether a value is allowed,
        wanted says so in words.
        """
        raw = self.data.get(name) or []
        if not isinstance(raw, list):
            self.problem(name, "must be a list")
            return []
        keys = {key, "method", field_name}
        result, seen = [], set()
        for number, item in enumerate(raw, start=1):
            if isinstance(item, str) and item:
                link = (item, methods[0], default)
            elif isinstance(item, dict) and isinstance(item.get(key), str) and item[key] and set(item) <= keys:
                method = item.get("method", methods[0])
                value = item.get(field_name, default)
                if method not in methods:
                    self.problem(name, f"item {number}: method {method!r} is not one of {', '.join(methods)}")
                    continue
                if not check(value):
                    self.problem(name, f"item {number}: {field_name} must be {wanted}")
                    continue
                link = (item[key], method, value)
            else:
                self.problem(name, f"item {number}: {item!r} is neither a slug nor {{{', '.join(sorted(keys))}}}")
                continue
            if link[0] in seen:
                self.problem(name, f"{link[0]!r} is listed twice")
                continue
            seen.add(link[0])
            result.append(link)
        return result

def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_COUNT


def aliases(r, languages):
    raw = r.data.get("aliases") or []
    if not isinstance(raw, list):
        r.problem("aliases", "must be a list")
        return []
    result = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            result.append((item.strip(), ""))
        elif isinstance(item, dict) and set(item) <= {"name", "language"} and item.get("name"):
            language = str(item.get("language") or "")
            if language and language not in languages:
                r.problem("aliases", f"alias {item['name']!r}: unknown language {language!r}")
            result.append((str(item["name"]).strip(), language))
        else:
            r.problem("aliases", f"{item!r} is neither a name nor {{name, language}}")
    result = sorted(set(result))
    names = [name for name, _ in result]
    for name in sorted({name for name in names if names.count(name) > 1}):
        # One entity holds a name once; its language cannot be two things.
        r.problem("aliases", f"alias {name!r} is listed with different languages")
    return result


def claims(r):
    raw = r.data.get("claims") or []
    if not isinstance(raw, list):
        r.problem("claims", "must be a list")
        return []
    claims = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not item.get("text") or not item.get("source"):
            r.problem("claims", f"claim {number} needs text and source")
            continue
        unknown = set(item) - CLAIM_KEYS
        if unknown:
            r.problem("claims", f"claim {number}: unknown keys {', '.join(sorted(unknown))}")
        url = str(item.get("url") or "").strip()
        if url and rules.url_problem(url):
            r.problem("claims", f"claim {number}: {rules.url_problem(url)}")
        claims.append((str(item["text"]), str(item["source"]), url))
    return claims


def notes(r):
    """Hindsight notes: [(date, text, event slug, url, author)], in the file's order."""
    raw = r.data.get("notes") or []
    if not isinstance(raw, list):
        r.problem("notes", "must be a list")
        return []
    notes = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not item.get("text") or not item.get("date"):
            r.problem("notes", f"note {number} needs date and text")
            continue
        unknown = set(item) - NOTE_KEYS
        if unknown:
            r.problem("notes", f"note {number}: unknown keys {', '.join(sorted(unknown))}")
        try:
            day = dates.PartialDate.parse(item["date"], dates.DAY).date
        except dates.PartialDateError as exc:
            r.problem("notes", f"note {number}: {exc}")
            continue
        url = str(item.get("url") or "").strip()
        if url and rules.url_problem(url):
            r.problem("notes", f"note {number}: {rules.url_problem(url)}")
        author = str(item.get("author") or "").strip()
        if len(author) > 200 or len(url) > 1000:
            r.problem("notes", f"note {number}: author or url is longer than the database holds")
        text = str(item["text"])
        problem = rules.texts_problem([text, author, url])
        if problem:
            r.problem("notes", f"note {number}: {problem}")
        notes.append((day, text, str(item.get("event") or ""), url, author))
    return notes
