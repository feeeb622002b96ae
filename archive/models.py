"""The archive's records: sources, articles, entities, mentions, events.

Dates of limited precision are a date (first day of the period) plus a
precision; see archive.dates.
"""

import hashlib

from django.db import models
from django.urls import reverse

from archive import dates
from archive.rendering import render_markdown

LANGUAGE_CHOICES = [("de", "German"), ("en", "English")]


class PartialDateMixin(models.Model):
    """Fields shared by every record that carries a date of known precision."""

    date = models.DateField(null=True, blank=True, db_index=True, help_text="First day of the period.")
    date_precision = models.CharField(max_length=5, choices=dates.PRECISION_CHOICES, default=dates.DAY)
    date_inferred = models.BooleanField(default=False, help_text="The date was worked out, not printed.")
    date_reason = models.TextField(blank=True, help_text="Why the date is what it is, shown beside it.")
    date_not_after = models.DateField(
        null=True, blank=True, help_text="For a range: its last possible day (empty: open-ended). "
                                         "`date` is then the first possible day.")

    class Meta:
        abstract = True

    def date_display(self, language="en"):
        return dates.display(self.date, self.date_precision, language, self.date_not_after)

    def date_iso(self):
        return dates.iso(self.date, self.date_precision, self.date_not_after)


class Source(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. DE.")
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    period_start = models.DateField(null=True, blank=True, help_text="First day the archive's copies can date from.")
    period_end = models.DateField(null=True, blank=True, help_text="Last day the archive's copies can date from.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Entity(models.Model):
    class Kind(models.TextChoices):
        ORGANIZATION = "organization"
        PERSON = "person"
        PRODUCT = "product"
        MALWARE = "malware"
        VULNERABILITY = "vulnerability"
        GROUP = "group"
        PLACE = "place"
        # A breach or attack known by its own name (Sony Pictures hack), where neither a
        # malware nor a vulnerability names it.
        INCIDENT = "incident"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    description = models.TextField(blank=True)
    wikidata = models.CharField(max_length=20, blank=True, help_text="Wikidata QID, e.g. Q2283.")
    external_ids = models.JSONField(
        default=dict, blank=True, help_text='Other identifiers, e.g. {"cve": "CVE-2001-0500"}.'
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("entity-detail", args=[self.slug])

    def all_names(self):
        return [self.name, *(alias.name for alias in self.aliases.all())]


class EntityAlias(models.Model):
    """Another name under which an entity appears ("29 a" for 29A)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="unique_alias_per_entity")]
        verbose_name_plural = "entity aliases"

    def __str__(self):
        return self.name


class Article(PartialDateMixin):
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=500)
    kicker = models.CharField(max_length=300, blank=True, help_text="Dachzeile above the title.")
    teaser = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown. Empty for an article known by reference.")
    abstract = models.TextField(
        blank=True,
        help_text="Our own short summary of an article recorded by reference, without its text "
                  "(it cannot be republished): the page shows this and links the original.",
    )
    body_html = models.TextField(editable=False, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    byline = models.CharField(max_length=300, blank=True, help_text='Author or agencies, e.g. "DPA/AP".')
    dateline = models.CharField(max_length=300, blank=True, help_text='Places, e.g. "REDMOND/MÜNCHEN".')
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, db_index=True)
    language_detected = models.BooleanField(default=False, help_text="Detected from the text, not stated.")
    url = models.URLField(max_length=1000, blank=True, db_index=True)
    entities = models.ManyToManyField(Entity, through="Mention", related_name="articles", blank=True)

    # Provenance: where the record came from and what was done to it.
    origin = models.CharField(max_length=1000, blank=True, help_text="File (and line) it came from.")
    imported_at = models.DateTimeField(null=True, blank=True)
    removed_boilerplate = models.JSONField(default=list, blank=True, help_text="Text cut as page boilerplate.")
    content_hash = models.CharField(max_length=64, db_index=True, editable=False, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        # The feeds list the newest additions first.
        # A timeline's counts per month and precision come from the (date, date_precision) index alone, and
        # its first undated articles by title from the index of the undated. (PostgreSQL also has one in
        # NEWEST_FIRST order, which SQLite cannot declare: migration 0013.)
        indexes = [models.Index(fields=["source", "date"]), models.Index(fields=["created_at"]),
                   models.Index(fields=["date", "updated_at"]),
                   models.Index(fields=["date", "date_precision"], name="archive_article_date_precision"),
                   models.Index(fields=["title"], condition=models.Q(date__isnull=True),
                                name="archive_article_undated"),
                   # The records API's order, alone and in one language, so a page of its list is an index
                   # range, not a sort of every undated article (SQLite puts them first), of every article of
                   # a day or of a language; and the newest change (the sitemaps' lastmod) read from one end
                   # of an index (migration 0014; the months' newest changes: archive/article_indexes.py).
                   models.Index(fields=["date", "title", "id"], name="archive_article_list_order"),
                   models.Index(fields=["language", "date", "title", "id"], name="archive_article_language_order"),
                   models.Index(fields=["updated_at"], name="archive_article_updated")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.content_hash = text_hash(self.title, self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article-detail", args=[self.slug])

    @property
    def by_reference(self):
        """Known by its title, outlet, date and our abstract only: its text is not ours to show."""
        return bool(self.abstract) and not self.body.strip()


def text_hash(title, body):
    """A fingerprint of what an article says, blind to spacing and case."""
    normal = " ".join(f"{title}\n{body}".split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class DateProposal(models.Model):
    """A worked-out publication date for an article, kept with its evidence until an editor decides.

    Rejected proposals stay, so the same range is never proposed for the article again.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="date_proposals")
    not_before = models.DateField()
    not_after = models.DateField(null=True, blank=True, help_text="Empty: open-ended.")
    point = models.DateField(null=True, blank=True, help_text="The most likely day, where the evidence gives one.")
    reason = models.TextField()
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.article}: {dates.display_range(self.not_before, self.not_after)} ({self.status})"


class Mention(models.Model):
    class Method(models.TextChoices):
        MANUAL = "manual"
        ALIAS = "alias", "alias match"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.MANUAL)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "entity"], name="unique_mention")]
        ordering = ["entity__name"]

    def __str__(self):
        return f"{self.entity} in {self.article}"



