"""Importing one article: validate its fields, then create, update or leave alone its record.

Each article is written in its own transaction, so a failure leaves nothing of
it behind and harms no other record.

Duplicates: an article with the URL of an existing one, or failing that with
the same text (title and body, blind to spacing and case; Article.content_hash),
is that article. Fields the import states and that differ are updated; fields it
leaves empty (no date, no URL) keep what the archive has, and a detected language
never overrides a stated one. Nothing changed means "unchanged".

Within one run the first record of an article wins: a later record that finds an
article an earlier record of the same run already created, updated or left alone is
a "duplicate" and changes nothing. Otherwise two copies that differ (the same text
under two dates) would each overwrite the other on every run, and a re-run would
never report "unchanged".

Text and URLs follow archive.rules, the rules every door shares.

Slugs: the title, with German umlauts and ß spelled out (ä -> ae, ß -> ss), then
slugified and cut to 80 characters at a word boundary; a taken slug gets -2, -3 ...
An existing article keeps its slug, so its address never changes.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from archive import dates, rules
from archive.entities.tagging import build_gazetteer, find_entities, set_found_mentions
from archive.ingest import language as language_detection
from archive.models import Article, Entity, Mention, Source, text_hash

CREATED, UPDATED, UNCHANGED, DUPLICATE = "created", "updated", "unchanged", "duplicate"

KNOWN_KEYS = frozenset({
    "title", "kicker", "teaser", "body", "source", "date", "url", "language", "byline",
    "dateline", "date_precision", "date_inferred", "date_reason", "slug", "entities", "removed_boilerplate",
})
SLUG_LENGTH = 80
# The fields an import may change on an existing article.
UPDATABLE = (
    "title", "kicker", "teaser", "body", "byline", "dateline", "url", "language", "language_detected",
    "source", "date", "date_precision", "date_inferred", "date_reason", "removed_boilerplate",
)
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


class ImportFailed(Exception):
    """An article that cannot be imported; problems are (field or None, why)."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in problems))
        self.problems = problems


@dataclass
class Defaults:
    """What a file does not say, from the command line."""

    source: str = ""
    language: str = ""
    date: object = None  # a dates.PartialDate


@dataclass
class Cleaned:
    values: dict
    source: str
    entities: list
    slug: str
    warnings: list = field(default_factory=list)


def slug_for(title):
    base = slugify(title.translate(_TRANSLITERATE))[:SLUG_LENGTH + 1]
    if len(base) > SLUG_LENGTH:
        base = base[:SLUG_LENGTH].rsplit("-", 1)[0] if "-" in base[:SLUG_LENGTH] else base[:SLUG_LENGTH]
    return base.strip("-") or "article"


def parse_date(value, precision=None):
    """A PartialDate from "2001", "2001-08", "2001-08-10" or an ISO timestamp; raises PartialDateError."""
    if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
        try:
            value = dt.datetime.fromisoformat(value).date()
        except ValueError:
            raise dates.PartialDateError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if isinstance(value, (bool, float, list, dict)):
        raise dates.PartialDateError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return dates.PartialDate.parse(value, precision)


def clean(data, defaults):
    """Validate raw fields; returns Cleaned or raises ImportFailed with every problem found."""
    problems, warnings = [], []
    for key in sorted(set(data) - KNOWN_KEYS):
        warnings.append(f"unknown field {key!r} ignored (known: {', '.join(sorted(KNOWN_KEYS))})")

    def text(name):
        value = data.get(name)
        if value is None:
            return ""
        if not rules.is_text(value):
            problems.append((name, f"must be text, not {type(value).__name__}"))
            return ""
        value = value.strip()
        limit = rules.length_limit(Article, name)
        if limit and len(value) > limit:
            problems.append((name, f"is {len(value):,} characters long; at most {limit:,} are allowed"))
        problem = rules.text_problem(value)
        if problem:
            problems.append((name, problem))
        return value

    values = {name: text(name) for name in ("title", "kicker", "teaser", "byline", "dateline", "date_reason")}
    if not values["title"]:
        problems.append(("title", "is missing or empty"))
    body = data.get("body")
    if body is None or (isinstance(body, str) and not body.strip()):
        problems.append(("body", "is missing or empty"))
        body = ""
    elif not rules.is_text(body):
        problems.append(("body", f"must be text, not {type(body).__name__}"))
        body = ""
    elif len(body) > rules.MAX_BODY_CHARS:
        problems.append(("body", f"is {len(body):,} characters long; the limit is {rules.MAX_BODY_CHARS:,}"))
        body = ""
    elif rules.text_problem(body):
        problems.append(("body", rules.text_problem(body)))
    values["body"] = body.strip("\n") + "\n" if body else ""

    url = text("url")
    if url and rules.url_problem(url):
        problems.append(("url", rules.url_problem(url)))
    values["url"] = url

    _clean_date(data, defaults, values, problems)
    _clean_language(data, defaults, values, problems)

    boilerplate = data.get("removed_boilerplate") or []
    if not isinstance(boilerplate, list) or not all(isinstance(b, str) for b in boilerplate):
        problems.append(("removed_boilerplate", "must be a list of texts"))
        boilerplate = []
    elif rules.texts_problem(boilerplate):
        problems.append(("removed_boilerplate", rules.texts_problem(boilerplate)))
    values["removed_boilerplate"] = boilerplate

    entities = data.get("entities") or []
    if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
        problems.append(("entities", "must be a list of entity slugs"))
        entities = []
    slug = text("slug")
    if slug and slug != slugify(slug):
        problems.append(("slug", f"{slug!r} is not a slug (lowercase letters, digits, hyphens)"))
    source = data.get("source")
    # A source named by an import is created with that name.
    name_limit = rules.length_limit(Source, "name")
    if source is not None and not rules.is_text(source):
        problems.append(("source", f"must be text, not {type(source).__name__}"))
        source = None
    elif source and (rules.text_problem(source) or len(source.strip()) > name_limit):
        problems.append(("source", rules.text_problem(source) or f"is longer than {name_limit} characters"))
        source = None
    if problems:
        raise ImportFailed(problems)
    return Cleaned(values, (source or "").strip() or defaults.source, entities, slug, warnings)


