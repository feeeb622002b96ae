import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CONTENT = Path(settings.CONTENT_DIR)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    """Every test gets its own data folder, so nothing touches var/."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the real content/ folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def loaded(db):
    """The database with the project's own content/ loaded."""
    call_command("load_content", verbosity=0)
