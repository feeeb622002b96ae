"""When the archive's dated articles used an undated article's words: a date model of the vocabulary.

    index = VocabularyIndex((key, date, title, text) for each dated article)
    index.window(text) -> Window or None

A journalist dates a cutting by what it speaks of ("the earthquake in Ecuador, so March 1987"). Here
the archive's dated articles (dated to the day, as printed) say when each word was in use: a word
whose articles all lie in a few weeks dates a text that uses it, a word used every month dates
nothing. The rarer words of a text (in at most MAX_WORD_SHARE of the dated articles) vote as in a
naive Bayes model over the days the archive has dated articles on: the prior is how the dated
articles spread over those days (a day with many is more likely), each word multiplies in how much
more often its articles fall on one day than on another (smoothed towards its rate in the whole
archive, so that a word of two articles does not decide alone), and the product is tempered by BETA,
as the words of one text are far from independent. When a run of at most MAX_WIDTH_DAYS days holds
MIN_MASS of that posterior, the proposal is the month (MAX_WIDTH_DAYS days) centred on the shortest
such run: the known records' true dates that a tight run missed lay mostly a few days outside it.
MAX_WORD_SHARE, BETA, SMOOTHING and MIN_MASS were chosen on the known records of the benchmark (each
dated by a model of the others) so that 95% of the windows hold the true date, of all it dates and of
those nothing else dates, then checked on held-out articles; an archive with fewer than MIN_ARTICLES
dated articles is far from the one they were chosen on and gets no window.

Measured, not used by the dating step, so it lives with the benchmark and not in archive/: on
Reuters-21578 the windows it adds where nothing else dates an article held the true date in 93.4 to
97.5% of cases depending on the split, for about 2% of the articles (docs/dating.md, "The words of the
time"). bench/bench_dating.py --words measures it again.

Pure: no database.
"""

import datetime as dt
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from archive import dates
from archive.dating.stories import words

MAX_WIDTH_DAYS = 31
MIN_MASS = 0.98
BETA = 0.1
# How many articles' worth of the archive-wide rate a word's count on a day is smoothed with.
SMOOTHING = 20.0
# A word in fewer dated articles says nothing reliable about when; one in more than this share of them
# is in use all the time: it dates nothing and a reader could not check it.
MIN_WORD_ARTICLES = 2
MAX_WORD_SHARE = 0.01
# The settings were chosen on 15,234 dated articles; on far fewer a word's counts say little.
MIN_ARTICLES = 10_000
# How many of the words that point at the window a reason names.
SHOWN_WORDS = 4


@dataclass(frozen=True)
class Word:
    """A word of the text and where its dated articles lie."""

    text: str
    articles: int  # dated articles using it
    inside: int  # of those, how many lie in the window


@dataclass(frozen=True)
class Window:
    """The days the text's words place it in, and the words that place it there."""

    not_before: dt.date
    not_after: dt.date
    mass: float  # the share of the posterior inside
    base_share: float  # the share of all dated articles inside: what the window holds without any word
    words: tuple  # Word records, the ones pointing at the window most strongly first
    example: str = ""  # key of a dated article in the window that uses the first word
    link: str = ""  # where a reader finds that article (a caller that knows the archive fills it in)

    @property
    def width_days(self):
        return (self.not_after - self.not_before).days + 1

    def contains(self, day):
        return self.not_before <= day <= self.not_after

    def why(self):
        """What a reader can check: the words, how many of their dated articles lie in the window, and
        how many of all dated articles do (what the window holds without any word)."""
        said = ", ".join(f'"{w.text}" ({w.inside} of its {w.articles} dated articles)' for w in self.words)
        example = f", for example {self.link or self.example}" if self.link or self.example else ""
        return (f"its rarer words {said} were used mostly in these days{example}; "
                f"{self.base_share:.0%} of all the archive's dated articles lie in them")

    def reason(self, language="en"):
        return (f"Between {dates.display(self.not_before, dates.DAY, language)} and "
                f"{dates.display(self.not_after, dates.DAY, language)}: {self.why()}.")

    def item(self):
        """The evidence as stored with a proposal."""
        return {"kind": "vocabulary", "not_before": self.not_before.isoformat(),
                "not_after": self.not_after.isoformat(), "mass": round(self.mass, 4),
                "base_share": round(self.base_share, 4), "example": self.example, "link": self.link,
                "words": [{"word": w.text, "articles": w.articles, "inside": w.inside} for w in self.words]}


