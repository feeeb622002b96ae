"""What the last load of a content folder was made from, so a start-up can tell in milliseconds that
loading it again would change nothing.

The fingerprint covers the folder's files (names and bytes), how it was loaded (--prune, the
languages), which database it went into and that database's state after the load: the archive's
change stamp (archive.stamp, moved by any write to the records, an edit in the admin included), the
glossary's entries (not stamped) and the migrations applied (a new column may take a value from the
files). When any of these differ, the folder is loaded as always.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Max

from archive import stamp


def _record_file():
    return Path(settings.DATA_DIR) / "content-loaded.json"


def _files_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(folder, *, prune):
    from archive.glossary.models import GlossaryEntry

    folder = Path(folder).resolve()
    glossary = GlossaryEntry.objects.aggregate(count=Count("id"), top=Max("id"), newest=Max("updated_at"))
    migrations = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
    return {
        "folder": str(folder),
        "files": _files_digest(folder) if folder.is_dir() else None,
        "prune": prune,
        "languages": list(settings.ARCHIVE_LANGUAGES),
        "database": [connection.vendor, str(connection.settings_dict.get("NAME")),
                     str(connection.settings_dict.get("HOST") or "")],
        "archive": stamp.archive_stamp(fresh=True),
        "glossary": [glossary["count"], glossary["top"], str(glossary["newest"])],
        "migrations": hashlib.sha256("\n".join(migrations).encode()).hexdigest(),
    }


def unchanged(folder, *, prune):
    """Whether the folder and the database are as they were right after the last load."""
    try:
        saved = json.loads(_record_file().read_text())
    except (OSError, ValueError):
        return False
    return saved == fingerprint(folder, prune=prune)


def remember(folder, *, prune):
    """Called after a load: what it was made from, and what the database then held."""
    try:
        _record_file().write_text(json.dumps(fingerprint(folder, prune=prune)))
    except OSError:  # a data folder not writable: the next start-up loads the folder again, as before
        pass
