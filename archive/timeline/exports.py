"""A timeline as TimelineJS JSON, CSV, JSON and iCalendar.

Every format keeps the precision: TimelineJS gets only the date parts that are
known plus a display_date; CSV and JSON carry the ISO partial date ("2001-08")
and the precision; iCalendar gives an all-day event spanning the whole period.

TimelineJS and iCalendar are read by people, so their words and display dates
follow the active language; CSV and JSON are data for programs, and the views
write them in English whatever the reader's language, so a script reading them
gets the same columns and values from every page.

Every text leaves through archive.xmltext, which drops the control characters and
noncharacters XML 1.0 forbids: iCalendar forbids the same controls, spreadsheet
programs stop at a NUL in CSV, and TimelineJS puts its texts into a web page. JSON
could carry them escaped, but the timeline's words are the same in every format.

CSV, JSON and iCalendar are written as they are read: events and articles come from two
queries in timeline order, fetched CHUNK rows at a time and merged, so an export of 100,000
items holds a chunk in memory, not the list. TimelineJS holds at most
ARCHIVE_TIMELINEJS_SLIDES slides, chosen by `timelinejs_items`, and says what it left out.
"""

import bisect
import csv
import datetime as dt
import functools
import heapq
import io
import itertools
import json
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy, ngettext

from archive import dates, xmltext
from archive.entities import summary
from archive.timeline import density
from archive.timeline import filters as filters_module
from archive.timeline.filters import _overlaps, article_items, item_from_row
from archive.timeline.items import article_urls, from_event, ordered, sort_key

# Rows fetched from the database at a time, and rows written per piece of a streamed body.
CHUNK = 500
WRITTEN = 200

FIELDS = [
    "type", "slug", "title", "date", "precision", "display_date", "date_inferred", "date_reason",
    "kind", "incident", "source", "language", "url", "date_not_after",
]
NO_INCIDENT = gettext_lazy("Other")
NO_COVERAGE = gettext_lazy("Articles")
KNOWN_ONLY_TO = {
    dates.MONTH: gettext_lazy("(known only to the month)"),
    dates.YEAR: gettext_lazy("(known only to the year)"),
}


def _absolute(base_url, path):
    if not base_url:
        return path
    if path.startswith("/") and not path.startswith("//"):
        # What urljoin gives for a path from the root, without parsing both for every row of a long export.
        return _origin(base_url) + path
    return urljoin(base_url, path)


@functools.lru_cache(maxsize=16)
def _origin(base_url):
    return urljoin(base_url, "/")[:-1]


def record(item, base_url=""):
    return _flat_cleaned({
        "type": item.type,
        "slug": item.slug,
        "title": item.title,
        "date": item.iso(),
        "precision": item.precision,
        "display_date": item.display_date(),
        "date_inferred": item.inferred,
        "date_reason": item.reason,
        "kind": item.kind,
        "incident": item.incident.slug if item.incident else "",
        "source": item.source_slug,
        "language": item.language,
        "url": _absolute(base_url, item.url),
        # A range's last possible day ("" when open or not a range); "date" holds the whole interval.
        "date_not_after": item.not_after.isoformat() if item.not_after else "",
    })


def _flat_cleaned(values):
    """A record's values cleaned: one pass over a flat dict, for the rows of a long export."""
    return {key: xmltext.clean(value) if isinstance(value, str) else value for key, value in values.items()}


def _cleaned(value):
    if isinstance(value, dict):
        return {key: _cleaned(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_cleaned(part) for part in value]
    return xmltext.clean(value) if isinstance(value, str) else value


def counts(filters):
    """A density.Density of the filtered items: dated ones in the date range, and the undated."""
    window = _overlaps(filters.date_from, filters.date_to)
    counting = (window | Q(date__isnull=True)) if window else Q()
    entity = filters.entity if summary.covers(filters) else None
    return density.count(filters_module.events(filters, plain=True).filter(counting),
                         filters_module.articles(filters, plain=True).filter(counting),
                         entity_months=(entity, True) if entity else None,
                         article_rows=density.archive_rows(filters))


def _in_order(query, *, events):
    keys = dict(density._ORDER_KEYS, o_title=Lower("title"))
    order = ["o_year", "o_month", "o_day"]
    if events:
        keys["o_stage"] = density._STAGE
        order.append("o_stage")
    return query.annotate(**keys).order_by(*order, "o_title", "slug")


def stream(filters, *, events=True, articles=True, summaries=True):
    """The dated items in the date range, in timeline order, read CHUNK rows at a time.

    `summaries=False` leaves the articles' teasers unread, for the formats that do not carry them."""
    window = _overlaps(filters.date_from, filters.date_to)
    found = []
    if events:
        query = _in_order(filters_module.events(filters).filter(window, date__isnull=False), events=True)
        found.append(map(from_event, query.iterator(chunk_size=CHUNK)))
    if articles:
        url = article_urls()
        fields = [name for name in filters_module.ITEM_FIELDS if summaries or name != "teaser"]
        if summary.covers(filters):
            rows = _entity_rows(filters, fields)
        else:
            query = _in_order(filters_module.articles(filters).filter(window, date__isnull=False), events=False)
            rows = query.values(*fields).iterator(chunk_size=CHUNK)
        found.append(item_from_row(row, url) for row in rows)
    # Each query is in the order sort_key gives, so merging keeps it.
    return heapq.merge(*found, key=sort_key)


def _entity_rows(filters, fields):
    """All of one entity's dated articles in timeline order, CHUNK at a time: the order is read from its sorted
    mentions (archive.entities.summary), an index range, so the first rows come without sorting them all."""
    keys = summary.in_timeline_order(filters.entity).values_list("article_id", flat=True).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(keys, CHUNK)):
        rows = {row["pk"]: row for row in filters_module.chosen_articles(filters, chunk).values("pk", *fields)}
        for pk in chunk:
            row = rows[pk]
            del row["pk"]
            yield row


