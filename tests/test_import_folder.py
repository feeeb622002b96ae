import gzip
import json
import shutil

from archive.models import Article
from tests.importing import SEED, run_import


def test_a_folder_of_mixed_formats_imports_in_one_run(loaded, tmp_path):
    Article.objects.all().delete()
    folder = tmp_path / "in"
    (folder / "scrapes").mkdir(parents=True)
    shutil.copy(SEED, folder / "scrapes" / SEED.name)
    (folder / "note.md").write_text(
        "---\ntitle: Code Red im Weißen Haus\nlanguage: de\nsource: taz\n---\n\nDie Website wurde umgezogen.\n",
        encoding="utf-8",
    )
    with gzip.open(folder / "export.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"title": "Worm", "body": "A worm hit IIS servers.", "language": "en"}) + "\n")
    (folder / ".hidden.jsonl").write_text("not even JSON", encoding="utf-8")
    (folder / "README").write_text("what this folder is", encoding="utf-8")

    out, err, failed = run_import(folder, source="taz")

    assert not failed, err
    assert out.strip() == "created: 3  updated: 0  unchanged: 0  failed: 0"
    assert f"{folder / 'README'}: skipped" in err and ".hidden" not in err
    assert set(Article.objects.values_list("slug", flat=True)) == {
        "computervirus-code-red-2-schlaegt-zu", "code-red-im-weissen-haus", "worm"
    }
    assert Article.objects.get(slug="worm").mentions.get().entity.slug == "iis"
