from django.core.management.base import BaseCommand

from archive import search

SHOWN = 20


class Command(BaseCommand):
    help = "Compare the search index with the database; exit 1 when they differ."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the entries that differ.")

    def handle(self, *args, fix=False, **options):
        try:
            drift = search.check()
        except search.SearchUnavailable as exc:
            # A damaged or outdated index cannot be compared; rewriting entries would not mend it.
            cause = f" ({type(exc.__cause__).__name__}: {exc.__cause__})" if exc.__cause__ else ""
            self.stderr.write(f"The search index cannot be read: {exc}.{cause}")
            if not fix:
                raise SystemExit(1) from None
            count = search.rebuild()
            self.stdout.write(f"Rebuilt the index from the database: {count} documents.")
            return
        self.stdout.write(f"records: {drift.records}  indexed: {drift.indexed}  missing: {len(drift.missing)}  "
                          f"stale: {len(drift.stale)}  orphans: {len(drift.orphans)}")
        for label, keys in (("missing", drift.missing), ("stale", drift.stale), ("orphan", drift.orphans)):
            for key in keys[:SHOWN]:
                self.stdout.write(f"  {label}: {key}")
            if len(keys) > SHOWN:
                self.stdout.write(f"  ... and {len(keys) - SHOWN} more {label}")
        if drift.clean:
            self.stdout.write("The index matches the database.")
            return
        if fix:
            search.repair(drift)
            self.stdout.write("Rewrote the entries that differed.")
            return
        self.stderr.write("The index differs from the database (run with --fix, or rebuild_index).")
        raise SystemExit(1)
