"""Run as a separate process by the search tests: python tests/search_worker.py COMMAND [ARGS].

Uses the database and index in ARCHIVE_DATA_DIR, as a web worker or an importer would.
    setup                      migrate and build an empty index
    write PREFIX COUNT         save COUNT articles, one transaction each (like web requests)
    import PREFIX COUNT        save COUNT articles in one transaction under deferred_indexing (like an importer)
    retitle SLUG TITLE         change one article's title (one transaction)
    search QUERY ROUNDS        search ROUNDS times, print the last total
    answers QUERY...           print, as JSON, each query's total and first 50 slugs (a fresh process's answers)
    check                      exit 1 when the index differs from the database
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import archive.settings

# Several processes write to one SQLite file: wait for its lock instead of failing at once.
archive.settings.DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 60

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from archive import search  # noqa: E402
from archive.models import Article  # noqa: E402

BODY = "Ein Internetwurm befällt Server. " * 40


def main(command, *args):
    if command == "setup":
        call_command("migrate", verbosity=0)
        search.rebuild()
    elif command == "write":
        prefix, count = args[0], int(args[1])
        for number in range(count):
            with transaction.atomic():
                Article.objects.create(slug=f"{prefix}-{number}", title=f"Sasser {prefix} {number}", body=BODY,
                                       language="de")
    elif command == "import":
        prefix, count = args[0], int(args[1])
        with transaction.atomic(), search.deferred_indexing():
            for number in range(count):
                Article.objects.create(slug=f"{prefix}-{number}", title=f"Sasser {prefix} {number}", body=BODY,
                                       language="de")
    elif command == "retitle":
        article = Article.objects.get(slug=args[0])
        article.title = args[1]
        article.save()
    elif command == "search":
        total = 0
        for _ in range(int(args[1])):
            total = search.search(args[0]).total
        print(total)
    elif command == "answers":
        found = {}
        for text in args:
            page = search.search(text, per_page=50)
            found[text] = [page.total, [result["slug"] for result in page.results]]
        print(json.dumps(found))
    elif command == "check":
        drift = search.check()
        print(f"missing={len(drift.missing)} stale={len(drift.stale)} orphans={len(drift.orphans)}")
        sys.exit(0 if drift.clean else 1)
    else:
        sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
