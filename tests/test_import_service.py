import pytest

from archive.ingest.articles import CREATED, UNCHANGED, Defaults, ImportFailed, clean, import_article, slug_for
from archive.models import Article


def test_it_imports_one_article_on_its_own(loaded):
    cleaned = clean({"title": "Wurm", "body": "Code Red trifft Microsoft.", "language": "de"}, Defaults(source="taz"))
    status, article = import_article(cleaned=cleaned, origin="typed by hand")
    assert status == CREATED
    assert (article.source.slug, article.origin, article.slug) == ("taz", "typed by hand", "wurm")
    assert set(article.mentions.values_list("entity__slug", flat=True)) == {"code-red", "microsoft"}
    assert import_article(cleaned=cleaned, origin="again")[0] == UNCHANGED


def test_it_takes_keywords_only(loaded):
    cleaned = clean({"title": "Wurm", "body": "Text.", "language": "de"}, Defaults())
    with pytest.raises(TypeError):
        import_article(cleaned, "origin")
    assert not Article.objects.filter(title="Wurm").exists()


def test_clean_collects_every_problem_at_once():
    with pytest.raises(ImportFailed) as raised:
        clean({"body": "", "language": "xx", "date": "2001-02-30"}, Defaults())
    fields = [field for field, _ in raised.value.problems]
    assert fields == ["title", "body", "date", "language"]


@pytest.mark.parametrize(("title", "slug"), [
    ("Computervirus Code Red 2 schlägt zu", "computervirus-code-red-2-schlaegt-zu"),
    ("Größte Lücke: Straße gesperrt", "groesste-luecke-strasse-gesperrt"),
    ("«»", "article"),
    ("Wort " * 40, "wort-" * 15 + "wort"),
])
def test_slugs_spell_out_german_letters_and_stay_short(title, slug):
    assert slug_for(title) == slug


def test_an_article_another_process_added_meanwhile_is_found_not_duplicated(loaded):
    from archive.ingest.articles import KnownArticles

    known = KnownArticles()  # read before the other writer
    fields = {"title": "Wurm", "body": "Code Red trifft Microsoft.", "language": "de"}
    other, _ = Article.objects.get_or_create(slug="wurm", defaults={**fields, "language": "de"})
    cleaned = clean({**fields, "body": "Ein ganz anderer Text."}, Defaults())

    status, article = import_article(cleaned=cleaned, origin="late", known=known)

    assert status == CREATED
    assert article.slug == "wurm-2" and other.slug == "wurm"
