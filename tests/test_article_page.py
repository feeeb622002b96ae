"""The article page as a research record: facts, hindsight notes, neighbours, related articles, citations."""

import datetime as dt
import json
import re

from django.contrib.auth.models import User

from archive import search
from archive.models import Article, Entity, Event, HindsightNote, Mention, Source

SLUG = "computervirus-code-red-2-schlaegt-zu"
PAGE = f"/articles/{SLUG}/"


def add_article(slug, title, date, entities=(), source="taz"):
    article = Article.objects.create(
        slug=slug, title=title, body="Text.", language="en", date=date, source=Source.objects.get(slug=source),
    )
    for slug_ in entities:
        Mention.objects.create(article=article, entity=Entity.objects.get(slug=slug_))
    return article


def test_it_shows_the_record_facts(client, loaded):
    html = client.get(PAGE).content.decode()
    assert "Published" in html and "(to the day)" in html
    assert "Byline / agencies" in html and "DPA/AP" in html
    assert "Dateline" in html and "REDMOND/MÜNCHEN" in html
    assert "am Donnerstag" in html  # why the date is what it is
    assert "<dd>German</dd>" in html
    assert 'href="https://taz.de/"' in html


def test_it_shows_provenance_and_cut_boilerplate_only_to_editors(client, loaded):
    html = client.get(PAGE).content.decode()
    assert "000_6ed5ad2b58a1c3c8.txt" in html and "2 passages" in html
    assert "taz lesen kann" not in html
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(editor)
    html = client.get(PAGE).content.decode()
    assert "taz lesen kann" in html and "Edit in the admin" in html


def test_it_shows_hindsight_notes_apart_from_the_unchanged_text(client, loaded):
    article = Article.objects.get(slug=SLUG)
    body_before = article.body_html
    event = Event.objects.get(slug="code-red-second-wave")
    HindsightNote.objects.create(
        article=article, date=dt.date(2003, 1, 5), text="Later counts put the infections at **359,000**.",
        event=event, url="https://example.org/report", author="Editor A",
    )
    HindsightNote.objects.create(article=article, date=dt.date(2002, 3, 1), text="<script>x()</script>Earlier note.")
    html = client.get(PAGE).content.decode()
    notes = html.split('<section class="hindsight"', 1)[1].split("</section>", 1)[0]
    assert "<strong>359,000</strong>" in notes and "Editor A" in notes
    assert f'href="{event.get_absolute_url()}"' in notes and 'href="https://example.org/report"' in notes
    assert notes.index("1 March 2002") < notes.index("5 January 2003")
    assert "<script>" not in notes
    article.refresh_from_db()
    assert article.body_html == body_before
    # The notes come after the article, never inside it.
    assert html.index("</article>") < html.index('<section class="hindsight"')


def test_it_ranks_related_articles_by_shared_entities(client, loaded):
    # Entities few articles name: the related articles are asked for the rarest of an article's entities.
    add_article("one-shared", "One shared", dt.date(2001, 9, 1), ["fbi", "29a"])
    add_article("three-shared", "Three shared", dt.date(2001, 9, 2), ["29a", "cisco", "qwest"])
    add_article("none-shared", "None shared", dt.date(2001, 9, 3), ["fbi"])
    search.rebuild()
    html = client.get(PAGE).content.decode()
    related = html.split('id="related-heading"', 1)[1]
    assert related.index("Three shared") < related.index("One shared")
    three = related.split("Three shared", 1)[1].split("</li>", 1)[0]
    assert all(name in three for name in ("shares: ", "29A", "Cisco", "Qwest"))
    assert "None shared" not in related


def test_it_links_the_previous_and_next_article_of_the_same_source(client, loaded):
    add_article("before", "Before", dt.date(2001, 8, 9))
    add_article("long-before", "Long before", dt.date(2001, 1, 1))
    add_article("after", "After", dt.date(2001, 8, 11))
    Source.objects.create(slug="other", name="Other")
    add_article("other-source", "Other source", dt.date(2001, 8, 10), source="other")
    html = client.get(PAGE).content.decode()
    assert '<link rel="prev" href="/articles/before/">' in html
    assert '<link rel="next" href="/articles/after/">' in html
    assert "/articles/other-source/" not in html


def test_it_offers_citations_and_downloads(client, loaded):
    html = client.get(PAGE).content.decode()
    cite = html.split('<details class="cite"', 1)[1].split("</details>", 1)[0]
    for label in ("APA", "MLA", "Chicago", "BibTeX"):
        assert f">{label}</h3>" in cite
    assert "DPA &amp; AP. (2001, August 10). Computervirus Code Red 2 schlägt zu. <i>taz</i>." in cite
    ris = client.get(PAGE + "cite.ris")
    assert ris["Content-Type"] == "application/x-research-info-systems"
    assert ris["Content-Disposition"] == f'attachment; filename="{SLUG}.ris"'
    assert "TY  - NEWS" in ris.content.decode()
    csl = client.get(PAGE + "cite.json")
    assert json.loads(csl.content)[0]["URL"] == f"http://testserver{PAGE}"
    assert client.get("/articles/nope/cite.ris").status_code == 404


def test_it_gives_highwire_tags_and_safe_json_ld(client, loaded):
    Article.objects.filter(slug=SLUG).update(title="Code Red </script><script>alert(1)</script>")
    html = client.get(PAGE).content.decode()
    assert '<meta name="citation_author" content="DPA">' in html
    assert '<meta name="citation_publication_date" content="2001/08/10">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["headline"] == "Code Red </script><script>alert(1)</script>"
    assert "<script>alert" not in html


def test_it_lets_editors_write_hindsight_notes_in_the_article_admin(client, loaded):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    article = Article.objects.get(slug=SLUG)
    html = client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert 'name="hindsight_notes-TOTAL_FORMS"' in html
