"""The comparison nobody draws: every incident on one relative axis, days from its disclosure.

One row per incident: its disclosure at 0, then its patch (green square), its first exploitation
or outbreak (red circle) and its first coverage in the archive (blue diamond). A date known only
to its month or year is a range of possible days, drawn as a bar with the marker in its middle;
an inferred date is hollow with a dashed outline; a missing one is not placed at all but shown
grey in the column on the right. Below, the medians per decade with the same shapes.

The axis is logarithmic on both sides of 0 (days before and after), so that a same-week patch
and a coverage ten years later both stay readable. Built with ElementTree, which escapes text.
"""

import math
import xml.etree.ElementTree as ET

from django.utils.translation import gettext, ngettext

from archive.incidents.milestones import AFTER_DISCLOSURE, COVERAGE, EXPLOITATION, PATCH
from archive.incidents.summary import MILESTONE_LABELS, after_disclosure, span_from_disclosure
from archive.timeline.labels import reader_language
from archive.timeline.svg import CHAR_WIDTH, MARGIN, WIDTH, _n, _root, _serialise, _text

LABEL_WIDTH = 190
PLOT_LEFT = MARGIN + LABEL_WIDTH
MISSING_WIDTH = 70
PLOT_RIGHT = WIDTH - MARGIN - MISSING_WIDTH
ROW = 22
AXIS = 44
LABEL_CHARS = 26
COLOURS = {PATCH: "#2e7d32", EXPLOITATION: "#b3261e", COVERAGE: "#1f5f99"}
MUTED = "#555"
TICKS = [(-3650, "−10 y"), (-365, "−1 y"), (-30, "−1 m"), (-7, "−1 w"), (0, "0"), (7, "1 w"), (30, "1 m"),
         (365, "1 y"), (3650, "10 y"), (36500, "100 y")]


def _squash(days):
    return math.copysign(math.log10(1 + abs(days)), days)


class Axis:
    """Days from disclosure to x, logarithmic on both sides of 0."""

    def __init__(self, rows):
        lows, highs = [-7], [365]
        for row in rows:
            for span in row.spans().values():
                if span is not None:
                    lows.append(span.low)
                    highs.append(span.high)
        self.low, self.high = _squash(min(lows)), _squash(max(highs))

    def x(self, days):
        return PLOT_LEFT + (_squash(days) - self.low) / (self.high - self.low) * (PLOT_RIGHT - PLOT_LEFT)


def _tick_label(label):
    units = {"y": gettext("y"), "m": gettext("m"), "w": gettext("w")}
    number, _, unit = label.partition(" ")
    return f"{number} {units[unit]}" if unit else number


def _marker(parent, name, x, y, *, inferred=False, size=5.0, colour=None, hollow=False):
    colour = colour or COLOURS[name]
    style = {"fill": "#fff" if inferred or hollow else colour, "stroke": colour, "stroke-width": "1.5"}
    if inferred:
        style["stroke-dasharray"] = "2 1.5"
    if name == PATCH:
        ET.SubElement(parent, "rect", {"x": _n(x - size), "y": _n(y - size), "width": _n(2 * size),
                                       "height": _n(2 * size), **style})
    elif name == EXPLOITATION:
        ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": _n(size + 0.5), **style})
    else:
        s = size + 1.5
        points = f"{_n(x)},{_n(y - s)} {_n(x + s)},{_n(y)} {_n(x)},{_n(y + s)} {_n(x - s)},{_n(y)}"
        ET.SubElement(parent, "polygon", {"points": points, **style})


def _short(text, chars=LABEL_CHARS):
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _tooltip(row, name):
    milestone, span = row.milestones[name], row.span(name)
    text = gettext("%(incident)s: %(milestone)s on %(date)s, %(relative)s") % {
        "incident": row.name, "milestone": MILESTONE_LABELS[name],
        "date": milestone.display(reader_language()), "relative": span_from_disclosure(span)}
    if milestone.inferred or row.disclosure.inferred:
        text += " " + gettext("(a date is inferred)")
    return text


