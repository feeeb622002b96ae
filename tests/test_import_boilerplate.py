import re

import pytest
import yaml

from archive.ingest import boilerplate, scrape
from archive.models import Article
from tests.importing import SEED, run_import

ARTICLE = ["Titel", "Teaser.", "BERLIN taz ■ Erster Absatz über Würmer.", "Zweiter Absatz."]


def parse(lines, source=""):
    return scrape.parse("\n".join(lines), source_slug=source)


def test_every_rule_in_the_rules_file_is_a_valid_pattern():
    data = yaml.safe_load(boilerplate.RULES_FILE.read_text(encoding="utf-8"))
    sections = [data["general"], *data["sources"].values()]
    patterns = [p for section in sections for kind in ("lines", "tail") for p in section.get(kind) or []]
    assert len(patterns) > 10
    for pattern in patterns:
        re.compile(pattern)


def test_the_taz_donation_appeal_and_all_after_it_are_cut_for_taz_only():
    lines = [*ARTICLE, "taz lesen kann jede:r", "Als Genossenschaft gehören wir unseren Leser:innen."]
    cut = parse(lines, "taz")
    assert cut["removed_boilerplate"] == lines[-2:]
    assert "Genossenschaft" not in cut["body"]
    assert "Genossenschaft" in parse(lines, "heise")["body"]


@pytest.mark.parametrize("line", ["Teilen", "Share", "Drucken", "Diesen Artikel teilen",
                                  "Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten.",
                                  "Cookie-Einstellungen: Alle akzeptieren", "Newsletter abonnieren", "Anzeige"])
def test_share_cookie_and_subscription_lines_are_cut_wherever_they_stand(line):
    cut = parse([line, *ARTICLE[:3], line, ARTICLE[3]])
    assert cut["title"] == "Titel"
    assert cut["removed_boilerplate"] == [line, line]
    assert line not in cut["body"]


@pytest.mark.parametrize("footer", ["Mehr zum Thema", "Lesen Sie auch: Der nächste Wurm", "Related stories"])
def test_link_lists_after_the_article_are_cut_to_the_end(footer):
    cut = parse([*ARTICLE, footer, "Ein anderer Artikel", "Noch einer"])
    assert cut["removed_boilerplate"] == [footer, "Ein anderer Artikel", "Noch einer"]
    assert cut["body"].endswith("Zweiter Absatz.\n")


def test_a_footer_phrase_at_the_top_does_not_take_the_article_with_it():
    cut = parse(["Mehr zum Thema Würmer", "Teaser.", "Text."])
    assert cut["title"] == "Mehr zum Thema Würmer"
    assert cut["removed_boilerplate"] == []


def test_a_paragraph_about_cookies_is_article_not_banner():
    paragraph = ("Die Datenschützer kritisieren, dass Nutzer auf vielen Seiten alle Cookies akzeptieren müssen, "
                 "bevor sie überhaupt lesen dürfen; das verstoße gegen die Verordnung, sagte eine Sprecherin "
                 "des Verbands am Dienstag in Berlin.")
    cut = parse([*ARTICLE, paragraph])
    assert paragraph in cut["body"]


def test_what_was_cut_is_kept_and_shown_to_editors(loaded, admin_client):
    Article.objects.all().delete()
    run_import(SEED, source="taz")
    article = Article.objects.get()
    assert article.removed_boilerplate[0] == "taz lesen kann jede:r"
    page = admin_client.get(f"/admin/archive/article/{article.pk}/change/")
    assert page.status_code == 200
    assert "taz lesen kann jede:r" in page.content.decode()
