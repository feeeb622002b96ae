"""content/ -> records: the archive's own files, validated whole, then written in one transaction.

Layout of a content folder (each record one file, named by its slug):
    sources/<slug>.yaml     entities/<slug>.yaml     events/<slug>.yaml
    articles/<slug>.md      (YAML front matter, Markdown body)
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from archive import dates
from archive.ingest import rules
from archive.ingest.frontmatter import FrontMatterError, load_yaml, split
from archive.models import Article, Claim, Coverage, Entity, EntityAlias, Event, HindsightNote, Mention, Source

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


@dataclass
class Problem:
    path: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self):
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class ContentSet:
    sources: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    articles: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def line(self):
        text = f"created: {self.created}  updated: {self.updated}  unchanged: {self.unchanged}"
        return text + (f"  deleted: {self.deleted}" if self.deleted else "")


class _Reader:
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
        if not isinstance(value, (str, int, float)):
            self.problem(name, "must be text")
            return default
        return str(value).strip()

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


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_COUNT


def _files(folder, kind, suffix):
    directory = folder / kind
    return sorted(directory.glob(f"*{suffix}")) if directory.is_dir() else []


def _relative(path, folder):
    try:
        return str(path.relative_to(folder.parent))
    except ValueError:
        return str(path)


def _read_text(path, shown, problems, folder):
    try:
        text = rules.read_limited(path, folder=folder).decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except rules.FileRefused as exc:
        problems.append(Problem(shown, None, str(exc)))
    else:
        # Line ends as a text-mode read gives them: the files may come from Windows.
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


def _read_mapping(path, shown, problems, folder):
    text = _read_text(path, shown, problems, folder)
    if text is None:
        return None
    try:
        data = load_yaml(text)
    except FrontMatterError as exc:
        problems.append(Problem(shown, None, str(exc), exc.line))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, None, "must be a YAML mapping of fields"))
        return None
    return data


def read_folder(folder):
    """Read and validate a whole content folder; nothing is written."""
    folder = Path(folder)
    content = ContentSet()
    problems = content.problems
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, "is not a folder"))
        return content
    if not any((folder / kind).is_dir() for kind in MODELS):
        # Loading, and above all pruning, a folder that is not one would be a mistake, not "nothing changed".
        problems.append(Problem(str(folder), None, "is not a content folder: it has none of the folders "
                                                   f"{', '.join(f'{kind}/' for kind in MODELS)}"))
        return content
    languages = set(settings.ARCHIVE_LANGUAGES)

    for path in _files(folder, "sources", ".yaml"):
        shown = _relative(path, folder)
        data = _read_mapping(path, shown, problems, folder)
        if data is None:
            continue
        r = _Reader(shown, data, problems, SOURCE_KEYS)
        content.sources[path.stem] = {
            "_path": shown,
            "name": r.text("name", required=True),
            "language": r.choice("language", languages, required=False),
            "country": r.text("country"),
            "url": r.url("url"),
            "description": r.text("description"),
        }

    for path in _files(folder, "entities", ".yaml"):
        shown = _relative(path, folder)
        data = _read_mapping(path, shown, problems, folder)
        if data is None:
            continue
        r = _Reader(shown, data, problems, ENTITY_KEYS)
        aliases = _aliases(r, languages)
        external = data.get("external_ids") or {}
        if not isinstance(external, dict):
            r.problem("external_ids", "must be a mapping such as {cve: CVE-2001-0500}")
            external = {}
        content.entities[path.stem] = {
            "name": r.text("name", required=True),
            "kind": r.choice("kind", set(Entity.Kind.values)),
            "description": r.text("description"),
            "wikidata": r.text("wikidata"),
            "external_ids": {str(k): str(v) for k, v in external.items()},
            "_aliases": aliases,
            "_path": shown,
        }

    for path in _files(folder, "articles", ".md"):
        shown = _relative(path, folder)
        text = _read_text(path, shown, problems, folder)
        if text is None:
            continue
        try:
            data, body = split(text)
        except FrontMatterError as exc:
            problems.append(Problem(shown, None, str(exc), exc.line))
            continue
        r = _Reader(shown, data, problems, ARTICLE_KEYS)
        slug = r.text("slug") or path.stem
        if slug != slugify(slug):
            r.problem("slug", f"{slug!r} is not a slug (lowercase letters, digits, hyphens)")
        if slug in content.articles:
            r.problem("slug", f"{slug!r} is also used by {content.articles[slug]['_path']}")
            continue
        date, precision = r.partial_date(required=False)
        abstract = r.text("abstract")
        if not body.strip() and not abstract:
            problems.append(Problem(shown, "body", "is empty (an article known by reference has an abstract instead)"))
        if body.strip() and abstract:
            r.problem("abstract", "is only for an article known by reference, which has no body")
        boilerplate = data.get("removed_boilerplate") or []
        if not isinstance(boilerplate, list):
            r.problem("removed_boilerplate", "must be a list of texts")
            boilerplate = []
        content.articles[slug] = {
            "title": r.text("title", required=True),
            "kicker": r.text("kicker"),
            "teaser": r.text("teaser"),
            "body": body,
            "abstract": abstract,
            "_source": r.text("source"),
            "date": date,
            "date_precision": precision,
            "date_not_after": r.not_after,
            "date_inferred": r.boolean("date_inferred"),
            "date_reason": r.text("date_reason"),
            "byline": r.text("byline"),
            "dateline": r.text("dateline"),
            "language": r.choice("language", languages),
            "language_detected": r.boolean("language_detected"),
            "url": r.url("url"),
            # Written empty on purpose, the origin stays empty; left out, it is this file.
            "origin": r.text("origin") if "origin" in data else shown,
            "imported_at": r.timestamp("imported_at"),
            "removed_boilerplate": [str(b) for b in boilerplate],
            "_notes": _notes(r) if "notes" in data else None,
            "_mentions": r.links(
                "entities", key="entity", methods=list(Mention.Method.values), field_name="count", default=1,
                check=_is_count, wanted=f"a whole number from 1 to {MAX_COUNT}",
            ),
            "_path": shown,
        }

    for path in _files(folder, "events", ".yaml"):
        shown = _relative(path, folder)
        data = _read_mapping(path, shown, problems, folder)
        if data is None:
            continue
        r = _Reader(shown, data, problems, EVENT_KEYS)
        date, precision = r.partial_date(required=True)
        references = data.get("references") or []
        if not isinstance(references, list):
            r.problem("references", "must be a list")
            references = []
        content.events[path.stem] = {
            "title": r.text("title", required=True),
            "kind": r.choice("kind", set(Event.Kind.values)),
            "description": r.text("description"),
            "date": date,
            "date_precision": precision,
            "date_not_after": r.not_after,
            "date_inferred": r.boolean("date_inferred"),
            "date_reason": r.text("date_reason"),
            "references": [str(ref) for ref in references],
            "_incident": r.text("incident"),
            "_entities": r.slug_list("entities"),
            "_coverage": r.links(
                "articles", key="article", methods=list(Coverage.Method.values), field_name="confirmed",
                default=True, check=lambda value: isinstance(value, bool), wanted="true or false",
            ),
            "_claims": _claims(r),
            "_path": shown,
        }

    _check_fields(content)
    _check_links(content, folder)
    return content


# The largest value a PositiveIntegerField holds on every database.
MAX_COUNT = 2**31 - 1
MODELS = {"sources": Source, "entities": Entity, "articles": Article, "events": Event}


def _check_fields(content):
    """What the database would refuse or the rules forbid: over-long text, control characters, bad slugs.

    SQLite stores such values anyway, PostgreSQL refuses them mid-transaction;
    both are reported here, before anything is written.
    """
    for kind, model in MODELS.items():
        slug_length = model._meta.get_field("slug").max_length
        for slug, record in getattr(content, kind).items():
            path = record["_path"]
            if slug != slugify(slug) and kind != "articles":  # articles report their slug when read
                content.problems.append(Problem(path, None, f"the file name {slug!r} is not a slug "
                                                            "(lowercase letters, digits, hyphens)"))
            if len(slug) > slug_length:
                content.problems.append(Problem(path, None, f"the slug is longer than {slug_length} characters"))
            for name, value in record.items():
                if name.startswith("_") or value is None:
                    continue
                limit = getattr(model._meta.get_field(name), "max_length", None)
                if isinstance(value, str) and limit and len(value) > limit:
                    content.problems.append(Problem(path, name, f"is longer than {limit} characters"))
                problem = rules.texts_problem(value)
                if problem:
                    content.problems.append(Problem(path, name, problem))
            related = [
                ("aliases", [(name, 200) for name, _ in record.get("_aliases", [])]),
                ("claims", [pair for text, source, url in record.get("_claims", [])
                            for pair in ((text, 500), (source, 300), (url, 1000))]),
            ]
            for name, texts in related:
                if any(len(text) > limit for text, limit in texts):
                    content.problems.append(Problem(path, name, "has a text longer than the database holds"))
                problem = rules.texts_problem([text for text, _ in texts])
                if problem:
                    content.problems.append(Problem(path, name, problem))


def _aliases(r, languages):
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


def _claims(r):
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


def _notes(r):
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


def _check_links(content, folder):
    """Every slug a record names must exist in the folder or already in the database."""
    known_entities = set(content.entities) | set(Entity.objects.values_list("slug", flat=True))
    known_sources = set(content.sources) | set(Source.objects.values_list("slug", flat=True))
    known_articles = set(content.articles) | set(Article.objects.values_list("slug", flat=True))
    problems = content.problems
    for record in content.articles.values():
        if record["_source"] and record["_source"] not in known_sources:
            problems.append(Problem(record["_path"], "source", f"unknown source {record['_source']!r}"))
        for slug, _, _ in record["_mentions"]:
            if slug not in known_entities:
                problems.append(Problem(record["_path"], "entities", f"unknown entity {slug!r}"))
    known_events = set(content.events) | set(Event.objects.values_list("slug", flat=True))
    for record in content.articles.values():
        for note in record["_notes"] or []:
            if note[2] and note[2] not in known_events:
                problems.append(Problem(record["_path"], "notes", f"unknown event {note[2]!r}"))
    for record in content.events.values():
        if record["_incident"] and record["_incident"] not in known_entities:
            problems.append(Problem(record["_path"], "incident", f"unknown entity {record['_incident']!r}"))
        for slug in record["_entities"]:
            if slug not in known_entities:
                problems.append(Problem(record["_path"], "entities", f"unknown entity {slug!r}"))
        for slug, _, _ in record["_coverage"]:
            if slug not in known_articles:
                problems.append(Problem(record["_path"], "articles", f"unknown article {slug!r}"))


def _public(record):
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _upsert(model, slug, values, counts):
    """Create or update one record by slug; returns (object, changed)."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model.objects.create(slug=slug, **values)
        counts.created += 1
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def _tally(counts, created_before, changed, related_changed):
    if counts.created > created_before:
        return
    if changed or related_changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


