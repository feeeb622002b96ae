"""How well the dating step dates articles whose true dates are known.

    .venv/bin/python bench/bench_dating.py [--data DIR] [--workdir DIR] [--limit N]
                                           [--holdout 0.2] [--seed 16] [--calibrate 2000]

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
   dating step builds from the archive). The held-out articles are dated without and with
   that evidence, and the known records measure the rule itself: for a sample of them
   (--calibrate), each one's same-story matches among the others, and how many lie within
   the window.
4. The undated BBC and DER STANDARD items: how many get a proposal from their text alone.

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
    parser.add_argument("--calibrate", type=int, default=2000,
                        help="known records checked against the others for the same-story rule (default 2000)")
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
    import random

    from archive.dating import stories
    from archive.dating.propose import propose

    order = list(range(len(reuters)))
    random.Random(args.seed).shuffle(order)
    cut = round(len(order) * args.holdout)
    held, known = order[:cut], order[cut:]
    index = stories.StoryIndex((str(i), reuters[i][1], "", reuters[i][0]) for i in known)
    print(f"Held out: {len(held)} Reuters articles (seed {args.seed}), dates stripped; "
          f"{len(known)} stay dated as the archive's known records")
    sample = random.Random(args.seed).sample(known, min(args.calibrate, len(known)))
    matches = [(i, index.same_story(reuters[i][0], exclude=str(i))) for i in sample]
    gaps = [abs((s.date - reuters[i][1]).days) for i, found in matches for s in found]
    if gaps:
        within = sum(gap <= stories.WINDOW_DAYS for gap in gaps) / len(gaps)
        print(f"  the rule on {len(sample)} known records, each against the others: {len(gaps)} same-story "
              f"matches, {within:.1%} of them within {stories.WINDOW_DAYS} days")
        _report("  the known records dated by the rule (the check it was chosen by)",
                [(propose(reuters[i][0], period=REUTERS_PERIOD, stories=found), reuters[i][1])
                 for i, found in matches])
    before = [(propose(reuters[i][0], period=REUTERS_PERIOD), reuters[i][1]) for i in held]
    _report("  before: text and source period only", before)
    found = [index.same_story(reuters[i][0]) for i in held]
    after = [(propose(reuters[i][0], period=REUTERS_PERIOD, stories=s), reuters[i][1])
             for i, s in zip(held, found, strict=True)]
    _report("  after: with the same story in the known records", after)
    _evidence_kinds(after)
    with_story = sum(bool(s) for s in found)
    print(f"  held-out articles with a same-story match: {with_story / len(held):.1%}")


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
