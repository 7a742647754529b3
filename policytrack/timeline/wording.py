"""Status in plain words, for pages and the command line."""

from __future__ import annotations

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


def describe_status(status, on):
    """One sentence: the phase on ``on`` and why, e.g. "On 20 May 2025: in force but not
    enforced — rescission announced 13 May 2025, formal notice pending"."""
    phase = status.phase
    since = {
        "suspended": ("suspended",), "stayed": ("stayed",), "rescinded": ("rescinded",),
        "vacated": ("vacated",), "expired": ("expired",), "superseded": ("superseded",),
        "withdrawn": ("withdrawn",), "proposed": ("proposed",), "issued": ("issued", "published"),
        "in_force": ("effective",),
    }
    if phase == "not_enforced":
        text = "in force but not enforced"
        stop = _last(status, "enforcement_suspended")
        if stop:
            text += f" since {human_date(stop.date)}"
    else:
        text = PHASE_LABELS[phase]
        event = _last(status, *since.get(phase, ()))
        if event:
            text += f" since {human_date(event.date)}"
    details = []
    if status.rescission_pending:
        announced = _last(status, "rescission_announced")
        details.append(
            f"rescission announced {human_date(announced.date)}, formal notice pending" if announced
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


def status_document(slug, on, known, status):
    """The status as the JSON object that the ``status`` command and the API share."""
    return {"instrument": slug, "on": on.isoformat(), "known": known.isoformat() if known else None,
            **status.as_dict()}