@transaction.atomic
def apply(content, *, prune=False):
    """Write a validated content set; returns Counts. Call only when content.problems is empty."""
    counts = Counts()
    sources = {}
    for slug, record in content.sources.items():
        before = counts.created
        sources[slug], changed = _upsert(Source, slug, _public(record), counts)
        _tally(counts, before, changed, False)

    entities = {}
    for slug, record in content.entities.items():
        before = counts.created
        entity, changed = _upsert(Entity, slug, _public(record), counts)
        entities[slug] = entity
        wanted = set(record["_aliases"])
        have = set(entity.aliases.values_list("name", "language"))
        if wanted != have:
            entity.aliases.all().delete()
            EntityAlias.objects.bulk_create(EntityAlias(entity=entity, name=n, language=lang) for n, lang in wanted)
        _tally(counts, before, changed, wanted != have)

    def entity(slug):
        if slug not in entities:
            entities[slug] = Entity.objects.get(slug=slug)
        return entities[slug]

    pending_articles = []
    for slug, record in content.articles.items():
        before = counts.created
        values = _public(record)
        source_slug = record["_source"]
        values["source"] = (sources.get(source_slug) or Source.objects.get(slug=source_slug)) if source_slug else None
        article, changed = _upsert(Article, slug, values, counts)
        mentions = [(entity(slug), method, count) for slug, method, count in record["_mentions"]]
        changed = _set_mentions(article, mentions) or changed
        # Notes may point to events, so they are set (and the article tallied) once events exist.
        pending_articles.append((article, record, counts.created > before, changed))

    for slug, record in content.events.items():
        before = counts.created
        values = _public(record)
        values["incident"] = entity(record["_incident"]) if record["_incident"] else None
        event, changed = _upsert(Event, slug, values, counts)
        related = _set_event_links(event, record, entity)
        _tally(counts, before, changed, related)

    for article, record, created, changed in pending_articles:
        if record["_notes"] is not None:
            changed = _set_notes(article, record["_notes"]) or changed
        if not created:
            _tally(counts, counts.created, changed, False)

    if prune:
        for model, kept in (
            (Event, content.events), (Article, content.articles), (Entity, content.entities), (Source, content.sources)
        ):
            stale = model.objects.exclude(slug__in=list(kept))
            if model is Source:
                stale = stale.filter(articles__isnull=True)
            counts.deleted += stale.count()
            for obj in stale:
                obj.delete()
    return counts