def _clean_date(data, defaults, values, problems):
    raw = data.get("date")
    inferred = data.get("date_inferred", False)
    if not isinstance(inferred, bool):
        problems.append(("date_inferred", "must be true or false"))
        inferred = False
    precision = data.get("date_precision") or None
    if raw is None or raw == "":
        found = defaults.date
    else:
        try:
            found = parse_date(raw, precision)
        except dates.PartialDateError as exc:
            problems.append(("date", str(exc)))
            found = None
    # An unknown date stays unknown (NULL): shown as "date unknown", sorted after dated articles.
    values["date"] = found.date if found else None
    values["date_precision"] = found.precision if found else dates.DAY
    values["date_inferred"] = inferred


def _clean_language(data, defaults, values, problems):
    stated = data.get("language")
    if stated not in (None, ""):
        problem = rules.language_problem(stated)
        if problem:
            problems.append(("language", problem))
        values["language"], values["language_detected"] = stated, False
        return
    if defaults.language:
        values["language"], values["language_detected"] = defaults.language, False
        return
    sample = " ".join(values[name] for name in ("title", "teaser", "body"))
    detected = language_detection.detect(sample)
    if detected is None:
        problems.append(("language", "not given, and the text is not clearly German or English; pass --language"))
    values["language"], values["language_detected"] = detected or "", True


class SourceCache:
    """Sources by slug or name, created on first use.

    A source created for an article that then fails is rolled back with it, so the
    cache takes it in only when the article's transaction succeeds (`keep`), else
    forgets it (`drop`).
    """

    def __init__(self):
        self._known = {}
        self._pending = {}
        self.created = []

    def get(self, name):
        if not name:
            return None
        key = name.casefold()
        if key in self._known:
            return self._known[key]
        slug = slugify(name.translate(_TRANSLITERATE))
        source = (
            Source.objects.filter(slug=slug).first()
            or Source.objects.filter(slug__iexact=name).first()
            or Source.objects.filter(name__iexact=name).first()
        )
        if source is None:
            if not slug:
                raise ImportFailed([("source", f"{name!r} gives no usable slug")])
            source = Source.objects.create(slug=slug, name=name)
            self._pending[key] = source
        else:
            self._known[key] = source
        return source

    def reload(self):
        self._known.clear()

    def keep(self):
        self._known.update(self._pending)
        self.created.extend(self._pending.values())
        self._pending.clear()

    def drop(self):
        self._pending.clear()