def json_chunks(filters, counted, *, title, base_url=""):
    """The JSON export a piece at a time: the envelope with its counts first, then the items."""
    head = json.dumps({
        "title": xmltext.clean(title),
        "filters": xmltext.clean(filters.describe()),
        "count": counted.total,
        "undated": counted.undated,
    }, ensure_ascii=False)
    yield head[:-1] + ', "items": [\n'
    for number, batch in enumerate(_batches(stream(filters, summaries=False))):
        yield ("" if number == 0 else ",\n") + ",\n".join(
            json.dumps(record(item, base_url), ensure_ascii=False) for item in batch)
    yield "\n]}\n"


def csv_chunks(filters, *, base_url=""):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    yield out.getvalue()
    for batch in _batches(stream(filters, summaries=False)):
        out.seek(0)
        out.truncate()
        writer.writerows(record(item, base_url) for item in batch)
        yield out.getvalue()


def _batches(items, size=WRITTEN):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _tljs_date(item):
    """TimelineJS3's date object: the year always, the month and day only when known, and display_date."""
    parts = {"year": item.date.year}
    if item.precision in (dates.DAY, dates.MONTH, dates.RANGE):
        parts["month"] = item.date.month
    if item.precision in (dates.DAY, dates.RANGE):
        parts["day"] = item.date.day
    parts["display_date"] = item.display_date()
    return parts


def _tljs_end(item):
    """The last day of a month, a year or a closed range, so TimelineJS draws the whole period as a span
    instead of a point on its first day; None for a day or an open range."""
    if item.precision in (dates.MONTH, dates.YEAR) or (item.precision == dates.RANGE and item.not_after):
        end = item.end
        return {"year": end.year, "month": end.month, "day": end.day}
    return None


def _tljs_text(item, base_url):
    lines = []
    if item.is_event:
        lines.append(f"<p>{escape(item.kind_label)}</p>")
    else:
        lines.append(f"<p>{escape(item.source or gettext('Article'))}</p>")
    if item.summary:
        lines.append(f"<p>{escape(item.summary)}</p>")
    if item.inferred:
        inferred = gettext("Date inferred: %(reason)s") % {"reason": item.reason} if item.reason else gettext(
            "Date inferred")
        lines.append(f"<p><em>{escape(inferred)}</em></p>")
    link = gettext("In the Incident Archive")
    lines.append(f'<p><a href="{escape(_absolute(base_url, item.url))}">{escape(link)}</a></p>')
    return "".join(lines)


def timelinejs_items(filters, counted, limit):
    """(items, left-out events, left-out articles): at most `limit` dated items, in timeline order.

    The events come first (the earliest, when there are more than `limit`); the remaining slides go
    to the articles dated nearest to an event's first day (ties: the earlier article), or, with no
    event, to the earliest articles. Only the keys of the articles are read to choose them.
    """
    if counted.total <= limit:
        return list(stream(filters)), 0, 0
    chosen = list(itertools.islice(stream(filters, articles=False), limit))
    room = limit - len(chosen)
    if room and counted.articles:
        days = sorted({item.date.toordinal() for item in chosen})
        window = _overlaps(filters.date_from, filters.date_to)
        if summary.covers(filters):  # one entity's (article, date) pairs are in an index of its own
            keys = summary.dated_around(filters.entity, [dt.date.fromordinal(day) for day in days], room)
        else:
            keys = (filters_module.articles(filters, plain=True).filter(window, date__isnull=False)
                    .order_by().values_list("pk", "date").iterator(chunk_size=CHUNK))
        nearest = heapq.nsmallest(room, keys, key=lambda key: (_distance(days, key[1].toordinal()), key[1], key[0]))
        pks = [pk for pk, _day in nearest]
        chosen += article_items(filters_module.articles(filters).filter(pk__in=pks))
    shown_events = sum(1 for item in chosen if item.is_event)
    return ordered(chosen), counted.events - shown_events, counted.articles - (len(chosen) - shown_events)


