"""Reading the dates people type: strict, with messages that say what was expected."""

import datetime

from django.utils import timezone


class BadDate(ValueError):
    pass


# The dates a reader may ask about, in every page, API, feed, calendar and command: wide enough
# for any instrument (and for "not yet issued" long before one), narrow enough that every part
# can draw a margin around them, step a day or a year past them and store them.
EARLIEST = datetime.date(1000, 1, 1)
LATEST = datetime.date(9000, 12, 31)
RANGE_TEXT = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def parse_date(value, name="date"):
    """A calendar date written YYYY-MM-DD, between EARLIEST and LATEST; anything else raises
    BadDate naming ``name``."""
    try:
        if len(value) != 10:
            raise ValueError
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadDate(f"{name} must be a real date written YYYY-MM-DD, not {value!r}") from None
    if not EARLIEST <= day <= LATEST:
        raise BadDate(f"{name} must be a date {RANGE_TEXT}, not {value!r}")
    return day


def parse_datetime(value, name="datetime"):
    """A moment written YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM], returned in UTC (naive
    means UTC), on a day between EARLIEST and LATEST; anything else raises BadDate."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadDate(f"{name} must be a date and time like 2025-05-20T14:30, not {value!r}") from None
    if len(value) == 10:  # a bare date means the end of that day: what the tracker said that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    if not EARLIEST <= moment.date() <= LATEST:
        raise BadDate(f"{name} must be a moment {RANGE_TEXT}, not {value!r}")
    # In UTC: the databases refuse odd offsets (PostgreSQL stops at 15:59) or, SQLite, compare
    # them as text.
    return moment.astimezone(datetime.timezone.utc)


def stored_moment(value):
    """A moment read from the database with hand-written SQL, as an aware datetime (None stays
    None): PostgreSQL hands back an aware one, SQLite a naive one in UTC, or text for an
    aggregate such as MAX."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


# The longest window of changes answered at once, by a page, an export or the API: a year (a
# leap year's 366 days). A longer one is refused rather than read: at 100,000 instruments six
# years of changes took the API two minutes and 145 MB. Ask for a year at a time.
LONGEST_WINDOW_DAYS = 366


def check_window(start, end):
    """Refuse, with BadDate, a window from ``start`` to ``end`` (both inclusive) that runs
    backwards or spans more than LONGEST_WINDOW_DAYS days."""
    if start > end:
        raise BadDate(f"from ({start.isoformat()}) is after to ({end.isoformat()}): the window must run forwards")
    days = (end - start).days + 1
    if days > LONGEST_WINDOW_DAYS:
        raise BadDate(
            f"from {start.isoformat()} to {end.isoformat()} is {days:,} days; a window may span at most "
            f"{LONGEST_WINDOW_DAYS} days: ask for a year at a time"
        )
