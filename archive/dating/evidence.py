"""Date references in a text, German and English, each with where it stands.

Only what is written is read here; what a reference means for the publication date
(a mention of 9 March in a text that appeared on 17 March) is for `propose`.
"""

import datetime as dt
import re
from dataclasses import dataclass

# Full names, the usual abbreviations, and the Austrian forms (Jänner, Feber) DER STANDARD prints.
_MONTHS = {
    1: ["January", "Jan", "Januar", "Jänner", "Jaenner"],
    2: ["February", "Feb", "Februar", "Feber"],
    3: ["March", "Mar", "März", "Maerz", "Mär"],
    4: ["April", "Apr"],
    5: ["May", "Mai"],
    6: ["June", "Jun", "Juni"],
    7: ["July", "Jul", "Juli"],
    8: ["August", "Aug"],
    9: ["September", "Sept", "Sep"],
    10: ["October", "Oct", "Oktober", "Okt"],
    11: ["November", "Nov"],
    12: ["December", "Dec", "Dezember", "Dez"],
}
MONTH_NUMBER = {name.casefold(): number for number, names in _MONTHS.items() for name in names}
# Longest first, so "Juni" is not read as "Jun" + "i"; case-sensitive, so the modal "may" is no month.
_MONTH = "(" + "|".join(sorted((n for names in _MONTHS.values() for n in names), key=len, reverse=True)) + r")\.?"

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
}
WEEKDAY_NAMES = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
}

FULL, DAY_MONTH, MONTH_YEAR, MONTH_ONLY, RELATIVE, WEEKDAY = (
    "full", "day_month", "month_year", "month", "relative", "weekday")
# "Tuesday, March 17", "Dienstag, dem 17. März": the weekday fixes the year among nearby ones.
WEEKDAY_DATE = "weekday_date"
# "yesterday, June 17", "heute (Montag)": the publication day itself, or its weekday.
ANCHORED = "anchored"
# "in 2004", "im Jahr 2004", "seit 2004": a year spoken of.
YEAR = "year"

