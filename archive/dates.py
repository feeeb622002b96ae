"""Dates of limited precision: a day, a month or only a year.

A partial date is stored as the first day of its period plus a precision, so it
sorts and filters with plain date comparisons; it is displayed only to its
precision ("August 2001", never "2001-08-01").
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (DAY, MONTH, YEAR)
# A range is stored as its first possible day (`date`) plus the last (`date_not_after`, empty when
# open-ended); it is never parsed from "YYYY-MM" forms, so PRECISIONS leaves it out.
RANGE = "range"
PRECISION_CHOICES = [(DAY, "day"), (MONTH, "month"), (YEAR, "year"), (RANGE, "range")]

MONTH_NAMES = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "de": [
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ],
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class PartialDateError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class PartialDate:
    date: dt.date
    precision: str

    @classmethod
    def parse(cls, value, precision=None):
        """Read "2001", "2001-08" or "2001-08-10" (or a date object).

        The precision follows from the form unless given; a given precision may
        only be coarser than the form, never finer.
        """
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            found = DAY
            start = value
        else:
            text = str(value).strip()
            match = _ISO.match(text)
            if not match:
                raise PartialDateError(f"{text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
            year, month, day = match.groups()
            try:
                start = dt.date(int(year), int(month or 1), int(day or 1))
            except ValueError as exc:
                raise PartialDateError(f"{text!r} is not a real date: {exc}") from None
            found = DAY if day else MONTH if month else YEAR
        if precision is None:
            precision = found
        if precision not in PRECISIONS:
            raise PartialDateError(f"precision {precision!r} is not one of day, month, year")
        if PRECISIONS.index(precision) < PRECISIONS.index(found):
            raise PartialDateError(f"{value!r} is not precise enough for precision {precision!r}")
        return cls(truncate(start, precision), precision)

    def iso(self):
        return iso(self.date, self.precision)

    def display(self, language="en"):
        return display(self.date, self.precision, language)

    @property
    def end(self):
        return period_end(self.date, self.precision)


def truncate(date, precision):
    if precision == YEAR:
        return date.replace(month=1, day=1)
    if precision == MONTH:
        return date.replace(day=1)
    return date


def period_end(date, precision, not_after=None):
    """The last day of the period a partial date stands for; an open range has none (date.max)."""
    if precision == RANGE:
        return not_after or dt.date.max
    if precision == YEAR:
        return date.replace(month=12, day=31)
    if precision == MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def iso(date, precision, not_after=None):
    if date is None:
        return None
    if precision == RANGE:
        # ISO 8601 time intervals; an open end is written "..", as EDTF does.
        return f"{date.isoformat()}/{not_after.isoformat() if not_after else '..'}"
    if precision == YEAR:
        return f"{date.year:04d}"
    if precision == MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def display(date, precision, language="en", not_after=None):
    """A date as a reader says it, to its precision, in German or English."""
    if date is None:
        return "Datum unbekannt" if language == "de" else "date unknown"
    if precision == RANGE:
        return display_range(date, not_after, language)
    months = MONTH_NAMES["de" if language == "de" else "en"]
    if precision == YEAR:
        return str(date.year)
    if precision == MONTH:
        return f"{months[date.month - 1]} {date.year}"
    if language == "de":
        return f"{date.day}. {months[date.month - 1]} {date.year}"
    return f"{date.day} {months[date.month - 1]} {date.year}"


def display_range(not_before, not_after, language="en"):
    """ "not before 20 December 2004", "between 10 and 11 August 2001", in German or English."""
    first = display(not_before, DAY, language)
    if not_after is None:
        return f"nicht vor dem {first}" if language == "de" else f"not before {first}"
    last = display(not_after, DAY, language)
    if not_after == not_before:
        return first
    return f"zwischen dem {first} und dem {last}" if language == "de" else f"between {first} and {last}"
