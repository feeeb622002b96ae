"""The words of the time: the days the archive's dated articles used a text's rarer words in, German and English.

Measured, not used by the dating step (docs/dating.md), so the model lives in bench/: these tests keep the
benchmark's figures honest."""

import datetime as dt

import pytest

from bench import dating_words

D = dt.date
# Wire items of 1987 that every month brings: their words date nothing.
WIRE = [
    "Shares of the company rose in active trading after it reported higher quarterly profit, traders said.",
    "The company said its quarterly profit fell on lower prices, and its shares eased in the market.",
    "Traders said grain prices were steady in quiet trading as the market awaited export figures.",
    "The bank cut its prime rate, and shares of banks rose in active trading, traders said.",
]
# The earthquake in Ecuador: a few days of March 1987 speak of it.
QUAKE = [
    "An earthquake in Ecuador damaged the crude oil pipeline near Lago Agrio, officials in Quito said.",
    "Ecuador suspended crude exports after the earthquake broke the pipeline, the energy ministry in Quito said.",
    "OPEC said Ecuador may exceed its quota once the pipeline damaged by the earthquake is repaired.",
    "Ecuador asked Venezuela to lend crude oil while the pipeline broken by the earthquake near Lago Agrio is mended.",
]
BÖRSE = [
    "Die Aktien des Konzerns legten im Handel zu, nachdem er einen höheren Quartalsgewinn gemeldet hatte.",
    "Der Konzern meldete einen geringeren Quartalsgewinn, die Aktien gaben im Handel nach, sagten Händler.",
    "Händler sagten, die Preise seien im ruhigen Handel stabil geblieben, der Markt warte auf Zahlen.",
    "Die Bank senkte den Leitzins, die Aktien der Banken legten im Handel zu, sagten Händler.",
]
# Das Hochwasser an der Elbe: wenige Tage im August 2002 sprechen davon.
FLUT = [
    "Das Hochwasser der Elbe hat in Dresden die Altstadt erreicht, der Pegel stieg über neun Meter.",
    "In Dresden brachen Deiche, das Hochwasser der Elbe setzte die Semperoper unter Wasser.",
    "Die Bundeswehr schichtete an der Elbe Sandsäcke gegen das Hochwasser, der Pegel in Dresden fiel langsam.",
    "Nach dem Hochwasser der Elbe schätzte Sachsen die Schäden in Dresden auf Milliarden Euro.",
]
# Settings for an archive of a few dozen articles (the module's were chosen on 15,000).
SMALL = {"beta": 1.0, "smoothing": 1.0, "max_share": 0.5, "min_articles": 0}


def _records(wire, topic, first, topic_days):
    """Wire items on two days of each month from `first` on, and the topic's items on its days."""
    records = []
    for n in range(2):
        for month in range(9):
            day = D(first.year + (first.month + month - 1) // 12, (first.month + month - 1) % 12 + 1, 3 + 7 * n)
            for k, text in enumerate(wire):
                records.append((f"wire-{n}-{month}-{k}", day + dt.timedelta(days=k), "", text))
    topic_items = zip(topic_days, topic, strict=True)
    return records + [(f"topic-{k}", day, "", text) for k, (day, text) in enumerate(topic_items)]


def _archive(*case):
    return dating_words.VocabularyIndex(_records(*case))


QUAKE_DAYS = [D(1987, 3, 6), D(1987, 3, 6), D(1987, 3, 9), D(1987, 3, 12)]
FLUT_DAYS = [D(2002, 8, 13), D(2002, 8, 14), D(2002, 8, 16), D(2002, 8, 19)]
CASES = [
    (WIRE, QUAKE, D(1987, 2, 1), QUAKE_DAYS,
     "Ecuador's crude exports stay halted while the pipeline damaged by the earthquake is repaired, Quito said.",
     "earthquake"),
    (BÖRSE, FLUT, D(2002, 3, 1), FLUT_DAYS,
     "Das Hochwasser der Elbe geht zurück, in Dresden beginnen die Aufräumarbeiten.", "Hochwasser"),
]


@pytest.mark.parametrize("wire, topic, first, days, text, word", CASES)
def test_the_rarer_words_place_a_text_in_the_month_their_articles_lie_in(wire, topic, first, days, text, word):
    index = _archive(wire, topic, first, days)
    found = index.window(text, **SMALL)
    assert found.width_days == dating_words.MAX_WIDTH_DAYS
    assert found.contains(days[0]) and found.contains(days[-1])
    assert found.mass >= dating_words.MIN_MASS
    assert word in [w.text for w in found.words]


@pytest.mark.parametrize("wire, topic, first, days, text, word", CASES)
def test_the_reason_names_the_words_and_their_counts(wire, topic, first, days, text, word):
    records = _records(wire, topic, first, days)
    found = dating_words.VocabularyIndex(records).window(text, **SMALL)
    reason = found.reason()
    assert reason.startswith(f"Between {found.not_before.day} ")
    # The topic's word: all 4 of its dated articles in the window; and what the window holds without any word.
    assert f'"{word}" (4 of its 4 dated articles)' in reason
    inside = sum(found.contains(date) for _, date, _, _ in records)
    assert f"{inside / len(records):.0%} of all the archive's dated articles lie in them" in reason
    assert found.example.startswith("topic-") and f"for example {found.example}" in reason
    assert {"word": word, "articles": 4, "inside": 4} in found.item()["words"]


@pytest.mark.parametrize("wire, topic, first, days, text, word", CASES)
def test_words_used_all_the_time_place_nothing(wire, topic, first, days, text, word):
    index = _archive(wire, topic, first, days)
    assert index.window(f"{wire[0]} {wire[2]}", **SMALL) is None


MODEL = {k: SMALL[k] for k in ("beta", "smoothing", "max_share")}


@pytest.mark.parametrize("wire, topic, first, days, text, word", CASES)
def test_a_dated_article_is_placed_by_the_others_not_by_itself(wire, topic, first, days, text, word):
    records = _records(wire, topic, first, days) + [("other", D(first.year, first.month + 5, 2), "", "Zyxwv")]
    lonely = ("lonely", days[0], "", f"{topic[0]} Only this one and one other speak of Zyxwv.")
    index = dating_words.VocabularyIndex([*records, lonely])
    without = dating_words.VocabularyIndex(records).posterior(lonely[3], **MODEL)
    assert index.posterior(lonely[3], exclude="lonely", **MODEL) == without
    assert index.posterior(lonely[3], **MODEL) != without  # "zyxwv": in two dated articles with itself, one without
    assert len(index) == len(records) + 1  # put back


def test_a_small_archive_gets_no_window_with_the_settings_chosen_on_a_large_one():
    index = _archive(WIRE, QUAKE, D(1987, 2, 1), QUAKE_DAYS)
    assert len(index) < dating_words.MIN_ARTICLES
    assert index.window(CASES[0][4]) is None


def test_the_index_grows_and_forgets_one_article_at_a_time():
    index = _archive(WIRE, QUAKE, D(1987, 2, 1), QUAKE_DAYS)
    text = CASES[0][4]
    before = index.window(text, **SMALL)
    for k in range(len(QUAKE)):
        index.remove(f"topic-{k}")
    assert index.window(text, **SMALL) is None
    for k, (day, quake) in enumerate(zip(QUAKE_DAYS, QUAKE, strict=True)):
        index.put(f"topic-{k}", day, "", quake)
    assert index.window(text, **SMALL) == before
