import html

import pytest
from django.http import QueryDict

from archive.models import Entity
from archive.params import BadParameter
from archive.timeline.filters import build, parse
from tests import timeline_factories as make


@pytest.fixture
def story(db):
    worm = make.entity("worm")
    other = make.entity("other-thing", kind="product")
    taz = make.source("taz", "de")
    bbc = make.source("bbc", "en")
    make.event("advisory", "2001-06-18", kind="advisory", incident=worm)
    make.event("outbreak", "2001-07-13", entities=[worm])
    make.event("guess", "2001-07-20", kind="attack", entities=[worm], inferred=True, reason="'am Freitag'")
    make.event("unrelated", "2001-07-14", entities=[other])
    make.event("someday", None, entities=[worm])
    make.article("taz-report", "2001-08-10", entities=[worm], source_=taz, language="de")
    make.article("bbc-report", "2001-08", entities=[worm], source_=bbc, language="en")
    make.article("bbc-other", "2001-07-15", entities=[other], source_=bbc, language="en")
    make.article("lost", None, entities=[worm], source_=taz)


def slugs(params):
    return [item.slug for item in build(parse(QueryDict(params))).items]


def test_it_shows_everything_dated_in_order_and_counts_the_undated(story):
    timeline = build(parse(QueryDict("")))
    assert [i.slug for i in timeline.items] == [
        "advisory", "outbreak", "unrelated", "bbc-other", "guess", "taz-report", "bbc-report",
    ]
    assert timeline.undated_count == 2
    assert {i.slug for i in timeline.undated} == {"someday", "lost"}


def test_it_filters_by_entity_including_the_events_of_its_incident(story):
    assert slugs("entity=worm") == ["advisory", "outbreak", "guess", "taz-report", "bbc-report"]


def test_it_filters_by_kind_and_by_article_as_a_kind(story):
    assert slugs("kind=advisory,attack") == ["advisory", "guess"]
    assert slugs("kind=article&entity=worm") == ["taz-report", "bbc-report"]
    assert slugs("kind=patch&kind=advisory") == ["advisory"]


def test_source_and_language_narrow_the_articles_and_keep_the_events(story):
    assert slugs("source=bbc&entity=worm") == ["advisory", "outbreak", "guess", "bbc-report"]
    assert slugs("language=de&kind=article") == ["taz-report"]


def test_a_date_range_keeps_items_whose_period_overlaps_it(story):
    # "August 2001" may lie after 5 August, so it stays; 10 August is out of range.
    assert slugs("from=2001-08-05&to=2001-08-09") == ["bbc-report"]
    assert slugs("from=2001-07&to=2001-07") == ["outbreak", "unrelated", "bbc-other", "guess"]
    assert slugs("to=2001-06") == ["advisory"]


def test_it_hides_inferred_dates_when_asked(story):
    assert "guess" in slugs("")
    assert "guess" not in slugs("hide_inferred=1")


@pytest.mark.parametrize(("params", "name"), [
    ("from=2001-13", "from"),
    ("to=2001-02-30", "to"),
    ("from=yesterday", "from"),
    ("from=0000", "from"),
    ("kind=rumour", "kind"),
    ("language=fr", "language"),
    ("source=nowhere", "source"),
    ("hide_inferred=maybe", "hide_inferred"),
    ("from=2002&to=2001", "from"),
])
def test_it_refuses_bad_parameters_naming_them(story, params, name):
    with pytest.raises(BadParameter) as error:
        parse(QueryDict(params))
    assert error.value.parameter == name
    assert f"'{name}'" in str(error.value)


def test_an_unknown_entity_is_not_found(story):
    with pytest.raises(Entity.DoesNotExist):
        parse(QueryDict("entity=nobody"))


@pytest.mark.parametrize("url", [
    "/timeline/?from=2001-13", "/timeline/?kind=rumour", "/timeline/?to=x", "/timeline/?hide_inferred=2",
    "/entities/worm/timeline/?from=0",
    "/timeline/export.csv?from=2001-13", "/timeline/export.timelinejs.json?kind=x", "/timeline/export.ics?to=x",
    "/archive/0/", "/archive/2001/13/", "/archive/2001/0/", "/archive/abc/", "/archive/2001/may/", "/archive/10000/",
])
def test_pages_answer_bad_parameters_with_400_and_a_clear_message(client, story, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Parameter '" in html.unescape(response.content.decode())


@pytest.mark.parametrize("url", [
    "/timeline/?entity=nobody", "/entities/nobody/timeline/", "/entities/nobody/timeline/export.json",
    "/timeline/export.pdf",
])
def test_unknown_entities_and_formats_are_404(client, story, url):
    assert client.get(url).status_code == 404


def test_the_timeline_page_shows_filters_items_and_undated_items(client, story):
    page = client.get("/timeline/?entity=worm&hide_inferred=1").content.decode()
    assert 'href="/events/outbreak/"' in page and 'href="/articles/taz-report/"' in page
    assert 'href="/events/guess/"' not in page
    assert 'href="/events/unrelated/"' not in page
    assert "Undated (2)" in page and 'href="/articles/lost/"' in page
    assert "/timeline/export.timelinejs.json?entity=worm&amp;hide_inferred=1" in page
