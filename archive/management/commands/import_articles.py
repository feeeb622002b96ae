from django.core.management.base import BaseCommand, CommandError

from archive import dates, rules, search
from archive.ingest import batch, files
from archive.ingest.articles import Defaults, parse_date
from archive.models import Source
from archive.progress import Progress


class Command(BaseCommand):
    help = (
        "Import articles from .md (YAML front matter), .txt (raw page scrapes), .jsonl or .jsonl.gz files, "
        "or folders of them. Prints created/updated/unchanged/failed counts; exits non-zero if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
        parser.add_argument("--source", default="", help="source (slug or name) for articles that name none")
        parser.add_argument("--language", default="", help="language for articles that state none (else detected)")
        parser.add_argument("--date", default="", help="date (YYYY, YYYY-MM, YYYY-MM-DD) for undated articles")

    def handle(self, *args, paths, source, language, date, **options):
        defaults = Defaults(source=self._source(source), language=self._language(language), date=self._date(date))
        verbosity = options.get("verbosity", 1)
        expanded = files.expand(paths)
        total = batch.count_records(expanded) if verbosity else None

        def failure(where, field, why):
            self.stderr.write(f"{where}: {field}: {why}" if field else f"{where}: {why}")

        def note(text):
            if verbosity:
                self.stderr.write(text)

        with Progress(total=total, label="import", unit="articles", stream=self.stderr, enabled=verbosity > 0) as bar:
            # The index is written once for the whole run instead of once per article.
            try:
                with search.deferred_indexing():
                    counts = batch.import_paths(expanded, defaults=defaults, failure=failure, note=note, progress=bar)
            except search.IndexWriteFailed as exc:
                index_error = exc
            else:
                index_error = None
        self.stdout.write(counts.line())
        if index_error:
            raise CommandError(f"The articles are saved, but {index_error}.")
        if counts.failed:
            raise CommandError(f"{counts.failed} article(s) failed; the others were imported.")

    def _source(self, value):
        if not value:
            return ""
        source = Source.objects.filter(slug=value).first() or Source.objects.filter(name__iexact=value).first()
        if source is None:
            known = ", ".join(Source.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"--source: unknown source {value!r} (known: {known})")
        return source.slug

    def _language(self, value):
        if value and rules.language_problem(value):
            raise CommandError(f"--language: {rules.language_problem(value)}")
        return value

    def _date(self, value):
        if not value:
            return None
        try:
            return parse_date(value)
        except dates.PartialDateError as exc:
            raise CommandError(f"--date: {exc}") from None