class VocabularyIndex:
    """Dated articles' words, counted by day. Articles can be put (again, replacing) and removed one at a
    time, so an archive that grows during an import keeps one index."""

    def __init__(self, records=()):
        self._records = {}  # key -> (date, terms)
        self._per_day = Counter()  # date -> dated articles
        self._term_days = defaultdict(Counter)  # term -> {date: articles using it}
        self._frequency = Counter()  # term -> dated articles using it
        self._days = None  # sorted days with articles, rebuilt when needed
        for key, date, title, text in records:
            self.put(key, date, title, text)

    def __len__(self):
        return len(self._records)

    def put(self, key, date, title, text):
        """Add a dated article, or replace what is known of it."""
        self.put_terms(key, date, frozenset(words(f"{title}\n{text}")))

    def put_terms(self, key, date, terms):
        """Add a dated article by its terms (as `words` gives them)."""
        self.remove(key)
        self._records[key] = (date, terms)
        if not self._per_day[date]:
            self._days = None
        self._per_day[date] += 1
        self._frequency.update(terms)
        for term in terms:
            self._term_days[term][date] += 1

    def remove(self, key):
        if key not in self._records:
            return
        date, terms = self._records.pop(key)
        self._per_day[date] -= 1
        if not self._per_day[date]:
            del self._per_day[date]
            self._days = None
        self._frequency.subtract(terms)
        for term in terms:
            days = self._term_days[term]
            days[date] -= 1
            if not days[date]:
                del days[date]
            if not self._frequency[term]:
                del self._frequency[term], self._term_days[term]

    def _sorted_days(self):
        if self._days is None:
            self._days = sorted(self._per_day)
        return self._days

    def usable(self, terms, max_share=None):
        """The terms that can date a text: in at least MIN_WORD_ARTICLES dated articles, in at most
        `max_share` of them (default MAX_WORD_SHARE)."""
        max_share = MAX_WORD_SHARE if max_share is None else max_share
        most = max(MIN_WORD_ARTICLES, max_share * len(self._records))
        return [t for t in terms if MIN_WORD_ARTICLES <= self._frequency.get(t, 0) <= most]

    def posterior(self, text, *, exclude=None, beta=None, smoothing=None, max_share=None):
        """{day: probability} over the days with dated articles, given the text's words. `exclude`: the key
        of a dated article to leave out of the model (the text's own, when a known record is checked).
        The settings default to the module's (BETA, SMOOTHING, MAX_WORD_SHARE)."""
        held = self._records.get(exclude)
        if held is not None:
            self.remove(exclude)
        try:
            return self._posterior(self.usable(words(text), max_share), beta, smoothing)
        finally:
            if held is not None:
                self.put_terms(exclude, *held)

    def _posterior(self, terms, beta, smoothing):
        beta = BETA if beta is None else beta
        smoothing = SMOOTHING if smoothing is None else smoothing
        total = len(self._records)
        if not total:
            return {}
        days = self._sorted_days()
        sparse = Counter()
        for term in terms:
            pseudo = smoothing * self._frequency[term] / total
            floor = math.log(pseudo)
            for day, count in self._term_days[term].items():
                sparse[day] += math.log(count + pseudo) - floor
        # log P(day) + beta * sum over words of log P(word | day), each word's part common to all days left out.
        scores = [math.log(self._per_day[d]) + beta * (sparse[d] - len(terms) * math.log(self._per_day[d] + smoothing))
                  for d in days]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        norm = sum(weights)
        return {d: w / norm for d, w in zip(days, weights, strict=True)}

    def window(self, text, *, exclude=None, min_mass=None, beta=None, smoothing=None, max_share=None,
               min_articles=None):
        """The Window the text's words place it in, or None when no run of MAX_WIDTH_DAYS days holds
        `min_mass` of the posterior or the archive has fewer than `min_articles` dated articles.
        `exclude` as for `posterior`; the settings default to the module's."""
        min_mass = MIN_MASS if min_mass is None else min_mass
        min_articles = MIN_ARTICLES if min_articles is None else min_articles
        if len(self._records) - (exclude in self._records) < min_articles:
            return None
        held = self._records.get(exclude)
        if held is not None:
            self.remove(exclude)
        try:
            terms = self.usable(words(text), max_share)
            span = shortest_window(self._posterior(terms, beta, smoothing), min_mass, MAX_WIDTH_DAYS)
            return None if span is None else self._explain(text, terms, *widen(*span, MAX_WIDTH_DAYS))
        finally:
            if held is not None:
                self.put_terms(exclude, *held)

    def _explain(self, text, terms, lo, hi, mass):
        total = len(self._records)
        base = sum(n for d, n in self._per_day.items() if lo <= d <= hi) / total
        found = []
        for term in terms:
            inside = sum(n for d, n in self._term_days[term].items() if lo <= d <= hi)
            found.append(Word(_as_written(text, term), self._frequency[term], inside))
        # The words that point at the window: most of their articles inside, far more than the base share.
        pointing = [w for w in found if w.inside / w.articles > base]
        pointing.sort(key=lambda w: (-_surprise(w, base), w.text))
        example = ""
        if pointing:
            first = pointing[0].text.casefold()
            example = min((key for key, (date, terms) in self._records.items() if lo <= date <= hi and first in terms),
                          default="")
        return Window(lo, hi, mass, base, tuple(pointing[:SHOWN_WORDS]), example)


def _surprise(word, base):
    """How unlikely so many of the word's articles would lie in the window by chance (a log-likelihood
    ratio against the base share): many articles, nearly all inside, rank first."""
    share = word.inside / word.articles
    outside = word.articles - word.inside
    ratio = word.inside * math.log(share / base)
    if outside:
        ratio += outside * math.log((1 - share) / (1 - base))
    return ratio


def _as_written(text, term):
    """The term as the text writes it (words are compared casefolded)."""
    at = text.casefold().find(term)
    return text[at:at + len(term)] if at >= 0 and len(text[at:at + len(term)]) == len(term) else term


def widen(first, last, mass, width):
    """The window of `width` days centred on first..last: the true dates of the known records that a
    tight window missed lay mostly a few days outside it (docs/dating.md)."""
    start = first - dt.timedelta(days=(width - 1 - (last - first).days) // 2)
    return start, start + dt.timedelta(days=width - 1), mass


def shortest_window(posterior, min_mass, max_width):
    """(first day, last day, mass) of the shortest run of at most `max_width` days holding `min_mass` of
    the posterior (the one with more mass among equally short ones), or None."""
    days = sorted(posterior)
    best = None
    for i, first in enumerate(days):
        limit = bisect_left(days, first + dt.timedelta(days=max_width))
        mass = 0.0
        for j in range(i, limit):
            mass += posterior[days[j]]
            if mass >= min_mass:
                width = (days[j] - first).days
                if best is None or (width, -mass) < (best[0], -best[3]):
                    best = (width, first, days[j], mass)
                break
    return None if best is None else best[1:]
