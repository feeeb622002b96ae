"""Records -> content/ files: the whole archive in the format load_content reads.

An export is a backup of every record (hindsight notes go with their article):
loading it into an empty database and exporting again gives the same files,
byte for byte. Every file is written from the record
alone, with keys in a fixed order and lists sorted (except references and
claims, whose order is the editor's), so equal records give equal files.
Text is written as the loader reads it back: stripped of surrounding
whitespace, article bodies with plain newlines.

Records stored before the door rules (archive.rules) may break them; the
loader would refuse such a file, and one record would block every backup. Their
files are written repaired (control characters removed, a URL that breaks the URL
rule left empty) and each repair is reported with the record and field, so the
backup is whole and loads back, and the editor knows what to fix in the admin.

Not kept, because the loader sets them: body_html and content_hash (derived
from the body, text_html of notes), created_at and updated_at (the time of the load).
"""

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch

from archive import dates, rules
from archive.contentfiles import reader
from archive.ingest.frontmatter import dump, dump_yaml
from archive.models import Article, Coverage, Entity, Event, HindsightNote, Mention, Source

KINDS = ("sources", "entities", "articles", "events")


class ExportError(Exception):
    pass


@dataclass
class ExportCounts:
    sources: int = 0
    entities: int = 0
    articles: int = 0
    events: int = 0
    repaired: list = field(default_factory=list)

    def line(self):
        return "  ".join(f"{kind}: {getattr(self, kind)}" for kind in KINDS)


def _text(value):
    return str(value or "").strip()


def _date(record):
    return dates.iso(record.date, record.date_precision, record.date_not_after) if record.date else reader.UNKNOWN_DATE


def _timestamp(value):
    return value.astimezone(dt.UTC).isoformat() if value else None


