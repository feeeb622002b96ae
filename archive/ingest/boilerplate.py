"""Cutting publisher boilerplate (appeals, share buttons, link lists) out of page scrapes.

The rules live in boilerplate_rules.yaml, readable and editable without
touching code. What is cut is returned, never dropped, so it can be kept in
the article's provenance.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("boilerplate_rules.yaml")


@dataclass(frozen=True)
class Rules:
    lines: tuple = ()
    tail: tuple = ()


@dataclass
class Cut:
    kept: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def _compile(patterns, where):
    compiled = []
    for pattern in patterns or []:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"{RULES_FILE.name}: {where}: bad pattern {pattern!r}: {exc}") from None
    return tuple(compiled)


def _rules(section, where):
    section = section or {}
    return Rules(lines=_compile(section.get("lines"), where), tail=_compile(section.get("tail"), where))


@cache
def load_rules(path=RULES_FILE):
    """(general rules, {source slug: rules}) from the rules file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    general = _rules(data.get("general"), "general")
    per_source = {slug: _rules(section, f"sources.{slug}") for slug, section in (data.get("sources") or {}).items()}
    return general, per_source


def rules_for(source_slug, path=RULES_FILE):
    general, per_source = load_rules(path)
    own = per_source.get(source_slug or "", Rules())
    return Rules(lines=general.lines + own.lines, tail=general.tail + own.tail)


def cut(lines, rules, *, keep_first=2):
    """Split stripped, non-empty lines into the article's and the boilerplate.

    A footer (tail rule) can start only after `keep_first` lines were kept, so
    a stray "Read more" near the top never takes the whole article with it.
    """
    result = Cut()
    for index, line in enumerate(lines):
        if len(result.kept) >= keep_first and any(p.search(line) for p in rules.tail):
            result.removed.extend(lines[index:])
            break
        if any(p.search(line) for p in rules.lines):
            result.removed.append(line)
        else:
            result.kept.append(line)
    return result
