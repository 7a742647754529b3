"""What a stored value may be, defined once for the models (and so the admin's forms) and for
the reader of ``policytrack-timeline/1`` files (``ingest/schema.py``): a backup holds only what
the admin accepted, so it must import whole into an empty database."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.utils.deconstruct import deconstructible

from . import dates

# Slugs and keys name records in timeline files and URLs: lower-case words joined by single
# hyphens (or underscores, which files have always accepted).
KEY_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z"
KEY_RULE = "lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”)"
validate_key = RegexValidator(KEY_PATTERN, f"Use only {KEY_RULE}.", code="invalid_key")

URL_SCHEMES = ("http", "https")
validate_web_url = URLValidator(
    schemes=URL_SCHEMES, message="Enter a web address starting http:// or https://.", code="invalid_url"
)

# A document's rank override: 1 is best; the kinds' defaults run from 1 to 9.
RANK_MIN, RANK_MAX = 1, 99
RANK_RULE = f"a whole number from {RANK_MIN} (best) to {RANK_MAX}"
rank_validators = [
    MinValueValidator(RANK_MIN, f"Enter {RANK_RULE}."),
    MaxValueValidator(RANK_MAX, f"Enter {RANK_RULE}."),
]

# Stored dates stay within the dates a reader may ask about (``dates.EARLIEST``, ``LATEST``),
# well inside the status periods' sentinel ends (0001-01-01 and 9999-12-31).
EARLIEST_DATE, LATEST_DATE = dates.EARLIEST, dates.LATEST
DATE_RULE = dates.RANGE_TEXT
date_validators = [
    MinValueValidator(EARLIEST_DATE, f"Enter a date {DATE_RULE}."),
    MaxValueValidator(LATEST_DATE, f"Enter a date {DATE_RULE}."),
]


@deconstructible
class TextListValidator:
    """A list of text (aliases, docket numbers, CFR parts), as timeline files hold it."""

    message = 'Enter a list of text in double quotes, e.g. ["15 CFR 734"].'

    def __call__(self, value):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(self.message, code="invalid_text_list")
        if any("\x00" in item for item in value):
            raise ValidationError("Text cannot contain a NUL character.", code="null_characters_not_allowed")

    def __eq__(self, other):
        return isinstance(other, TextListValidator)


validate_text_list = TextListValidator()


def clean_text_list(value):
    """As stored and exported: each item without surrounding spaces, empty items dropped."""
    return [item.strip() for item in value if item.strip()]


def period_start(day, precision):
    """The first day of ``day``'s month or year, as a date of that precision must be."""
    if precision == "month":
        return day.replace(day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day


def period_start_problem(day, precision):
    """Why ``day`` cannot carry ``precision``, or None."""
    if day is not None and precision and day != period_start(day, precision):
        return (
            f"With precision “{precision}” the date must be the first day of its {precision} "
            f"({period_start(day, precision).isoformat()})."
        )
    return None
