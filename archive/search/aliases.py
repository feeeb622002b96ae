"""Entity names in queries: words that name an entity stand for the entity and all its names.

"29 a" becomes 29A, "Code Red 2" Code Red II, "Munich" München: the tree gets an Alias node,
which each engine compiles its own way. Engine-neutral; the table is read from the database
and kept per index generation.
"""

import functools
import re

from archive.models import Entity
from archive.search import query as q
from archive.search.text import fold

_WORDS = re.compile(r"\d+(?:[.,]\d+)+|\w+")


def _name_key(name):
    return tuple(fold(word) for word in _WORDS.findall(name))


class AliasTable(dict):
    """Folded words of a name -> (slug, name, all names), and the most words a name has."""

    longest = 0


@functools.lru_cache(maxsize=4)
def alias_table(generation):
    """Folded words of every entity name and alias -> (slug, all names). Changes with the index."""
    table = AliasTable()
    for entity in Entity.objects.prefetch_related("aliases"):
        names = tuple(entity.all_names())
        for name in names:
            key = _name_key(name)
            if key:
                table.setdefault(key, (entity.slug, entity.name, names))
    table.longest = max(map(len, table), default=0)  # once, not per query (a few hundred names)
    return table


def expand_aliases(tree, table):
    """Replace words that name an entity by that entity and all its names ("29 a" -> 29A), by `table`
    (alias_table()).

    Returns the new tree and notes saying what was expanded.
    """
    notes = []
    longest = table.longest

    def words_of(node):
        if isinstance(node, q.Term) and node.field is None and not node.fuzzy and not node.prefix:
            return _name_key(node.text)
        return None

    def alias_for(key, text):
        slug, name, names = table[key]
        notes.append({"text": text, "entity": slug, "name": name})
        return q.Alias(text=text, entity=slug, names=names)

    def run(items):
        out = []
        i = 0
        while i < len(items):
            found = None
            for size in range(min(longest, len(items) - i), 0, -1):
                chunk = items[i:i + size]
                keys = [words_of(node) for node in chunk]
                if any(k is None for k in keys):
                    continue
                key = tuple(word for k in keys for word in k)
                if key in table:
                    found = (size, alias_for(key, " ".join(node.text for node in chunk)))
                    break
            if found:
                out.append(found[1])
                i += found[0]
            else:
                node = items[i]
                out.append(node if isinstance(node, q.Term) else visit(node))
                i += 1
        return tuple(out)

    def visit(node):
        if isinstance(node, q.And):
            items = run(node.items)
            return items[0] if len(items) == 1 else q.And(items)
        if isinstance(node, q.Or):
            return q.Or(tuple(visit(item) for item in node.items))
        if isinstance(node, q.Not):
            return q.Not(visit(node.item))
        if isinstance(node, q.Phrase) and node.field is None and node.slop == 0:
            key = tuple(fold(w) for text in node.words for w in _WORDS.findall(text))
            if key in table:
                return alias_for(key, " ".join(node.words))
        if isinstance(node, q.Term):
            items = run((node,))
            return items[0]
        return node

    if tree is None or not table:
        return tree, notes
    return visit(tree), notes
