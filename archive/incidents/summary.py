"""The sentences under the comparison drawing, computed from the rows and medians, in the reader's language."""

from django.utils.translation import gettext, gettext_lazy, ngettext

from archive.incidents.milestones import COVERAGE, EXPLOITATION, PATCH

MILESTONE_LABELS = {
    "disclosure": gettext_lazy("disclosure"),
    PATCH: gettext_lazy("patch"),
    EXPLOITATION: gettext_lazy("exploitation or outbreak"),
    COVERAGE: gettext_lazy("first coverage"),
}


def relative(days):
    """A number of days relative to the disclosure, in words: "12 days after", "the same day", "3 days before"."""
    if days is None:
        return gettext("not known")
    whole = round(days)
    if whole == 0:
        return gettext("the same day")
    if whole > 0:
        return ngettext("%(days)s day after", "%(days)s days after", whole) % {"days": whole}
    return ngettext("%(days)s day before", "%(days)s days before", -whole) % {"days": -whole}


def after_disclosure(days):
    """Days relative to the disclosure as a whole phrase: "12 days after the disclosure"."""
    whole = round(days)
    if whole == 0:
        return gettext("the same day as the disclosure")
    if whole > 0:
        return ngettext("%(days)s day after the disclosure", "%(days)s days after the disclosure", whole) % {
            "days": whole}
    return ngettext("%(days)s day before the disclosure", "%(days)s days before the disclosure", -whole) % {
        "days": -whole}


def span_from_disclosure(span):
    """A Span from the disclosure as a phrase: exact, or the range of days it could be."""
    if span.exact:
        return after_disclosure(span.low)
    if span.low >= 0:
        return gettext("%(low)s to %(high)s days after the disclosure") % {"low": span.low, "high": span.high}
    if span.high <= 0:
        return gettext("%(low)s to %(high)s days before the disclosure") % {"low": -span.high, "high": -span.low}
    return gettext("within %(days)s days of the disclosure") % {"days": max(-span.low, span.high)}


def _median_text(median):
    if median.days is None:
        return gettext("no incident with both dates")
    text = ngettext("%(when)s (%(count)s incident)", "%(when)s (%(count)s incidents)", median.count) % {
        "when": relative(median.days), "count": median.count}
    return text


def sentences(rows, decades):
    """What the figures show, as a list of sentences; nothing in them is written by hand."""
    if not rows:
        return [gettext("No incidents are recorded yet.")]
    dated = [row for row in rows if row.first is not None]
    disclosed = sum(row.disclosure is not None for row in rows)
    out = []
    first = min((row.first_year for row in dated), default=None)
    last = max((row.last_year for row in dated), default=None)
    if dated and first == last:
        out.append(ngettext("%(count)s incident, in %(year)s.", "%(count)s incidents, in %(year)s.", len(rows))
                   % {"count": len(rows), "year": first})
    elif dated:
        out.append(ngettext(
            "%(count)s incident, from %(first)s to %(last)s.", "%(count)s incidents, from %(first)s to %(last)s.",
            len(rows)) % {"count": len(rows), "first": first, "last": last})
    else:
        out.append(ngettext("%(count)s incident, none of them dated.", "%(count)s incidents, none of them dated.",
                            len(rows)) % {"count": len(rows)})
    missing = len(rows) - disclosed
    if missing:
        out.append(ngettext(
            "%(count)s has no disclosure date and is not placed on the axis.",
            "%(count)s have no disclosure date and are not placed on the axis.", missing) % {"count": missing})
    for decade in decades:
        if not decade.disclosed:
            out.append(gettext("%(decade)s: no incident with a disclosure date.") % {"decade": decade.label})
            continue
        out.append(gettext(
            "%(decade)s, median from disclosure: patch %(patch)s, exploitation or outbreak %(exploitation)s, "
            "first coverage in the archive %(coverage)s.") % {
            "decade": decade.label,
            "patch": _median_text(decade.medians[PATCH]),
            "exploitation": _median_text(decade.medians[EXPLOITATION]),
            "coverage": _median_text(decade.medians[COVERAGE]),
        })
    out.extend(_trends(decades))
    inferred = sum(any(span is not None and span.inferred for span in row.spans().values()) for row in rows)
    if inferred:
        out.append(ngettext(
            "%(count)s incident has an inferred date among its figures; it is drawn hollow and counted.",
            "%(count)s incidents have an inferred date among their figures; they are drawn hollow and counted.",
            inferred) % {"count": inferred})
    return out


TREND_TEXTS = {
    PATCH: gettext_lazy("From the %(start)ss to the %(end)ss the median patch moved from %(before)s to %(after)s."),
    EXPLOITATION: gettext_lazy("From the %(start)ss to the %(end)ss the median exploitation or outbreak moved from "
                               "%(before)s to %(after)s."),
    COVERAGE: gettext_lazy("From the %(start)ss to the %(end)ss the median first coverage moved from %(before)s to "
                           "%(after)s."),
}


def _trends(decades):
    """The first and the last decade with a median for each milestone, when they differ."""
    out = []
    for name, text in TREND_TEXTS.items():
        known = [decade for decade in decades if decade.medians[name].days is not None]
        if len(known) < 2:
            continue
        start, end = known[0], known[-1]
        out.append(str(text) % {"start": start.decade, "end": end.decade,
                                "before": relative(start.medians[name].days),
                                "after": relative(end.medians[name].days)})
    return out
