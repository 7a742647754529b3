"""The home page, documents and the friendly error pages; helpers the other views share."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.times import counted_from
from policytrack.timeline import engine
from policytrack.timeline.changes import CALENDAR_KINDS, ONE_DAY, known_events_between, recent_events, upcoming_dates
from policytrack.timeline.dates import BadDate, parse_date, parse_datetime
from policytrack.timeline.models import Document, Event, KnownPeriod, StatusPeriod
from policytrack.timeline.periods import phase_counts_known, phase_counts_on
from policytrack.timeline.engine import DOCUMENT_KIND_RANKS
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS, PHASE_LABELS, PHASE_MEANINGS

from .labels import event_labels, label_of

UPCOMING_DAYS = 90
UPCOMING_SHOWN = 20


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
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    # As known on K, the home page a reader could have seen on K: its "today" is K (unless
    # ``on`` says which day), and what it says is read from the sources published by then.
    today = counted_from(on, known)
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    counts = phase_counts(today, known=known)
    recent = recent_events(today, limit=12, known=known)
    upcoming = upcoming_dates(today, horizon, limit=UPCOMING_SHOWN, known=known)
    if known:
        # How many are dated in the window as known then (a delay may still move one).
        upcoming_total = len(
            [d for d in known_events_between(today + ONE_DAY, horizon, known).values() if d.kind in CALENDAR_KINDS]
        )
    else:
        # How many are dated in the window, from the index on dates (a delay may still move one).
        upcoming_total = Event.objects.filter(date__gt=today, date__lte=horizon, kind__in=CALENDAR_KINDS).count()
    # Two events of a kind in one instrument are told apart ("second compliance date").
    labels = event_labels(
        [(e.instrument_id, e.kind) for e in recent] + [(d.event.instrument_id, d.kind) for d in upcoming]
    )
    for event in recent:
        event.label = label_of(labels, event.instrument_id, event.key, event.kind)
    for due in upcoming:
        due.label = label_of(labels, due.event.instrument_id, due.event.key, due.kind)
    context = {
        "today": today,
        "on": on,
        "known": known,
        # The times asked, for the permalink and the calendar (which count from the same day).
        "times_query": urlencode({name: day.isoformat() for name, day in (("on", on), ("known", known)) if day}),
        "horizon": horizon,
        "upcoming_days": UPCOMING_DAYS,
        "recent": recent,
        "upcoming": upcoming,
        "upcoming_total": upcoming_total,
        "tomorrow": today + datetime.timedelta(days=1),
        "counts": [(phase, PHASE_LABELS[phase], count) for phase, count in counts],
    }
    return render(request, "web/home.html", context)


def phase_counts(on, instruments=None, known=None):
    """How many instruments are in each phase on ``on`` (as known on ``known``, if given), in
    the engine's phase order. The whole portfolio is counted from the phase tally (a few
    thousand rows, not every period; as known on a date, corrected by ``phase_counts_known``);
    a filtered selection by its periods covering ``on``."""
    if instruments is not None and instruments.query.where:
        rows = StatusPeriod.objects.covering(on) if known is None else KnownPeriod.objects.covering(on, known)
        rows = rows.filter(instrument__in=instruments.values("pk"))
        found = dict(rows.values_list("phase").order_by().annotate(n=Count("pk")))
    elif known is not None:
        found = phase_counts_known(on, known)
    else:
        found = phase_counts_on(on)
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
    """The date picker's target: ``/on/?date=2025-05-20`` → ``/on/2025-05-20/`` (keeping ``known``)."""
    try:
        on = optional_date(request, "date")
        known = optional_date(request, "known")
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    response = redirect("web:on_date", date=(on or timezone.localdate()).isoformat())
    if known:  # the home page as known on a date asks about another date as known then
        response["Location"] += f"?known={known.isoformat()}"
    return response