# Per-entity aggregates, written only by database triggers (archive/entities/summary.py) in the same
# statement as the mention or article they follow, so an entity's page reads counts and ordered keys
# instead of every one of its articles. Lookups by entity use the unique keys and indexes that start with it.


class EntityMonth(models.Model):
    """How many of an entity's articles fall in a month ("YYYY-MM"; "" for the undated), per precision."""

    entity = models.ForeignKey(Entity, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    month = models.CharField(max_length=7)
    date_precision = models.CharField(max_length=5)
    articles = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "month", "date_precision"],
                                               name="archive_entitymonth_unique")]

    def __str__(self):
        return f"{self.entity_id} {self.month or 'undated'} {self.date_precision}: {self.articles}"


class ArchiveMonth(models.Model):
    """How many of the archive's articles fall in a month ("YYYY-MM"; "" for the undated), per precision.

    Kept by database triggers (archive.month_counts)."""

    month = models.CharField(max_length=7)
    date_precision = models.CharField(max_length=5)
    articles = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "date_precision"], name="archive_archivemonth_unique")]

    def __str__(self):
        return f"{self.month or 'undated'} {self.date_precision}: {self.articles}"


class EntityPair(models.Model):
    """How many articles name both `entity` and `other` (each pair is kept both ways round)."""

    entity = models.ForeignKey(Entity, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    other = models.ForeignKey(Entity, on_delete=models.DO_NOTHING, db_constraint=False, related_name="paired")
    articles = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "other"], name="archive_entitypair_unique")]

    def __str__(self):
        return f"{self.entity_id} with {self.other_id}: {self.articles}"