def _set_notes(article, wanted):
    """A file that lists notes says what they all are; without the key, notes stay as they are."""
    have = [(n.date, n.text, n.event.slug if n.event else "", n.url, n.author)
            for n in article.hindsight_notes.select_related("event").order_by("date", "id")]
    if have == sorted(wanted, key=lambda note: note[0]):
        return False
    article.hindsight_notes.all().delete()
    for day, text, event_slug, url, author in wanted:
        event = Event.objects.get(slug=event_slug) if event_slug else None
        HindsightNote.objects.create(article=article, date=day, text=text, event=event, url=url, author=author)
    return True


def _set_mentions(article, wanted):
    """Make the tags the file lists match it; manual tags it leaves out go, alias-match tags stay.

    wanted is [(entity, method, count)]. Alias-match tags are found by the
    recogniser, not written by hand, so a hand-written file that does not list
    them must not remove them.
    """
    existing = {m.entity_id: m for m in article.mentions.all()}
    wanted_ids = {e.id for e, _, _ in wanted}
    changed = False
    for entity, method, count in wanted:
        mention = existing.get(entity.id)
        if mention is None:
            Mention.objects.create(article=article, entity=entity, method=method, count=count)
            changed = True
        elif (mention.method, mention.count) != (method, count):
            mention.method, mention.count = method, count
            mention.save(update_fields=["method", "count"])
            changed = True
    for entity_id, mention in existing.items():
        if mention.method == Mention.Method.MANUAL and entity_id not in wanted_ids:
            mention.delete()
            changed = True
    return changed


