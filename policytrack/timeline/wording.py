"""Status in plain words, for pages and the command line."""

from __future__ import annotations

from . import engine
from .models import Document, Event

# Kinds' labels by value: ``get_kind_display()`` rebuilds its dictionary of choices on every call,
# and a feed or a page of fifty events calls it hundreds of times.
EVENT_KIND_LABELS = dict(Event.Kind.choices)
DOCUMENT_KIND_LABELS = dict(Document.Kind.choices)

PHASE_LABELS = {
    "not_yet_issued": "not yet issued",
    "proposed": "proposed",
    "issued": "issued, not yet in force",
    "in_force": "in force",
    "not_enforced": "in force, not enforced",
    "suspended": "suspended",
    "stayed": "stayed by a court",
    "rescinded": "rescinded",
    "vacated": "vacated by a court",
    "expired": "expired",
    "superseded": "superseded",
    "withdrawn": "withdrawn",
}

# What each phase means, for the methodology page (and anyone who needs it in a sentence).
PHASE_MEANINGS = {
    "not_yet_issued": "Nothing about it had been proposed or issued yet on that date.",
    "proposed": "Proposed (for example a notice of proposed rulemaking), not yet issued.",
    "issued": "Signed, announced or published, but not yet effective.",
    "in_force": "Effective, and enforced as far as the sources show.",
    "not_enforced": "Effective and still law, but the agency has announced it will not enforce it.",
    "suspended": "Its legal effect is paused by the agency; it can be reinstated.",
    "stayed": "Its legal effect is paused by a court; it can be reinstated.",
    "rescinded": "Formally withdrawn by the agency after it took effect. Ended.",
    "vacated": "Set aside by a court. Ended, unless a later decision reinstates it.",
    "expired": "Ended on its own terms (a sunset or end date). Ended.",
    "superseded": "Replaced by another instrument. Ended.",
    "withdrawn": "A proposal or an issued instrument abandoned before it took effect. Ended.",
}

FLAG_LABELS = {
    "in_force": "In force",
    "enforced": "Enforced",
    # "Apply" would be a legal conclusion; what the sources show is whether they are enforced.
    "obligations_apply": "Obligations enforced",
    "rescission_pending": "Rescission pending",
}


def phase_label(phase):
    """A phase in words; a comparison's "not_yet_public" (no phase: nothing published yet) too."""
    return PHASE_LABELS.get(phase, str(phase).replace("_", " "))


def human_date(value, precision="day"):
    # Four-digit years: strftime prints the year 1 as "1", and a reader would see "1 January 1".
    year = f"{value.year:04d}"
    if precision == "year":
        return year
    if precision == "month":
        return f"{value.strftime('%B')} {year}"
    return f"{value.day} {value.strftime('%B')} {year}"


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _ordinal(n):
    if n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def numbered_kinds(kinds):
    """Labels for kinds in date order, numbering a kind that occurs more than once ("first
    compliance date", "second compliance date"), so that two events never share one name."""
    kinds = list(kinds)
    repeated = {kind for kind in kinds if kinds.count(kind) > 1}
    seen = {}
    labels = []
    for kind in kinds:
        label = EVENT_KIND_LABELS.get(kind, kind.replace("_", " "))
        if kind in repeated:
            seen[kind] = seen.get(kind, 0) + 1
            nth = seen[kind]
            label = f"{_ordinal(nth)} {label}"
        labels.append(label)
    return labels


def _last(status, *kinds):
    for item in reversed(status.applied):
        if item.kind in kinds:
            return item
    return None


# The events a phase is dated from ("in force since 13 January 2025"): the last of these applied.
SINCE_KINDS = {
    "suspended": ("suspended",),
    "stayed": ("stayed",),
    "rescinded": ("rescinded",),
    "vacated": ("vacated",),
    "expired": ("expired",),
    "superseded": ("superseded",),
    "withdrawn": ("withdrawn",),
    "proposed": ("proposed",),
    "issued": ("issued", "published"),
    "in_force": ("effective",),
    "not_enforced": ("enforcement_suspended",),
}


def since_event(status):
    """The applied event the status's phase dates from (None if it has none)."""
    return _last(status, *SINCE_KINDS.get(status.phase, ()))


def disputed_spans(status, events, known=None):
    """Each disputed known event of ``status`` by key, as the engine's ``Span`` of its claims."""
    disputed = {dispute.key for dispute in status.disputed}
    spans = {}
    for event in events:
        if event.key in disputed and (span := engine.claimed_span(event.claims, known)):
            spans[event.key] = span
    return spans


def span_text(span):
    """ "sources say 8 May to 11 June 2025": each end as precisely as its source gives it."""
    start, end = human_date(span.first.date, span.first.precision), human_date(span.last.date, span.last.precision)
    if span.first.date.year == span.last.date.year and span.first.precision != "year":
        start = start.rsplit(" ", 1)[0]
    return f"sources say {start} to {end}"


def describe_status(status, on, spans=None):
    """One sentence: the phase on ``on`` and why, e.g. "On 20 May 2025: in force but not
    enforced since 13 May 2025 (disputed: sources say 13 May to June 2025) — rescission
    announced 13 May 2025, formal notice pending". ``spans`` (``disputed_spans``) adds, after each
    date the sources dispute, the range they give."""
    spans = spans or {}

    def dated(event):
        text = human_date(event.date)
        return f"{text} (disputed: {span_text(spans[event.key])})" if event.key in spans else text

    phase = status.phase
    text = "in force but not enforced" if phase == "not_enforced" else PHASE_LABELS[phase]
    if event := since_event(status):
        text += f" since {dated(event)}"
    details = []
    if status.rescission_pending:
        announced = _last(status, "rescission_announced")
        details.append(
            f"rescission announced {dated(announced)}, formal notice pending"
            if announced
            else "rescission announced, formal notice pending"
        )
    if status.enforced:
        if status.obligations_apply:
            details.append("compliance obligations apply")
        elif status.upcoming and status.upcoming.kind == "compliance_date":
            details.append(f"compliance not required until {human_date(status.upcoming.date)}")
        else:
            details.append("compliance not yet required")
    sentence = f"On {human_date(on)}: {text}"
    if details:
        sentence += " — " + "; ".join(details)
    return sentence


def since_disputed(status, spans):
    """The API's ``since_disputed``: when the sources dispute the date the phase dates from,
    that event and the span they give (``from`` its first day, ``to`` its last); else None."""
    event = since_event(status)
    if event is None or event.key not in spans:
        return None
    span = spans[event.key]
    return {
        "kind": event.kind,
        "date": event.date.isoformat(),
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
    }


def status_document(slug, on, known, status, events):
    """The status as the JSON object that the ``status`` command and the API share (``events``:
    the engine's input it was worked out from, for the span of a disputed date)."""
    return {
        "instrument": slug,
        "on": on.isoformat(),
        "known": known.isoformat() if known else None,
        **status.as_dict(),
        "since_disputed": since_disputed(status, disputed_spans(status, events, known)),
    }
