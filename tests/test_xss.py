"""Every known XSS vector, through every path that turns text into a page: none survives."""

import datetime as dt

import pytest

from archive.models import Article, Claim, Coverage, Entity, EntityAlias, Event, Mention, Source
from archive.rendering import render_markdown, safe_url, sanitize
from archive.templatetags.archive_tags import markdown
from tests.xss_vectors import VECTORS, executable_constructs

HOSTILE_URLS = [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "\x01javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "//evil.example/", "https:alert(1)", 'https://ok.example/"onmouseover="alert(1)', "mailto:a@b.example",
]


def test_there_are_at_least_fifty_vectors():
    assert len(set(VECTORS)) >= 50


def test_the_checker_sees_what_it_looks_for():
    """The checker itself must catch raw vectors, or passing tests would prove nothing."""
    caught = [v for v in VECTORS if executable_constructs(v)]
    assert len(caught) >= 50
    assert executable_constructs('<a href="java&#x09;script:alert(1)">x</a>')
    assert not executable_constructs('<p><a href="https://ok.example/" rel="nofollow noopener">ok</a></p>')


@pytest.mark.parametrize("vector", VECTORS)
def test_markdown_rendering_leaves_nothing_executable(vector):
    assert executable_constructs(render_markdown(vector)) == []
    assert executable_constructs(render_markdown(f"Text before.\n\n{vector}\n\nText after *{vector}*.")) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_sanitising_raw_html_leaves_nothing_executable(vector):
    assert executable_constructs(sanitize(vector)) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_the_markdown_filter_leaves_nothing_executable(vector):
    assert executable_constructs(str(markdown(vector))) == []


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_absolute_http_urls_become_links(url):
    assert safe_url(url) == ""


def test_ordinary_links_stay_links():
    assert safe_url("https://www.kb.cert.org/vuls/id/952336") == "https://www.kb.cert.org/vuls/id/952336"
    html = render_markdown("[advisory](https://example.org/a?b=1) and [mail](mailto:x@example.org)")
    assert 'href="https://example.org/a?b=1" rel="nofollow noopener"' in html
    assert 'href="mailto:x@example.org"' in html


def test_deeply_nested_markdown_renders_as_text_instead_of_failing():
    html = render_markdown("* " * 3000 + "<script>alert(1)</script>")
    assert executable_constructs(html) == []
    assert "alert(1)" in html


def hostile_records(vector, url):
    """One record of each kind with the vector in every text field a page shows."""
    source = Source.objects.create(slug="hostile-source", name=vector, url=url, description=vector)
    entity = Entity.objects.create(slug="hostile-entity", name=vector, kind="malware", description=vector,
                                   wikidata=vector[:20], external_ids={"cve": vector})
    EntityAlias.objects.create(entity=entity, name=vector[:200])
    article = Article.objects.create(
        slug="hostile-article", title=vector, kicker=vector[:300], teaser=vector, body=vector, source=source,
        byline=vector[:300], dateline=vector[:300], language="en", url=url, origin=vector,
        date=dt.date(2001, 8, 10), date_inferred=True, date_reason=vector,
    )
    Mention.objects.create(article=article, entity=entity)
    event = Event.objects.create(
        slug="hostile-event", title=vector, kind="attack", description=vector, incident=entity,
        references=[vector, url], date=dt.date(2001, 7, 19), date_inferred=True, date_reason=vector,
    )
    event.entities.add(entity)
    Claim.objects.create(event=event, text=vector[:500], source_name=vector[:300], url=url)
    Coverage.objects.create(event=event, article=article)


PAGES = [
    "/", "/articles/hostile-article/", "/entities/hostile-entity/", "/events/hostile-event/",
    "/timeline/", "/entities/hostile-entity/timeline/", "/archive/2001/", "/archive/2001/08/",
    # Drawings are served inline as image/svg+xml, where a script would run if opened directly.
    "/timeline/export.svg", "/entities/hostile-entity/timeline/export.svg",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives_on_any_page(client, db, vector):
    hostile_records(vector, HOSTILE_URLS[VECTORS.index(vector) % len(HOSTILE_URLS)])
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        assert executable_constructs(response.content.decode(), page=True) == [], page


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_no_hostile_url_becomes_a_link_on_any_page(client, db, url):
    hostile_records("plain text", url)
    for page in PAGES:
        html = client.get(page).content.decode()
        assert executable_constructs(html, page=True) == [], page
        assert f'href="{url}"' not in html


def test_a_safe_reference_is_still_a_link(client, db):
    hostile_records("plain text", "https://example.org/advisory")
    html = client.get("/events/hostile-event/").content.decode()
    assert '<a href="https://example.org/advisory" rel="nofollow noopener">' in html


def test_descriptions_are_rendered_as_markdown(client, db):
    hostile_records("*worm* [site](https://example.org/)", "https://example.org/")
    for page in ("/entities/hostile-entity/", "/events/hostile-event/"):
        html = client.get(page).content.decode()
        assert '<em>worm</em> <a href="https://example.org/" rel="nofollow noopener">site</a>' in html


def test_template_syntax_in_records_is_shown_as_written(client, db):
    hostile_records("{{ 7|add:7 }} {% now 'Y' %}", "https://example.org/")
    for page in PAGES:
        html = client.get(page).content.decode()
        assert "{{ 7|add:7 }} {% now &#x27;Y&#x27; %}" in html or "{{ 7|add:7 }} {% now 'Y' %}" in html, page


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives_in_search_results_or_the_echoed_query(client, db, vector):
    from archive import search

    hostile_records(f"alert worm {vector}", "https://example.org/")
    search.rebuild()
    for query in ("alert", "worm", vector):
        response = client.get("/search/", {"q": query})
        assert response.status_code in (200, 400), query
        assert executable_constructs(response.content.decode(), page=True) == [], query
    found = client.get("/search/", {"q": "worm"}).content.decode()
    assert 'href="/articles/hostile-article/"' in found
    api = client.get("/api/search", {"q": vector})
    assert api["Content-Type"].startswith("application/json")
