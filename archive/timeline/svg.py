"""Server-rendered SVG drawings: the timeline and the coverage chart.

Built with ElementTree, which escapes every text and attribute, so titles from
imported articles cannot inject markup. Items carry <title> tooltips and links;
the drawing has <title> and <desc> for screen readers. Past DENSE items the
timeline stops drawing one row per item and draws counts per month (or per year
when the span is long), each bar linking to its period page.

ElementTree writes characters XML forbids (a control character in an imported title)
as they are, which no SVG reader parses; archive.xmltext drops them when the drawing is
serialised.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from archive import dates, xmltext
from archive.timeline.labels import reader_language

NS = "http://www.w3.org/2000/svg"
WIDTH = 800
MARGIN = 12
ROW = 24
AXIS = 36
DENSE = 60
MONTH_BINS_UP_TO = 120  # months; longer spans are counted per year
FONT = "system-ui, sans-serif"
EVENT_COLOUR = "#b3261e"
ARTICLE_COLOUR = "#1f5f99"
LABEL_CHARS = 70
CHAR_WIDTH = 6.8  # a generous average advance of a 12px sans-serif character


def _root(height, title, desc, ident):
    svg = ET.Element("svg", {
        "xmlns": NS, "viewBox": f"0 0 {WIDTH} {height}", "width": "100%",
        # Not role="img": that would hide the item links inside from screen readers.
        "role": "graphics-document",
        "aria-labelledby": f"{ident}-title {ident}-desc", "class": "tl-svg", "font-family": FONT,
        "font-size": "12",
    })
    ET.SubElement(svg, "title", {"id": f"{ident}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{ident}-desc"}).text = desc
    # An opaque ground keeps the dark text readable wherever the file is opened.
    ET.SubElement(svg, "rect", {"width": "100%", "height": "100%", "fill": "#fff"})
    return svg


def _text(parent, x, y, text, **attrs):
    node = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **{k.replace("_", "-"): v for k, v in attrs.items()}})
    node.text = text
    return node


def _n(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _serialise(svg):
    for node in svg.iter():
        node.text, node.tail = xmltext.clean(node.text), xmltext.clean(node.tail)
        for name, value in node.attrib.items():
            node.attrib[name] = xmltext.clean(value)
    return ET.tostring(svg, encoding="unicode")


@dataclass
class Scale:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def around(cls, items):
        start = min(item.date for item in items)
        # An open range ("not before") has no end of its own; it runs to the end of the axis.
        end = max(item.date if item.end == dt.date.max else item.end for item in items)
        start, end = start.replace(day=1), dates.period_end(end, dates.MONTH)
        return cls(start, end)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def x(self, day):
        return MARGIN + (day - self.start).days / self.days * (WIDTH - 2 * MARGIN)

    @property
    def months(self):
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _ticks(scale):
    """Month ticks for short spans, year ticks (every 1, 5 or 10 years) for longer ones."""
    if scale.months <= 24:
        day, ticks = scale.start, []
        while day <= scale.end:
            label = dates.MONTH_NAMES[reader_language()][day.month - 1][:3]
            ticks.append((day, f"{label} {day.year}" if day.month == 1 or not ticks else label))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return ticks
    years = scale.end.year - scale.start.year + 1
    step = 1 if years <= 15 else 5 if years <= 60 else 10
    first = scale.start.year + (-scale.start.year % step)
    return [(dt.date(year, 1, 1), str(year)) for year in range(first, scale.end.year + 1, step)
            if dt.date(year, 1, 1) >= scale.start]


def _axis(svg, scale, y, height):
    ticks = _ticks(scale)
    # Thin out labels so that they never overlap: about 60 px per label.
    every = max(1, round(len(ticks) * 60 / (WIDTH - 2 * MARGIN) + 0.49))
    group = ET.SubElement(svg, "g", {"class": "tl-axis", "fill": "#444"})
    ET.SubElement(group, "line", {"x1": _n(MARGIN), "x2": _n(WIDTH - MARGIN), "y1": _n(y), "y2": _n(y),
                                  "stroke": "#888"})
    for index, (day, label) in enumerate(ticks):
        x = scale.x(day)
        ET.SubElement(group, "line", {"x1": _n(x), "x2": _n(x), "y1": _n(y), "y2": _n(height),
                                      "stroke": "#ddd"})
        if index % every == 0:
            _text(group, x + 2, y - 6, label)


def _label(item):
    title = item.title if len(item.title) <= LABEL_CHARS else item.title[: LABEL_CHARS - 1] + "…"
    return f"{item.display_date()} · {title}"


def _tooltip(item):
    if item.is_event:
        what = str(item.kind_label)
    elif item.source:
        what = gettext("Article, %(source)s") % {"source": item.source}
    else:
        what = gettext("Article")
    text = f"{item.display_date()}: {item.title} ({what})"
    if item.inferred:
        text += ". " + (gettext("Date inferred: %(reason)s") % {"reason": item.reason} if item.reason
                        else gettext("Date inferred"))
    return text


def timeline_svg(items, *, title=None, undated=0, ident="timeline"):
    """The drawn timeline of dated items (in order); one row per item, or counts per period when dense."""
    title = gettext("Timeline") if title is None else title
    if not items:
        svg = _root(60, title, gettext("No dated items.") + _undated_note(undated), ident)
        _text(svg, MARGIN, 34, gettext("Nothing dated to draw."))
        return _serialise(svg)
    if len(items) > DENSE:
        return _aggregate_svg(items, title=title, undated=undated, ident=ident)
    scale = Scale.around(items)
    height = AXIS + ROW * len(items) + 8
    events = sum(item.is_event for item in items)
    desc = gettext(
        "%(events)s and %(articles)s from %(first)s to %(last)s, one per row in time order. Events are red "
        "circles, articles blue squares; an item known only to its month or year is drawn as a bar over that "
        "period; inferred dates have dashed outlines."
    ) % {"events": _events(events), "articles": _articles(len(items) - events),
         "first": items[0].display_date(), "last": items[-1].display_date()}
    desc += _undated_note(undated)
    svg = _root(height, title, desc, ident)
    _axis(svg, scale, AXIS - 12, height)
    for row, item in enumerate(items):
        _item(svg, scale, item, AXIS + ROW * row + ROW / 2)
    return _serialise(svg)


def _item(svg, scale, item, y):
    colour = EVENT_COLOUR if item.is_event else ARTICLE_COLOUR
    classes = ["tl-item", "tl-event" if item.is_event else "tl-article", f"tl-{item.precision}"]
    if item.inferred:
        classes.append("tl-inferred")
    link = ET.SubElement(svg, "a", {"href": item.url, "class": " ".join(classes)})
    ET.SubElement(link, "title").text = _tooltip(item)
    dashed = {"stroke-dasharray": "3 2"} if item.inferred else {}
    if item.precision == dates.DAY:
        x = scale.x(item.date) + 0.5 * (scale.x(item.date + dt.timedelta(days=1)) - scale.x(item.date))
    else:
        # The whole period, with the marker in its middle: a month item is not on the 1st.
        left = scale.x(item.date)
        right = scale.x(min(item.end, scale.end) + dt.timedelta(days=1))
        ET.SubElement(link, "rect", {"x": _n(left), "y": _n(y - 4), "width": _n(max(right - left, 2)),
                                     "height": "8", "fill": colour, "fill-opacity": "0.25", "stroke": colour,
                                     **dashed})
        x = (left + right) / 2
    if item.is_event:
        ET.SubElement(link, "circle", {"cx": _n(x), "cy": _n(y), "r": "5", "fill": colour, "stroke": colour,
                                       **({"fill": "#fff", **dashed} if item.inferred else {})})
    else:
        ET.SubElement(link, "rect", {"x": _n(x - 4.5), "y": _n(y - 4.5), "width": "9", "height": "9",
                                     "fill": colour, "stroke": colour,
                                     **({"fill": "#fff", **dashed} if item.inferred else {})})
    label = _label(item) + (" " + gettext("(date inferred)") if item.inferred else "")
    # Put the label on the side with more room and shorten it to fit, so it never leaves the drawing.
    room_right, room_left = WIDTH - MARGIN - (x + 9), x - 9 - MARGIN
    room = max(room_right, room_left)
    fits = int(room / CHAR_WIDTH)
    if len(label) > fits:
        label = label[: max(fits - 1, 1)] + "…"
    if room_right >= room_left:
        _text(link, x + 9, y + 4, label, fill="#111")
    else:
        _text(link, x - 9, y + 4, label, fill="#111", text_anchor="end")


def _events(n):
    return ngettext("%(count)s event", "%(count)s events", n) % {"count": n}


def _articles(n):
    return ngettext("%(count)s article", "%(count)s articles", n) % {"count": n}


def _undated_note(undated):
    if not undated:
        return ""
    return " " + ngettext("%(count)s undated item not drawn.", "%(count)s undated items not drawn.",
                          undated) % {"count": undated}


@dataclass
class Bin:
    start: dt.date
    precision: str  # month | year
    events: int = 0
    articles: int = 0

    @property
    def total(self):
        return self.events + self.articles

    @property
    def url(self):
        if self.precision == dates.YEAR:
            return reverse("timeline-year", args=[self.start.year])
        return reverse("timeline-month", args=[self.start.year, self.start.month])

    def label(self):
        return dates.display(self.start, self.precision, reader_language())


def bins(items, scale):
    """Counts per month (spans up to MONTH_BINS_UP_TO months) or per year; year-only items per month are left out."""
    precision = dates.MONTH if scale.months <= MONTH_BINS_UP_TO else dates.YEAR
    found, skipped = {}, 0
    for item in items:
        if precision == dates.MONTH and item.precision == dates.YEAR:
            skipped += 1
            continue
        start = dates.truncate(item.date, precision)
        counted = found.setdefault(start, Bin(start, precision))
        if item.is_event:
            counted.events += 1
        else:
            counted.articles += 1
    return precision, [found[key] for key in sorted(found)], skipped


def _aggregate_svg(items, *, title, undated, ident):
    scale = Scale.around(items)
    if scale.months > MONTH_BINS_UP_TO:
        scale = Scale(scale.start.replace(month=1), scale.end.replace(month=12, day=31))
    precision, counted, skipped = bins(items, scale)
    chart = 160
    height = AXIS + chart + 30
    events = sum(item.is_event for item in items)
    values = {"count": len(items), "events": _events(events), "articles": _articles(len(items) - events),
              "first": items[0].display_date(), "last": items[-1].display_date()}
    desc = counts_description(precision, values, skipped, undated)
    svg = _root(height, title, desc, ident)
    _axis(svg, scale, AXIS - 12, AXIS + chart)
    top = max(b.total for b in counted)
    base = AXIS + chart
    for counted_bin in counted:
        left = scale.x(counted_bin.start)
        right = scale.x(dates.period_end(counted_bin.start, precision) + dt.timedelta(days=1))
        width = max(right - left - 1, 1)
        link = ET.SubElement(svg, "a", {"href": counted_bin.url, "class": f"tl-bin tl-bin-{precision}"})
        ET.SubElement(link, "title").text = (
            f"{counted_bin.label()}: {_events(counted_bin.events)}, {_articles(counted_bin.articles)}")
        event_height = chart * counted_bin.events / top
        article_height = chart * counted_bin.articles / top
        ET.SubElement(link, "rect", {"x": _n(left), "y": _n(base - event_height), "width": _n(width),
                                     "height": _n(event_height), "fill": EVENT_COLOUR, "class": "tl-bar-events"})
        ET.SubElement(link, "rect", {"x": _n(left), "y": _n(base - event_height - article_height),
                                     "width": _n(width), "height": _n(article_height), "fill": ARTICLE_COLOUR,
                                     "class": "tl-bar-articles"})
        if width >= 18:
            _text(link, left + width / 2, base - event_height - article_height - 3, str(counted_bin.total),
                  text_anchor="middle", fill="#111")
    legend = (gettext("Counts per month; highest bar: %(top)s items.") if precision == dates.MONTH
              else gettext("Counts per year; highest bar: %(top)s items."))
    _text(svg, MARGIN, height - 8, legend % {"top": top}, fill="#444")
    return _serialise(svg)


def _event_counts(svg, scale, events, base):
    """Too many events to mark one by one: a short red bar per period below the axis, as tall as its count."""
    precision, counted, _ = bins(events, scale)
    top = max(b.events for b in counted)
    for counted_bin in counted:
        left = scale.x(counted_bin.start)
        right = scale.x(dates.period_end(counted_bin.start, precision) + dt.timedelta(days=1))
        link = ET.SubElement(svg, "a", {"href": counted_bin.url, "class": "tl-event-count"})
        ET.SubElement(link, "title").text = f"{counted_bin.label()}: {_events(counted_bin.events)}"
        ET.SubElement(link, "rect", {"x": _n(left), "y": _n(base + 3), "width": _n(max(right - left - 1, 1)),
                                     "height": _n(2 + 14 * counted_bin.events / top), "fill": EVENT_COLOUR})


def coverage_svg(items, *, title=None, ident="coverage"):
    """Articles per month (per year over long spans) as bars, with the events marked on the same axis."""
    title = gettext("Coverage") if title is None else title
    if not items:
        svg = _root(60, title, gettext("No dated articles or events."), ident)
        _text(svg, MARGIN, 34, gettext("Nothing dated to draw."))
        return _serialise(svg)
    scale = Scale.around(items)
    if scale.months > MONTH_BINS_UP_TO:
        scale = Scale(scale.start.replace(month=1), scale.end.replace(month=12, day=31))
    articles = [item for item in items if not item.is_event]
    events = [item for item in items if item.is_event]
    precision, counted, skipped = bins(articles, scale)
    chart = 120
    base = AXIS + chart
    height = base + 40
    counted_as = (gettext("%(articles)s counted per month as blue bars") if precision == dates.MONTH
                  else gettext("%(articles)s counted per year as blue bars")) % {"articles": _articles(len(articles))}
    marked_as = (gettext("%(events)s marked as red bars below the axis, counted per period") if len(events) > DENSE
                 else gettext("%(events)s marked as red triangles below the axis at their dates")) % {
        "events": _events(len(events))}
    desc = f"{counted_as}; {marked_as}."
    if skipped:
        desc += " " + ngettext("%(count)s article dated only to a year is not counted in any month.",
                               "%(count)s articles dated only to a year are not counted in any month.",
                               skipped) % {"count": skipped}
    svg = _root(height, title, desc, ident)
    _axis(svg, scale, AXIS - 12, base)
    top = max((b.total for b in counted), default=0)
    for counted_bin in counted:
        left = scale.x(counted_bin.start)
        right = scale.x(dates.period_end(counted_bin.start, precision) + dt.timedelta(days=1))
        width = max(right - left - 1, 1)
        bar = chart * counted_bin.articles / top
        link = ET.SubElement(svg, "a", {"href": counted_bin.url, "class": "tl-bin"})
        ET.SubElement(link, "title").text = f"{counted_bin.label()}: {_articles(counted_bin.articles)}"
        ET.SubElement(link, "rect", {"x": _n(left), "y": _n(base - bar), "width": _n(width), "height": _n(bar),
                                     "fill": ARTICLE_COLOUR, "class": "tl-bar-articles"})
        if width >= 18:
            _text(link, left + width / 2, base - bar - 3, str(counted_bin.articles), text_anchor="middle",
                  fill="#111")
    ET.SubElement(svg, "line", {"x1": _n(MARGIN), "x2": _n(WIDTH - MARGIN), "y1": _n(base), "y2": _n(base),
                                "stroke": "#888"})
    if len(events) > DENSE:
        _event_counts(svg, scale, events, base)
    else:
        for event in events:
            left, right = scale.x(event.date), scale.x(min(event.end, scale.end) + dt.timedelta(days=1))
            x = (left + right) / 2
            link = ET.SubElement(svg, "a", {"href": event.url, "class": "tl-event-mark"})
            ET.SubElement(link, "title").text = _tooltip(event)
            points = f"{_n(x)},{_n(base + 4)} {_n(x - 5)},{_n(base + 14)} {_n(x + 5)},{_n(base + 14)}"
            ET.SubElement(link, "polygon", {"points": points, "fill": EVENT_COLOUR, "fill-opacity": "0.8"})
    legend = (gettext("Articles per month (highest: %(top)s); red marks are events.") if precision == dates.MONTH
              else gettext("Articles per year (highest: %(top)s); red marks are events."))
    _text(svg, MARGIN, height - 6, legend % {"top": top}, fill="#444")
    return _serialise(svg)


def counts_description(precision, values, skipped, undated):
    """What a drawing of counts per month or year shows, for its <desc>; `values` fills the sentence."""
    if precision == dates.MONTH:
        desc = gettext(
            "%(count)s items (%(events)s, %(articles)s) from %(first)s to %(last)s, too many to draw one by one, "
            "shown as counts per month: red for events, blue for articles. Each bar links to its period.") % values
    else:
        desc = gettext(
            "%(count)s items (%(events)s, %(articles)s) from %(first)s to %(last)s, too many to draw one by one, "
            "shown as counts per year: red for events, blue for articles. Each bar links to its period.") % values
    if skipped:
        desc += " " + ngettext("%(count)s item dated only to a year is not counted in any month.",
                               "%(count)s items dated only to a year are not counted in any month.",
                               skipped) % {"count": skipped}
    return desc + _undated_note(undated)
