"""content/ -> a checked content set: every file of a folder read and validated whole; nothing is written.

Layout of a content folder (each record one file, named by its slug):
    sources/<slug>.yaml     entities/<slug>.yaml     events/<slug>.yaml
    articles/<slug>.md      (YAML front matter, Markdown body)
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from archive import rules
from archive.contentfiles.fields import (
    ARTICLE_KEYS,
    ENTITY_KEYS,
    EVENT_KEYS,
    MAX_COUNT,
    SOURCE_KEYS,
    UNKNOWN_DATE,
    FieldReader,
    Problem,
    aliases,
    claims,
    is_count,
    notes,
)
from archive.ingest.frontmatter import FrontMatterError, load_yaml, split
from archive.models import Article, Coverage, Entity, Event, Mention, Source

__all__ = ["UNKNOWN_DATE", "ContentSet", "Problem", "read_folder"]

MODELS = {"sources": Source, "entities": Entity, "articles": Article, "events": Event}


@dataclass
class ContentSet:
    sources: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    articles: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


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
    if not _is_content_folder(folder, content.problems):
        return content
    languages = set(settings.ARCHIVE_LANGUAGES)
    for kind, suffix, read in READERS:
        for path in _files(folder, kind, suffix):
            read(path, _relative(path, folder), folder, content, languages)
    _check_fields(content)
    _check_links(content, folder)
    return content


def _is_content_folder(folder, problems):
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, "is not a folder"))
        return False
    if not any((folder / kind).is_dir() for kind in MODELS):
        # Loading, and above all pruning, a folder that is not one would be a mistake, not "nothing changed".
        problems.append(Problem(str(folder), None, "is not a content folder: it has none of the folders "
                                                   f"{', '.join(f'{kind}/' for kind in MODELS)}"))
        return False
    return True


def _source(path, shown, folder, content, languages):
    data = _read_mapping(path, shown, content.problems, folder)
    if data is None:
        return
    r = FieldReader(shown, data, content.problems, SOURCE_KEYS)
    content.sources[path.stem] = {
        "_path": shown,
        "name": r.text("name", required=True),
        "language": r.language("language", required=False),
        "country": r.text("country"),
        "url": r.url("url"),
        "description": r.text("description"),
    }


def _entity(path, shown, folder, content, languages):
    data = _read_mapping(path, shown, content.problems, folder)
    if data is None:
        return
    r = FieldReader(shown, data, content.problems, ENTITY_KEYS)
    found_aliases = aliases(r, languages)
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
        "_aliases": found_aliases,
        "_path": shown,
    }


def _article(path, shown, folder, content, languages):
    problems = content.problems
    text = _read_text(path, shown, problems, folder)
    if text is None:
        return
    try:
        data, body = split(text)
    except FrontMatterError as exc:
        problems.append(Problem(shown, None, str(exc), exc.line))
        return
    r = FieldReader(shown, data, problems, ARTICLE_KEYS)
    slug = r.text("slug") or path.stem
    if slug != slugify(slug):
        r.problem("slug", f"{slug!r} is not a slug (lowercase letters, digits, hyphens)")
    if slug in content.articles:
        r.problem("slug", f"{slug!r} is also used by {content.articles[slug]['_path']}")
        return
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
        "language": r.language("language"),
        "language_detected": r.boolean("language_detected"),
        "url": r.url("url"),
        # Written empty on purpose, the origin stays empty; left out, it is this file.
        "origin": r.text("origin") if "origin" in data else shown,
        "imported_at": r.timestamp("imported_at"),
        "removed_boilerplate": [str(b) for b in boilerplate],
        "_notes": notes(r) if "notes" in data else None,
        "_mentions": r.links(
            "entities", key="entity", methods=list(Mention.Method.values), field_name="count", default=1,
            check=is_count, wanted=f"a whole number from 1 to {MAX_COUNT}",
        ),
        "_path": shown,
    }


def _event(path, shown, folder, content, languages):
    data = _read_mapping(path, shown, content.problems, folder)
    if data is None:
        return
    r = FieldReader(shown, data, content.problems, EVENT_KEYS)
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
        "_claims": claims(r),
        "_path": shown,
    }


# In this order, so that problems are listed as an editor reads the folder; links are checked after all.
READERS = (("sources", ".yaml", _source), ("entities", ".yaml", _entity), ("articles", ".md", _article),
           ("events", ".yaml", _event))


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
                limit = rules.column_length(model, name)
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
