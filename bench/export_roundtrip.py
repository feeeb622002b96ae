"""Time load_content and export_archive on a generated archive, and check the round trip.

    python bench/export_roundtrip.py [--articles 5000]

Everything happens in a temporary folder with its own SQLite database; the
project's content/ is copied in and N generated articles are added.
"""

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(env, *args):
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def same_tree(left, right):
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(left / d, right / d) for d in comparison.common_dirs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        content = temp / "content"
        shutil.copytree(ROOT / "content", content)
        for number in range(options.articles):
            (content / "articles" / f"generated-{number:06d}.md").write_text(
                f"---\ntitle: Generated article {number}\nsource: taz\nlanguage: de\ndate: 2001-08\n"
                "entities: [code-red, microsoft]\n---\n\n" + "Ein Absatz über *Code Red*.\n\n" * 20,
                encoding="utf-8",
            )
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_") and k != "DATABASE_URL"}
        figures = {}
        for name in ("first", "second"):
            env["ARCHIVE_DATA_DIR"] = str(temp / f"var-{name}")
            Path(env["ARCHIVE_DATA_DIR"]).mkdir()
            run(env, "migrate", "--noinput")
            figures[f"load ({name})"] = run(env, "load_content", str(content))
            figures[f"export ({name})"] = run(env, "export_archive", str(temp / f"export-{name}"))
            content = temp / f"export-{name}"
        identical = same_tree(temp / "export-first", temp / "export-second")
    print(f"{options.articles} generated articles + content/")
    for name, seconds in figures.items():
        print(f"  {name:16} {seconds:6.1f} s")
    print(f"  round trip byte for byte: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
