"""The same story in the archive's dated articles: a near-duplicate or a follow-up of an undated one.

    index = StoryIndex((key, date, title, text) for each dated article)
    index.same_story(text) -> [Story], the dated articles that report the same story

Two articles report the same story when they share enough of what is particular to it: rare
words and names (weighted by how rare they are in the archive, compared as a cosine of the two
word sets) AND the same figures ("5.3 mln dlrs", "4,2 Mio. Euro", "1,389,600"), which one story
repeats and another hardly ever does. Words alone are not enough: a company's next quarterly
dividend, an office's weekly or monthly report, share their words with the last one but not its
figures, and appear a week to a quarter later. What "enough" is and how far apart in time such
articles appear were measured on Reuters-21578 (docs/dating.md, "The same story"): a match with a
cosine of at least MIN_SIMILARITY and at least MIN_FIGURES shared rare figures, its date widened
by WINDOW_DAYS each way, held the true date for 97.5% of the known records it dated, over the
known records of five random draws, each checked against the others.

How often the rule is right also depends on what an archive holds (a small one's matches are mostly
recurring reports): the dating step uses it only where it holds on the archive's own dated articles,
checked by archive.dating.selfcheck.

Pure: no database; archive.dating.service builds the index from the archive's dated articles.
"""

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

MIN_SIMILARITY = 0.55
# Rare figures a match must share besides its words: the same story repeats them, a series' next issue does not.
MIN_FIGURES = 2
# How far apart the same story's articles appear: the proposal is the match's date +- this.
WINDOW_DAYS = 15
# A figure in more dated articles than this is a common amount ("100 dlrs"), not one story's.
MAX_FIGURE_ARTICLES = 20
# Words in more dated articles than this find no candidates (they still weigh in the cosine):
# they cost the most to look up and say the least about which story it is.
MAX_WORD_ARTICLES = 100
CANDIDATES = 10

_UNITS = ("mln|billion|bln|pct|dlrs|dlr|cts|tonnes|yen|marks|francs|stg|barrels|bpd|"
          "mio|mrd|millionen|milliarden|prozent|euro|dollar|schilling")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*(?:\s(?:" + _UNITS + r")\b\.?){0,2}", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'&-]*[^\W_]")
_STOP = frozenset(
    "the and for that with said from this have will has was are its not been were which would their they about "
    "der die das und den dem des ein eine einer eines sich mit von auf für ist nicht auch als wie bei nach "
    "sie wird wurde sind hat haben aus noch oder aber".split())


def figures(text):
    """The figures of a text: amounts with their unit, decimals and large numbers, but not years."""
    found = set()
    for match in _FIGURE.finditer(text):
        number, *units = match.group(0).casefold().split()
        figure = " ".join([number, *(unit.rstrip(".") for unit in units)])
        if re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a year dates nothing by being shared
        if not units and re.fullmatch(r"\d{1,2}", number):
            continue  # "3", "12": too common to mean anything
        found.add(figure)
    return found


def words(text):
    """The words and figures a text is compared by."""
    found = {w.casefold() for w in _WORD.findall(text) if len(w) >= 3}
    return (found - _STOP) | figures(text)


def _is_figure(term):
    return term[0].isdigit()


@dataclass(frozen=True)
class Story:
    """A dated article that reports the same story, and what shows it."""

    key: str  # the article's slug
    date: dt.date
    title: str
    similarity: float
    shared_figures: tuple  # the rare figures both give
    shared_words: tuple  # the rarest words both use, a few
    link: str = ""  # where a reader finds it (the service fills it in)

    @property
    def window(self):
        return self.date - dt.timedelta(days=WINDOW_DAYS), self.date + dt.timedelta(days=WINDOW_DAYS)


class StoryIndex:
    """Dated articles, looked up by the rare words and figures they share with a text.

    Articles can be added (or put again, replacing) one at a time, so an archive that grows
    during an import keeps one index instead of building a new one per article."""

    def __init__(self, records=()):
        self._records = {}  # key -> (date, title, terms)
        self._frequency = Counter()
        self._postings = defaultdict(dict)  # term -> {key: None}, in the order added
        self._common = set()  # terms past MAX_WORD_ARTICLES: no postings kept
        # Articles added, changed or removed so far: archive.dating.selfcheck checks the rule again after many.
        self.changes = 0
        for key, date, title, text in records:
            self.put(key, date, title, text)

    def __len__(self):
        return len(self._records)

    def put(self, key, date, title, text):
        """Add a dated article, or replace what is known of it."""
        terms = words(f"{title}\n{text}")
        if self._records.get(key) == (date, title, terms):
            return  # read again unchanged: not a change
        self._drop(key)
        self.changes += 1
        self._records[key] = (date, title, terms)
        self._frequency.update(terms)
        for term in terms:
            if term in self._common:
                continue
            if self._frequency[term] > MAX_WORD_ARTICLES:
                self._common.add(term)
                self._postings.pop(term, None)
            else:
                self._postings[term][key] = None

    def remove(self, key):
        if self._drop(key):
            self.changes += 1

    def _drop(self, key):
        if key not in self._records:
            return False
        _, _, terms = self._records.pop(key)
        self._frequency.subtract(terms)
        for term in terms:
            self._postings.get(term, {}).pop(key, None)
        return True

    def keys(self):
        return list(self._records)

    def date_of(self, key):
        return self._records[key][0]

    def could_match(self, key):
        """Whether a dated article shares enough rare figures with another to be a same-story match at all."""
        _, _, terms = self._records[key]
        return sum(1 for t in terms if _is_figure(t) and 2 <= self._frequency[t] <= MAX_FIGURE_ARTICLES) \
            >= MIN_FIGURES

    def _weight(self, term):
        return math.log((len(self._records) or 1) / (self._frequency.get(term) or 1))

    def _norm(self, terms):
        return math.sqrt(sum(self._weight(t) ** 2 for t in terms)) or 1.0

    def nearest(self, text, *, exclude=None, limit=CANDIDATES):
        """The `limit` dated articles closest to `text`, as Story records, best first (no threshold)."""
        return self._nearest(words(text), exclude, limit)

    def _nearest(self, terms, exclude, limit):
        scores = Counter()
        for term in terms:
            weight = self._weight(term) ** 2
            for key in self._postings.get(term, ()):
                if key != exclude:
                    scores[key] += weight
        norm = self._norm(terms)
        found = []
        for key, score in scores.most_common(limit):
            date, title, other = self._records[key]
            shared = terms & other
            rare = sorted(shared, key=lambda t: (self._frequency[t], t))
            found.append(Story(
                key, date, title, score / (norm * self._norm(other)),
                tuple(t for t in rare if _is_figure(t) and self._frequency[t] <= MAX_FIGURE_ARTICLES),
                tuple(t for t in rare if not _is_figure(t))[:5]))
        return sorted(found, key=lambda s: -s.similarity)

    def same_story(self, text, *, exclude=None):
        """The dated articles among the nearest that report the same story as `text`."""
        return [s for s in self.nearest(text, exclude=exclude) if is_same_story(s)]

    def same_story_of(self, key):
        """The other dated articles that report the same story as the dated article `key` (leave-one-out)."""
        _, _, terms = self._records[key]
        return [s for s in self._nearest(terms, key, CANDIDATES) if is_same_story(s)]


def is_same_story(story):
    """Close in words and sharing rare figures: the same story, not the next issue of a recurring report."""
    return story.similarity >= MIN_SIMILARITY and len(story.shared_figures) >= MIN_FIGURES
