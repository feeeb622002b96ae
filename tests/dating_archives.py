"""Synthetic wire archives for the same-story self-check: true follow-ups, and recurring monthly reports.

Each story or series gets its own made-up names and figures, so it matches only its own articles.
"""

import datetime as dt

from archive.models import Article

_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po")
FIRST_DAY = dt.date(1987, 3, 2)


def name(n):
    """A made-up name of its own for each n below 10,000: "Kalomine"."""
    return "".join(_SYLLABLES[int(digit)] for digit in f"{n:04d}").capitalize()


def follow_up_pair(n):
    """((title, body), (title, body)): a stake bought, and the target confirming it with the same figures."""
    buyer, target, town = name(3 * n), name(3 * n + 1), name(3 * n + 2)
    stake, paid, shares = f"{n + 5}.{n % 9 + 1} pct", f"{n + 20}.{n % 7 + 1} mln dlrs", f"{100000 + n * 1237:,}"
    story = (f"{buyer.upper()} BUYS STAKE IN {target.upper()}",
             f"{buyer} Holdings said it acquired a {stake} stake in {target} Corp of {town}, paying {paid} "
             f"for {shares} shares.")
    follow_up = (f"{target.upper()} CONFIRMS {buyer.upper()} STAKE",
                 f"{target} Corp of {town} said {buyer} Holdings told it of the {shares} shares bought for {paid}, "
                 f"a {stake} stake.")
    return story, follow_up


def monthly_report(series, issue):
    """(title, body): issue `issue` of an office's monthly report, repeating last month's figures beside this
    month's, so consecutive issues share two rare figures and nearly all their words, a month apart."""
    office, crop = name(5000 + 2 * series), name(5001 + 2 * series)

    def yield_(k):
        return f"{series + 10}.{k + 1}5 pct"

    def deliveries(k):
        return f"{(series + 1) * 1000 + k * 7:,} tonnes"

    return (f"{office.upper()} {crop.upper()} MONTHLY REPORT",
            f"The {office} board said the average {crop} yield was {yield_(issue)} in the month against "
            f"{yield_(issue - 1)} the month before, and deliveries were {deliveries(issue)} against "
            f"{deliveries(issue - 1)}.")


def issue_date(issue):
    return FIRST_DAY + dt.timedelta(days=31 * issue)


def add_follow_ups(count, start=0):
    """`count` true follow-ups, dated as printed two days after their stories (stories a week apart)."""
    for n in range(start, start + count):
        story, follow_up = follow_up_pair(n)
        day = FIRST_DAY + dt.timedelta(days=7 * n)
        Article.objects.create(slug=f"stake-{n}", title=story[0], body=story[1], date=day, language="en")
        Article.objects.create(slug=f"stake-{n}-confirmed", title=follow_up[0], body=follow_up[1],
                               date=day + dt.timedelta(days=2), language="en")


def add_monthly_reports(series_count, issues=2):
    """`series_count` recurring reports, `issues` consecutive monthly issues each, dated as printed."""
    for series in range(series_count):
        for issue in range(issues):
            title, body = monthly_report(series, issue)
            Article.objects.create(slug=f"report-{series}-{issue}", title=title, body=body,
                                   date=issue_date(issue), language="en")
