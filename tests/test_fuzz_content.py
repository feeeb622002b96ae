"""Property tests: hostile or random content files only ever give reported
problems, never an exception; odd addresses give 404, never 500; rendering
never raises and never lets script through; any text survives an export."""

import shutil
import string
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import rules
from archive.contentfiles import apply, fields, reader
from archive.contentfiles.export import export_archive
from archive.ingest.frontmatter import FrontMatterError, split
from archive.models import Source
from archive.rendering import render_markdown
from tests.xss_vectors import VECTORS, executable_constructs

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

KEYS = sorted(fields.ARTICLE_KEYS | fields.EVENT_KEYS | fields.ENTITY_KEYS | fields.SOURCE_KEYS | {"junk"})
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True),
    st.text(max_size=40), st.sampled_from(["2001", "2001-08", "2001-02-30", "unknown", "day", "month", "de", "taz",
                                           "code-red", "malware", "peak", "manual", "alias", "https://x.org/",
                                           "javascript:alert(1)", "\x00", "x" * 600]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS + ["entity", "count", "method",
                                                                                        "article", "confirmed",
                                                                                        "text", "source", "name"]),
                                                                inner, max_size=4),
    max_leaves=12,
)
MAPPINGS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=10)
SLUGS = st.one_of(st.sampled_from(["ok", "Bad Name", "x" * 80, "ünï", "a.b", "-"]),
                  st.text(alphabet=string.ascii_lowercase + "-_. ", min_size=1, max_size=20).filter(
                      lambda s: s.strip(". ") and "/" not in s))


def yaml_text(mapping):
    try:
        return yaml.safe_dump(mapping, allow_unicode=True)
    except yaml.YAMLError:
        return str(mapping)


FILE_TEXT = st.one_of(
    st.text(max_size=300),
    MAPPINGS.map(yaml_text),
    st.tuples(MAPPINGS.map(yaml_text), st.text(max_size=200)).map(lambda pair: f"---\n{pair[0]}---\n{pair[1]}"),
    st.sampled_from(["---\n", "---\ntitle: [\n---\n", "\ufeff---\na: b\n---\n", "- a\n- b\n", "a: *x\n",
                     "!!python/object:os.system ls\n", "---\n---\n", "a: b\n" * 3 + "\t- bad",
                     "title: " + "[" * 5000, "---\ntitle: " + "{a: " * 2000 + "\n---\n",
                     "a: &a [x, x]\nreferences: [*a, *a]\n"]),
)


@contextmanager
def rolled_back():
    """Run writes in a savepoint and undo them, so examples do not see each other's records."""
    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


@FUZZ
@given(files=st.lists(st.tuples(st.sampled_from(["sources", "entities", "events", "articles"]), SLUGS, FILE_TEXT,
                                st.booleans()), min_size=1, max_size=5))
def test_it_reports_problems_for_any_files_and_never_raises(loaded, files):
    folder = Path(tempfile.mkdtemp())
    try:
        for kind, slug, text, as_bytes in files:
            (folder / kind).mkdir(exist_ok=True)
            path = folder / kind / f"{slug}{'.md' if kind == 'articles' else '.yaml'}"
            if as_bytes:
                path.write_bytes(text.encode("utf-8", "surrogatepass") + b"\xff\xfe")
            else:
                path.write_text(text, encoding="utf-8", errors="surrogatepass")
        found = reader.read_folder(folder)
        for problem in found.problems:
            assert isinstance(problem, reader.Problem) and str(problem)
        if not found.problems:
            with rolled_back():
                apply.apply(found)
    finally:
        shutil.rmtree(folder)


ENTITY_FILES = st.fixed_dictionaries(
    {"name": st.text(max_size=30), "kind": st.sampled_from(["malware", "person", "worm"])},
    optional={"aliases": st.lists(st.one_of(st.text(max_size=20), st.fixed_dictionaries(
        {"name": st.text(max_size=20), "language": st.sampled_from(["de", "en", "fr", ""])})), max_size=3),
              "description": st.text(max_size=60) | st.sampled_from(VECTORS),
              "external_ids": st.dictionaries(st.text(max_size=5), st.text(max_size=10) | st.integers(), max_size=2)},
)


@FUZZ
@given(slug=SLUGS, data=ENTITY_FILES)
def test_an_entity_file_either_is_refused_or_loads_and_shows(client, loaded, slug, data):
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "entities").mkdir()
        (folder / "entities" / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        found = reader.read_folder(folder)
        if found.problems:
            return
        with rolled_back():
            apply.apply(found)
            assert client.get("/").status_code == 200
            page = client.get(f"/entities/{slug}/")
            assert page.status_code == 200
            assert executable_constructs(page.content.decode(), page=True) == []
    finally:
        shutil.rmtree(folder)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=200), FILE_TEXT))
def test_front_matter_either_splits_or_says_why(text):
    try:
        meta, body = split(text)
    except FrontMatterError as exc:
        assert str(exc).strip()
    else:
        assert isinstance(meta, dict) and body.endswith("\n")


@pytest.mark.parametrize("page", [
    "/articles/{}/", "/entities/{}/", "/events/{}/", "/articles/{}/cite.ris", "/entities/{}/timeline/",
    "/archive/{}/", "/archive/2001/{}/", "/timeline/export.{}",
])
@FUZZ
@given(part=st.one_of(st.text(min_size=1, max_size=60), st.integers().map(str), st.sampled_from(
    ["0", "-1", "00", "99999", "2001", "13", "08", "1e3", "２００１", "..", "%00", "code-red", "json"])))
def test_odd_addresses_are_refused_never_500(client, loaded, page, part):
    response = client.get(page.format(quote(part, safe="")))
    assert response.status_code in (200, 301, 400, 404), (part, response.status_code)


@FUZZ
@given(query=st.text(max_size=60), key=st.text(min_size=1, max_size=10))
def test_odd_query_strings_do_not_break_the_pages(client, loaded, query, key):
    for path in ("/", "/articles/computervirus-code-red-2-schlaegt-zu/", "/events/code-red-peak/"):
        response = client.get(f"{path}?{quote(key, safe='')}={quote(query, safe='')}")
        assert response.status_code == 200


MARKUP = st.lists(st.one_of(st.sampled_from(VECTORS), st.text(max_size=20),
                            st.sampled_from(["<", ">", "[", "](", ")", "*", "`", "\n\n", "&#", ";", "javascript:",
                                             "<a href=", '"', "'", "<svg", "<img", " on", "=", "data:", "\t", ":"])),
                  max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=MARKUP)
def test_rendering_never_raises_and_never_lets_script_through(text):
    assert executable_constructs(render_markdown(text)) == []


@FUZZ
@given(texts=st.lists(st.text(max_size=80).filter(lambda t: rules.text_problem(t) is None), min_size=3, max_size=3))
def test_any_text_survives_an_export_byte_for_byte(db, texts):
    name, country, description = texts
    with rolled_back():
        Source.objects.create(slug="fuzz", name=name.strip() or "n", country=country[:2], description=description)
        folder = Path(tempfile.mkdtemp())
        try:
            export_archive(folder=folder / "first")
            Source.objects.all().delete()
            call_command("load_content", str(folder / "first"), verbosity=0)
            export_archive(folder=folder / "second")
            first = (folder / "first" / "sources" / "fuzz.yaml").read_bytes()
            assert first == (folder / "second" / "sources" / "fuzz.yaml").read_bytes()
            assert Source.objects.get(slug="fuzz").description == description.strip()
        finally:
            shutil.rmtree(folder)
