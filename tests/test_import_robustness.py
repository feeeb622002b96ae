"""Whatever a file holds, reading it gives fields or a reason, never a crash."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest import files, scrape


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_scrape_text_parses_or_is_refused_with_a_field(text):
    try:
        found = scrape.parse(text, source_slug="taz")
    except scrape.ScrapeError as exc:
        assert exc.field in ("title", "body")
        return
    assert found["title"] and found["body"].strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_json_line_gives_a_record_or_a_reason(raw):
    item = files.parse_json_line(raw, "f.jsonl:1")
    assert (item.data is None) != (item.problem is None)
    assert item.where == "f.jsonl:1"
