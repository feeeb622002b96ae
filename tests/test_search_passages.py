"""The Whoosh hit's passage (archive/search/whoosh/passages.py) marks exactly the words that a plain
reading marks: every token of the text normalised as the index normalises it."""

import html
import random
import re

import pytest

from archive.search.snippets import lead
from archive.search.whoosh import passages
from archive.search.whoosh.analysis import NORMALIZERS, TOKEN_PATTERN

TEXTS = {
    "de": [
        "Viel Ärger, dann noch mehr Aerger über Öl und andere Wörter; ÄRGER und aerger.",
        "Die Straße, die Strasse und STRASSE: drei Schreibweisen einer Straße.",
        "Œuvre und oeuvre, Æra und aera, Ölpreis und Oelpreis, Übel und Uebel, Quelle und Feuer.",
        "Die Routersicherheitslücke betrifft Router; die Sicherheitslücke ist bekannt.",
        "Version 3.14abc und x3abc und 2001abc, 1,5abc sowie abc_def und _abc und abc.",
    ],
    "en": [
        "The dying worm was lying; tying it up, a worm dies. Die, lie, tie.",
        "A ﬁrewall (a ligature) and a firewall, a ｆｕｌｌ width word and a full one.",
        "Łódź and Lodz, Ærø and Aero, naïve and naive, café and cafe, ½ and 1/2.",
        "Worms 3.14worm worm2 2worm worm_ worm.worm worm,worm and WORM.",
    ],
}
QUERIES = {
    "de": [["arg"], ["stras"], ["oeuvr", "aera", "olpreis", "ubel"], ["router"], ["abc"], ["ab"], ["a"]],
    "en": [["worm"], ["die", "lie"], ["firewal", "full"], ["lodz", "aero", "naiv", "cafe"], ["1"], ["w"]],
}
_TOKEN = re.compile(TOKEN_PATTERN)


def plain(doc, wanted, compounds):
    """Every token normalised, the first 24 matching marked: what the passage must equal."""
    normalize = NORMALIZERS[doc["language"]]
    spans = []
    for found in _TOKEN.finditer(doc["text"]):
        word = normalize(found.group())
        if word in wanted or word[::-1] in compounds:
            spans.append((found.start(), found.end(), word))
    return passages._passage(doc["text"], spans[:passages.MARKED]) if spans else None


@pytest.mark.parametrize("lang", ["de", "en"])
def test_it_marks_what_normalising_every_word_marks(lang):
    field = f"body_{lang}"
    for text in TEXTS[lang]:
        doc = {"language": lang, "text": text, "type": "article"}
        for terms in QUERIES[lang]:
            matched = [(field, term) for term in terms]
            expected = plain(doc, set(terms), [])
            if expected is not None:
                assert passages.snippet(doc, matched) == expected, (text, terms)


def test_compound_parts_are_marked():
    doc = {"language": "de", "text": "Die Routersicherheitslücke und die Sicherheitslücke.", "type": "article"}
    reversed_ = NORMALIZERS["de"]("Routersicherheitslücke")[::-1]
    assert "<mark>Routersicherheitslücke</mark>" in passages.snippet(doc, [("compound", reversed_)])


# German compounds, their last part spelt as the text may spell it: umlauts or their digraphs, ß (a letter
# folding to two, maybe where the part begins: Großstadt, stadt), letters beyond Latin-1, a number before.
FIRSTS = ["Schul", "Verf", "Welt", "Zweck", "Haupt", "Groß", "Ober", "Œko", "Łód", "3.14", "2001", "Kuh", "Blau",
          "Neu", "Straß", "über", "Aeußer", "x_"]
LASTS = ["fremden", "fremd", "Fremde", "straße", "strasse", "Straßen", "stadt", "Städte", "staedte", "übel",
         "uebel", "Ärger", "aerger", "ßig", "sicherheitslücke", "Sicherheitsluecken", "œuvre", "texte", "Text"]


def test_the_words_of_german_compounds_are_marked_as_a_plain_reading_marks():
    """A German query's compounds (indexed reversed, found by their last part): every word of the text a
    plain reading marks is marked, however the text spells the compound's parts."""
    rng = random.Random(4)
    normalize = NORMALIZERS["de"]
    for _ in range(120):
        words = [rng.choice(FIRSTS) + rng.choice(LASTS) if rng.random() < 0.6 else rng.choice(LASTS + FIRSTS)
                 for _ in range(rng.randint(1, 40))]
        text = rng.choice([" ", ", ", "\n", " – ", " „"]).join(words)
        doc = {"language": "de", "text": text, "type": "article"}
        last = normalize(rng.choice(LASTS))
        # What the query finds: its word in the text field, and the compounds ending in it.
        compounds = sorted({word[::-1] for word in map(normalize, _TOKEN.findall(text))
                            if len(word) >= 7 and word.endswith(last)})
        for wanted in ({last}, set()):  # a hit may hold only the compounds
            matched = [("body_de", term) for term in wanted] + [("compound", term) for term in compounds]
            expected = plain(doc, wanted, compounds) or html.escape(lead(text))
            assert passages.snippet(doc, matched) == expected, (text, wanted, compounds)