def _row(svg, axis, row, y):
    group = ET.SubElement(svg, "g", {"class": "ic-row", "data-incident": row.slug})
    link = ET.SubElement(group, "a", {"href": row.entity.get_absolute_url()})
    label = _short(row.name) + (f" · {row.first_year}" if row.first_year else "")
    _text(link, MARGIN, y + 4, label, fill="#111")
    ET.SubElement(group, "line", {"x1": _n(PLOT_LEFT), "x2": _n(PLOT_RIGHT), "y1": _n(y), "y2": _n(y),
                                  "stroke": "#eee"})
    if row.disclosure is None:
        _text(group, PLOT_LEFT + 4, y + 4, gettext("no disclosure date: not placed"), fill=MUTED,
              font_style="italic").set("class", "ic-unplaced")
    else:
        zero = axis.x(0)
        ET.SubElement(group, "line", {"x1": _n(zero), "x2": _n(zero), "y1": _n(y - 7), "y2": _n(y + 7),
                                      "stroke": "#111", "stroke-width": "2", "class": "ic-disclosure",
                                      **({"stroke-dasharray": "2 1.5"} if row.disclosure.inferred else {})})
    missing = []
    for name in AFTER_DISCLOSURE:
        milestone = row.milestones[name]
        if milestone is None:
            missing.append(name)
            continue
        span = row.span(name)
        if span is None:
            continue  # known, but with no disclosure to count from: listed in the table, not drawn
        mark = ET.SubElement(group, "a", {"href": milestone.url, "class": f"ic-mark ic-{name}"
                                          + (" ic-inferred" if span.inferred else "")
                                          + ("" if span.exact else " ic-range")})
        ET.SubElement(mark, "title").text = _tooltip(row, name)
        left, right = axis.x(span.low), axis.x(span.high)
        if not span.exact:
            ET.SubElement(mark, "rect", {"x": _n(left), "y": _n(y - 3), "width": _n(max(right - left, 2)),
                                         "height": "6", "fill": COLOURS[name], "fill-opacity": "0.25",
                                         "stroke": COLOURS[name], "stroke-width": "0.8",
                                         **({"stroke-dasharray": "2 1.5"} if span.inferred else {})})
        _marker(mark, name, (left + right) / 2, y, inferred=span.inferred)
    if missing:
        note = ET.SubElement(group, "g", {"class": "ic-missing"})
        ET.SubElement(note, "title").text = gettext("%(incident)s, not recorded: %(milestones)s") % {
            "incident": row.name, "milestones": ", ".join(str(MILESTONE_LABELS[name]) for name in missing)}
        for name in missing:
            x = PLOT_RIGHT + 14 + 20 * AFTER_DISCLOSURE.index(name)
            _marker(note, name, x, y, size=4, colour="#999", hollow=True)


def _median_row(svg, axis, decade, y):
    group = ET.SubElement(svg, "g", {"class": "ic-median", "data-decade": str(decade.decade)})
    label = ngettext("%(decade)s (%(count)s incident)", "%(decade)s (%(count)s incidents)", decade.incidents) % {
        "decade": decade.label, "count": decade.incidents}
    _text(group, MARGIN, y + 4, label, fill="#111", font_weight="bold")
    ET.SubElement(group, "line", {"x1": _n(PLOT_LEFT), "x2": _n(PLOT_RIGHT), "y1": _n(y), "y2": _n(y),
                                  "stroke": "#ddd"})
    for name in AFTER_DISCLOSURE:
        median = decade.medians[name]
        if median.days is None:
            continue
        mark = ET.SubElement(group, "g", {"class": f"ic-median-{name}"})
        ET.SubElement(mark, "title").text = ngettext(
            "%(decade)s: median %(milestone)s %(relative)s, from %(count)s incident",
            "%(decade)s: median %(milestone)s %(relative)s, from %(count)s incidents", median.count) % {
            "decade": decade.label, "milestone": MILESTONE_LABELS[name], "relative": after_disclosure(median.days),
            "count": median.count}
        _marker(mark, name, axis.x(median.days), y, size=6)


