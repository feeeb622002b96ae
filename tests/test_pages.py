import pytest
from django.contrib.auth.models import User

SLUG = "computervirus-code-red-2-schlaegt-zu"


def test_home_lists_articles_entities_and_events(client, loaded):
    html = client.get("/").content.decode()
    assert "Computervirus Code Red 2 schlägt zu" in html
    assert "Code Red II appears" in html
    assert 'href="/entities/symantec/"' in html


def test_article_page_shows_the_article_with_entity_links(client, loaded):
    response = client.get(f"/articles/{SLUG}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Computervirus Code Red 2 schlägt zu</h1>" in html
    assert "REDMOND/MÜNCHEN" in html and "DPA/AP" in html
    assert "Microsoft-Server und Cisco-Modems befallen." in html
    assert "<p>Das Sabotageprogramm „Code Red II“" in html
    assert 'href="/entities/29a/"' in html and 'href="/entities/code-red-ii/"' in html
    assert "10 August 2001" in html and "date inferred" in html
    assert 'lang="de"' in html
    assert "taz lesen kann" not in html


def test_entity_page_shows_aliases_articles_and_events(client, loaded):
    html = client.get("/entities/code-red-ii/").content.decode()
    assert "Code Red 2" in html
    assert f'href="/articles/{SLUG}/"' in html
    assert "Code Red II appears" in html


def test_event_page_shows_date_claims_references_and_coverage(client, loaded):
    html = client.get("/events/code-red-peak/").content.decode()
    assert "19 July 2001" in html
    assert "359,000 hosts" in html and "250,000 computers" in html
    assert f'href="/articles/{SLUG}/"' in html


def test_month_precision_is_shown_as_a_month(client, loaded):
    html = client.get("/events/29a-denies-code-red/").content.decode()
    assert "August 2001" in html
    assert "2001-08-01" not in html and "1 August 2001" not in html


@pytest.mark.parametrize("url", ["/articles/nope/", "/entities/nope/", "/events/nope/"])
def test_unknown_slugs_are_404(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("model", ["source", "article", "entity", "mention", "event", "coverage"])
def test_admin_change_lists_load_for_staff(client, loaded, model):
    User.objects.create_superuser("editor", "editor@example.org", "a-long-password")
    client.login(username="editor", password="a-long-password")
    assert client.get(f"/admin/archive/{model}/").status_code == 200
    assert client.get(f"/admin/archive/{model}/?q=code").status_code == 200


def test_admin_change_form_for_the_founding_article(client, loaded):
    from archive.models import Article

    User.objects.create_superuser("editor", "editor@example.org", "a-long-password")
    client.login(username="editor", password="a-long-password")
    article = Article.objects.get(slug=SLUG)
    html = client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "taz lesen kann jede:r" in html  # the cut boilerplate is visible to editors


def test_admin_needs_a_login(client, db):
    assert client.get("/admin/archive/article/").status_code == 302
