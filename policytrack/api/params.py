"""Query parameters that are not instrument filters: dates and moments, read strictly, with a
400 naming every bad parameter (``{"on": ["on must be a real date written YYYY-MM-DD, ..."]}``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from policytrack.timeline.dates import BadDate, parse_date, parse_datetime


READERS = {"date": parse_date, "datetime": parse_datetime}


def read_params(request, **kinds):
    """``{name: value or None}`` for each parameter named, ``kinds`` saying "date" or "datetime"."""
    values, errors = {}, {}
    for name, kind in kinds.items():
        raw = request.query_params.get(name, "").strip()
        try:
            values[name] = READERS[kind](raw, name) if raw else None
        except BadDate as error:
            errors[name] = [f"{error}."]
    if errors:
        raise ValidationError(errors)
    return values


def refuse(name, message):
    raise ValidationError({name: [message]})


def refuse_blanks(request):
    """Refuse a parameter given with no value (``?on=``, ``?agency=``, ``?page_size=``): in the
    API an empty value is a client's mistake, never "leave it out" (as it is from an HTML form,
    whose pages drop blanks). ``q`` is the exception: an empty search selects everything."""

    def empty(name, value):
        # ``sort`` takes a comma-separated list, which would drop an empty item (``?sort=,``).
        return any(not part.strip() for part in (value.split(",") if name == "sort" else [value]))

    blank = [
        name
        for name in request.query_params
        if name != "q" and any(empty(name, value) for value in request.query_params.getlist(name))
    ]
    if blank:
        raise ValidationError({name: [f"{name} is empty: give it a value, or leave it out."] for name in blank})


def whole_number(raw, name, low, high=None):
    """``raw`` as a whole number from ``low`` (to ``high``), else a 400 naming ``name``."""
    bounds = f"from {low} to {high}" if high is not None else f"from {low} up"
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
    if value is None or value < low or (high is not None and value > high):
        refuse(name, f"{name} must be a whole number {bounds}, not {raw!r}.")
    return value


class StrictQuery:
    """For API views: every request's parameters checked before the view reads them."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_blanks(request)


ON = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Valid time: the date the status applies on (YYYY-MM-DD). Today if left out.",
)
KNOWN = OpenApiParameter(
    "known",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Knowledge time: count only sources published on or before this date. Everything if left out.",
)
RECORDED = OpenApiParameter(
    "recorded",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    description="Record time: the status as this tracker held it at that moment (e.g. 2025-05-20T14:30Z). "
    "Now if left out.",
)
FROM = OpenApiParameter(
    "from",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The window's first day, inclusive (YYYY-MM-DD). 30 days before `to` if left out. "
    "A window spans at most 366 days.",
)
PAGE = OpenApiParameter(
    "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="A page number, from 1 (the first). 1 if left out."
)
PAGE_SIZE = OpenApiParameter(
    "page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Instruments per page, 1 to 500. 50 if left out."
)
TO = OpenApiParameter(
    "to",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The window's last day, inclusive (YYYY-MM-DD). Today if left out.",
)

A = OpenApiParameter(
    "a",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The first date to compare (YYYY-MM-DD); 30 days before `b` if left out.",
)
B = OpenApiParameter(
    "b",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The second date to compare (YYYY-MM-DD); today if left out.",
)

LEARNED_ON = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="What was learned about this date (YYYY-MM-DD) between `known_a` and `known_b`; today if "
    "left out. Given with `known_a` or `known_b`, it asks that comparison instead of `a` and `b` "
    "(not with them, nor with `known` or `recorded`).",
)
KNOWN_A = OpenApiParameter(
    "known_a",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The first knowledge date (YYYY-MM-DD): the phase on `on` from the sources published by "
    "then; 30 days before `known_b` if left out.",
)
KNOWN_B = OpenApiParameter(
    "known_b",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The second knowledge date (YYYY-MM-DD); today if left out. A date after today means every "
    "source so far.",
)
