"""Which general word list knows more of the archive's words? Figures for docs/search.md.

    .venv/bin/python scripts/measure_dictionaries.py CORPUS.jsonl[.gz] ...

Counts the words of the corpora's German (and English) articles, by frequency, that each
installed word list has as a headword, matched as the index matches: folded, else stemmed.
Needs trans-de-en, dict-freedict-deu-eng and dict-freedict-eng-deu installed.
"""

import collections
import gzip
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
django.setup()

from archive.glossary import dictionary, words  # noqa: E402

EVERYDAY = {
    "de": ["Geldautomat", "Puppe", "Spenden", "Wiedergabeliste", "Parlament", "Erpressungstrojaner",
           "Schadsoftware", "Hackerangriff", "Datenleck", "Virenscanner", "Sicherheitslücke", "Hintertür"],
    "en": ["cash machine", "doll", "donations", "playlist", "parliament", "ransomware", "malware",
           "cyber attack", "data breach", "antivirus", "vulnerability", "backdoor"],
}
FREEDICT = {"de": "/usr/share/dictd/freedict-deu-eng.index", "en": "/usr/share/dictd/freedict-eng-deu.index"}


def corpus_words(paths):
    counts = {"de": collections.Counter(), "en": collections.Counter()}
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                lang = record.get("language")
                if lang in counts:
                    text = " ".join(record.get(key) or "" for key in ("title", "kicker", "teaser", "body"))
                    counts[lang].update(word for word in words.tokens(text) if not word.isdigit())
    return counts


def keys(terms, lang):
    folded, stemmed = set(), set()
    for term in terms:
        folded.add(words.folded_key(term, lang))
        stemmed.add(words.stem_key(term, lang))
    return folded, stemmed


def knows(table, word, lang):
    folded, stemmed = table
    return words.folded(word, lang) in folded or words.stem(word, lang) in stemmed


def main(paths):
    counts = corpus_words(paths)
    with open(dictionary.DING, encoding="utf-8", errors="replace") as handle:
        rows = list(dictionary.read_ding(handle))
    tables = {
        "Ding (trans-de-en)": {"de": keys({de for _, de, _ in rows}, "de"),
                               "en": keys({en for _, _, en in rows}, "en")},
        "FreeDict": {lang: keys(dictionary.freedict_headwords(index), lang) for lang, index in FREEDICT.items()},
    }
    for lang in words.LANGUAGES:
        counter = counts[lang]
        total = sum(counter.values())
        print(f"\n{lang}: {len(counter)} different words, {total} in all")
        top = [word for word, _ in counter.most_common(10_000)]
        for name, table in tables.items():
            known = {word for word in counter if knows(table[lang], word, lang)}
            running = sum(counter[word] for word in known)
            print(f"  {name:20} words known {len(known) / len(counter):6.1%}  running text {running / total:6.1%}"
                  f"  of the 10,000 commonest {sum(word in known for word in top) / len(top):6.1%}"
                  f"  everyday {sum(knows(table[lang], w, lang) for w in EVERYDAY[lang])}/{len(EVERYDAY[lang])}")
        only = [word for word in top if knows(tables["Ding (trans-de-en)"][lang], word, lang)
                and not knows(tables["FreeDict"][lang], word, lang)][:15]
        print(f"  known to Ding only (commonest): {', '.join(only)}")
        only = [word for word in top if knows(tables["FreeDict"][lang], word, lang)
                and not knows(tables["Ding (trans-de-en)"][lang], word, lang)][:15]
        print(f"  known to FreeDict only (commonest): {', '.join(only)}")


if __name__ == "__main__":
    main(sys.argv[1:])
