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


ON = OpenApiParameter(
    "on", OpenApiTypes.DATE, OpenApiParameter.QUERY,
    description="Valid time: the date the status applies on (YYYY-MM-DD). Today if left out.",
)
KNOWN = OpenApiParameter(
    "known", OpenApiTypes.DATE, OpenApiParameter.QUERY,
    description="Knowledge time: count only sources published on or before this date. Everything if left out.",
)
RECORDED = OpenApiParameter(
    "recorded", OpenApiTypes.DATETIME, OpenApiParameter.QUERY,
    description="Record time: the status as this tracker held it at that moment (e.g. 2025-05-20T14:30Z). "
    "Now if left out.",
)
FROM = OpenApiParameter(
    "from", OpenApiTypes.DATE, OpenApiParameter.QUERY,
    description="The window's first day, inclusive (YYYY-MM-DD). 30 days before `to` if left out.",
)
TO = OpenApiParameter(
    "to", OpenApiTypes.DATE, OpenApiParameter.QUERY,
    description="The window's last day, inclusive (YYYY-MM-DD). Today if left out.",
)

A = OpenApiParameter(
    "a", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="The first date to compare (YYYY-MM-DD); 30 days before `b` if left out.")
B = OpenApiParameter(
    "b", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="The second date to compare (YYYY-MM-DD); today if left out.")