class EntityArticle(models.Model):
    """A mention with the keys its article sorts by: an entity's articles in list or timeline order are
    an index range, not a sort of all of them. `order_key` is the timeline's year, month ("13": known
    only to the year) and day ("32": known only to the month or year) as "YYYY-MM-DD"; `title_key`
    the title in the database's lower case."""

    entity = models.ForeignKey(Entity, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    date = models.DateField(null=True)
    date_precision = models.CharField(max_length=5)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, db_index=False)
    order_key = models.CharField(max_length=10, null=True)  # noqa: DJ001 - NULL: undated, kept out of the order
    title_key = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "article"], name="archive_entityarticle_unique")]
        indexes = [
            models.Index(fields=["entity", "order_key", "title_key", "slug"], name="archive_entart_timeline"),
            models.Index(fields=["entity", "date", "title", "article"], name="archive_entart_list"),
        ]

    def __str__(self):
        return f"{self.entity_id} in {self.article_id}"

class Event(PartialDateMixin):
    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure"
        ADVISORY = "advisory"
        PATCH = "patch"
        OUTBREAK = "outbreak"
        PEAK = "peak"
        ATTACK = "attack"
        ARREST = "arrest"
        STATEMENT = "statement"
        OTHER = "other"

    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    incident = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="incident_events",
        help_text="The incident this event belongs to, e.g. Code Red.",
    )
    entities = models.ManyToManyField(Entity, related_name="events", blank=True)
    references = models.JSONField(default=list, blank=True, help_text="Advisory ids, CVE ids, URLs.")
    articles = models.ManyToManyField(Article, through="Coverage", related_name="events", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.slug])


class Claim(models.Model):
    """What one source says about an event, kept beside what others say."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="claims")
    text = models.CharField(max_length=500, help_text='e.g. "359,000 hosts infected".')
    source_name = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.source_name}: {self.text}"


class Coverage(models.Model):
    """An article that reported on an event."""

    class Method(models.TextChoices):
        MANUAL = "manual"
        SUGGESTED = "suggested"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="coverage")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="coverage")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.MANUAL)
    confirmed = models.BooleanField(default=True, help_text="An editor has checked the link.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "article"], name="unique_coverage")]
        verbose_name_plural = "coverage"

    def __str__(self):
        return f"{self.article} covers {self.event}"


class HindsightNote(models.Model):
    """What was learned later about an old article, kept apart from its text, which is never altered."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hindsight_notes")
    date = models.DateField(help_text="When the later knowledge became known.")
    text = models.TextField(help_text="Markdown.")
    text_html = models.TextField(editable=False, blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="hindsight_notes",
        help_text="The later event the note points to, if any.",
    )
    url = models.URLField(max_length=1000, blank=True, help_text="Where the later knowledge is documented.")
    author = models.CharField(max_length=200, blank=True, help_text="The editor who wrote the note.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"Note of {self.date} on {self.article}"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)


class SearchDocument(models.Model):
    """One search document as archive.search.documents builds it, for the PostgreSQL search backend.

    On PostgreSQL the table also has a weighted `vec` tsvector column with a GIN index,
    written by the backend (see archive/search/postgres/backend.py). On SQLite it stays unused.
    """

    key = models.CharField(max_length=40, primary_key=True)  # "article:12"
    type = models.CharField(max_length=10)
    record_pk = models.BigIntegerField()
    source = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=5, blank=True)
    date = models.DateField(null=True)
    date_precision = models.CharField(max_length=10, blank=True)
    entities = models.JSONField(default=list)
    doc = models.JSONField()
    fingerprint = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["date"], name="archive_sea_date_idx")]

    def __str__(self):
        return self.key


class SearchWord(models.Model):
    """The archive's vocabulary for fuzzy terms ("l": indexed lexemes) and did-you-mean ("s": title and
    entity-name words), matched by pg_trgm similarity. Used by the PostgreSQL search backend only."""

    kind = models.CharField(max_length=1)
    word = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "word"], name="archive_searchword_unique")]

    def __str__(self):
        return f"{self.kind}:{self.word}"


# The glossary keeps its model in its own package; imported here so the archive app registers it.
from archive.glossary.models import GlossaryEntry  # noqa: E402, F401
