"""Several web workers searching one PostgreSQL: a record saved through one worker is found through all at once.

With ARCHIVE_SEARCH_BACKEND=postgres the search documents live in the database every
worker reads, so no worker keeps an index of its own that could lag behind.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Entity
from tests.test_workers import ENTITY, PASSWORD, Browser, read_through_every_worker, site  # noqa: F401

pytestmark = pytest.mark.postgres_only

WORD = "Quokkawurm"


@pytest.fixture
def postgres_search(settings):
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"


@pytest.fixture
def search_site(postgres_search, site):  # noqa: F811 (the fixture imported above)
    return site


def totals(bodies):
    return {pid: {json.loads(body)["total"] for body in answers} for pid, answers in bodies.items()}


def test_a_change_through_the_admin_is_found_by_every_worker_at_once(search_site):
    call_command("load_content", verbosity=0)
    call_command("rebuild_index", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    entity = Entity.objects.get(slug=ENTITY)
    path = f"/api/search?q={WORD}"
    before, next_id = read_through_every_worker(search_site, path, 0)
    assert set().union(*totals(before).values()) == {0}

    editor = Browser(search_site.base_url)
    editor.submit("/admin/login/?next=/admin/", "login-form", {"username": "editor", "password": PASSWORD})
    status, landed, html = editor.submit(
        f"/admin/archive/entity/{entity.pk}/change/", "entity_form",
        {"description": f"Nicknamed the {WORD} by one newsroom in August 2001."},
    )
    assert status == 200 and landed.endswith("/admin/archive/entity/"), html[-2000:]

    after, _ = read_through_every_worker(search_site, path, next_id)
    assert set(after) == set(before), "a worker was replaced between the reads"
    found = totals(after)
    assert all(values == {1} for values in found.values()), f"totals per worker: {found}"
    result = json.loads(next(iter(after.values()))[0])["results"][0]
    assert result["slug"] == ENTITY and "<mark>" in result["snippet"]
