"""Validators for cheap polling: every JSON, Atom and iCalendar response carries an ETag and a
Last-Modified, and a client that sends them back gets 304 Not Modified while nothing changed.

What a response says depends on two things only: the record (every edit leaves a history row)
and today's date (``on`` defaults to today, calendars look ahead from today). So the moment a
response last changed is the later of the latest history row and the start of today.
"""

from __future__ import annotations

import datetime
import functools
import hashlib

from django.db import connection
from django.utils import timezone
from django.views.decorators.http import condition

from policytrack.timeline.dates import stored_moment
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, Topic

TRACKED = (Agency, Topic, Instrument, InstrumentRelation, Document, Event, Claim)


def last_recorded():
    """The latest moment anything in the timeline was added, edited or deleted (None: never).

    One query over every history table, whatever the size of the record: raw SQL, because the
    ORM cannot take the maximum of several tables' maxima without a row to hang it on.
    """
    with connection.cursor() as cursor:
        cursor.execute(_latest_sql())
        (value,) = cursor.fetchone()
    return stored_moment(value)


@functools.cache
def _latest_sql():
    # Built once: each ``Model.history`` builds its manager class anew (4 ms a request).
    selects = " UNION ALL ".join(
        f"SELECT MAX(history_date) AS latest FROM {connection.ops.quote_name(model.history.model._meta.db_table)}"
        for model in TRACKED
    )
    return f"SELECT MAX(latest) FROM ({selects}) AS recorded"


def _start_of_today():
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def validators(request):
    """(ETag, Last-Modified) for this request, worked out once per request."""
    cached = getattr(request, "_policytrack_validators", None)
    if cached is None:
        recorded = last_recorded()
        modified = max(filter(None, (recorded, _start_of_today())))
        # The same URL answers differently by Accept (JSON or the browsable API), so both count.
        seed = "\n".join((modified.isoformat(), request.get_full_path(), request.headers.get("Accept", "")))
        cached = (f'W/"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"', modified)
        request._policytrack_validators = cached
    return cached


def polled(view):
    """Give ``view`` an ETag and a Last-Modified, and answer 304 when the client's copy is current."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # Django's feeds send their latest entry's date as Last-Modified, and ``condition`` keeps
        # a header the view set: a reader sending it back as If-Modified-Since was compared
        # with the latest record, later whenever anything else had been recorded since (a
        # source, a topic), and got the whole feed again. The header is ``condition``'s own.
        if response.has_header("Last-Modified"):
            del response["Last-Modified"]
        return response

    return condition(
        etag_func=lambda request, *args, **kwargs: validators(request)[0],
        last_modified_func=lambda request, *args, **kwargs: validators(request)[1],
    )(answer)
