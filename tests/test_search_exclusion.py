"""NOT and '-' leave out every record that matches, whatever the order of documents in the index."""

import pytest
from django.core.management import call_command

from archive import search

FOUNDING = "computervirus-code-red-2-schlaegt-zu"

pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.mark.django_db(transaction=True)
def test_it_leaves_out_a_record_whose_excluded_value_occurs_in_an_earlier_document():
    # Indexed record by record as content/ loads, records tagged Microsoft come before the founding
    # article in the index: the excluded term starts on an earlier document than the searched word,
    # an order that once let the article through.
    call_command("load_content", verbosity=0)
    # The founding article is a record that says "Wurm".
    assert FOUNDING in [r["slug"] for r in search.search("Wurm").results]
    for query, entity in (("Wurm -entity:microsoft", "microsoft"), ("Wurm NOT Microsoft", "microsoft"),
                          ("Wurm -entity:hotmail", "hotmail")):
        results = search.search(query).results
        assert FOUNDING not in [r["slug"] for r in results], query
        assert all(entity not in r["entities"] for r in results), query
    kept = search.search("Code Red -entity:microsoft")
    assert kept.total > 0 and all("microsoft" not in r["entities"] for r in kept.results)
