"""How well the dating step dates articles whose true dates are known.

    .venv/bin/python bench/bench_dating.py [--data DIR] [--workdir DIR] [--limit N]
                                           [--holdout 0.2] [--seed 16] [--calibrate N]
                                           [--seeds 16,17,18,19,20]
                                           [--words choose|SHARE,BETA,SMOOTHING,MASS] [--words-calibrate N]

1. Reuters-21578 (scale_corpus.jsonl.gz, 19,042 dated articles): each article's date is
   stripped and archive.dating.propose proposes one from its text and the publication
   period recorded for the collection's source (February to October 1987). These
   articles report no incident in the archive, so no event evidence applies; the
   proposer is called directly, as the dating step calls it.
2. The founding scrape (tests/fixtures/import/000_6ed5ad2b58a1c3c8.txt) goes through the
   real path: a fresh SQLite database with content/ loaded (its events), the hand-dated
   copy removed, the scrape imported with import_articles, whose dating step dates it.
3. The same story in the archive's dated articles: the dates of a seeded random share of
   the Reuters articles (--holdout, default 20%, --seed 16) are stripped; the other
   articles stay dated as the archive's known records (a StoryIndex of them, as the
   dating step builds from the archive). The archive's self-check (archive/dating/selfcheck.py,
   the same code the dating step runs) dates the known records by the rule, each against the
   others (--calibrate N: at most N of them; default: as many as the archive checks; 0: all),
   and says whether the dating step would use the rule; the held-out articles are dated without
   and with the same story. --seeds 16,17,... prints only this part, one line per draw and a
   total, so the rule is judged on several draws and not on the luck of one.
4. With --words: the archive's dated articles as a date model of words (bench/dating_words.py,
   measured, not used by the dating step: its additions did not hold 95%, docs/dating.md):
   its settings chosen on the known records, each dated by a model of all the others
   (--words choose; --words-calibrate N: a sample of them), or given (--words
   SHARE,BETA,SMOOTHING,MASS, to check them on another --seed); then the held-out articles
   dated by it alone, with the other evidence, and where nothing else dates them.
5. The undated BBC and DER STANDARD items: how many get a proposal from their text alone.

Prints, per corpus: the share of dated proposals whose range holds the true date, the
median width of the ranges (open-ended ones counted as unbounded) and their quartiles,
the share left undated; for Reuters also the same without the width limit (every range
the evidence allows, however wide), and the share each kind of evidence took part in.
"""

