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
"""

import csv
import datetime as dt
import io
import json

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy

from archive import dates, xmltext

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
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def record(item, base_url=""):
    return _cleaned({
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


def _cleaned(value):
    if isinstance(value, dict):
        return {key: _cleaned(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_cleaned(part) for part in value]
    return xmltext.clean(value) if isinstance(value, str) else value


def to_json(timeline, *, title, base_url=""):
    return json.dumps({
        "title": xmltext.clean(title),
        "filters": xmltext.clean(timeline.filters.describe()),
        "count": len(timeline.items),
        "undated": timeline.undated_count,
        "items": [record(item, base_url) for item in timeline.items],
    }, ensure_ascii=False, indent=1)


def to_csv(timeline, *, base_url=""):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for item in timeline.items:
        writer.writerow(record(item, base_url))
    return out.getvalue()


def _tljs_date(item):
    parts = {"year": item.date.year}
    if item.precision in (dates.DAY, dates.MONTH, dates.RANGE):
        parts["month"] = item.date.month
    if item.precision in (dates.DAY, dates.RANGE):
        parts["day"] = item.date.day
    parts["display_date"] = item.display_date()
    return parts


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


def to_timelinejs(timeline, *, title, base_url=""):
    """Knight Lab TimelineJS3 JSON: partial start dates, display_date, groups by incident, unique ids."""
    events = []
    for item in timeline.items:
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
        if item.precision == dates.RANGE and item.not_after:
            # TimelineJS draws a start and end as a span, which is what a range is.
            end = item.not_after
            entry["end_date"] = {"year": end.year, "month": end.month, "day": end.day}
        events.append(entry)
    description = timeline.filters.describe()
    return json.dumps(_cleaned({
        "title": {"unique_id": "title", "text": {"headline": escape(title), "text": escape(description)}},
        "events": events,
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


def to_ics(timeline, *, title, base_url="", host="incident-archive"):
    """Events only (articles are not happenings): all-day VEVENTs covering the whole day, month or year."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Incident Archive//Timeline//EN", "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape(title)}",
    ]
    for item in timeline.items:
        if not item.is_event:
            continue
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
        lines += [
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
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _ics_date(day):
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
