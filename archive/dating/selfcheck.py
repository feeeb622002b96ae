"""The archive checks the same-story rule on itself before trusting it.

    check(index) -> SelfCheck: the archive's dated articles, each dated by the rule against the others
    current(index) -> the SelfCheck kept for that index, made again once the index has changed enough

How often the rule (archive.dating.stories) is right depends on what an archive holds: on Reuters-21578's
15,234 known records its proposals held the true date for 97.5% of them, on the first 3,000 articles for
under 80%, where pairs of monthly reports repeating last month's figures outnumber true follow-ups
(docs/dating.md, "The same story on a smaller archive"). So each dated article of the index (a seeded
sample of SAMPLE of them) is dated as an undated one would be, by its same-story matches among the others,
and the share of those dates holding its own date is the rule's precision on this archive. The dating
step uses same-story evidence only when that share is at least MIN_PRECISION over at least MIN_DATED
articles. bench/bench_dating.py measures the rule with this same code.

Pure: no database. The proposal is propose() given the matches alone (no text, no source period): the
rule's own window, which the text can only narrow.
"""

import random
import weakref
from dataclasses import dataclass

from archive.dating.propose import propose

# Chosen on the Reuters bench's draws of five seeds at seven sizes (docs/dating.md, "The same story on a
# smaller archive"). Pooled by size, the known records' figure predicts the held-out articles': 97.1% and
# more went with 95.0 to 98.3% held out (16,000 articles and up), 95.8% and less with 85 to 94.9%. Draw by
# draw the figure is noisy: wrong matches come in series, and which of a series' issues land among the
# known records is luck. No bar removes the two draws of 16,000 articles that measured 97.4 and 98.2% and
# held out 94.5 and 92.0%; 96.5% uses the rule on every draw of 18,000 and more (held out 95.3 to 99.1%).
MIN_PRECISION = 0.965
# Fewer dated articles than this, and the figure says nothing of new articles: on 12,000 and 14,000 articles
# (about 190 and 240 dated per draw) it ranged from 93.4 to 99.0% within one size, and the draw measuring
# 99.0% held out 87.2%. From about 300 on (16,000 articles and up) a size's draws stayed within 2 points.
MIN_DATED = 300
# Candidates checked, at most (all when fewer; seeded, so the same archive gets the same verdict). Enough for
# MIN_DATED: about 6% of the candidates get a dated proposal on Reuters. All 6,341 of its 15,234 known
# records' candidates cost 5.5 s of CPU; 2,000 would date about 120, under MIN_DATED.
SAMPLE = 6000
SEED = 16
# The check is made again once this share of the index's articles was added, changed or removed.
RECHECK_SHARE = 0.1


@dataclass(frozen=True)
class SelfCheck:
    records: int  # the index's dated articles
    candidates: int  # of them, those sharing two rare figures with another: all the rule can date
    checked: int  # of the candidates, those checked (a sample of SAMPLE at most)
    dated: int  # of those checked, those the rule dated against the others
    right: int  # of those dated, those whose own date lies in the rule's window
    changes: int  # the index's change count when checked

    @property
    def precision(self):
        return self.right / self.dated if self.dated else 0.0

    @property
    def trusted(self):
        return self.dated >= MIN_DATED and self.precision >= MIN_PRECISION

    def summary(self):
        """One line for an editor: what was measured, against what bar."""
        return (f"Same-story rule {'used' if self.trusted else 'not used'} on this archive: its self-check dated "
                f"{self.dated} of {self.checked} articles checked (of {self.records} dated as printed), each by "
                f"the others, and held the true date for {self.precision:.1%} of them; it needs "
                f"{MIN_PRECISION:.1%} of at least {MIN_DATED} dated.")


def check(index, *, sample=SAMPLE, seed=SEED):
    """The rule dates the index's dated articles (a seeded sample of `sample` of them; 0: all), each
    against all the others; the SelfCheck says how often its window held the article's own date."""
    # An article sharing fewer than two rare figures with any other can get no match: checking only those
    # that can is exact and spends the sample where the rule acts.
    candidates = sorted(key for key in index.keys() if index.could_match(key))
    chosen = candidates if not sample or len(candidates) <= sample else \
        random.Random(seed).sample(candidates, sample)
    dated = right = 0
    for key in chosen:
        proposal = propose("", stories=index.same_story_of(key))
        if proposal is not None:
            dated += 1
            right += proposal.contains(index.date_of(key))
    return SelfCheck(len(index), len(candidates), len(chosen), dated, right, index.changes)


_kept = weakref.WeakKeyDictionary()  # StoryIndex -> its SelfCheck


def current(index):
    """The SelfCheck of `index`, made when first asked and again once RECHECK_SHARE of its articles changed:
    a few articles more or less do not move the figure, and checking costs seconds at 15,000 articles."""
    kept = _kept.get(index)
    if kept is None or index.changes - kept.changes > RECHECK_SHARE * kept.records:
        kept = _kept[index] = check(index)
    return kept


def kept(index):
    """The SelfCheck last made for `index`, or None: what the articles dated so far were dated under."""
    return _kept.get(index)
