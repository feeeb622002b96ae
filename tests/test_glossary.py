"""The glossary (content/glossary/), the general dictionary build, and the lookup between the languages."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.glossary import dictionary, files, lookup, words
from archive.glossary.models import GlossaryEntry
from archive.management.commands import build_dictionary
from archive.models import Article
from tests.conftest import REAL_CONTENT

SMALL = """\
- de: [Wurm, Computerwurm]
  en: [worm]
- de: [Schadsoftware]
  en: [malware]
  note: Also Schadprogramm.
"""


@pytest.fixture
def with_glossary(content_copy):
    shutil.copytree(REAL_CONTENT / "glossary", content_copy / "glossary")
    return content_copy


def files_of(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("*.yaml"))}


def test_the_real_glossary_is_valid_and_large_enough():
    found = files.read_folder(REAL_CONTENT)
    assert found.problems == []
    assert len(found) >= 400
    de = {term for entries in found.topics.values() for entry in entries for term in entry["de"]}
    for word in ("Wurm", "Sicherheitslücke", "Schadsoftware", "Erpressungstrojaner", "Hackerangriff", "Datenleck",
                 "Hintertür", "Virenscanner", "Zero-Day", "Patch", "Geldautomat", "Wiedergabeliste", "Parlament"):
        assert word in de


def test_problems_are_named_by_file_and_line(content_copy, db, capsys):
    (content_copy / "glossary").mkdir()
    (content_copy / "glossary" / "bad.yaml").write_text(
        "- de: [Wurm]\n  en: [worm]\n"
        "- de: []\n  en: [virus]\n"
        "- de: [Wurm]\n  en: [Worm]\n"
        "- de: [Trojaner, trojaner]\n  en: [Trojan]\n"
        "- de: [\"Hintert\\x01ür\"]\n  en: [backdoor]\n"
        "- de: [Patch]\n  en: [patch]\n  seen: yes\n"
        "- de: [Null]\n  en: [null]\n",
        encoding="utf-8",
    )
    (content_copy / "glossary" / "Not A Slug.yaml").write_text("[]\n", encoding="utf-8")
    (content_copy / "glossary" / "mapping.yaml").write_text("de: x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(content_copy))
    err = capsys.readouterr().err
    assert "glossary/bad.yaml:3: de: must be a non-empty list of terms" in err
    assert "glossary/bad.yaml:5: Wurm / Worm is already an entry at glossary/bad.yaml:1" in err
    assert "glossary/bad.yaml:7: de: 'trojaner' is listed twice" in err
    assert f"glossary/bad.yaml:9: de: {'Hintert' + chr(1) + 'ür'!r} contains a control character (U+0001)" in err
    assert "glossary/bad.yaml:11: seen: unknown field" in err
    assert "glossary/bad.yaml:14: en: None is not text (put it in quotes)" in err
    assert "glossary/Not A Slug.yaml: the file name 'Not A Slug' is not a slug" in err
    assert "glossary/mapping.yaml:1: must be a YAML list of entries" in err
    assert not GlossaryEntry.objects.exists() and not Article.objects.exists()


def test_load_counts_is_idempotent_and_follows_the_file(with_glossary, db, capsys):
    call_command("load_content", str(with_glossary))
    entries = GlossaryEntry.objects.count()
    assert entries >= 400
    assert f"created: {entries + 0}" not in capsys.readouterr().out  # records and entries are counted together
    call_command("load_content", str(with_glossary))
    out = capsys.readouterr().out
    assert "created: 0  updated: 0" in out and "Nothing changed" in out

    (with_glossary / "glossary" / "malware.yaml").write_text(SMALL, encoding="utf-8")
    malware = GlossaryEntry.objects.filter(topic="malware").count()
    call_command("load_content", str(with_glossary))
    out = capsys.readouterr().out
    assert "created: 0  updated: 2" in out and f"deleted: {malware - 2}" in out
    assert list(GlossaryEntry.objects.filter(topic="malware").values_list("de", "en", "note")) == [
        (["Wurm", "Computerwurm"], ["worm"], ""),
        (["Schadsoftware"], ["malware"], "Also Schadprogramm."),
    ]
    shutil.rmtree(with_glossary / "glossary")
    call_command("load_content", str(with_glossary))
    assert GlossaryEntry.objects.filter(topic="malware").count() == 2  # kept without --prune
    call_command("load_content", str(with_glossary), "--prune")
    assert not GlossaryEntry.objects.exists()


def test_export_round_trips_byte_for_byte(with_glossary, db, tmp_path, capsys):
    call_command("load_content", str(with_glossary), verbosity=0)
    call_command("export_archive", str(tmp_path / "first"))
    assert f"glossary: {GlossaryEntry.objects.count()}" in capsys.readouterr().out
    # The content files are written as the exporter writes them, so they come back unchanged.
    assert files_of(tmp_path / "first" / "glossary") == files_of(REAL_CONTENT / "glossary")

    GlossaryEntry.objects.all().delete()
    call_command("load_content", str(tmp_path / "first"), verbosity=0)
    call_command("export_archive", str(tmp_path / "second"), verbosity=0)
    assert files_of(tmp_path / "second" / "glossary") == files_of(tmp_path / "first" / "glossary")
    assert not list(tmp_path.glob("*/.glossary-partial-*"))


def test_an_empty_glossary_writes_no_folder(loaded, tmp_path):
    call_command("export_archive", str(tmp_path / "out"), verbosity=0)
    assert not (tmp_path / "out" / "glossary").exists()


DING = """\
# a comment
Wurm {m} | Würmer {pl} :: worm | worms
Wurm {m} (kleines Kind) :: little mite
Wurm {m} [poet.] :: serpent
Geldautomat {m}; Bankautomat {m} | Geldautomaten {pl} :: cash machine; ATM; cashpoint [Br.] | cash machines
Puppe {f} | Puppen {pl} :: doll | dolls
Puppe {f} [zool.] :: pupa
Spende {f} | Spenden {pl} :: donation | donations
spenden {vt} | spendend | gespendet :: to donate | donating | donated
jdn. angreifen {vt} :: to attack sb.
Urheberrecht {n} :: sb.’s copyright
Wiedergabeliste {f} :: playlist
Parlament {n} :: parliament
Router {m} [comp.] :: router
Datenbank {f} :: database
Zahnbürste {f} :: toothbrush
eine Sache, die niemand braucht und doch kauft :: a thing nobody needs
broken line without separator
"""


def test_reading_and_weighing_a_ding_list():
    rows = list(dictionary.read_ding(DING.splitlines()))
    assert (2, "Wurm", "worm") in rows and (2, "Würmer", "worms") in rows
    assert (5, "Geldautomat", "ATM") in rows and (5, "Bankautomat", "cashpoint") in rows
    assert (9, "spenden", "donate") in rows and (10, "angreifen", "attack") in rows
    assert (11, "Urheberrecht", "copyright") in rows  # the placeholder goes, curly apostrophe or not
    assert not any("niemand" in de for _, de, _ in rows)  # a sentence, not a word
    weights = {(de, en): (to_en, to_de) for de, en, to_en, to_de in dictionary.weigh(rows)}
    # Wurm stands on three lines (three senses), worm on one; synonyms of one sense weigh alike.
    assert weights["Wurm", "worm"] == (pytest.approx(1 / 3), 1.0)
    assert weights["Geldautomat", "cash machine"] == weights["Geldautomat", "ATM"] == (1.0, 1.0)
    assert weights["Puppe", "doll"] == (0.5, 1.0)


def test_build_keeps_what_the_archive_can_use(tmp_path):
    source = tmp_path / "de-en"
    source.write_text(DING, encoding="utf-8")
    vocabulary = dictionary.Vocabulary.from_texts([
        ("en", "A worm spread through cash machines; donations poured in."),
        ("de", "Die Routersicherheitslücke im Parlament"),
    ])
    counts = dictionary.build(source, tmp_path / "out.tsv.gz", vocabulary)
    kept = {(de, en) for de, en, _, _ in dictionary.read(tmp_path / "out.tsv.gz")}
    assert ("Wurm", "worm") in kept and ("Geldautomat", "cash machine") in kept and ("Spende", "donation") in kept
    assert ("Parlament", "parliament") in kept          # by its German side
    # Compounds are found by their last part: Sicherheitslücke would be kept, Router is not.
    assert ("Router", "router") not in kept
    assert ("Zahnbürste", "toothbrush") not in kept and ("Puppe", "pupa") not in kept
    assert counts.kept == len(kept) < counts.read
    everything = dictionary.build(source, tmp_path / "all.tsv.gz", None)
    assert everything.kept == everything.read


@pytest.mark.skipif(not dictionary.DING.is_file(), reason="the trans-de-en package is not installed")
def test_the_installed_word_list_reads():
    with open(dictionary.DING, encoding="utf-8", errors="replace") as handle:
        lines = [line for line in handle if "Geldautomat {" in line or line.startswith("Sicherheitslücke ")]
    pairs = {(de, en) for _, de, en in dictionary.read_ding(lines)}
    assert ("Geldautomat", "cash machine") in pairs and ("Geldautomaten", "cash machines") in pairs
    assert ("Sicherheitslücke", "security vulnerability") in pairs
    assert not any("sprengen" in de for de, _ in pairs)  # an example sentence, not a translation


@pytest.fixture
def vocabularies(tmp_path, settings, db):
    lookup.forget()
    source = tmp_path / "de-en"
    source.write_text(DING, encoding="utf-8")
    dictionary.build(source, dictionary.path(), None)
    GlossaryEntry.objects.create(topic="malware", position=1, de=["Wurm", "Computerwurm"], en=["worm"])
    GlossaryEntry.objects.create(topic="vulnerabilities", position=1, de=["Sicherheitslücke"],
                                 en=["vulnerability", "security hole"])
    GlossaryEntry.objects.create(topic="everyday", position=1, de=["Patch"], en=["patch"])
    GlossaryEntry.objects.create(topic="everyday", position=2, de=["Flicken"], en=["patch"])
    yield lookup
    lookup.forget()


def terms(found):
    return [(c.term, c.weight, c.origin) for c in found]


def test_glossary_wins_where_it_speaks(vocabularies):
    # The dictionary also knows Wurm (three senses); the glossary's one entry is what counts.
    assert terms(lookup.counterparts("Wurm", "de")) == [("worm", 1.0, "glossary")]
    assert terms(lookup.counterparts("worm", "en")) == [("Computerwurm", 1.0, "glossary"), ("Wurm", 1.0, "glossary")]
    # patch stands in two entries: each German counterpart gets half.
    assert terms(lookup.counterparts("patch", "en")) == [("Flicken", 0.5, "glossary"), ("Patch", 0.5, "glossary")]


def test_the_dictionary_answers_the_rest_by_fold_and_stem(vocabularies):
    assert terms(lookup.counterparts("Puppe", "de")) == [("doll", 0.5, "dictionary"), ("pupa", 0.5, "dictionary")]
    assert [c.term for c in lookup.counterparts("Geldautomaten", "de")] == ["ATM", "cash machine", "cashpoint"]
    assert [c.term for c in lookup.counterparts("Spenden", "de")] == ["donation"]
    assert [c.term for c in lookup.counterparts("Sicherheitsluecken", "de")] == ["security hole", "vulnerability"]
    assert [c.term for c in lookup.counterparts("playlists", "en")] == ["Wiedergabeliste"]
    assert [c.term for c in lookup.counterparts("cash machines", "en")] == ["Bankautomat", "Geldautomat"]
    assert all(c.lang == "de" for c in lookup.counterparts("parliament", "en"))
    assert lookup.counterparts("Quatschwort", "de") == []


def test_compounds_by_their_parts(vocabularies):
    found = lookup.counterparts("Routersicherheitslücke", "de")
    assert [(c.part, c.term) for c in found] == [
        ("router", "router"), ("sicherheitslucke", "security hole"), ("sicherheitslucke", "vulnerability"),
    ]
    assert lookup.current().split("Parlamentsdatenbank") == ["parlaments", "datenbank"]  # known by its stem
    # A first part that is no known word: the head still says what the thing is.
    assert lookup.current().split("Xyzqdatenbank") == ["datenbank"]
    assert lookup.counterparts("Routersicherheitslücke", "en") == []


def test_tables_follow_the_glossary(vocabularies):
    assert [c.term for c in lookup.counterparts("Puppe", "de")] == ["doll", "pupa"]
    GlossaryEntry.objects.create(topic="everyday", position=3, de=["Puppe"], en=["doll"])
    assert terms(lookup.counterparts("Puppe", "de")) == [("doll", 1.0, "glossary")]


def test_building_again_with_nothing_changed_is_skipped(tmp_path, loaded):
    source = tmp_path / "de-en"
    source.write_text(DING, encoding="utf-8")
    first = io.StringIO()
    call_command("build_dictionary", "--source", str(source), stdout=first)
    assert "pairs read" in first.getvalue()
    again = io.StringIO()
    call_command("build_dictionary", "--source", str(source), stdout=again)
    assert again.getvalue().startswith("up to date")
    article = Article.objects.first()
    article.title = "Ein Wurm im Geldautomat"  # the archive's words changed
    article.save()
    changed = io.StringIO()
    call_command("build_dictionary", "--source", str(source), stdout=changed)
    assert "pairs read" in changed.getvalue()
    forced = io.StringIO()
    call_command("build_dictionary", "--source", str(source), "--force", stdout=forced)
    assert "pairs read" in forced.getvalue()


def test_searches_go_on_with_the_old_tables_while_one_thread_reads_them_anew(vocabularies, settings):
    settings.ARCHIVE_STAMP_SECONDS = 0
    old = lookup.current()
    GlossaryEntry.objects.create(topic="malware", position=2, de=["Erpressungstrojaner"], en=["ransomware"])
    with lookup._loading:  # another thread is reading the changed tables: this one does not wait for it
        assert lookup.current() is old
    assert terms(lookup.counterparts("Erpressungstrojaner", "de"))[0][0] == "ransomware"
    assert lookup.current() is not old


def test_the_dictionary_is_read_from_its_tables_file_with_the_answers_of_the_rows_in_memory(vocabularies):
    """A web process holds no dictionary rows: lookups read the tables file build_dictionary (or the first
    reader) made beside the word list, and answer as tables built in memory from the same rows do."""
    from archive.glossary import tables

    held = vocabularies.current()
    assert all(isinstance(side, lookup._FileSide) for side in held.dictionary.values())
    assert tables.path_for(dictionary.path()).is_file()
    in_memory = lookup.Vocabularies([], list(dictionary.read(dictionary.path())))
    from_file = lookup.Vocabularies([], [], dictionary_tables=tables.Tables(tables.ensure(dictionary.path())))
    asked = [(de, "de") for de, _, _, _ in dictionary.read(dictionary.path())] + \
        [(en, "en") for _, en, _, _ in dictionary.read(dictionary.path())] + \
        [("Sicherheitslücken", "de"), ("Geldautomaten", "de"), ("Routersicherheitslücke", "de"), ("nothing", "en")]
    for text, lang in asked:
        assert from_file.counterparts(text, lang) == in_memory.counterparts(text, lang), text
    # Every ending of every word, as a compound's split asks (most are answered by the keys' first letters alone).
    for de, en, _, _ in dictionary.read(dictionary.path()):
        for word, lang in ((words.folded(de, "de"), "de"), (words.folded(en, "en"), "en")):
            for start in range(len(word)):
                ending = word[start:]
                assert from_file.dictionary[lang].knows_word(ending, lang) == \
                    in_memory.dictionary[lang].knows_word(ending, lang), ending


def test_a_tables_file_older_than_its_word_list_is_built_again(vocabularies, tmp_path):
    from archive.glossary import tables

    made = tables.path_for(dictionary.path())
    tables.ensure(dictionary.path())
    source = tmp_path / "de-en-2"
    source.write_text("Wurm {m} :: worm\nRechner {m} :: computer\n", encoding="utf-8")
    dictionary.build(source, dictionary.path(), None)
    tables.ensure(dictionary.path())
    assert tables.Tables(made).has("f", "de", "rechner")


def test_after_a_change_of_the_records_alone_the_start_builds_in_the_background(tmp_path, transactional_db):
    """`make run`'s start does not wait a minute for the dictionary when only the records changed: the previous
    one serves until the new one replaces it. A changed word list (or none yet) is still built at once."""
    call_command("load_content", verbosity=0)
    source = tmp_path / "de-en"
    source.write_text(DING, encoding="utf-8")
    first = io.StringIO()
    call_command("build_dictionary", "--source", str(source), "--background", stdout=first)
    assert "pairs read" in first.getvalue()  # no dictionary yet: built before the command returns
    before = dictionary.path().read_bytes()
    article = Article.objects.first()
    article.title = "Ein Wurm im Geldautomat"  # the archive's words changed, the word list did not
    article.save()
    command = build_dictionary.Command(stdout=io.StringIO())
    call_command(command, "--source", str(source), "--background")
    assert "in the background" in command.stdout.getvalue()
    command.thread.join(timeout=120)
    assert not command.thread.is_alive()
    assert "pairs read" in command.stdout.getvalue()
    assert dictionary.path().read_bytes() != before  # Geldautomat's pairs are kept now
    again = io.StringIO()
    call_command("build_dictionary", "--source", str(source), "--background", stdout=again)
    assert again.getvalue().startswith("up to date")
    source.write_text(DING + "Spende {f} :: donation\n", encoding="utf-8")
    changed = io.StringIO()
    call_command("build_dictionary", "--source", str(source), "--background", stdout=changed)
    assert "pairs read" in changed.getvalue()  # a new word list: built at once
