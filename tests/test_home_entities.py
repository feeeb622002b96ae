"""The home page lists the entities named in the most articles, a fixed number of them whatever the archive's size."""

import pytest

from archive.models import Article, Mention
from archive.views import HOME_ENTITIES
from tests import timeline_factories as make


@pytest.fixture
def crowd(db):
    article = Article.objects.create(slug="one", title="One", body="x", language="en")
    others = Article.objects.bulk_create([Article(slug=f"a{n}", title=f"A{n}", body="x", language="en")
                                          for n in range(3)])
    for n in range(HOME_ENTITIES + 5):
        Mention.objects.create(article=article, entity=make.entity(f"entity-{n:02d}"))
    for tagged in (make.entity("popular", kind="person"), make.entity("entity-64")):
        Mention.objects.bulk_create([Mention(article=other, entity=tagged) for other in others])
    make.entity("unnamed")


def test_the_home_page_lists_the_most_named_entities_by_kind_and_says_so(client, crowd):
    page = client.get("/").content.decode()
    assert page.count('href="/entities/') == HOME_ENTITIES
    assert 'href="/entities/popular/"' in page and 'href="/entities/entity-64/"' in page
    # Ties are broken by name: the last names of the once-named are left out, as is the never-named.
    assert 'href="/entities/entity-00/"' in page and 'href="/entities/entity-63/"' not in page
    assert 'href="/entities/unnamed/"' not in page
    assert "The 60 entities named in the most articles, of 67" in page
    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die 60 meistgenannten von 67 Entitäten" in german


def test_a_small_archive_lists_every_entity_without_the_note(client, db):
    make.entity("worm")
    page = client.get("/").content.decode()
    assert 'href="/entities/worm/"' in page and "named in the most articles" not in page


def test_the_home_page_makes_as_many_queries_with_more_entities(client, crowd, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as counted:
        client.get("/")
    for n in range(30):
        make.entity(f"more-{n}")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get("/").status_code == 200