def comparison_svg(rows, decades, *, title=None, desc="", ident="comparison"):
    """The drawing: one row (<g class="ic-row">) per incident, then one per decade with its medians."""
    title = gettext("Incidents compared: days from disclosure") if title is None else title
    axis = Axis(rows)
    rows_height = ROW * max(len(rows), 1)
    medians_top = AXIS + rows_height + 30
    legend_top = medians_top + ROW * len(decades) + 16
    height = legend_top + 70
    svg = _root(height, title, desc or title, ident)
    # Axis: ticks and labels on top, guide lines through every row.
    grid = ET.SubElement(svg, "g", {"class": "ic-axis", "fill": "#444"})
    _text(grid, PLOT_LEFT, 14, gettext("days from disclosure (logarithmic)"), fill="#444")
    _text(grid, WIDTH - MARGIN, 14, gettext("missing"), fill="#444", text_anchor="end")
    low_days = -(10 ** abs(axis.low) - 1)
    high_days = 10 ** axis.high - 1
    for days, label in TICKS:
        if low_days - 0.5 <= days <= high_days + 0.5:
            x = axis.x(days)
            ET.SubElement(grid, "line", {"x1": _n(x), "x2": _n(x), "y1": _n(AXIS - 6),
                                         "y2": _n(legend_top - 16), "stroke": "#999" if days == 0 else "#e4e4e4"})
            _text(grid, x, AXIS - 10, _tick_label(label), text_anchor="middle")
    if not rows:
        _text(svg, PLOT_LEFT, AXIS + 15, gettext("No incidents recorded."), fill=MUTED)
    for index, row in enumerate(rows):
        _row(svg, axis, row, AXIS + ROW * index + ROW / 2)
    _text(svg, MARGIN, medians_top - 8, gettext("Medians per decade"), fill="#111", font_weight="bold")
    for index, decade in enumerate(decades):
        _median_row(svg, axis, decade, medians_top + ROW * index + ROW / 2)
    _legend(svg, legend_top)
    return _serialise(svg)


def _upper_first(text):
    return text[:1].upper() + text[1:]


def _legend(svg, top):
    legend = ET.SubElement(svg, "g", {"class": "ic-legend"})
    x = MARGIN
    ET.SubElement(legend, "line", {"x1": _n(x + 4), "x2": _n(x + 4), "y1": _n(top - 7), "y2": _n(top + 7),
                                   "stroke": "#111", "stroke-width": "2"})
    _text(legend, x + 14, top + 4, _upper_first(str(MILESTONE_LABELS["disclosure"])) + " = 0", fill="#111")
    x += 120
    for name in AFTER_DISCLOSURE:
        _marker(legend, name, x + 5, top)
        _text(legend, x + 16, top + 4, _upper_first(str(MILESTONE_LABELS[name])), fill="#111")
        x += 40 + CHAR_WIDTH * len(str(MILESTONE_LABELS[name]))
    second = top + 22
    x = MARGIN
    _marker(legend, EXPLOITATION, x + 5, second, inferred=True)
    label = gettext("hollow, dashed: inferred date")
    _text(legend, x + 16, second + 4, label, fill="#111")
    x += 40 + CHAR_WIDTH * len(label)
    ET.SubElement(legend, "rect", {"x": _n(x), "y": _n(second - 3), "width": "24", "height": "6",
                                   "fill": COLOURS[PATCH], "fill-opacity": "0.25", "stroke": COLOURS[PATCH]})
    label = gettext("bar: date known only to the month or year")
    _text(legend, x + 30, second + 4, label, fill="#111")
    x += 54 + CHAR_WIDTH * len(label)
    if x + 120 > WIDTH:  # no room left on the line: a third one
        x, second = MARGIN, second + 20
    _marker(legend, PATCH, x + 5, second, size=4, colour="#999", hollow=True)
    _text(legend, x + 16, second + 4, gettext("grey: not recorded"), fill="#111")
