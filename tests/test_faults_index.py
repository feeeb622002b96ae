"""A damaged, read-only or full index folder: reads keep working or say why, writes fail clearly, nothing is lost.

(A rebuild killed halfway is tested with real processes in test_search_processes.py.)
"""

import gc
import io
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from archive import search
from archive.models import Article
from tests import search_corpus

pytestmark = pytest.mark.django_db(transaction=True)

# Whoosh leaves a file open when it fails to read a damaged one; it is closed when collected.
leaks_a_file = pytest.mark.filterwarnings("ignore::ResourceWarning",
                                          "ignore::pytest.PytestUnraisableExceptionWarning")


def index_folder():
    root = Path(settings.DATA_DIR) / "search"
    return root / (root / "CURRENT").read_text().strip()


def check_index(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_index", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue() + err.getvalue()


def save_article(slug, title):
    # One transaction, as a save in the admin is: the index is written after the commit.
    with transaction.atomic():
        return Article.objects.create(slug=slug, title=title, body="Der Wurm Blaster befällt Rechner.",
                                      language="de")


def truncate(path):
    os.truncate(path, path.stat().st_size // 2)


def garble(path):
    data = bytearray(path.read_bytes())
    for i in range(64, len(data), 5):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def cut_toc(path):
    os.truncate(path, 10)


@pytest.fixture
def damaged_index(request):
    """The corpus indexed into a fresh folder, one of whose files is then damaged before anyone reads it."""
    search_corpus.build()
    search.rebuild()  # a folder this process has not opened (an open one is memory-mapped)
    damage, pattern = request.param
    target = next(index_folder().glob(pattern))
    damage(target)
    yield target
    gc.collect()


DAMAGES = [(truncate, "*.seg"), (garble, "*.seg"), (cut_toc, "_MAIN_*.toc"), (Path.unlink, "*.seg")]


@leaks_a_file
@pytest.mark.parametrize("damaged_index", DAMAGES, indirect=True, ids=["cut-segment", "garbled-segment",
                                                                        "cut-toc", "lost-segment"])
def test_a_damaged_index_gives_503_saying_to_rebuild_then_rebuild_repairs_it(damaged_index, client):
    page = client.get("/search/", {"q": "worm"})
    assert page.status_code == 503
    assert "rebuild_index" in page.content.decode()
    api = client.get("/api/search", {"q": "worm"})
    assert api.status_code == 503
    assert "cannot be read" in api.json()["error"]
    assert client.get("/articles/taz-code-red/").status_code == 200  # the rest of the site is unaffected

    code, output = check_index()
    assert code == 1
    assert "The search index cannot be read" in output and "rebuild_index" in output
    # What Whoosh ran into, for whoever repairs it; readers are shown no server paths.
    assert re.search(r"rebuild_index`\. \(\w+: ", output), output
    assert str(settings.DATA_DIR) not in page.content.decode()

    call_command("rebuild_index", verbosity=0)
    assert check_index()[0] == 0
    assert client.get("/search/", {"q": "worm"}).status_code == 200
    assert search.search("worm").total == 3


@leaks_a_file
@pytest.mark.parametrize("damaged_index", DAMAGES[:1], indirect=True)
def test_check_index_fix_rebuilds_a_damaged_index(damaged_index):
    code, output = check_index("--fix")
    assert code == 0
    assert "Rebuilt the index" in output
    assert check_index()[0] == 0
    assert search.search("worm").total == 3


# --- writes that cannot be made -------------------------------------------------------


def assert_reads_go_on_and_the_miss_is_reported(client, caplog, slug):
    assert Article.objects.filter(slug=slug).exists()  # the save itself succeeded
    errors = [r.getMessage() + str(r.exc_info[1] if r.exc_info else "") for r in caplog.records
              if r.levelno >= logging.ERROR]
    assert any("the search index cannot be written" in text and "check_index --fix" in text for text in errors), errors
    page = client.get("/search/", {"q": "Hotmail"})
    assert page.status_code == 200
    assert "Hotmail hit by worm" in page.content.decode()
    code, output = check_index()
    assert code == 1
    assert "missing: 1" in output and "missing: article:" in output


def test_a_folder_in_the_way_fails_the_write_clearly_and_reads_go_on(client, caplog):
    """Root writes anywhere chmod forbids, so the index folder is made unwritable by a file where
    its queue folder belongs: that fails for root too (ENOTDIR)."""
    search_corpus.build()
    queue = Path(settings.DATA_DIR) / "search" / "queue"
    shutil.rmtree(queue, ignore_errors=True)
    queue.write_text("in the way\n")

    save_article("blaster", "Blaster befällt Rechner")
    assert_reads_go_on_and_the_miss_is_reported(client, caplog, "blaster")

    queue.unlink()
    code, output = check_index("--fix")
    assert code == 0, output
    assert check_index()[0] == 0
    assert search.search("Blaster").total == 1


# --- a real read-only or full file system (needs permission to mount) -----------------


def skip_unless_mounting_works(done):
    if done.returncode:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); the folder-in-the-way test covers a failing write")


@pytest.fixture
def mounts():
    """Mount file systems on folders; skipped where mounting is not allowed (no root, a locked container)."""
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting needs root; the folder-in-the-way test covers a failing write")
    mounted = []

    def mount(*args):
        done = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True)
        skip_unless_mounting_works(done)
        mounted.append(args[-1])

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_index_folder_fails_the_write_clearly_and_reads_go_on(client, caplog, mounts):
    search_corpus.build()
    assert client.get("/search/", {"q": "Hotmail"}).status_code == 200
    # The index folder, seen through a read-only bind mount: a real EROFS, root or not.
    root = Path(settings.DATA_DIR) / "search"
    writable = root.with_name("search-writable")
    root.rename(writable)
    root.mkdir()
    mounts("--bind", writable, root)
    mounts("-o", "remount,bind,ro", root)

    save_article("blaster", "Blaster befällt Rechner")
    assert_reads_go_on_and_the_miss_is_reported(client, caplog, "blaster")
    assert "Read-only file system" in caplog.text

    subprocess.run(["umount", str(root)], check=True)
    root.rmdir()
    writable.rename(root)
    assert check_index("--fix")[0] == 0
    assert check_index()[0] == 0
    assert search.search("Blaster").total == 1


