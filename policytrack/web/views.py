"""The home page, documents and the friendly error pages; helpers the other views share."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.times import counted_from, recorded_moment, times_suffix
from policytrack.timeline import engine
from policytrack.timeline.changes import CALENDAR_KINDS, ONE_DAY, known_events_between, recent_events, upcoming_dates
from policytrack.timeline.dates import BadDate, parse_date, parse_datetime
from policytrack.timeline.models import Document, Event, KnownPeriod, StatusPeriod
from policytrack.timeline.periods import phase_counts_known, phase_counts_on
from policytrack.timeline.recorded_changes import Record
from policytrack.timeline.engine import DOCUMENT_KIND_RANKS
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS, PHASE_LABELS, PHASE_MEANINGS

from .labels import event_labels, held_event_labels, label_of

UPCOMING_DAYS = 90
UPCOMING_SHOWN = 20
RECENT_SHOWN = 12


def bad_request(request, exception=None, message=None, problems=()):
    if isinstance(exception, RequestDataTooBig):  # refused before any view could say so
        message = (
            f"What was sent is larger than {settings.POLICYTRACK_UPLOAD_LIMIT_MB} MB, the upload limit "
            "(POLICYTRACK_UPLOAD_LIMIT_MB). Nothing was saved."
        )
        return render(request, "web/error.html", {"title": "Too large", "message": message, "problems": ()}, status=413)
    message = message or "The request could not be understood."
    context = {"title": "Bad request", "message": message, "problems": problems}
    return render(request, "web/error.html", context, status=400)


def not_found(request, exception=None, message=None):
    if message is None:
        message = "There is no page at this address."
        if exception is not None and getattr(exception, "args", None) and isinstance(exception.args[0], str):
            message = exception.args[0] if exception.args[0].startswith("No ") else message
    return render(request, "404.html", {"message": message}, status=404)


def query_without_blanks(query):
    """The query string without empty values: forms send ``agency=`` for "any agency"."""
    cleaned = QueryDict(mutable=True)
    for key in query:
        values = [value for value in query.getlist(key) if value.strip()]
        if values:
            cleaned.setlist(key, values)
    return cleaned


def optional_date(request, name):
    """``?name=YYYY-MM-DD`` as a date, None when absent; raises BadDate when malformed."""
    value = request.GET.get(name, "").strip()
    return parse_date(value, name) if value else None


def optional_moment(request, name):
    """``?name=`` a moment (``dates.parse_datetime``: UTC, a bare date the end of that day) as an
    aware datetime, None when absent; raises BadDate when malformed."""
    value = request.GET.get(name, "").strip()
    return parse_datetime(value, name) if value else None


@require_safe
def home(request):
    try:
        on, known = optional_date(request, "on"), optional_date(request, "known")
        recorded = recorded_moment(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    # As known on K, the home page a reader could have seen on K: its "today" is K (unless
    # ``on`` says which day), and what it says is read from the sources published by then. As
    # recorded at T, the page as it stood at T, from what this tracker held then.
    today = counted_from(on, known, recorded)
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    record = Record(recorded) if recorded else None
    counts = phase_counts(today, known=known, record=record)
    recent, upcoming, upcoming_total = _dated(today, horizon, known, record)
    # Two events of a kind in one instrument are told apart ("second compliance date").
    held = record.held if record else {}
    shown = [(e.instrument_id, e.kind) for e in recent] + [(d.event.instrument_id, d.kind) for d in upcoming]
    labels = {
        **event_labels([(pk, kind) for pk, kind in shown if pk not in held]),
        **held_event_labels(held.values()),
    }
    for event in recent:
        event.label = label_of(labels, event.instrument_id, event.key, event.kind)
    for due in upcoming:
        due.label = label_of(labels, due.event.instrument_id, due.event.key, due.kind)
    times = {"on": on, "known": known, "recorded": recorded}
    context = {
        "today": today,
        "on": on,
        "known": known,
        "recorded": recorded,
        # The times asked, for the permalink and the calendar (which count from the same day).
        "times_query": urlencode({name: value.isoformat() for name, value in times.items() if value}),
        # What the links to the lists and to the instruments' pages carry after their own date.
        "also": times_suffix(known, recorded),
        "horizon": horizon,
        "upcoming_days": UPCOMING_DAYS,
        "recent": recent,
        "upcoming": upcoming,
        "upcoming_total": upcoming_total,
        "tomorrow": today + datetime.timedelta(days=1),
        "counts": [(phase, PHASE_LABELS[phase], count) for phase, count in counts],
    }
    return render(request, "web/home.html", context)


def _dated(today, horizon, known, record=None):
    """The home page's events: the newest up to ``today``, the first dates due after it up to
    ``horizon`` and how many are due then, as known on ``known``; as recorded at a moment
    (``record``, a ``recorded_changes.Record``), the instruments edited since as they held them
    then, and the others as now."""
    edited = record.edited if record else set()
    where = claims = Q()  # without a moment (or none edited since), no condition to slow the walk
    if edited:
        where, claims = ~Q(instrument_id__in=edited), ~Q(event__instrument_id__in=edited)
    recent = recent_events(today, limit=RECENT_SHOWN, where=where, known=known, claims=claims)
    for event in recent:  # the sources shown beside it
        event.sources = list(event.claims.all())
    upcoming = upcoming_dates(today, horizon, limit=UPCOMING_SHOWN, known=known, excluding=edited)
    if known:
        # How many are dated in the window as known then (a delay may still move one).
        dated = known_events_between(today + ONE_DAY, horizon, known).values()
        upcoming_total = len([d for d in dated if d.kind in CALENDAR_KINDS and d.instrument_id not in edited])
    else:
        # How many are dated in the window, from the index on dates (a delay may still move one).
        upcoming_total = Event.objects.filter(where, date__gt=today, date__lte=horizon, kind__in=CALENDAR_KINDS).count()
    if record is None:
        return recent, upcoming, upcoming_total
    recent += record.dated(None, today, known)
    recent = sorted(recent, key=lambda e: (e.date, e.position, e.pk), reverse=True)[:RECENT_SHOWN]
    upcoming += record.placed(today, horizon, known, CALENDAR_KINDS)
    upcoming.sort(key=lambda d: (d.date, d.instrument.title, engine.EVENT_KINDS.index(d.kind)))
    held_due = [event for event in record.dated(today + ONE_DAY, horizon, known) if event.kind in CALENDAR_KINDS]
    return recent, upcoming[:UPCOMING_SHOWN], upcoming_total + len(held_due)


def phase_counts(on, instruments=None, known=None, record=None):
    """How many instruments are in each phase on ``on`` (as known on ``known``, if given), in
    the engine's phase order. The whole portfolio is counted from the phase tally (a few
    thousand rows, not every period; as known on a date, corrected by ``phase_counts_known``);
    a filtered selection by its periods covering ``on``. As recorded at a moment (``record``, a
    ``recorded_changes.Record``), the instruments edited since are counted by their phase then."""
    if instruments is not None and instruments.query.where:
        rows = StatusPeriod.objects.covering(on) if known is None else KnownPeriod.objects.covering(on, known)
        rows = rows.filter(instrument__in=instruments.values("pk"))
        found = dict(rows.values_list("phase").order_by().annotate(n=Count("pk")))
    elif known is not None:
        found = phase_counts_known(on, known)
    else:
        found = phase_counts_on(on)
    if record is not None:
        found = record.counts(on, known, found)
    return [(phase, found[phase]) for phase in engine.PHASES if phase in found]


@require_safe
def methodology(request):
    """How status is derived, in plain words: what every badge, flag and rank links to."""
    context = {
        "phases": [(phase, PHASE_LABELS[phase], PHASE_MEANINGS[phase]) for phase in engine.PHASES],
        "ranks": sorted((rank, DOCUMENT_KIND_LABELS.get(kind, kind)) for kind, rank in DOCUMENT_KIND_RANKS.items()),
    }
    return render(request, "web/methodology.html", context)


@require_safe
def document_detail(request, pk):
    document = get_object_or_404(Document, pk=pk)
    claims = document.claims.select_related("event__instrument").order_by("event__date")
    return render(request, "timeline/document_detail.html", {"document": document, "claims": claims})


@require_safe
def go_to_date(request):
    """The date picker's target: ``/on/?date=2025-05-20&known=…`` → ``/on/2025-05-20/?known=…``,
    keeping the other parameters (the times and filters the page asking was read with), which
    the page checks, but the page number."""
    try:
        on = optional_date(request, "date")
        optional_date(request, "known")
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    response = redirect("web:on_date", date=(on or timezone.localdate()).isoformat())
    kept = request.GET.copy()
    for name in ("date", "page"):
        kept.pop(name, None)
    if kept:
        response["Location"] += f"?{kept.urlencode()}"
    return response
