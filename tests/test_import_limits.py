"""import_articles reads only regular files, only inside the folder it was given, and only up to its limits.

The hostile files are real: a gzip that expands into one 1 GiB line, links to /dev/zero and
out of the folder, a FIFO with no writer.
"""

import gzip
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from archive.ingest import files
from archive.models import Article
from tests.importing import run_import, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"title": "Wurm befällt Server", "body": "Der Wurm Code Red befällt Server von Microsoft.", "language": "de"}
GIB = 1024 ** 3
SCRAPE = "Wurm: Code Red schlägt zu\n\nDer Wurm Code Red befällt die Server von Microsoft in aller Welt.\n"


def one_gib_line(path):
    """A .jsonl.gz of about 1 MB whose single line expands to 1 GiB: gzip members, each 16 MiB of 'x'."""
    member = gzip.compress(b"x" * (16 * 1024 * 1024), compresslevel=9)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(b'{"title": "'))
        for _ in range(GIB // (16 * 1024 * 1024)):
            handle.write(member)
    return path


def test_a_gzip_line_expanding_to_1_gib_is_refused_after_reading_at_most_the_limit(db, tmp_path, settings):
    settings.ARCHIVE_MAX_RECORD_BYTES = 1024 * 1024
    settings.ARCHIVE_MAX_FILE_BYTES = 64 * 1024 * 1024
    path = one_gib_line(tmp_path / "bomb.jsonl.gz")
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        items = list(files.read_items(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(item.where, item.problem.split(";")[0]) for item in items][0] == (
        f"{path}:1", "line is longer than 1,048,576 bytes")
    assert "more than 67,108,864 bytes once decompressed (ARCHIVE_MAX_FILE_BYTES)" in items[-1].problem
    # A few times the limit (buffers of the reader and the decompressor), not the line's gigabyte.
    assert peak < 8 * 1024 * 1024


def test_the_command_refuses_the_expanding_line_and_imports_the_other_file(db, tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 64 * 1024 * 1024
    bomb = one_gib_line(tmp_path / "bomb.jsonl.gz")
    good = write_jsonl(tmp_path / "good.jsonl", GOOD)
    out, err, failed = run_import(bomb, good)
    assert failed
    assert f"{bomb}:1: line is longer than 4,194,304 bytes" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 2" in out
    assert list(Article.objects.values_list("title", flat=True)) == [GOOD["title"]]


@pytest.mark.parametrize("name", ["zero.jsonl", "zero.jsonl.gz", "zero.md", "zero.txt"])
def test_a_link_to_the_zero_device_is_refused_unread(db, tmp_path, name):
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    out, err, failed = run_import(link)
    assert failed
    assert f"{link}: is not a regular file (a device); not read" in err
    assert "created: 0  updated: 0  unchanged: 0  failed: 1" in out


def test_a_fifo_is_never_opened(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jsonl")
    write_jsonl(folder / "good.jsonl", GOOD)
    # Opening the FIFO would wait for a writer for ever: it must be refused before that, in the folder and by name.
    out, err, failed = run_import(folder, folder / "pipe.jsonl")
    assert failed
    assert err.count(f"{folder / 'pipe.jsonl'}: is not a regular file (a FIFO); not read") == 2
    assert "created: 1  updated: 0  unchanged: 0  failed: 2" in out


@pytest.mark.parametrize("target", ["own", "/etc/os-release", "/etc/shadow"])
def test_a_link_out_of_the_folder_is_refused_naming_the_file(db, tmp_path, target):
    if target == "own":
        outside = tmp_path / "outside" / "secret.txt"
        outside.parent.mkdir()
        outside.write_text(SCRAPE, encoding="utf-8")
        target = str(outside)
    elif not os.path.lexists(target):
        pytest.skip(f"{target} does not exist here")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "release.txt").symlink_to(target)
    out, err, failed = run_import(folder, language="de")
    assert failed
    assert f"{folder / 'release.txt'}: is a link that leads outside {folder}" in err
    assert Article.objects.count() == 0


def test_a_link_inside_the_folder_is_followed(db, tmp_path):
    folder = tmp_path / "in"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "real.txt").write_text(SCRAPE, encoding="utf-8")
    (folder / "alias.txt").symlink_to(folder / "texts" / "real.txt")
    out, err, failed = run_import(folder, language="de")
    assert not failed, err
    assert "created: 1  updated: 0  unchanged: 1  failed: 0" in out


def test_the_record_limit_is_a_setting(db, tmp_path, settings):
    settings.ARCHIVE_MAX_RECORD_BYTES = 2048
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: Lang\nlanguage: de\n---\n\n" + "Wurm " * 500, encoding="utf-8")
    small = write_jsonl(tmp_path / "small.jsonl", GOOD, {**GOOD, "title": "Zweiter", "body": "Wurm " * 500})
    out, err, failed = run_import(path, small)
    assert f"{path}: is larger than 2,048 bytes, the limit for one record (ARCHIVE_MAX_RECORD_BYTES)" in err
    assert f"{small}:2: line is longer than 2,048 bytes" in err
    assert "created: 1  updated: 0  unchanged: 0  failed: 2" in out


def test_the_limits_are_read_from_the_environment():
    env = {**os.environ, "ARCHIVE_MAX_RECORD_BYTES": "5000", "ARCHIVE_MAX_FILE_BYTES": "90000"}
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.ARCHIVE_MAX_RECORD_BYTES, settings.ARCHIVE_MAX_FILE_BYTES)"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    assert shown.stdout.split() == ["5000", "90000"]
    env["ARCHIVE_MAX_RECORD_BYTES"] = "4MB"
    refused = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "ARCHIVE_MAX_RECORD_BYTES='4MB' is not a whole number" in refused.stderr
