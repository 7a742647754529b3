from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from policytrack.timeline import engine
from policytrack.timeline.dates import BadDate, parse_date
from policytrack.timeline.models import Claim, Document, Event, Instrument, events_for_engine
from policytrack.timeline.wording import PHASE_LABELS, describe_status

from .timeline import timeline_rows


def bad_request(request, exception=None, message=None):
    message = message or "The request could not be understood."
    return render(request, "web/error.html", {"title": "Bad request", "message": message}, status=400)


def not_found(request, exception=None):
    message = "There is no page at this address."
    if exception is not None and getattr(exception, "args", None) and isinstance(exception.args[0], str):
        message = exception.args[0] if exception.args[0].startswith("No ") else message
    return render(request, "web/error.html", {"title": "Not found", "message": message}, status=404)


def _dates(request):
    """``?on=`` (default today) and ``?known=`` (default: everything we hold)."""
    on = request.GET.get("on") or ""
    known = request.GET.get("known") or ""
    on = parse_date(on, "on") if on else timezone.localdate()
    known = parse_date(known, "known") if known else None
    return on, known


def home(request):
    today = timezone.localdate()
    instruments = Instrument.objects.with_phase(today).prefetch_related("agencies").order_by("title")
    return render(request, "web/home.html", {"instruments": instruments, "today": today, "labels": PHASE_LABELS})


def instrument_detail(request, slug):
    instrument = Instrument.objects.prefetch_related("agencies", "topics").filter(slug=slug).first()
    if instrument is None:
        return not_found(request, Exception(f"No instrument has the slug “{slug}”."))
    try:
        on, known = _dates(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")

    rows = list(
        Event.objects.filter(instrument=instrument)
        .order_by("position", "pk")
        .prefetch_related("claims__document")
    )
    events = events_for_engine(rows)
    status = engine.status(events, on=on, known=known)
    documents = {claim.document.key: claim.document for row in rows for claim in row.claims.all()}
    relations = [(r.get_kind_display(), r.target) for r in instrument.relations.select_related("target")]
    shown = {other.pk for _, other in relations}
    relations += [(f"{r.get_kind_display()} (from the other side)", r.source)
                  for r in instrument.inverse_relations.select_related("source") if r.source_id not in shown]
    context = {
        "instrument": instrument,
        "on": on,
        "known": known,
        "status": status,
        "sentence": describe_status(status, on),
        "phase_label": PHASE_LABELS[status.phase],
        "rows": timeline_rows(events, rows, documents, on, known),
        "unknown_count": len(events) - len(engine.timeline(events, known)),
        "relations": relations,
        "history": _history(instrument),
    }
    return render(request, "timeline/instrument_detail.html", context)


def _history(instrument, limit=15):
    """The latest recorded changes to the instrument, its events and their claims, newest first."""
    verbs = {"+": "added", "~": "changed", "-": "deleted"}
    entries = [
        (h.history_date, h.history_user, f"{verbs[h.history_type]} the instrument")
        for h in instrument.history.select_related("history_user")[:limit]
    ]
    entries += [
        (h.history_date, h.history_user, f"{verbs[h.history_type]} event “{h.key}” ({h.kind.replace('_', ' ')}, {h.date})")
        for h in Event.history.filter(instrument_id=instrument.pk).select_related("history_user")[:limit]
    ]
    entries += [
        (h.history_date, h.history_user, f"{verbs[h.history_type]} a claim of {h.document.key} ({h.date})")
        for h in Claim.history.filter(event__instrument_id=instrument.pk).select_related("history_user", "document")[:limit]
    ]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return entries[:limit]


def document_detail(request, pk):
    document = get_object_or_404(Document, pk=pk)
    claims = document.claims.select_related("event__instrument").order_by("event__date")
    return render(request, "timeline/document_detail.html", {"document": document, "claims": claims})