def fill(folder, name="filler"):
    """Write a file until the disk is full, to the last byte; return it."""
    # Index files deleted while a closed searcher still mapped them are freed when it is collected.
    gc.collect()
    filler = folder / name
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    with pytest.raises(OSError):
        (folder / "probe").write_bytes(b"x")
    return filler


def test_a_full_disk_fails_the_import_clearly_keeps_the_articles_and_reads_go_on(client, caplog, mounts, tmp_path):
    folder = Path(settings.DATA_DIR) / "search"
    folder.mkdir()
    mounts("-t", "tmpfs", "-o", "size=4m", "tmpfs", folder)
    search_corpus.build()
    filler = fill(folder)

    save_article("blaster", "Blaster befällt Rechner")
    assert_reads_go_on_and_the_miss_is_reported(client, caplog, "blaster")
    assert "No space left on device" in caplog.text

    # Searchers replaced since then may have freed index files: fill again.
    more = fill(folder, "filler-2")
    article = tmp_path / "sasser.md"
    article.write_text("---\ntitle: Sasser legt Rechner lahm\nlanguage: de\n---\n\nDer Wurm Sasser verbreitet sich.\n")
    err = io.StringIO()
    with pytest.raises(Exception, match="The articles are saved, but the search index cannot be written") as failed:
        call_command("import_articles", str(article), stdout=io.StringIO(), stderr=err)
    assert "No space left on device" in str(failed.value)
    assert Article.objects.filter(title="Sasser legt Rechner lahm").exists()

    filler.unlink()
    more.unlink()
    code, output = check_index("--fix")
    assert code == 0, output
    assert check_index()[0] == 0
    assert search.search("Sasser").total == 1