def _set_event_links(event, record, entity):
    changed = False
    wanted_entities = {entity(s).id for s in record["_entities"]}
    if set(event.entities.values_list("id", flat=True)) != wanted_entities:
        event.entities.set(wanted_entities)
        changed = True

    # As with tags: listed links follow the file, manual links left out go, suggestions stay.
    ids = dict(Article.objects.filter(slug__in=[slug for slug, _, _ in record["_coverage"]]).values_list("slug", "id"))
    wanted = {ids[slug]: (method, confirmed) for slug, method, confirmed in record["_coverage"]}
    existing = {c.article_id: c for c in event.coverage.all()}
    for article_id, (method, confirmed) in wanted.items():
        link = existing.get(article_id)
        if link is None:
            Coverage.objects.create(event=event, article_id=article_id, method=method, confirmed=confirmed)
            changed = True
        elif (link.method, link.confirmed) != (method, confirmed):
            link.method, link.confirmed = method, confirmed
            link.save(update_fields=["method", "confirmed"])
            changed = True
    for article_id, link in existing.items():
        if link.method == Coverage.Method.MANUAL and article_id not in wanted:
            link.delete()
            changed = True

    have_claims = list(event.claims.values_list("text", "source_name", "url"))
    if have_claims != record["_claims"]:
        event.claims.all().delete()
        Claim.objects.bulk_create(Claim(event=event, text=t, source_name=s, url=u) for t, s, u in record["_claims"])
        changed = True
    return changed
