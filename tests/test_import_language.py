import pytest

from archive.ingest.language import detect


@pytest.mark.parametrize(("text", "language"), [
    ("Der Wurm hat sich in dem Netz ausgebreitet, und die Firma ist nicht vorbereitet.", "de"),
    ("The worm has spread through the network and the company was not prepared for it.", "en"),
    ("Microsoft-Sprecher Thomas Baumgärtner verwies darauf, dass der Konzern die Rechner abgesichert habe.", "de"),
])
def test_it_tells_german_from_english(text, language):
    assert detect(text) == language


@pytest.mark.parametrize("text", [
    "Le ver informatique a infecté des milliers de serveurs.",
    "Shr 58 cts vs 29 cts\n\nNet 3,141,000 vs 1,440,000",
    "",
])
def test_it_leaves_other_text_undecided(text):
    assert detect(text) is None


def test_a_mixed_text_goes_to_the_clearly_stronger_language():
    text = "Der Wurm ist in dem Netz und die Firma hat nicht reagiert, sagte er: 'the worm'."
    assert detect(text) == "de"