# Words before a reference that make it a plan or a deadline rather than something that happened.
_AHEAD = re.compile(
    r"\b(?:next|coming|until|till|through|by|from|effective|payable|record|due|expires?|expiring|scheduled|"
    r"will|would|to be|before|expected|expects?|planned|plans?|forecasts?|projects?|predicted|sees|target|"
    r"ending|ends?|matur\w*|commencing|beginning|starting|prior to|no later than|on or after|on or before|"
    r"exercisable|redeemable|callable|convertible|outlook|set for|meets|up to|runs? out|hope[sd]?|could|"
    r"might|dürfte|könnte|zum|"
    r"ab|bis|nächsten?|kommenden?|soll|sollen|wird|werden|geplant|erwartet|spätestens|fällig|endet|beginnt)"
    r"\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# A verb in the past just before a reference ("ended March 4", "was hit on 3 March", "wurde am 3. März"):
# what the text itself says happened. Days written without a year count as past only with one.
_DONE = re.compile(
    r"\b(?:\w+ed|said|was|were|had|rose|fell|began|took|hit|struck|won|lost|came|went|made|told|sold|bought|"
    r"paid|met|held|left|became|wurde|wurden|war|waren|hatte|hatten|sagte|hat|haben)\b[^.;,]{0,30}$",
    re.IGNORECASE,
)
# "until ... last Tuesday" or "vom ... bis" still happened; a reference with one of these is in the past.
_PAST = re.compile(r"\b(?:last|vergangenen?|letzten?|previous|earlier|ago|week (?:to|ended)|as of)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    kind: str
    text: str  # as written
    start: int  # where in the text
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    part: str = ""  # "early" | "mid" | "late" of a month
    relative: str = ""  # yesterday, today, last_week, last_month, last_year
    ahead: bool = False  # written as a plan or deadline: not evidence of the past
    done: bool = False  # after a verb in the past: what happened on that day

    @property
    def date(self):
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None


_PART = r"(?:(Anfang|Mitte|Ende|early|mid-|mid|late)\s*)?"
_PATTERNS = [
    # 9. August 2001, 9. Aug. 2001, 9 August 2001, 9th of August, 2001
    (FULL, re.compile(r"\b(\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})\b"), "dmy"),
    # August 9, 2001; Aug. 9 2001
    (FULL, re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"), "mdy"),
    (FULL, re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (FULL, re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), "dmy_num"),
    # am 9. August, on 13 July, 13th of July
    (DAY_MONTH, re.compile(r"\b(\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?!\w)"), "dm"),
    # July 13, Dec. 29
    (DAY_MONTH, re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?![.,]?\d)"), "md"),
    # im Februar 2015, Mitte März 2015, late February 2015
    (MONTH_YEAR, re.compile(r"\b" + _PART + _MONTH + r"\s+(\d{4})\b"), "my"),
    # im Februar, in February, Mitte März, late February
    (MONTH_ONLY, re.compile(r"\b(?:(?:im|in|seit|since|during)\s+|(Anfang|Mitte|Ende|early|mid-|mid|late)\s*)"
                            + _MONTH + r"(?!\s*\d)"), "m"),
]
_PART_NAMES = {"anfang": "early", "early": "early", "mitte": "mid", "mid": "mid", "mid-": "mid", "ende": "late",
               "late": "late"}
_RELATIVE = [
    ("yesterday", re.compile(r"\b(?:yesterday|gestern)\b", re.IGNORECASE)),
    ("today", re.compile(r"\b(?:today|heute)\b", re.IGNORECASE)),
    ("last_week", re.compile(r"\b(?:last week|vergangene[nr]? Woche|letzte[nr]? Woche|vorige[nr]? Woche)\b",
                             re.IGNORECASE)),
    ("last_month", re.compile(r"\b(?:last month|vergangenen Monat|letzten Monat|vorigen Monat|Vormonat)\b",
                              re.IGNORECASE)),
    ("last_year", re.compile(r"\b(?:last year|vergangenen Jahr|letzten Jahr|vorigen Jahr|Vorjahr)\b",
                             re.IGNORECASE)),
]
_WEEKDAY = re.compile(
    r"\b(?:(am|on|vom|seit|last|next|this|vergangenen|letzten|nächsten|kommenden|since)\s+)?("
    + "|".join(name.capitalize() for name in WEEKDAYS) + r")\b(?!s\b)"
)


_WD = "(?P<wd>" + "|".join(name.capitalize() for name in WEEKDAYS) + ")"
_DM = (r"(?:(?P<d1>\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>" + _MONTH[1:-4] + r")\.?(?!\w)"
       r"|(?P<m2>" + _MONTH[1:-4] + r")\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b)")
_NO_YEAR = r"(?![.,]?\s*\d)"
_ANCHORS = {"today": "today", "heute": "today", "yesterday": "yesterday", "gestern": "yesterday"}
_ANCHOR = r"\b(?P<rel>yesterday|today|gestern|heute)\s*(?:\(\s*|,\s*)(?:(?:am|on|den|dem)\s+)?"
_EXTRA = [
    # yesterday, June 17; gestern, am 17. Juni; today (Tuesday, March 3)
    (ANCHORED, re.compile(_ANCHOR + r"(?:" + _WD + r",?\s+(?:(?:den|dem)\s+)?)?" + _DM + _NO_YEAR)),
    # today (Monday); gestern (Montag); heute, Montag,
    (ANCHORED, re.compile(_ANCHOR + _WD + r"\b(?!s\b)")),
    # Tuesday, March 17; Dienstag, dem 22. Juni; Freitag, 4. September
    (WEEKDAY_DATE, re.compile(r"\b" + _WD + r",?\s+(?:(?:den|dem)\s+)?" + _DM + _NO_YEAR)),
    # in 2004, im Jahr 2004, seit 2004, since 2004
    (YEAR, re.compile(r"\b(?:[Ii]m\s+Jahre?|[Ii]n|[Ss]eit|[Ss]ince|[Dd]uring|Anfang|Ende|[Ee]arly|[Ll]ate)\s+"
                      r"(?P<y>1[89]\d\d|20\d\d)\b"
                      r"(?![-/.]\d|\s*(?:bis|to|and|und)\b)")),
]


def _extra(kind, match, text):
    groups = match.groupdict()
    weekday = WEEKDAYS[groups["wd"].casefold()] if groups.get("wd") else None
    day = month = year = None
    if groups.get("m1") or groups.get("m2"):
        month = MONTH_NUMBER[(groups["m1"] or groups["m2"]).casefold()]
        day = int(groups["d1"] or groups["d2"])
        if not _day_month(day, month):
            return None
    if groups.get("y"):
        year = int(groups["y"])
    relative = _ANCHORS.get((groups.get("rel") or "").casefold(), "")
    return Reference(kind, match.group(0), match.start(), year=year, month=month, day=day, weekday=weekday,
                     relative=relative, ahead=kind != ANCHORED and _ahead(text, match.start()),
                     done=_done(text, match.start()))


def _day_month(day, month):
    try:
        dt.date(2000, month, day)  # a leap year, so 29 February counts
    except ValueError:
        return False
    return True


def read(text):
    """Every date reference in `text`, in order of where it stands."""
    found, taken = [], []

    def free(a, b):
        return all(b <= s or a >= e for s, e in taken)

    for kind, pattern in _EXTRA:
        for match in pattern.finditer(text):
            if free(*match.span()):
                ref = _extra(kind, match, text)
                if ref is not None:
                    found.append(ref)
                    taken.append(match.span())
    for kind, pattern, form in _PATTERNS:
        for match in pattern.finditer(text):
            if not free(*match.span()):
                continue
            ref = _reference(kind, form, match, text)
            if ref is not None:
                found.append(ref)
                taken.append(match.span())
    for name, pattern in _RELATIVE:
        for match in pattern.finditer(text):
            if free(*match.span()):
                found.append(Reference(RELATIVE, match.group(0), match.start(), relative=name))
                taken.append(match.span())
    for match in _WEEKDAY.finditer(text):
        if not free(*match.span()):
            continue
        lead = (match.group(1) or "").casefold()
        ahead = lead in ("next", "nächsten", "kommenden") or _ahead(text, match.start())
        if lead == "this" or (lead not in ("last", "vergangenen", "letzten") and not _near_verb(text, match)):
            # "Tuesday's meeting" or a weekday in a list is too loose to date anything.
            if not lead:
                continue
        found.append(Reference(WEEKDAY, match.group(0), match.start(),
                               weekday=WEEKDAYS[match.group(2).casefold()], ahead=ahead))
    return sorted(found, key=lambda r: r.start)


def _near_verb(text, match):
    # "said Tuesday", "sagte am Dienstag": a bare weekday next to a verb of saying or doing is a day of report.
    before = text[max(0, match.start() - 25):match.start()]
    return bool(re.search(r"\b(?:\w+ed|said|says|told|sagte|teilte|erklärte|bestätigte|hieß es)\s*$", before))


def _ahead(text, start):
    before = text[max(0, start - 60):start]
    before = re.split(r"[.;:!?]\s", before)[-1]
    # "last" or "as of" right before the reference ("until last Tuesday") makes it past again; further
    # back it belongs to something else ("signed last October and due to come into force in November 2006").
    return bool(_AHEAD.search(before)) and not _PAST.search(before[-20:])


def _done(text, start):
    before = re.split(r"[.;:!?]\s", text[max(0, start - 60):start])[-1]
    return bool(_DONE.search(before) or _PAST.search(before[-20:])) and not _ahead(text, start)


def _reference(kind, form, match, text):
    groups = match.groups()
    year = month = day = None
    part = ""
    if form == "dmy":
        day, month, year = int(groups[0]), MONTH_NUMBER[groups[1].casefold()], int(groups[2])
    elif form == "mdy":
        month, day, year = MONTH_NUMBER[groups[0].casefold()], int(groups[1]), int(groups[2])
    elif form == "iso":
        year, month, day = map(int, groups)
    elif form == "dmy_num":
        day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
    elif form == "dm":
        day, month = int(groups[0]), MONTH_NUMBER[groups[1].casefold()]
    elif form == "md":
        month, day = MONTH_NUMBER[groups[0].casefold()], int(groups[1])
    elif form == "my":
        part = _PART_NAMES.get((groups[0] or "").casefold(), "")
        month, year = MONTH_NUMBER[groups[1].casefold()], int(groups[2])
    elif form == "m":
        part = _PART_NAMES.get((groups[0] or "").casefold(), "")
        month = MONTH_NUMBER[groups[1].casefold()]
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not _day_month(day, month):
        return None
    if year is not None and not 1900 <= year <= 2100:
        return None
    if year and day:
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    if kind == MONTH_ONLY and groups[1] in ("May", "Mai", "Mar", "Jun", "Jul", "Sep", "Dec", "Jan") and not part:
        # "in May" is a month, but "in Mar" is no one's style: short bare forms are noise.
        if groups[1] not in ("May", "Mai"):
            return None
    return Reference(kind, match.group(0), match.start(), year=year, month=month, day=day, part=part,
                     ahead=_ahead(text, match.start()), done=_done(text, match.start()))
