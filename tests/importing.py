"""Running import_articles the way a user does, for the import tests."""

import io
from pathlib import Path

from django.core.management import CommandError, call_command

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SEED = FIXTURES / "000_6ed5ad2b58a1c3c8.txt"


def run_import(*paths, **options):
    """(stdout, stderr, failed?) of one import_articles run."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
        failed = False
    except CommandError as exc:
        err.write(str(exc))
        failed = True
    return out.getvalue(), err.getvalue(), failed


def write_jsonl(path, *records):
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path
