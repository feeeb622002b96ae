import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.entities.gazetteer import Gazetteer

NAMES = [
    ("code-red", "Code Red"), ("code-red-ii", "Code Red II"), ("code-red-ii", "Code Red 2"),
    ("red-code", "Red Code"), ("msn", "MSN"), ("ap", "AP"), ("dpa", "DPA"), ("microsoft", "Microsoft"),
    ("cisco", "Cisco"), ("29a", "29A"), ("29a", "29 a"), ("windows-nt", "Windows NT"),
    ("windows-2000", "Windows 2000"), ("redmond", "Redmond"), ("cert", "CERT/CC"), ("iis", "IIS"),
]
GAZETTEER = Gazetteer(NAMES)


def found(text):
    return dict(GAZETTEER.find(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("Code Red II greift an", {"code-red-ii": 1}),
    ("Code Red 2 schlägt zu", {"code-red-ii": 1}),
    ("ein Virus namens ,Red Code‘", {"red-code": 1}),
    ("Cisco-Modems und Microsoft-Server", {"cisco": 1, "microsoft": 1}),
    ("Microsofts Server", {"microsoft": 1}),
    ("Microsoft's servers", {"microsoft": 1}),
    ("die Gruppe „29 a“", {"29a": 1}),
    ("MSNBC berichtet", {}),
    ("MSN-Nutzer", {"msn": 1}),
    ("Kapitel, Apfel, ap, Ap", {}),
    ("REDMOND/MÜNCHEN DPA/AP", {"redmond": 1, "dpa": 1, "ap": 1}),
    ("the APs of the network", {}),
    ("Windows NT oder 2000", {"windows-nt": 1, "windows-2000": 1}),
    ("Windows NT/2000", {"windows-nt": 1, "windows-2000": 1}),
    ("Windows NT oder 98", {"windows-nt": 1}),
    ("Red Code und Code Red", {"red-code": 1, "code-red": 1}),
    ("code red", {}),
    ("CODE RED", {"code-red": 1}),
    ("Code-Red-Wurm", {"code-red": 1}),
    ("CERT/CC warnt; CERT CC nicht", {"cert": 1}),
    ("Code Red, Code Red, Code Red II", {"code-red": 2, "code-red-ii": 1}),
])
def test_it_recognises_names_as_news_writes_them(text, expected):
    assert found(text) == expected


def test_a_name_that_is_a_prefix_of_a_longer_text_word_is_not_found():
    assert found("Ciscos Modems, Cisconet, IISx") == {"cisco": 1}


def test_a_gazetteer_without_names_finds_nothing():
    assert Gazetteer([]).find("Code Red") == {}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Code", "Red", "II", "2", "MSN", "MSNBC", "AP", "ap", "-", " ", "/", "oder",
                                 "Windows", "NT", "2000", "29", "a", "s", "Microsoft", "’", ",", "\n"]), max_size=30))
def test_whatever_it_finds_is_written_in_the_text(parts):
    text = "".join(parts)
    names = {}
    for key, name in NAMES:
        names.setdefault(key, []).append(name)
    for key in found(text):
        words = [name.replace(" ", "") for name in names[key]]
        squeezed = text.replace(" ", "").replace("-", "").replace("\n", "").upper()
        # "Windows NT oder 2000" names Windows 2000 without writing it; its parts are there.
        assert any(w.upper() in squeezed for w in words) or key == "windows-2000" and "2000" in text