def _distance(days, day):
    if not days:
        return 0
    at = bisect.bisect_left(days, day)
    return min(abs(day - days[i]) for i in (at - 1, at) if 0 <= i < len(days))


def to_timelinejs(filters, counted, *, title, base_url="", full_export="", limit=None):
    """Knight Lab TimelineJS3 JSON: partial start dates, display_date, groups by incident, unique ids.

    At most `limit` slides (ARCHIVE_TIMELINEJS_SLIDES); what is left out is said on the title slide and
    in the `left_out` field, with the address of the full JSON export.
    """
    limit = limit or settings.ARCHIVE_TIMELINEJS_SLIDES
    items, events_out, articles_out = timelinejs_items(filters, counted, limit)
    events = []
    for item in items:
        if item.is_event:
            group = item.incident.name if item.incident else str(NO_INCIDENT)
        else:
            group = item.covered_incident or str(NO_COVERAGE)
        entry = {
            "unique_id": item.unique_id,
            "start_date": _tljs_date(item),
            "display_date": item.display_date() + (" " + gettext("(inferred)") if item.inferred else ""),
            "text": {"headline": escape(item.title), "text": _tljs_text(item, base_url)},
            "group": group,
        }
        end = _tljs_end(item)
        if end:
            entry["end_date"] = end
        events.append(entry)
    description = escape(filters.describe())
    left_out = events_out + articles_out
    if left_out:
        note = ngettext(
            "Showing %(shown)s of %(total)s items: the events first, then the articles dated nearest to an "
            "event. %(left)s item is left out.",
            "Showing %(shown)s of %(total)s items: the events first, then the articles dated nearest to an "
            "event. %(left)s items are left out.", left_out) % {
            "shown": len(items), "total": counted.total, "left": left_out}
        link = gettext("Every item: the JSON export")
        description = (f"<p>{description}</p><p>{escape(note)}</p>"
                       f'<p><a href="{escape(full_export)}">{escape(link)}</a></p>')
    return json.dumps(_cleaned({
        "title": {"unique_id": "title", "text": {"headline": escape(title), "text": description}},
        "events": events,
        # Not read by TimelineJS: for a program, what this export leaves out and where to find it.
        "left_out": {"count": left_out, "events": events_out, "articles": articles_out, "slides": limit,
                     "rule": "events first (earliest), then the articles dated nearest to an event's first day",
                     "full_export": full_export},
    }), ensure_ascii=False, indent=1)


def _ics_escape(text):
    return (xmltext.clean(str(text)).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line):
    """RFC 5545 folding: lines of at most 75 octets, continued with a leading space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def ics_chunks(filters, *, title, base_url="", host="incident-archive"):
    """Events only (articles are not happenings): all-day VEVENTs covering the whole day, month or year."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    yield _ics_lines([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Incident Archive//Timeline//EN", "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape(title)}",
    ])
    for batch in _batches(stream(filters, articles=False)):
        yield _ics_lines(itertools.chain.from_iterable(_vevent(item, stamp, base_url, host) for item in batch))
    yield _ics_lines(["END:VCALENDAR"])


def _ics_lines(lines):
    return "".join(_fold(line) + "\r\n" for line in lines)


def _vevent(item, stamp, base_url, host):
    # DTEND of an all-day event is exclusive; an open range is shown on its first possible day.
    end = (item.date if item.end == dt.date.max else item.end) + dt.timedelta(days=1)
    note = f"{item.kind_label}, {item.display_date()}"
    if item.precision in KNOWN_ONLY_TO:
        note += f" {KNOWN_ONLY_TO[item.precision]}"
    if item.inferred:
        note += ". " + (gettext("Date inferred: %(reason)s") % {"reason": item.reason} if item.reason
                        else gettext("Date inferred"))
    if item.summary:
        note += f"\n\n{item.summary}"
    return [
        "BEGIN:VEVENT",
        f"UID:{item.unique_id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_ics_date(item.date)}",
        f"DTEND;VALUE=DATE:{_ics_date(end)}",
        f"SUMMARY:{_ics_escape(item.title)}",
        f"DESCRIPTION:{_ics_escape(note)}",
        f"CATEGORIES:{_ics_escape(item.kind)}",
        f"URL:{_absolute(base_url, item.url)}",
        "END:VEVENT",
    ]


def _ics_date(day):
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