def _body(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def source_data(source):
    return {
        "name": _text(source.name),
        "language": _text(source.language),
        "country": _text(source.country),
        "url": _text(source.url),
        "description": _text(source.description),
    }


def entity_data(entity):
    aliases = sorted({(_text(alias.name), _text(alias.language)) for alias in entity.aliases.all()})
    external = entity.external_ids if isinstance(entity.external_ids, dict) else {}
    return {
        "name": _text(entity.name),
        "kind": entity.kind,
        "aliases": [{"name": name, "language": language} if language else name for name, language in aliases],
        "description": _text(entity.description),
        "wikidata": _text(entity.wikidata),
        "external_ids": {str(key): str(external[key]) for key in sorted(external, key=str)},
    }


def _mention_item(mention):
    if mention.method == Mention.Method.MANUAL and mention.count == 1:
        return mention.entity.slug
    return {"entity": mention.entity.slug, "method": mention.method, "count": mention.count}


def _note_item(note):
    return {
        "date": note.date.isoformat(),
        "text": str(note.text),
        "event": note.event.slug if note.event else "",
        "url": _text(note.url),
        "author": _text(note.author),
    }


def article_data(article):
    mentions = sorted(article.mentions.all(), key=lambda m: m.entity.slug)
    notes = sorted(article.hindsight_notes.all(), key=lambda note: (note.date, note.id))
    data = {
        "title": _text(article.title),
        "kicker": _text(article.kicker),
        "teaser": _text(article.teaser),
        "abstract": _text(article.abstract),
        "source": article.source.slug if article.source else "",
        "language": article.language,
        "language_detected": article.language_detected,
        "date": _date(article),
        "date_precision": article.date_precision,
        "date_inferred": article.date_inferred,
        "date_reason": _text(article.date_reason),
        "dateline": _text(article.dateline),
        "byline": _text(article.byline),
        "url": _text(article.url),
        "origin": _text(article.origin),
        "imported_at": _timestamp(article.imported_at),
        "removed_boilerplate": [str(text) for text in article.removed_boilerplate or []],
        "entities": [_mention_item(mention) for mention in mentions],
    }
    if notes:  # written only where there are some; a file without the key leaves notes alone
        data["notes"] = [_note_item(note) for note in notes]
    return data


def _coverage_item(link):
    if link.method == Coverage.Method.MANUAL and link.confirmed:
        return link.article.slug
    return {"article": link.article.slug, "method": link.method, "confirmed": link.confirmed}


def event_data(event):
    coverage = sorted(event.coverage.all(), key=lambda link: link.article.slug)
    return {
        "title": _text(event.title),
        "date": _date(event),
        "date_precision": event.date_precision,
        "date_inferred": event.date_inferred,
        "date_reason": _text(event.date_reason),
        "kind": event.kind,
        "incident": event.incident.slug if event.incident else "",
        "entities": sorted(entity.slug for entity in event.entities.all()),
        "references": [str(reference) for reference in event.references or []],
        "description": _text(event.description),
        "articles": [_coverage_item(link) for link in coverage],
        "claims": [
            {"text": str(claim.text), "source": str(claim.source_name), "url": _text(claim.url)}
            for claim in event.claims.all()
        ],
    }


def _repair(value, *, where, name, repairs, key=None):
    """The value with what breaks the door rules repaired; each repair is added to repairs."""
    if isinstance(value, str):
        if (key or name) == "url" and value and rules.url_problem(value):
            repairs.append(f"{where}: {name}: left empty: {rules.url_problem(value)}")
            return ""
        problem = rules.text_problem(value)
        if problem:
            repairs.append(f"{where}: {name}: {problem}; written without it")
            return rules.remove_controls(value)
        return value
    if isinstance(value, dict):
        return {_repair(k, where=where, name=name, repairs=repairs): _repair(v, where=where, name=name,
                                                                              repairs=repairs, key=k)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_repair(item, where=where, name=name, repairs=repairs, key=key) for item in value]
    return value


def _records(repairs):
    """(kind, records, file suffix, record -> file text) for each kind, in loading order."""
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
    notes = Prefetch("hindsight_notes", queryset=HindsightNote.objects.select_related("event"))
    coverage = Prefetch("coverage", queryset=Coverage.objects.select_related("article"))

    def fields(kind, record, data):
        where = f"{kind}/{record.slug}"
        return {name: _repair(value, where=where, name=name, repairs=repairs) for name, value in data.items()}

    def article(r):
        body = _repair(_body(r.body), where=f"articles/{r.slug}", name="body", repairs=repairs)
        return dump(fields("articles", r, article_data(r)), body)

    return [
        ("sources", Source.objects.all(), ".yaml", lambda r: dump_yaml(fields("sources", r, source_data(r)))),
        ("entities", Entity.objects.prefetch_related("aliases"), ".yaml",
         lambda r: dump_yaml(fields("entities", r, entity_data(r)))),
        ("articles", Article.objects.select_related("source").prefetch_related(mentions, notes), ".md", article),
        ("events", Event.objects.select_related("incident").prefetch_related("entities", "claims", coverage), ".yaml",
         lambda r: dump_yaml(fields("events", r, event_data(r)))),
    ]


def _check_slug(kind, slug):
    if not slug or slug.startswith(".") or "/" in slug or "\\" in slug or "\x00" in slug:
        raise ExportError(f"{kind}: {slug!r} cannot be a file name; give the record a plain slug first")


def _prepare(target):
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder; export into a new folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    except OSError as exc:
        raise ExportError(f"cannot write beside {target}: {exc.strerror}") from None


def export_archive(*, folder, progress=None):
    """Write every record under folder (new or empty); returns ExportCounts.

    Files are written into a hidden folder beside the target, read back with the
    loader's own validation, and only then renamed into place, so a failed or
    interrupted export never leaves a half backup under the target's name.
    """
    target = Path(folder)
    partial = _prepare(target)
    counts = ExportCounts()
    try:
        with transaction.atomic():  # one consistent view of the records
            for kind, records, suffix, render in _records(counts.repaired):
                directory = partial / kind
                directory.mkdir()
                for record in records.order_by("slug").iterator(chunk_size=500):
                    _check_slug(kind, record.slug)
                    (directory / f"{record.slug}{suffix}").write_text(render(record), encoding="utf-8")
                    setattr(counts, kind, getattr(counts, kind) + 1)
                    if progress:
                        progress(kind, getattr(counts, kind))
        _verify(partial, target, counts)
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise ExportError(f"cannot write {exc.filename or target}: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return counts


def _verify(folder, target, counts):
    """Read the files back as load_content would; a backup that cannot be loaded is no backup."""
    found = reader.read_folder(folder)
    if found.problems:
        listed = "\n".join(f"  {str(problem).replace(folder.name, target.name, 1)}" for problem in found.problems[:20])
        more = f"\n  ... and {len(found.problems) - 20} more" if len(found.problems) > 20 else ""
        raise ExportError(f"the export would not load back; nothing was written:\n{listed}{more}")
    for kind in KINDS:
        if len(getattr(found, kind)) != getattr(counts, kind):
            raise ExportError(f"{kind}: wrote {getattr(counts, kind)} but read back {len(getattr(found, kind))}")
