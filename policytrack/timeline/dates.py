"""Reading the dates people type: strict, with messages that say what was expected."""

import datetime

from django.utils import timezone


class BadDate(ValueError):
    pass


def parse_date(value, name="date"):
    """A calendar date written YYYY-MM-DD; anything else raises BadDate naming ``name``."""
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadDate(f"{name} must be a real date written YYYY-MM-DD, not {value!r}") from None


def parse_datetime(value, name="datetime"):
    """A moment written YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]; naive means UTC."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadDate(f"{name} must be a date and time like 2025-05-20T14:30, not {value!r}") from None
    if len(value) == 10:  # a bare date means the end of that day: what the tracker said that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def stored_moment(value):
    """A moment read from the database with hand-written SQL, as an aware datetime (None stays
    None): PostgreSQL hands back an aware one, SQLite a naive one in UTC, or text for an
    aggregate such as MAX."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value