def test_it_marks_the_same_as_a_plain_reading_on_long_texts():
    # Longer than the 24 marked words, with the matches far into the text.
    text = " ".join(["Vorwort ohne Treffer."] * 300 + ["Ärger, Aerger und ärgerlich."] * 40)
    doc = {"language": "de", "text": text, "type": "article"}
    assert passages.snippet(doc, [("body_de", "arg")]) == plain(doc, {"arg"}, [])
    assert passages.snippet(doc, [("body_de", "arg")]).count("<mark>") >= 2


# Words whose stem changes near their start: y read as i, an e put back, short stems.
TRICKY = {"en": "Using used uses; dying, lying, tying; happy happiness happily; cries cried crying; skies sky; "
                "generously generous generate general; agreed agreeing; owing owed; icing iced; news; ugly early only",
          "de": "Ärger ärgerlich Aerger; Straße Strassen; Häuser Hauses; Öfen Oefen; übel Übeln; sagte sagten"}


def test_a_word_is_stemmed_only_when_its_first_letters_may_give_the_term():
    # Stemming is most of a passage's cost: "second", "service" and "several" share only their first two
    # letters with "secur" and are never stemmed.
    stemmed = []

    class Counted:
        digraphs = False

        def __call__(self, word):
            stemmed.append(word)
            return NORMALIZERS["en"](word)

    text = "The second service of several secure servers; security seen, sent, settled, seldom. " * 3
    spans = passages._matched_spans(text, {"secur"}, [], Counted())
    assert [word for _, _, word in spans] == ["secur", "secur"] * 3
    assert set(stemmed) == {"secure", "security"}



# Texts all ASCII, looked for in lower case by the head's letters as a string: German digraphs (ae for ä),
# upper case, numbers before a word, one-letter terms.
ASCII = {"de": "Aerger, AERGER und aergerlich; Oelpreis OELPREIS oel; Uebel UEBEL; Quelle Feuer neue; "
               "Strasse STRASSE; Buero Bueros Kaeufer; 3.14abc x3abc 2001abc abc_def _abc abc; a b A B",
         "en": "Security SECURE secured insecure; 3.14worm worm2 2worm worm_ worm.worm WORM; Using used; "
               "dying lying tying; a I A i; SKIES sky; tyres Tyre typing hydrant; "
               # one pair of first letters, the third telling them apart (the pair is looked for, the third checked)
               "three threat thirty this thy thyme thief than thanks the theory Thrace THIRD th"}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_texts_all_ascii_are_marked_as_a_plain_reading_marks(lang):
    normalize = NORMALIZERS[lang]
    doc = {"language": lang, "text": ASCII[lang], "type": "article"}
    assert ASCII[lang].isascii()
    terms = {normalize(token) for token in _TOKEN.findall(ASCII[lang])}
    for term in terms:
        assert passages.snippet(doc, [(f"body_{lang}", term)]) == plain(doc, {term}, []), term
    assert passages.snippet(doc, [(f"body_{lang}", term) for term in terms]) == plain(doc, terms, [])


# Letters folding to two (ß, æ), or beyond Latin-1 (œ, ł, ŋ), first, second or third in a word: in the text
# folded a byte a character they stand as marks that let the word through.
BEYOND = {"de": "Sœur Sœurs; Aßmann aßen Mæstro Maße Maßen Büro Buero; Tłumacz tłumacze; Ærger Œl Øl; "
                "Ŝtraße Ștrand Straße; Łódź; Aŋ; œuvre; "
                # marks that stand for no word character: dashes, quotation marks, question marks
                "„Straße“ – Stra– St„ S? „Ärger“ Är– Ä? ß– ßt? „Sœ“ Sœ– „Łó“ Ł– Łód?",
          "en": "Sœur sœurs; Tłumacz; Æon æons; Ŝtar Ștar star; Łódź lodz; Oŋ; ßtar; "
                "“Æon” Æo– Æ? ‘Star’ St— S? “Łódź” Łó–"}


