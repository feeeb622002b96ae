"""Bulk commands write mentions and articles in bulk; the index must follow them all the same."""

import io

import pytest
from django.core.management import call_command

from archive import search
from archive.models import Entity
from tests.importing import run_import, write_jsonl

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("search_backend")]

RECORDS = [
    {"title": "Nimda follows Code Red", "body": "The Nimda worm spread after Code Red and hit Microsoft.",
     "language": "en"},
    {"title": "Blaster hits Windows", "body": "The Blaster worm attacks Windows machines across the world.",
     "language": "en"},
]


def slugs(query, **filters):
    return [result["slug"] for result in search.search(query, filters=search.Filters(**filters)).results]


def test_imported_articles_are_searchable_and_the_index_matches_the_database(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", *RECORDS))
    assert len(slugs("Blaster")) == 1
    assert search.check().clean


def test_retagging_reaches_the_index(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", *RECORDS))
    Entity.objects.create(slug="nimda", name="Nimda", kind="malware")
    assert slugs("worm", entities=("nimda",)) == []

    call_command("tag_entities", stdout=io.StringIO(), stderr=io.StringIO())

    assert len(slugs("worm", entities=("nimda",))) == 1
    assert search.check().clean
