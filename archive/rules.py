"""The rules every door applies to what enters the archive: import_articles, load_content and the admin.

One module, so the doors cannot drift apart (docs/importing.md, "Limits and text hygiene"):

- Text: control characters are refused, not removed. The archive keeps texts as they
  were printed, so it does not silently alter them; the refusal names the field and
  the position, and the editor decides. Allowed are tab and the line breaks (LF, CR).
  Refused: NUL and the other C0 controls, DEL, lone surrogates and U+FFFE/U+FFFF,
  none of which any real article holds and all of which break XML outputs or the
  database encoding.
- URLs: absolute http or https with a valid host; no whitespace, quotes, angle
  brackets, backticks, backslashes or control characters anywhere.
- Types: a text field takes text only. YAML and JSON read an unquoted 2001, 1.10 or
  1e3 as a number, and the number's text (2001, 1.1, 1000.0) need not be what was
  written, so a number, a truth value, a list or a mapping where text belongs is
  refused ("must be text"); quoting it says what is meant.
- Lengths: a field holds at most what its database column holds (max_length); for
  outside imports the long text fields the database does not bound are bounded too
  (TEXT_LIMITS), so an export gone wrong elsewhere is refused instead of stalling a run.
- Languages: an article or source is in one of settings.ARCHIVE_LANGUAGES.
- Files: only regular files are opened (never a device or a FIFO, which would never
  end); a symbolic link met inside a folder must stay inside it; one record and one
  file are read up to a limit (ARCHIVE_MAX_RECORD_BYTES, ARCHIVE_MAX_FILE_BYTES),
  counted while reading, so a file that grows or a compressed file that expands is
  stopped at the limit rather than after it.
"""

import ipaddress
import os
import re
import stat
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# The longest article in the real corpora has 33,000 characters; a body thirty times
# that is an export gone wrong, and refusing it keeps one record from stalling a run.
MAX_BODY_CHARS = 1_000_000
# Text fields without a database length, bounded by the doors.
TEXT_LIMITS = {"teaser": 5000, "date_reason": 2000, "body": MAX_BODY_CHARS}
URL_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 1000
_URL_FORBIDDEN = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f-\x9f]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")


def text_problem(value):
    """Why a text breaks the text rule, or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    what = "a NUL character" if char == "\x00" else "a control character"
    return (f"contains {what} (U+{ord(char):04X}) at position {found.start() + 1}; "
            "only tab and line breaks are allowed")


def is_text(value):
    """The typing rule: only a string is text (see above for why not a number)."""
    return isinstance(value, str)


def column_length(model, name):
    """The most characters the database column of field `name` holds, or None."""
    try:
        return getattr(model._meta.get_field(name), "max_length", None)
    except FieldDoesNotExist:
        return None


def length_limit(model, name):
    """The most characters an outside import may put into field `name` of `model`, or None.

    The archive's own files are held to column_length only: they carry what the archive
    already holds (the admin bounds no TextField), and a backup must load back whole.
    """
    return column_length(model, name) or TEXT_LIMITS.get(name)


def language_problem(value):
    """Why a language code breaks the language rule, or None."""
    known = settings.ARCHIVE_LANGUAGES
    return None if isinstance(value, str) and value in known else f"{value!r} is not one of {', '.join(sorted(known))}"


def remove_controls(value):
    """The text without the characters the text rule refuses (for records stored before the rule)."""
    return _FORBIDDEN.sub("", value)


def texts_problem(value):
    """text_problem for every text inside a value (lists and mappings, keys included)."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        value = [part for pair in value.items() for part in pair]
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = texts_problem(item)
            if problem:
                return problem
    return None


def url_problem(value, *, max_length=MAX_URL_LENGTH):
    """Why a URL breaks the URL rule, or None."""
    shown = repr(value) if len(value) <= 200 else repr(value[:200] + "...")
    reason = _url_reason(value, max_length)
    return f"{shown} is not an absolute http or https URL ({reason})" if reason else None


def _url_reason(value, max_length):
    if len(value) > max_length:
        return f"longer than {max_length:,} characters"
    bad = _URL_FORBIDDEN.search(value)
    if bad:
        return f"it contains {bad.group()!r}; write it percent-encoded"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in URL_SCHEMES:
        return "it must start with http:// or https://"
    host = parts.hostname or ""
    if not host or not _valid_host(host):
        return f"{host!r} is not a valid host name" if host else "it names no host"
    return None


def _valid_host(host):
    if host.startswith("[") or ":" in host:
        host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def max_record_bytes():
    """The most bytes one record may take: an article file, a JSON line, a content file."""
    return settings.ARCHIVE_MAX_RECORD_BYTES


def max_file_bytes():
    """The most bytes one .jsonl file may hold, counted after decompression."""
    return settings.ARCHIVE_MAX_FILE_BYTES


class FileRefused(Exception):
    """A file that is not read; the message says why, without the file's name (the caller adds it)."""


def open_regular(path, *, folder=None):
    """The file opened for binary reading, if it is a regular file (and inside `folder`, if given).

    Raises FileRefused. The type is checked before opening, because opening a FIFO waits
    for a writer that may never come; the open itself does not block either, and the
    opened file is checked to be the one that was looked at, so a file swapped in
    between cannot slip through.
    """
    path = Path(path)
    if folder is not None:
        real, root = os.path.realpath(path), os.path.realpath(folder)
        if os.path.commonpath([real, root]) != root:
            raise FileRefused(f"is a link that leads outside {folder} (to {real}); not read")
    try:
        seen = os.stat(path)
    except FileNotFoundError:
        raise FileRefused("no such file or folder" if not path.is_symlink() else "is a broken link") from None
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(seen.st_mode):
        raise FileRefused(f"is not a regular file ({_kind(seen.st_mode)}); not read")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    opened = os.fstat(descriptor)
    if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino):
        os.close(descriptor)
        raise FileRefused("changed while it was being opened; not read")
    return os.fdopen(descriptor, "rb")


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def read_limited(path, *, folder=None, limit=None):
    """The bytes of one record's file, read up to the record limit; raises FileRefused."""
    limit = limit or max_record_bytes()
    try:
        with open_regular(path, folder=folder) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FileRefused(f"is larger than {limit:,} bytes, the limit for one record (ARCHIVE_MAX_RECORD_BYTES)")
    return data
