"""A counterpart is compiled for its own language's fields only (whoosh/compile.py): the same query as
compiling it for every field and keeping those, without analysing it for the fields thrown away."""

import pytest

from archive.search import query as q
from archive.search.whoosh import compile as compiling

WORDS = ["worm", "security hole", "Sicherheitslücke", "present day", "Wurm", "pick-up", "song’s lyrics",
         "Routersicherheitslücke", "a", "x3", "3.14", "Straße", "modems", "Modem", "Äpfel", "Aepfel", "ATM",
         "cash machine", "Computerwurm", "the lot", "über", "Geldautomaten"]
PARTS = [((word,),) for word in WORDS] + [
    (("router",), ("security hole", "vulnerability")), (("Wurm", "Virus"),), (("Forst", "Wald"), ("Mann",)),
]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_counterpart_compiles_for_its_fields_as_the_whole_compiled_and_cut_to_them(lang):
    fields = compiling._LANGUAGE_FIELDS[lang]
    for parts in PARTS:
        node = q.Translation(parts=parts, lang=lang, weight=0.5).node()
        assert compiling._in_fields(compiling._compiled_in(node, fields), fields) == \
            compiling._in_fields(compiling.compile_tree(node), fields), parts


def test_the_rest_of_the_query_is_compiled_for_every_field_again():
    fields = compiling._LANGUAGE_FIELDS["en"]
    compiling._compiled_in(q.Term(text="Wurm"), fields)
    whole = compiling.compile_tree(q.Term(text="Wurm"))
    assert {"title_de", "body_de", "compound", "names"} <= {leaf.fieldname for leaf in whole.leaves()}


def test_an_english_counterpart_is_not_analysed_as_german():
    compiling._ANALYSED.clear()
    node = q.Translation(parts=(("security holes",), ("Modems",)), lang="en", weight=0.5).node()
    compiling._compiled_in(node, compiling._LANGUAGE_FIELDS["en"])
    assert compiling._ANALYSED
    assert {analyser for analyser, _ in compiling._ANALYSED} == {id(compiling.ENGLISH)}
