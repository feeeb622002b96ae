import datetime as dt

from archive.models import Article, Event

SLUG = "computervirus-code-red-2-schlaegt-zu"


def test_it_has_the_fields_of_the_printed_article(loaded):
    article = Article.objects.get(slug=SLUG)
    assert article.title == "Computervirus Code Red 2 schlägt zu"
    assert article.kicker == ""
    assert article.teaser.startswith("Microsoft-Server und Cisco-Modems befallen.")
    assert article.dateline == "REDMOND/MÜNCHEN"
    assert article.byline == "DPA/AP"
    assert article.source.slug == "taz"
    assert article.language == "de"
    assert article.body.startswith("Das Sabotageprogramm „Code Red II“ ist bei Microsoft eingedrungen")
    assert article.body.rstrip().endswith("„das hat nichts mit dem Wurm Code Red zu tun.“")
    assert article.body.count("\n\n") == 4


def test_its_date_is_inferred_with_the_reason(loaded):
    article = Article.objects.get(slug=SLUG)
    assert article.date == dt.date(2001, 8, 10)
    assert article.date_precision == "day"
    assert article.date_inferred
    assert "am Donnerstag" in article.date_reason


def test_it_sorts_after_code_red_ii(loaded):
    article = Article.objects.get(slug=SLUG)
    assert Event.objects.get(slug="code-red-ii-appears").date < article.date


def test_the_donation_appeal_is_not_part_of_it_but_kept_in_provenance(loaded):
    article = Article.objects.get(slug=SLUG)
    for text in (article.body, article.body_html, article.teaser):
        assert "taz lesen kann jede:r" not in text
        assert "Genossenschaft" not in text
    assert article.removed_boilerplate[0] == "taz lesen kann jede:r"
    assert "Jetzt unterstützen" in article.removed_boilerplate[1]


def test_it_is_tagged_with_everything_it_names(loaded):
    article = Article.objects.get(slug=SLUG)
    tagged = set(article.entities.values_list("slug", flat=True))
    assert tagged == {
        "microsoft", "symantec", "qwest", "cisco", "29a", "hotmail", "msn", "iis", "windows-nt", "windows-2000",
        "code-red", "code-red-ii", "red-code", "white-house", "christoph-fischer", "thomas-baumgaertner",
        "wintermute", "dpa", "ap", "redmond", "muenchen", "usa",
    }


def test_red_code_is_not_an_alias_of_code_red(loaded):
    from archive.models import Entity

    code_red = Entity.objects.get(slug="code-red")
    assert "Red Code" not in code_red.all_names()
    assert Entity.objects.get(slug="29a").aliases.filter(name="29 a").exists()
    assert Entity.objects.get(slug="code-red-ii").aliases.filter(name="Code Red 2").exists()


def test_the_code_red_story_has_its_events(loaded):
    kinds = dict(Event.objects.filter(incident__slug="code-red").values_list("slug", "kind"))
    assert kinds["ms01-033-advisory"] == "advisory"
    assert kinds["ms01-033-patch"] == "patch"
    assert kinds["code-red-first-seen"] == "outbreak"
    assert kinds["code-red-peak"] == "peak"
    assert kinds["code-red-white-house-attack"] == "attack"
    assert kinds["code-red-ii-appears"] == "outbreak"
    assert "MS01-033" in Event.objects.get(slug="ms01-033-advisory").references