import argparse
import datetime as dt
import gzip
import io
import json
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
SEED = ROOT / "tests" / "fixtures" / "import" / "000_6ed5ad2b58a1c3c8.txt"
# Reuters-21578 is the newswire of February to October 1987; the bench records it for its source.
REUTERS_PERIOD = (dt.date(1987, 2, 1), dt.date(1987, 10, 31))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the corpora")
    parser.add_argument("--limit", type=int, default=0, help="only the first N Reuters articles")
    parser.add_argument("--holdout", type=float, default=0.2, help="share of Reuters articles whose dates are "
                        "stripped while the rest stay dated as known records (default 0.2)")
    parser.add_argument("--seed", type=int, default=16, help="seed of the held-out draw (default 16)")
    parser.add_argument("--calibrate", type=int, default=None, help="known records the self-check of the "
                        "same-story rule checks against the others (default: as the archive does, "
                        "archive.dating.selfcheck.SAMPLE; 0: all of them)")
    parser.add_argument("--seeds", default="", metavar="16,17,...", help="only the same story, on the draws of "
                        "these seeds: one line each (known records and held-out articles) and a total")
    parser.add_argument("--words-calibrate", type=int, default=0,
                        help="known records the words' date model is chosen on (default 0: all of them)")
    parser.add_argument("--words", default="", metavar="choose|SHARE,BETA,SMOOTHING,MASS",
                        help="also measure the words' date model (not used by the dating step): 'choose' its "
                        "settings on the known records, or check the settings given (about 2 minutes)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the scratch database and index (default: a new temporary folder)")
    args = parser.parse_args()

    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-dating-", dir=args.workdir))
    os.environ["ARCHIVE_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from archive.dating.propose import propose
    from archive.dating.selfcheck import SAMPLE

    if args.calibrate is None:
        args.calibrate = SAMPLE

    reuters, undated_corpora = [], {}
    with gzip.open(args.data / "scale_corpus.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = "\n".join(part for part in (record.get("title"), record.get("teaser"), record["body"]) if part)
            if record["source"] == "Reuters" and record.get("date"):
                if not args.limit or len(reuters) < args.limit:
                    reuters.append((text, dt.date.fromisoformat(record["date"][:10])))
            elif not record.get("date"):
                undated_corpora.setdefault(record["source"], []).append(text)

    if args.seeds:
        _seeds_summary(reuters, args)
        return
    results = [(propose(text, period=REUTERS_PERIOD), truth) for text, truth in reuters]
    _report("Reuters-21578, dates stripped, source period Feb-Oct 1987", results)
    _evidence_kinds(results)
    wide = [(propose(text, period=REUTERS_PERIOD, max_width=None), truth) for text, truth in reuters]
    _report("The same without the width limit (every range the evidence allows)", wide)
    _held_out(reuters, args)
    for name, texts in sorted(undated_corpora.items()):
        dated = sum(propose(text) is not None for text in texts)
        print(f"{name} (undated in the corpus): {dated} of {len(texts)} get a proposal from their text alone")
    _founding()


def _held_out(reuters, args):
    from archive.dating import selfcheck
    from archive.dating.propose import propose

    held, known, index = _split(reuters, args.holdout, args.seed)
    print(f"Held out: {len(held)} Reuters articles (seed {args.seed}), dates stripped; "
          f"{len(known)} stay dated as the archive's known records")
    check = selfcheck.check(index, sample=args.calibrate)
    print(f"  the archive's self-check (archive/dating/selfcheck.py): {check.summary()}")
    before = [(propose(reuters[i][0], period=REUTERS_PERIOD), reuters[i][1]) for i in held]
    _report("  before: text and source period only", before)
    found = [index.same_story(reuters[i][0]) for i in held]
    after = [(propose(reuters[i][0], period=REUTERS_PERIOD, stories=s), reuters[i][1])
             for i, s in zip(held, found, strict=True)]
    _report("  after: with the same story in the known records"
            + ("" if check.trusted else " (NOT used by the dating step on this archive: the self-check failed)"),
            after)
    _evidence_kinds(after)
    with_story = sum(bool(s) for s in found)
    print(f"  held-out articles with a same-story match: {with_story / len(held):.1%}")
    if args.words:
        _vocabulary(reuters, held, known, after, args)


def _split(reuters, holdout, seed):
    """(held-out indexes, known indexes, StoryIndex of the known records) for the draw of `seed`."""
    import random

    from archive.dating import stories

    order = list(range(len(reuters)))
    random.Random(seed).shuffle(order)
    cut = round(len(order) * holdout)
    held, known = order[:cut], order[cut:]
    return held, known, stories.StoryIndex((str(i), reuters[i][1], "", reuters[i][0]) for i in known)


def _calibration_sample(known, size, seed):
    import random

    return known if not size else random.Random(seed).sample(known, min(size, len(known)))


def _seeds_summary(reuters, args):
    """The same-story rule on the draws of several seeds: per draw, the archive's self-check on the known
    records (archive/dating/selfcheck.py, each against the others) and whether it lets the dating step use
    the rule, then the held-out articles before (text and source period) and with the same story."""
    from archive.dating import selfcheck
    from archive.dating.propose import propose

    seeds = [int(seed) for seed in args.seeds.split(",")]
    sample = "all" if not args.calibrate else f"at most {args.calibrate}"
    print(f"The same story on {len(seeds)} draws: {args.holdout:.0%} of {len(reuters)} Reuters articles held out, "
          f"the others the known records (the self-check dates {sample} of them, each against the others; "
          f"the rule is used at {selfcheck.MIN_PRECISION:.1%} of at least {selfcheck.MIN_DATED})")
    print("  self-check: dated / right -> rule | held out, before: dated / right / median width "
          "| held out, with the same story | the dating step (with it if used)")
    totals = {"before": [], "after": [], "step": []}
    checks = []
    for seed in seeds:
        held, known, index = _split(reuters, args.holdout, seed)
        check = selfcheck.check(index, sample=args.calibrate)
        checks.append(check)
        rows = {
            "before": [(propose(reuters[i][0], period=REUTERS_PERIOD), reuters[i][1]) for i in held],
            "after": [(propose(reuters[i][0], period=REUTERS_PERIOD, stories=index.same_story(reuters[i][0])),
                       reuters[i][1]) for i in held],
        }
        rows["step"] = rows["after"] if check.trusted else rows["before"]
        for name, results in rows.items():
            totals[name] += results
        print(f"  seed {seed}: {_checked(check)} | " + " | ".join(_compact(rows[name]) for name in totals),
              flush=True)
    dated, right = sum(c.dated for c in checks), sum(c.right for c in checks)
    used = sum(c.trusted for c in checks)
    print(f"  all draws: {dated} / {right / max(1, dated):.1%}, used on {used} of {len(checks)} | "
          + " | ".join(_compact(totals[name]) for name in totals))


def _checked(check):
    return f"{check.dated} of {check.checked} / {check.precision:.1%} -> {'used' if check.trusted else 'off'}"


def _compact(results):
    """"108 of 3808 (2.8%) / 98.1% / 31 d": how many dated, the share holding the true date, the median width."""
    dated = [(p, truth) for p, truth in results if p is not None]
    if not dated:
        return f"0 of {len(results)}"
    right = sum(p.contains(truth) for p, truth in dated) / len(dated)
    median = statistics.median(p.width_days if p.width_days is not None else float("inf") for p, _ in dated)
    return f"{len(dated)} of {len(results)} ({len(dated) / len(results):.1%}) / {right:.1%} / {median:g} d"


# The vocabulary's settings tried on the known records: (MAX_WORD_SHARE, BETA, SMOOTHING) x MIN_MASS.
WORD_MODELS = [(0.05, 0.06, 5.0), (0.05, 0.1, 20.0), (0.01, 0.06, 5.0), (0.01, 0.1, 5.0), (0.01, 0.1, 20.0)]
WORD_MASSES = [0.95, 0.98, 0.99, 0.995]


def _vocabulary(reuters, held, known, after, args):
    """The archive's dated articles as a date model of words (bench/dating_words.py, not used by the
    dating step): its settings chosen on the known records, each dated by a model of the others, so that
    95% of its windows hold the true date, of all it dates and of those nothing else dates; then checked
    once on the held-out articles, alone and with the other evidence (the ranges intersected, as
    propose() combines bounds). `--words` gives the settings instead, to check them on another split."""
    import dating_words

    from archive.dating import stories
    from archive.dating.propose import propose

    index = dating_words.VocabularyIndex((str(i), reuters[i][1], "", reuters[i][0]) for i in known)
    if args.words != "choose":
        share, beta, smoothing, mass = (float(x) for x in args.words.split(","))
        print(f"The words of the time, settings given: words in at most {share:.0%}, beta {beta:g}, "
              f"smoothing {smoothing:g}, mass {mass:g}")
    else:
        story_index = stories.StoryIndex((str(i), reuters[i][1], "", reuters[i][0]) for i in known)
        calibration = _calibration_sample(known, args.words_calibrate, args.seed)
        # What the other evidence dates among them (each against the others): the words must add to it.
        others = {i: propose(reuters[i][0], period=REUTERS_PERIOD, stories=story_index.same_story(
            reuters[i][0], exclude=str(i))) for i in calibration}
        print(f"The words of the time: {len(calibration)} known records, each dated by a model of the other "
              f"{len(known) - 1} ({sum(p is not None for p in others.values())} dated by the other evidence)")
        share, beta, smoothing, mass = _choose_words(reuters, index, calibration, others)
    windows = [index.window(reuters[i][0], min_mass=mass, beta=beta, smoothing=smoothing, max_share=share)
               for i in held]
    _report("  held out, the words alone", [(w, reuters[i][1]) for w, i in zip(windows, held, strict=True)])
    combined = [(_intersect(p, w), truth) for (p, truth), w in zip(after, windows, strict=True)]
    _report("  held out, the words with the same story, text and source period", combined)
    beyond = [(w, reuters[i][1]) for (p, _), w, i in zip(after, windows, held, strict=True) if p is None and w]
    right = sum(w.contains(truth) for w, truth in beyond)
    print(f"  held out, dated by the words where nothing else dated: {len(beyond)} of {len(held)} "
          f"({len(beyond) / len(held):.1%}), {right / max(1, len(beyond)):.1%} of them right")
    example = next((w for w in windows if w and w.words and w.words[0].articles >= 10), None)
    if example:
        print(f"  a reason: {example.reason()}")


def _choose_words(reuters, index, calibration, others):
    import dating_words as vocabulary

    rows = []
    for share, beta, smoothing in WORD_MODELS:
        posteriors = [(i, index.posterior(reuters[i][0], exclude=str(i), beta=beta, smoothing=smoothing,
                                          max_share=share)) for i in calibration]
        for mass in WORD_MASSES:
            dated = []
            for i, posterior in posteriors:
                span = vocabulary.shortest_window(posterior, mass, vocabulary.MAX_WIDTH_DAYS)
                if span:
                    lo, hi, _ = vocabulary.widen(*span, vocabulary.MAX_WIDTH_DAYS)
                    dated.append((lo <= reuters[i][1] <= hi, others[i] is None))
            right = sum(ok for ok, _ in dated)
            beyond = [ok for ok, alone in dated if alone]
            rows.append((share, beta, smoothing, mass, len(dated), right, len(beyond), sum(beyond)))
            print(f"  words in at most {share:.0%}, beta {beta:g}, smoothing {smoothing:g}, mass {mass:g}: "
                  f"{len(dated)} dated ({len(dated) / len(calibration):.1%}), {right / max(1, len(dated)):.1%} "
                  f"right; where nothing else dates: {len(beyond)} ({len(beyond) / len(calibration):.1%}), "
                  f"{sum(beyond) / max(1, len(beyond)):.1%} right")
    # Held: 95% right, of all it dates and of what it adds where nothing else dates (20 of them at least).
    holding = [r for r in rows if r[6] >= 20 and r[5] >= 0.95 * r[4] and r[7] >= 0.95 * r[6]]
    chosen = max(holding, key=lambda r: r[4]) if holding else max(rows, key=lambda r: (r[7] / max(1, r[6]), r[6]))
    print("  chosen (the most dated where all and the additions are 95% right): " if holding else
          "  NONE held 95% on the known records; shown for the most precise: ", end="")
    print("words in at most {:.0%}, beta {:g}, smoothing {:g}, mass {:g}".format(*chosen[:4]))
    return chosen[:4]


class _Span:
    def __init__(self, lo, hi):
        self.not_before, self.not_after = lo, hi

    @property
    def width_days(self):
        return None if self.not_after is None else (self.not_after - self.not_before).days + 1

    def contains(self, day):
        return self.not_before <= day and (self.not_after is None or day <= self.not_after)


def _intersect(proposal, window):
    """A proposal and a words' window combined as propose() combines bounds: their common days, or none."""
    if window is None or proposal is None:
        return proposal or window
    lo = max(proposal.not_before, window.not_before)
    hi = window.not_after if proposal.not_after is None else min(proposal.not_after, window.not_after)
    return _Span(lo, hi) if lo <= hi else None


def _report(title, results):
    dated = [(p, truth) for p, truth in results if p is not None]
    inside = sum(p.contains(truth) for p, truth in dated)
    widths = [p.width_days if p.width_days is not None else float("inf") for p, _ in dated]
    print(title)
    print(f"  articles: {len(results)}")
    if dated:
        print(f"  true date inside the proposal: {inside / len(dated):.1%} of {len(dated)} dated proposals")
        print(f"  median width: {statistics.median(widths):g} days")
        quartiles = statistics.quantiles(widths, n=4) if len(widths) > 1 else widths * 3
        print("  width quartiles: " + ", ".join(f"{q:g}" for q in quartiles) + " days")
    print(f"  left undated: {(len(results) - len(dated)) / len(results):.2%}")


def _evidence_kinds(results):
    dated = [p for p, _ in results if p is not None]
    kinds = Counter(kind for p in dated for kind in {item["kind"] for item in p.evidence})
    if dated:
        print("  evidence in the dated proposals: "
              + ", ".join(f"{kind} {count / len(dated):.0%}" for kind, count in kinds.most_common()))


def _founding():
    from django.core.management import call_command

    from archive.models import Article, DateProposal

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=io.StringIO())
    Article.objects.filter(slug="computervirus-code-red-2-schlaegt-zu").delete()
    call_command("import_articles", str(SEED), source="taz", verbosity=0, stdout=io.StringIO())
    article = Article.objects.get(source__slug="taz", date_inferred=True)
    proposal = DateProposal.objects.filter(article=article).first()
    truth = (dt.date(2001, 8, 10), dt.date(2001, 8, 11))
    print("Founding scrape (taz), events of content/ loaded, hand-made date removed")
    if proposal is None:
        print("  left undated")
        return
    print(f"  proposed: {proposal.not_before} to {proposal.not_after}, most likely {proposal.point}; "
          f"stored: {article.date_iso()} ({article.date_precision}, inferred={article.date_inferred})")
    print(f"  known answer 10 (or 10-11) August 2001: "
          f"{'met' if proposal.point == truth[0] and proposal.not_after <= truth[1] else 'MISSED'}")
    print(f"  reason: {proposal.reason}")


if __name__ == "__main__":
    main()
