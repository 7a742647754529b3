"""Dates as news, releases and law-firm alerts write them, found in a sentence and resolved
against the day the text was published. Plain Python: no Django.

Every mention keeps where it stands in the sentence, how precise it is (``day``, ``month``,
``year``: the date is then the period's first day, as ``Event.precision`` expects) and, when it
had to be resolved ("Tuesday", "today", "May 13", "last December"), the words it was resolved
from — an editor must be able to see that a date was inferred, not read.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Longest names first, so that "sept" wins over "sep"; an abbreviation may carry a full stop.
_MONTH = (
    r"(?P<month>"
    + "|".join(sorted((m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")), key=len, reverse=True))
    + "|"
    + "|".join(
        sorted((m + r"\.?" for m in MONTHS if len(m) <= 4 and m not in ("may", "june", "july")), key=len, reverse=True)
    )
    + ")"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Tried in this order at each position; the first that matches there wins. "May" alone is
# never a date (it is far more often the verb), and a bare "June" only with a preposition.
_PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("numeric", re.compile(r"\b(?P<month>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)?\d\d)\b")),
    ("numeric_no_year", re.compile(r"(?<=\()(?P<month>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)(?=\))")),
    ("month_day_year", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b", re.I)),
    ("day_month_year", re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)),
    ("month_day", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?!\s*(?:%|percent|million|billion))", re.I)),
    (
        "part_month_year",
        re.compile(
            r"\b(?P<part>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[-\s]+"
            + _MONTH
            + r",?\s+"
            + _YEAR
            + r"\b",
            re.I,
        ),
    ),
    (
        "part_month",
        re.compile(
            r"\b(?P<part>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[-\s]+" + _MONTH + r"(?![\w-])", re.I
        ),
    ),
    ("month_year", re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b", re.I)),
    ("month_of_rel_year", re.compile(r"\b" + _MONTH + r"\s+of\s+(?P<rel>this|last|next)\s+year\b", re.I)),
    ("last_next_month", re.compile(r"\b(?P<rel>last|next|this)\s+" + _MONTH + r"(?![\w-])", re.I)),
    ("in_month", re.compile(r"\b(?:in|on|by|until|since)\s+(?P<d>" + _MONTH + r")(?![\w-])", re.I)),
    (
        "relative_day",
        re.compile(r"\b(?P<rel>today|yesterday|tomorrow|tonight|this\s+(?:morning|afternoon|evening))\b", re.I),
    ),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|next|this)\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("relative_period", re.compile(r"\b(?P<rel>last|next|this)\s+(?P<unit>week|month|year)\b(?!\s+of\b)", re.I)),
    ("in_year", re.compile(r"\b(?:in|during|until|by)\s+(?P<d>" + _YEAR + r")\b(?![-/])", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: datetime.date
    precision: str  # "day", "month" or "year"
    resolved_from: str | None  # the words a relative or year-less date was resolved from


def _nearest_year(month, day, published_on):
    """The year that puts month/day closest to the publication date: "December 1" in a text
    of 21 January 2016 is 1 December 2015; "May 15" in a text of 12 May 2025 is three days on."""
    best = None
    for year in (published_on.year - 1, published_on.year, published_on.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - published_on).days) < abs((best - published_on).days):
            best = candidate
    return best


def _weekday(name, rel, published_on, forward):
    target = WEEKDAYS.index(name.lower())
    if rel == "next" or (rel is None and forward):
        return published_on + datetime.timedelta(days=(target - published_on.weekday()) % 7 or 7)
    if rel == "this":
        day = published_on + datetime.timedelta(days=target - published_on.weekday())
        # "scheduled to take effect this Monday", written on a Friday: the coming Monday
        return day + datetime.timedelta(days=7) if forward and day < published_on else day
    # A bare "Tuesday" in a report is the most recent Tuesday, the publication day included.
    back = (published_on.weekday() - target) % 7
    if rel == "last" and back == 0:
        back = 7
    return published_on - datetime.timedelta(days=back)


def _resolve(kind, groups, published_on, forward):
    """(date, precision, resolved) for one match, or None when it is not a real date."""
    month = (
        MONTHS.get((groups.get("month") or "").lower().rstrip(".")) if not kind.startswith(("iso", "numeric")) else None
    )
    if kind == "numeric_no_year":
        return _nearest_year(int(groups["month"]), int(groups["day"]), published_on), "day", True
    if kind in ("iso", "numeric"):
        year = int(groups["year"])
        year += 2000 if year < 100 else 0
        return datetime.date(year, int(groups["month"]), int(groups["day"])), "day", False
    if kind in ("month_day_year", "day_month_year"):
        return datetime.date(int(groups["year"]), month, int(groups["day"])), "day", False
    if kind == "month_day":
        return _nearest_year(month, int(groups["day"]), published_on), "day", True
    if kind in ("month_year", "part_month_year"):
        return datetime.date(int(groups["year"]), month, 1), "month", False
    if kind in ("part_month", "in_month"):
        return _nearest_year(month, 1, published_on), "month", True
    if kind == "month_of_rel_year":
        step = {"last": -1, "this": 0, "next": 1}[groups["rel"].lower()]
        return datetime.date(published_on.year + step, month, 1), "month", True
    if kind == "last_next_month":
        rel = groups["rel"].lower()
        year = published_on.year
        if rel == "last" and month >= published_on.month:
            year -= 1
        elif rel == "next" and month <= published_on.month:
            year += 1
        return datetime.date(year, month, 1), "month", True
    if kind == "relative_day":
        rel = groups["rel"].lower()
        shift = -1 if rel == "yesterday" else 1 if rel == "tomorrow" else 0
        return published_on + datetime.timedelta(days=shift), "day", True
    if kind == "weekday":
        rel = (groups.get("rel") or "").lower() or None
        return _weekday(groups["weekday"], rel, published_on, forward), "day", True
    if kind == "relative_period":
        rel, unit = groups["rel"].lower(), groups["unit"].lower()
        step = {"last": -1, "this": 0, "next": 1}[rel]
        if unit == "year":
            return datetime.date(published_on.year + step, 1, 1), "year", True
        if unit == "month":
            first = published_on.replace(day=1)
            if step < 0:
                first = (first - datetime.timedelta(days=1)).replace(day=1)
            elif step > 0:
                first = (first + datetime.timedelta(days=32)).replace(day=1)
            return first, "month", True
        # A week is not a precision the tracker has: say the month, if the week lies in one.
        monday = published_on - datetime.timedelta(days=published_on.weekday()) + datetime.timedelta(weeks=step)
        sunday = monday + datetime.timedelta(days=6)
        return (monday.replace(day=1), "month", True) if monday.month == sunday.month else None
    if kind == "in_year":
        return datetime.date(int(groups["year"]), 1, 1), "year", False
    raise AssertionError(kind)


_FUTURE_BEFORE = re.compile(
    r"\b(?:will|shall|set\s+to|due\s+to|scheduled\s+to|slated\s+to|expected\s+to|"
    r"going\s+to)\b[^.;]{0,40}$|"
    # the present of a schedule: "some aspects of the rule go into effect on Friday"
    r"\b(?:go|goes|take|takes|come|comes)\s+(?:into\s+)?effect\s+(?:on\s+)?$",
    re.I,
)


def find_dates(sentence, published_on, forward=None):
    """Every date mentioned in ``sentence``, left to right, without overlaps.

    A bare weekday is the last one before publication, unless the words just before it speak
    of the future ("will take effect Tuesday", "due to take effect on Tuesday"); ``forward``
    forces either reading."""
    taken = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            # Some patterns need a preposition to tell a date from a word; it is not the date.
            first, last = match.span("d") if "d" in pattern.groupindex else match.span()
            if any(first < end and start < last for start, end, _ in taken):
                continue
            # "a Tuesday in early June", "on a late Friday afternoon": an indefinite weekday names
            # no particular day.
            if (
                kind == "weekday"
                and not match.group("rel")
                and re.search(r"\b(?:a|every|each|any)\s+(?:late\s+|early\s+)?$", sentence[:first], re.I)
            ):
                continue
            # "said Wednesday that it will postpone": the saying is past, whatever is said.
            reported = re.search(r"\b(?:said|announced|stated|statement)\W+(?:\w+\W+){0,3}$", sentence[:first], re.I)
            try:
                ahead = bool(_FUTURE_BEFORE.search(sentence[:first])) if forward is None else forward
                resolved = _resolve(kind, match.groupdict(), published_on, ahead and not reported)
            except (ValueError, TypeError):
                continue  # 31 February, 13/45/2020: not a date
            if resolved is None:
                continue
            date, precision, relative = resolved
            text = sentence[first:last]
            taken.append((first, last, DateMention(first, last, text, date, precision, text if relative else None)))
    mentions = [mention for _, _, mention in sorted(taken, key=lambda item: item[0])]
    # "Friday, April 7", "this Monday, February 26" are one date: the weekday only names the day that follows.
    merged = []
    for m in mentions:
        if (
            merged
            and merged[-1].text.lower().split()[-1] in WEEKDAYS  # "Friday", "this Monday"
            and re.fullmatch(r",?\s*\(?", sentence[merged[-1].end : m.start])
        ):
            weekday = merged.pop()
            m = DateMention(
                weekday.start,
                m.end,
                sentence[weekday.start : m.end],
                m.date,
                m.precision,
                sentence[weekday.start : m.end] if m.resolved_from else None,
            )
        merged.append(m)
    return merged
