"""A gazetteer: every entity name and alias in one token trie, built once, matched in one pass.

Matching works on word tokens, not characters, which gives the rules news text needs:
- whole words only: "MSN" is not found in "MSNBC", "AP" not in "APT" or "Kapitel";
- case-aware: a name matches as written or in capitals ("REDMOND" in a dateline),
  never in lower case, so the agency "AP" is not the word "ap";
- a hyphen joins words like a space: "Cisco-Modems" names Cisco, "Code-Red-Wurm" Code Red;
- a name's last word may carry a genitive -s ("Microsofts"), unless the name is an
  acronym ("APs" are access points, not the agency);
- the longest name wins: "Code Red II" is one mention of Code Red II, not also of Code Red,
  and "Red Code" (another virus) is a name of its own;
- a shortened coordination counts: "Windows NT oder 2000" names Windows NT and Windows 2000.
"""

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
# Words that may join "Windows NT oder 2000", "Windows 95/98".
_CONJUNCTIONS = frozenset({"oder", "und", "bzw", "sowie", "or", "and"})
JOIN = " "  # the gap of words joined by space or hyphen


@dataclass
class _Node:
    children: dict
    entity: object = None
    genitive: bool = False


def _gap(text):
    """Normalise what lies between two tokens: space or hyphen -> JOIN; "/" or "." stay; else None."""
    if not text or len(text) > 3:
        return None if text else ""
    stripped = text.strip(" \t\n\u00a0-\u00ad\u2010\u2011")
    if not stripped:
        return JOIN
    return stripped if len(stripped) == 1 and not stripped.isspace() else None


def _tokens(text):
    """[(token, gap before it, start, end)]"""
    result = []
    end = 0
    for match in _TOKEN.finditer(text):
        result.append((match.group(), _gap(text[end:match.start()]) if result else JOIN, match.start(), match.end()))
        end = match.end()
    return result


class _Tokens:
    """Words of a text with the gap before each, computed on demand: tokens[i] -> (word, gap)."""

    def __init__(self, text, words):
        self.text, self.words = text, words

    def __len__(self):
        return len(self.words)

    def __getitem__(self, index):
        word, start, _ = self.words[index]
        return word, (_gap(self.text[self.words[index - 1][2] : start]) if index else JOIN)


def _is_acronym(word):
    return not any(ch.islower() for ch in word)


class Gazetteer:
    """Built from (entity key, name) pairs; `find(text)` returns a Counter of entity keys."""

    def __init__(self, names):
        self.root = _Node({})
        self.size = 0
        for key, name in names:
            tokens = _tokens(name)
            if not tokens or any(gap is None for _, gap, _, _ in tokens[1:]):
                continue
            self._add(key, tokens, upper=False)
            self._add(key, tokens, upper=True)

    def _add(self, key, tokens, *, upper):
        node = self.root
        path = []
        for index, (word, gap, _, _) in enumerate(tokens):
            word = word.upper() if upper else word
            edge = word if index == 0 else (gap, word)
            path.append(edge)
            node = node.children.setdefault(edge, _Node({}))
        if node.entity is None:
            node.entity = key
            node.genitive = not upper and not _is_acronym(tokens[-1][0]) and tokens[-1][0][-1] not in "sxzß"
            self.size += 1

    def find(self, text):
        """Count each entity's mentions in text."""
        found = Counter()
        # Gaps between words are looked at only where a name starts, which is rare.
        words = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        children = self.root.children
        count = len(words)
        i = 0
        while i < count:
            word = words[i][0]
            first = children.get(word)
            if first is None:
                if word[-1] == "s":
                    node = children.get(word[:-1])
                    if node is not None and node.entity is not None and node.genitive:
                        found[node.entity] += 1
                i += 1
                continue
            i = self._walk(_Tokens(text, words), i, first, found)
        return found

    def _walk(self, tokens, start, node, found):
        """Longest match from tokens[start]; returns the index after it."""
        path = [node]
        best_end, best = (start + 1, node.entity) if node.entity is not None else (None, None)
        j = start + 1
        while j < len(tokens):
            word, gap = tokens[j]
            if gap is None:
                break
            child = node.children.get((gap, word))
            if child is None:
                if word.endswith("s"):
                    stem = node.children.get((gap, word[:-1]))
                    if stem is not None and stem.entity is not None and stem.genitive:
                        best_end, best = j + 1, stem.entity
                break
            node = child
            path.append(node)
            j += 1
            if node.entity is not None:
                best_end, best = j, node.entity
        if best is None:
            return start + 1
        found[best] += 1
        words = best_end - start
        if words >= 2:
            return self._coordinated(tokens, best_end, path[words - 2], found)
        return best_end

    def _coordinated(self, tokens, end, parent, found):
        """After "Windows NT", read "oder 2000" or "/2000" as "Windows 2000"."""
        if end >= len(tokens):
            return end
        word, gap = tokens[end]
        if gap == "/":
            after = end + 1
        elif gap == JOIN and word in _CONJUNCTIONS and end + 1 < len(tokens) and tokens[end + 1][1] == JOIN:
            word, after = tokens[end + 1][0], end + 2
        else:
            return end
        # The second part must be a bare ending ("2000"), not the start of another name
        # ("Red Code und Code Red" is two names, not a coordination).
        if word in self.root.children:
            return end
        sibling = parent.children.get((JOIN, word))
        if sibling is not None and sibling.entity is not None:
            found[sibling.entity] += 1
            return after
        return end
