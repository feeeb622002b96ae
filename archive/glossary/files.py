"""content/glossary/<topic>.yaml <-> GlossaryEntry: read and validated whole, written back byte for byte.

A topic file is a YAML list of entries, each {de: [...], en: [...], note: ...}:

    - de: [Wurm, Computerwurm]
      en: [worm]
    - de: [Sicherheitslücke]
      en: [vulnerability, security hole]
      note: Schwachstelle is in its own entry.

A file says what its topic holds: entries it no longer lists go on load. Topics missing
from the folder stay unless load_content is given --prune, as other records do.
"""

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

from archive import rules
from archive.glossary import words
from archive.glossary.models import GlossaryEntry
from archive.ingest.frontmatter import FrontMatterError, load_yaml

FOLDER = "glossary"
KEYS = ("de", "en", "note")
MAX_TERM = 200
MAX_NOTE = 2000


@dataclass
class GlossaryProblem:
    path: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class GlossarySet:
    topics: dict = field(default_factory=dict)  # topic -> [{"de", "en", "note"}] in file order
    problems: list = field(default_factory=list)

    def __len__(self):
        return sum(len(entries) for entries in self.topics.values())


def _entry_lines(text):
    """The 1-based line of each item of a top-level list (the text has already loaded safely)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _terms(value, name, problem):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        problem(f"{name}: must be a non-empty list of terms")
        return []
    terms, seen = [], set()
    for item in value:
        if not isinstance(item, str):
            # YAML reads yes, no, null and bare numbers as other things than text.
            problem(f"{name}: {item!r} is not text (put it in quotes)")
            continue
        term = " ".join(item.split())
        if not term:
            problem(f"{name}: has an empty term")
            continue
        text_problem = rules.text_problem(item)
        if text_problem:
            problem(f"{name}: {term!r} {text_problem}")
            continue
        if "\n" in item.strip() or "\r" in item.strip():
            problem(f"{name}: {term!r} holds a line break; a term is one line")
            continue
        if len(term) > MAX_TERM:
            problem(f"{name}: a term is longer than {MAX_TERM} characters")
            continue
        if not words.tokens(term):
            problem(f"{name}: {term!r} has no letters or digits")
            continue
        key = words.folded_key(term, name)
        if key in seen:
            problem(f"{name}: {term!r} is listed twice")
            continue
        seen.add(key)
        terms.append(term)
    return terms


def read_folder(folder):
    """Read and validate content/glossary/ (absent: an empty set); nothing is written."""
    found = GlossarySet()
    folder = Path(folder)
    directory = folder / FOLDER
    if not directory.is_dir():
        return found
    pairs = {}  # (folded de term, folded en term) -> where it was first written
    for path in sorted(directory.glob("*.yaml")):
        shown = f"{FOLDER}/{path.name}"
        if path.stem != slugify(path.stem):
            found.problems.append(GlossaryProblem(shown, None, f"the file name {path.stem!r} is not a slug "
                                                                "(lowercase letters, digits, hyphens)"))
            continue
        try:
            text = rules.read_limited(path, folder=folder).decode("utf-8")
        except UnicodeDecodeError as exc:
            found.problems.append(GlossaryProblem(shown, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        except rules.FileRefused as exc:
            found.problems.append(GlossaryProblem(shown, None, str(exc)))
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            data = load_yaml(text)
        except FrontMatterError as exc:
            found.problems.append(GlossaryProblem(shown, exc.line, str(exc)))
            continue
        if data is None:
            data = []
        if not isinstance(data, list):
            found.problems.append(GlossaryProblem(shown, 1, "must be a YAML list of entries ({de, en, note})"))
            continue
        lines = _entry_lines(text)
        entries = []
        for number, item in enumerate(data):
            line = lines[number] if number < len(lines) else None
            before = len(found.problems)

            def problem(message, line=line, shown=shown):
                found.problems.append(GlossaryProblem(shown, line, message))

            if not isinstance(item, dict):
                problem("an entry must be a mapping {de: [...], en: [...], note: ...}")
                continue
            for key in sorted(set(item) - set(KEYS), key=str):
                problem(f"{key}: unknown field (allowed: {', '.join(KEYS)})")
            entry = {lang: _terms(item.get(lang), lang, problem) for lang in words.LANGUAGES}
            note = item.get("note")
            if note is not None and not isinstance(note, str):
                problem("note: must be text")
                note = ""
            entry["note"] = (note or "").strip()
            if rules.text_problem(entry["note"]):
                problem(f"note: {rules.text_problem(entry['note'])}")
            if len(entry["note"]) > MAX_NOTE:
                problem(f"note: is longer than {MAX_NOTE} characters")
            if len(found.problems) > before:
                continue
            for de in entry["de"]:
                for en in entry["en"]:
                    pair = (words.folded_key(de, "de"), words.folded_key(en, "en"))
                    if pair in pairs:
                        problem(f"{de} / {en} is already an entry at {pairs[pair]}")
                        break
                    pairs[pair] = f"{shown}:{line}"
                else:
                    continue
                break
            entries.append(entry)
        found.topics[path.stem] = entries
    return found


def apply(found, counts, *, prune=False):
    """Write a validated set inside the caller's transaction; adds to counts (created, updated, ...)."""
    for topic, entries in found.topics.items():
        have = {entry.position: entry for entry in GlossaryEntry.objects.filter(topic=topic)}
        for position, wanted in enumerate(entries, start=1):
            entry = have.pop(position, None)
            if entry is None:
                GlossaryEntry.objects.create(topic=topic, position=position, **wanted)
                counts.created += 1
            elif [entry.de, entry.en, entry.note] != [wanted["de"], wanted["en"], wanted["note"]]:
                entry.de, entry.en, entry.note = wanted["de"], wanted["en"], wanted["note"]
                entry.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
        if have:
            GlossaryEntry.objects.filter(pk__in=[entry.pk for entry in have.values()]).delete()
            counts.deleted += len(have)
    if prune:
        stale = GlossaryEntry.objects.exclude(topic__in=list(found.topics))
        counts.deleted += stale.count()
        stale.delete()
    return counts


class _Dumper(yaml.SafeDumper):
    """Lists of terms on one line ([a, b]), as an editor writes them."""


def dump(entries):
    data = []
    for entry in entries:
        item = {"de": list(entry["de"]), "en": list(entry["en"])}
        if entry["note"]:
            item["note"] = entry["note"]
        data.append(item)
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=None)


def export_into(folder):
    """Write every entry as FOLDER/glossary/<topic>.yaml and read it back; returns the number of entries.

    Written beside, checked, then renamed into place, so a glossary folder is whole or absent.
    """
    topics = {}
    for entry in GlossaryEntry.objects.order_by("topic", "position"):
        topics.setdefault(entry.topic, []).append({"de": entry.de, "en": entry.en, "note": entry.note})
    if not topics:
        return 0
    folder = Path(folder)
    partial = Path(tempfile.mkdtemp(prefix=".glossary-partial-", dir=folder))
    try:
        (partial / FOLDER).mkdir()
        for topic, entries in topics.items():
            (partial / FOLDER / f"{topic}.yaml").write_text(dump(entries), encoding="utf-8")
        back = read_folder(partial)
        if back.problems or len(back) != sum(map(len, topics.values())):
            listed = "; ".join(str(problem) for problem in back.problems[:5])
            raise ValueError(f"the glossary would not load back ({listed}); it was not written")
        (partial / FOLDER).rename(folder / FOLDER)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return sum(map(len, topics.values()))