class KnownArticles:
    """The slugs, URLs and text hashes of the articles in the archive, read once per run.

    Looking duplicates up here instead of querying per article is what makes bulk
    imports fast; like SourceCache, it takes in an article only once its transaction
    succeeded (`keep`). A slug another process took meanwhile is refused by the
    database; import_article then reads the archive afresh and tries once more.
    """

    def __init__(self):
        # pk -> where the run first met the article; kept across reload(), it is this run's own.
        self.seen = {}
        self.reload()

    def reload(self):
        self.slugs, self.by_url, self.by_hash = set(), {}, {}
        self._pending = None
        for pk, slug, url, content_hash in Article.objects.order_by("-pk").values_list(
            "pk", "slug", "url", "content_hash"
        ):
            self._add(pk, slug, url, content_hash)

    def _add(self, pk, slug, url, content_hash):
        # Ordered newest first above, so the oldest article wins a tie.
        self.slugs.add(slug)
        if url:
            self.by_url[url] = pk
        self.by_hash[content_hash] = pk

    def find(self, *, url, content_hash):
        """The article this import is a copy of: same URL, else same text."""
        pk = (url and self.by_url.get(url)) or self.by_hash.get(content_hash)
        return Article.objects.filter(pk=pk).first() if pk else None

    def unique_slug(self, base):
        if base not in self.slugs:
            return base
        number = 2
        while f"{base}-{number}" in self.slugs:
            number += 1
        return f"{base}-{number}"

    def note(self, article):
        self._pending = article

    def keep(self):
        if self._pending is not None:
            a = self._pending
            self._add(a.pk, a.slug, a.url, a.content_hash)
        self._pending = None

    def drop(self):
        self._pending = None


def _changes(article, values):
    """The fields to update on an existing article."""
    changes = {}
    # Text that differs only in spacing or case is the same text; the archive's copy stays.
    same_text = article.content_hash == text_hash(values["title"], values["body"])
    for name in UPDATABLE:
        if same_text and name in ("title", "body"):
            continue
        value = values.get(name)
        if name == "language_detected":
            continue
        if name == "language":
            # A detected language never overrides one the archive already has.
            if values["language_detected"] and article.language:
                continue
        elif name in ("date_precision", "date_inferred", "date_reason"):
            if values.get("date") is None:
                continue
        elif value in (None, "", []):
            continue
        if getattr(article, name) != value:
            changes[name] = value
    if "language" in changes:
        changes["language_detected"] = values["language_detected"]
    return changes


def import_article(*, cleaned, origin, sources=None, known=None, gazetteer=None):
    """Create, update or leave alone one article, in its own transaction. Returns (status, article).

    `sources`, `known` and `gazetteer` are the caches of a run; a single call builds its own.
    """
    sources = sources if sources is not None else SourceCache()
    known = known if known is not None else KnownArticles()
    gazetteer = gazetteer if gazetteer is not None else build_gazetteer()
    for attempt in (1, 2):
        try:
            result = _import_article(
                cleaned=cleaned, origin=origin, sources=sources, known=known, gazetteer=gazetteer
            )
        except IntegrityError:
            sources.drop()
            known.drop()
            if attempt == 2:
                raise
            # Another process added this article, its slug or its source since the run
            # began: read the archive afresh and try once more.
            sources.reload()
            known.reload()
        except Exception:
            sources.drop()
            known.drop()
            raise
        else:
            sources.keep()
            known.keep()
            status, article = result
            if status != DUPLICATE:
                known.seen.setdefault(article.pk, origin)
            return result


@transaction.atomic
def _import_article(*, cleaned, origin, sources, known, gazetteer):
    values = dict(cleaned.values)
    values["source"] = sources.get(cleaned.source)
    manual = _manual_entities(cleaned.entities)
    existing = known.find(url=values["url"], content_hash=text_hash(values["title"], values["body"]))
    if existing is None:
        article = Article(
            slug=known.unique_slug(cleaned.slug or slug_for(values["title"])),
            origin=origin, imported_at=timezone.now(), **values,
        )
        article.save()
        Mention.objects.bulk_create(
            Mention(article=article, entity=entity, method=Mention.Method.MANUAL) for entity in manual
        )
        status = CREATED
        mentions = {m.entity_id: m for m in article.mentions.all()} if manual else {}
    elif existing.pk in known.seen:
        return DUPLICATE, existing
    else:
        article = existing
        changes = _changes(article, values)
        have = set(article.mentions.filter(method=Mention.Method.MANUAL).values_list("entity_id", flat=True))
        new_manual = [e for e in manual if e.id not in have]
        if not changes and not new_manual:
            return UNCHANGED, article
        for name, value in changes.items():
            setattr(article, name, value)
        article.origin, article.imported_at = origin, timezone.now()
        article.save()
        Mention.objects.filter(article=article, entity__in=new_manual).delete()
        Mention.objects.bulk_create(
            Mention(article=article, entity=entity, method=Mention.Method.MANUAL) for entity in new_manual
        )
        status = UPDATED
        mentions = None
    set_found_mentions(article=article, found=find_entities(gazetteer, article), existing=mentions)
    known.note(article)
    return status, article


def _manual_entities(slugs):
    if not slugs:
        return []
    found = {e.slug: e for e in Entity.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ImportFailed([("entities", f"unknown entity {', '.join(map(repr, unknown))}")])
    return [found[s] for s in dict.fromkeys(slugs)]