@pytest.mark.parametrize("texts", [TRICKY, BEYOND], ids=["stems-changing-near-their-start", "beyond-latin-1"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_word_that_stems_to_a_term_is_marked(texts, lang):
    normalize = NORMALIZERS[lang]
    doc = {"language": lang, "text": texts[lang], "type": "article"}
    terms = {normalize(token) for token in _TOKEN.findall(texts[lang])}
    for term in terms:
        assert passages.snippet(doc, [(f"body_{lang}", term)]) == plain(doc, {term}, []), term
        assert passages.snippet(doc, [("compound", term[::-1])]) == plain(doc, set(), [term[::-1]]), term
    assert passages.snippet(doc, [(f"body_{lang}", term) for term in terms]) == plain(doc, terms, [])


def _head_pattern(head, digraphs):
    """The words a head's first two to four letters may begin, as one regular expression (how passages
    found them before: one compiled per head), looked for at every position."""
    def letter(c):
        return "[iy]" if c == "i" else re.escape(c)

    def then(c):
        return "e?" if digraphs and c in "aou" else ""

    marks = "[\x01?]"
    rest = f"(?:{letter(head[-1])}|{marks})"
    for c in reversed(head[1:-1]):  # a mark after any letter but the last lets the word through
        rest = f"(?:{letter(c)}{then(c)}{rest}|{marks})"
    body = letter(head[0]) + r"(?<![^\W\d].)" + then(head[0]) + rest
    return re.compile(f"(?={body})".encode())


@pytest.mark.parametrize("digraphs", [False, True])
def test_the_words_a_head_may_begin_are_found_where_a_regular_expression_finds_them(digraphs):
    rng = random.Random(5)
    alphabet = "aeiouyqthsnr \x01?3._-"
    texts = [passages._folded_bytes(text) for lang in TEXTS for text in TEXTS[lang]]
    texts += [passages._folded_bytes(ASCII[lang]) for lang in ASCII]
    texts += ["".join(rng.choice(alphabet) for _ in range(400)).encode("latin-1") for _ in range(30)]
    heads = {"ar", "ue", "th", "ti", "yi", "ii", "qu", "ai",
             "arg", "aus", "ueb", "oel", "thr", "ins", "sec", "tie", "yin", "iii", "eyi", "qua", "the",
             "argh", "auss", "uebe", "thre", "secu", "aoui", "iiii"}
    heads |= {"".join(rng.choice("aeiouyqthsnr") for _ in range(size)) for _ in range(80) for size in (2, 3, 4)}
    for head in sorted(heads):
        pattern = _head_pattern(head, digraphs)
        for scanned in texts:
            expected = {found.start() for found in pattern.finditer(scanned)}
            found = passages._head_starts(scanned, head, digraphs, passages._marks(scanned))
            assert set(found) == expected, (head, scanned)
    for scanned in texts:  # words beginning with a mark, let through: the marks at a word's start
        expected = {found.start() for mark in (passages._MANY, passages._BEYOND)
                    for found in passages._let_through(mark).finditer(scanned)}
        assert {mark for mark in passages._marks(scanned) if passages._word_starts(scanned, mark)} == expected


def _passage_piece_by_piece(text, spans):
    """The passage as escaped piece by piece: what passages._passage must give."""
    best = max(range(len(spans)), key=lambda i: (len({w for s, _, w in spans[i:] if s < spans[i][0] + 240}), -i))
    start = max(0, spans[best][0] - 60)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + 240)
    out, cursor = [], start
    for s, e, _ in spans[best:]:
        if e > end:
            break
        out += [html.escape(text[cursor:s]), f"<mark>{html.escape(text[s:e])}</mark>"]
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return ("… " if start else "") + " ".join("".join(out).split()) + (" …" if end < len(text) else "")


@pytest.mark.parametrize("text", [
    "Plain words, a worm and <b>another</b> worm & \"quoted\" 'worm' text.\n\tWorm at last",
    "A private \ue000 character before a worm \ue001 and after: worm & worm.",
    " ".join(["filler"] * 80 + ["worm <worm> & worm"] + ["filler"] * 80),
])
def test_the_passage_is_the_text_escaped_with_its_matches_marked(text):
    spans = [(m.start(), m.end(), m.group().lower()) for m in re.finditer(r"(?i)worm", text)]
    assert passages._passage(text, spans) == _passage_piece_by_piece(text, spans)
    assert "<b>" not in passages._passage(text, spans)


def test_the_passage_is_the_window_with_the_most_different_matched_words():
    rng = random.Random(3)
    for _ in range(300):
        words = [rng.choice(["worm", "wurm", "virus", "patch", "filler", "x" * rng.randrange(1, 60)])
                 for _ in range(rng.randrange(1, 200))]
        text = " ".join(words)
        spans, at = [], 0
        for word in words:
            if word != "filler" and len(spans) < passages.MARKED:
                spans.append((at, at + len(word), word))
            at += len(word) + 1
        if spans:
            assert passages._passage(text, spans) == _passage_piece_by_piece(text, spans), text
    # A word 239 characters after another is in its window, one 240 after is not.
    for gap in (238, 239, 240):
        text = "worm " + "x" * (gap - 5) + " virus patch and then " + "y" * 300 + " worm virus"
        spans = [(0, 4, "worm"), (gap, gap + 5, "virus"), (len(text) - 10, len(text) - 6, "worm"),
                 (len(text) - 5, len(text), "virus")]
        assert passages._passage(text, spans) == _passage_piece_by_piece(text, spans), gap


def test_the_hits_of_one_query_are_marked_as_each_alone():
    """A query's judgement of each token is kept for its next hits (passages._verdicts): every hit, in
    either order and in either language, is marked as a plain reading of it alone marks it."""
    texts = [*TEXTS["de"], *TEXTS["en"], *ASCII.values(), "Ärger, Aerger und arger Ärger: argerlich."]
    for terms in (["arg"], ["stras", "worm"], ["oeuvr", "aera"], ["die", "lie"], ["abc"], ["a"]):
        for order in (texts, texts[::-1]):
            for lang in ("de", "en", "de"):
                for text in order:
                    doc = {"language": lang, "text": text, "type": "article"}
                    expected = plain(doc, set(terms), []) or html.escape(lead(text))  # no match: the lead
                    assert passages.snippet(doc, [(f"body_{lang}", term) for term in terms]) == expected, \
                        (lang, terms, text)


def test_hits_marked_in_several_threads_at_once_share_the_judgements_safely(monkeypatch):
    """Threads marking hits of the same query share its judgements, which one may empty while another
    reads them (at VERDICTS_KEPT): each hit is still marked as alone."""
    import sys
    import threading

    monkeypatch.setattr(passages, "VERDICTS_KEPT", 0)  # every hit empties them
    docs = [{"language": "de", "text": text, "type": "article"} for text in TEXTS["de"]]
    terms = [("body_de", "arg"), ("body_de", "stras"), ("body_de", "oeuvr"), ("body_de", "abc")]
    expected = [passages.snippet(doc, terms) for doc in docs]
    failures = []

    def mark():
        try:
            for _ in range(1500):
                if [passages.snippet(doc, terms) for doc in docs] != expected:
                    failures.append("a different passage")
        except Exception as exc:  # noqa: BLE001 - what went wrong is the finding
            failures.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns every few steps
    try:
        threads = [threading.Thread(target=mark) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failures, failures[:3]


def test_a_page_of_hits_is_marked_as_each_hit_alone():
    """snippets() looks through the hits of one language and terms together (their texts joined): each
    passage is the one snippet() gives the hit alone, whatever its neighbours; a word at a text's very
    start or end, a text of one word, an empty one, and texts in both languages with the same terms."""
    rng = random.Random(12)
    texts = {lang: [*TEXTS[lang], TRICKY[lang], BEYOND[lang], ASCII[lang]] for lang in ("de", "en")}
    texts["de"] += ["Ärger", "Strasse Ärger", "", "ärgerlich\nÄrger", "Arger–Ärger"]
    texts["en"] += ["worm", "Worms worm", "", "secure\nsecurity", "dying—lying", "Червь worm червь", "червь"]
    # Heads beyond ASCII (червь) are looked for in the text itself, others in its folded bytes.
    terms = {"de": [["arg"], ["stras", "arg"], ["oeuvr"], ["abc"], ["a"]],
             "en": [["worm"], ["die", "lie"], ["secur"], ["lodz", "aero"], ["w"], ["червь", "worm"]]}
    for _ in range(150):
        page = []
        for _ in range(rng.randint(2, 12)):
            lang = rng.choice(["de", "en"])
            words = rng.choice(terms[lang])
            matched = [(f"body_{lang}", word) for word in words]
            if rng.random() < 0.3:  # a compound's part, indexed reversed
                matched.append(("compound", rng.choice(words)[::-1]))
            page.append(({"language": lang, "text": rng.choice(texts[lang]), "type": "article"}, matched))
        assert passages.snippets(page) == [passages.snippet(doc, matched) for doc, matched in page]
