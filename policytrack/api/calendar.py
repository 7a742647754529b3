"""iCalendar feeds of the dates coming up (effective dates, compliance dates, comment
deadlines, suspensions, ...), for calendar apps to subscribe to.

Each date is an all-day event whose UID is ``<slug>.<event-key>@policytrack``: when a source
moves a date, subscribers see the entry move instead of a second one appearing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest
from icalendar import Calendar, Timezone, TimezoneStandard, vDuration
from icalendar.parser import escape_char

from policytrack.times import counted_from, recorded_moment, times_label
from policytrack.timeline import engine
from policytrack.timeline.changes import upcoming_dates
from policytrack.timeline.dates import BadDate
from policytrack.timeline.filters import InstrumentFilter, error_messages
from policytrack.timeline.models import Instrument
from policytrack.timeline.placed import CALENDAR_KINDS
from policytrack.timeline.recorded_changes import Record
from policytrack.timeline.wording import EVENT_KIND_LABELS, human_date
from policytrack.web.hindsight import notes_as_known
from policytrack.web.views import optional_date, query_without_blanks

from .caching import polled, validators
from .describe import event_path_maker, event_uid, sources_text
from .feeds import instrument_by_slug

# Recent dates stay visible for a month; dates are announced up to two years ahead.
LOOK_BACK = datetime.timedelta(days=30)
LOOK_AHEAD = datetime.timedelta(days=730)
CONTENT_TYPE = "text/calendar; charset=utf-8"
REFRESH = datetime.timedelta(hours=12)


@polled
def upcoming_calendar(request):
    """Upcoming dates of the instruments the instrument-list filters select (all by default)."""
    filterset = InstrumentFilter(query_without_blanks(request.GET), queryset=Instrument.objects.all(), request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "\n".join(error_messages(filterset)) + "\n", content_type="text/plain; charset=utf-8"
        )
    try:
        recorded = recorded_moment(request)
    except BadDate as error:
        return HttpResponseBadRequest(f"{error}.\n", content_type="text/plain; charset=utf-8")
    on = filterset.form.cleaned_data.get("on")
    return _calendar_response(
        request, "policytrack: upcoming dates", filterset.qs, "policytrack.ics", filterset.known_date, on, recorded
    )


@polled
def instrument_calendar(request, slug):
    """The dates coming up of one instrument (as recorded at ``recorded``: the one that had this
    slug then)."""
    try:
        known, on = optional_date(request, "known"), optional_date(request, "on")
        recorded = recorded_moment(request)
    except BadDate as error:
        return HttpResponseBadRequest(f"{error}.\n", content_type="text/plain; charset=utf-8")
    instrument = instrument_by_slug(slug, recorded)
    return _calendar_response(
        request,
        f"policytrack: {instrument}",
        Instrument.objects.filter(pk=instrument.pk),
        f"{slug}.ics",
        known,
        on,
        recorded,
    )


def _calendar_response(request, name, instruments, filename, known=None, on=None, recorded=None):
    # Built once per state of the record, day and address (the ETag says all three): calendar
    # apps poll it all day, and each build reads thousands of events (seconds at 100,000
    # instruments), with every source or as known on a date.
    etag, stamp = validators(request)
    key, seconds = f"calendar:{etag}", settings.POLICYTRACK_CALENDAR_CACHE
    body = cache.get(key) if seconds else None
    if body is None:
        # As known on K, the calendar a subscriber could have had on K: its window around K (or
        # ``on``), its dates and sources those published by then; as recorded at T, from what
        # this tracker held at T.
        today = counted_from(on, known, recorded)
        due = _due(today - LOOK_BACK, today + LOOK_AHEAD, instruments, known, recorded)
        name += times_label(on, known, "from", recorded)
        notes_as_known([item.event for item in due], known, recorded)
        body = build_calendar(request, name, due, stamp=stamp, known=known, recorded=recorded)
        if seconds:
            cache.set(key, body, timeout=seconds)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _due(start, end, instruments, known=None, recorded=None):
    """``changes.upcoming_dates`` of ``instruments``; as recorded at ``recorded``, those edited
    since as they held them then, the others as now."""
    if recorded is None:
        return upcoming_dates(start, end, instruments, known=known)
    record = Record(recorded, instruments)
    due = upcoming_dates(start, end, instruments, known=known, excluding=record.edited)
    due += record.placed(start, end, known, CALENDAR_KINDS)
    return sorted(due, key=lambda d: (d.date, d.instrument.title, engine.EVENT_KINDS.index(d.kind)))


def build_calendar(request, name, due, stamp, known=None, recorded=None):
    """The VCALENDAR for ``due`` (``changes.DueDate`` items), as bytes. ``stamp`` is when the record last
    changed, so an unchanged record gives a byte-identical calendar. Each entry links to its
    instrument's page as known on ``known`` and as recorded at ``recorded``, if given."""
    calendar = Calendar()
    calendar.add("prodid", "-//policytrack//upcoming dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # How often subscribers should fetch again (RFC 7986, and the older name Outlook reads).
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = stamp.astimezone(datetime.timezone.utc)
    # RFC 5545 (3.6) wants at least one component, and most instruments have no date coming:
    # every calendar carries the UTC time zone its stamps are in. A placeholder event would put
    # in subscribers' calendars a date no source gives.
    calendar.add_component(_utc())
    path = event_path_maker(known, recorded)
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    # The events are written here rather than as icalendar components: building and writing
    # those took three quarters of the calendar's time (profiled, 556 events at 10,000
    # instruments: 2.2 of 2.8 s). The bytes are icalendar's own — its escaping, its folding,
    # its order of properties (tests read them back and compare).
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    # The site's address once, not per event (paths of slugs and keys need no escaping).
    origin = request.build_absolute_uri("/")[:-1]
    events = b"".join(_calendar_event(origin, item, stamp_text, path) for item in due)
    return head + events + b"END:VCALENDAR" + end


def _utc():
    zone, standard = Timezone(), TimezoneStandard()
    zone.add("tzid", "UTC")
    standard.add("dtstart", datetime.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", datetime.timedelta(0))
    standard.add("tzoffsetto", datetime.timedelta(0))
    standard.add("tzname", "UTC")
    zone.add_component(standard)
    return zone


def _calendar_event(origin, item, stamp, path):
    """One VEVENT, as icalendar writes it: its properties in icalendar's order (SUMMARY, DTSTART,
    DTEND, DTSTAMP, UID, then by name), text escaped and every line folded at 75 octets."""
    instrument, event = item.instrument, item.event
    summary = f"{instrument}: {EVENT_KIND_LABELS.get(event.kind, event.kind)}"
    if item.precision != "day":
        summary += f" (some time in {human_date(item.date, item.precision)})"
    lines = []
    if item.delayed:
        lines.append(f"Moved to this date by a delay; the sources first gave {human_date(event.date)}.")
    if event.note:
        lines.append(event.note)
    lines += ["Sources:", *(f"- {line}" for line in sources_text(event))]
    url = origin + path(instrument, event)
    lines += ["", url]
    description = "\n".join(lines)
    properties = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape_char(summary)}",
        f"DTSTART;VALUE=DATE:{item.date:%Y%m%d}",  # a date, so an all-day event
        f"DTEND;VALUE=DATE:{item.date + datetime.timedelta(days=1):%Y%m%d}",
        f"DTSTAMP:{stamp}",
        f"UID:{escape_char(event_uid(instrument, event))}",
        f"CATEGORIES:{escape_char(event.kind.replace('_', ' '))}",
        f"DESCRIPTION:{escape_char(description)}",
        "TRANSP:TRANSPARENT",  # a deadline to know about, not time taken
        f"URL:{url}",
        "END:VEVENT",
    ]
    return b"".join(_folded(line) for line in properties)


def _folded(line):
    """A content line folded as icalendar folds it (RFC 5545 3.1): pieces of at most 74 octets,
    none splitting a character, each after the first on a new line starting with a space.
    (icalendar's ``foldline`` counts the octets of a line with any non-ASCII character one
    character at a time: 1.25 s of the 1.8 s the events took, profiled.)"""
    octets = line.encode()
    pieces, start = [], 0
    while len(octets) - start > 74:
        end = start + 74
        while octets[end] & 0xC0 == 0x80:  # a continuation byte: back to the character's first
            end -= 1
        pieces.append(octets[start:end])
        start = end
    pieces.append(octets[start:])
    return b"\r\n ".join(pieces) + b"\r\n"
