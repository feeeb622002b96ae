import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, data_dir):
    # The command's own SQLite database in a temporary folder, whatever database the suite runs on.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["ARCHIVE_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_command_reports_and_exits_non_zero_when_something_failed(tmp_path):
    data = tmp_path / "site"
    data.mkdir()
    assert manage("migrate", "--noinput", data_dir=data).returncode == 0
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"title": "Worm", "body": "The worm hit the servers and it was not the first time.", "language": "en"}
    (folder / "a.jsonl").write_text(json.dumps(good) + "\n{\"title\": \n", encoding="utf-8")

    result = manage("import_articles", str(folder), data_dir=data)

    assert result.returncode == 1
    assert result.stdout.strip() == "created: 1  updated: 0  unchanged: 0  failed: 1"
    assert f"{folder / 'a.jsonl'}:2: invalid JSON" in result.stderr

    again = manage("import_articles", str(folder / "a.jsonl"), data_dir=data)
    assert again.stdout.strip() == "created: 0  updated: 0  unchanged: 1  failed: 1"
