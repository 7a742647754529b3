"""Events' names in lists that show one event at a time: "compliance date" for the only one,
"first/second compliance date" where an instrument has two of a kind (as its timeline names them)."""

from __future__ import annotations

from policytrack.timeline.models import Event
from policytrack.timeline.wording import EVENT_KIND_LABELS, numbered_kinds


def event_labels(pairs):
    """``pairs``: (instrument id, kind) of the events shown. Returns {(instrument id, event key):
    label} for those kinds, each numbered by date within its instrument when it repeats: one
    query, on the instruments and kinds shown."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = (
        Event.objects.filter(instrument_id__in={i for i, _ in pairs}, kind__in={k for _, k in pairs})
        .order_by("instrument_id", "date", "position", "pk")
        .values_list("instrument_id", "kind", "key")
    )
    return _numbered(rows, pairs)


def held_event_labels(instruments):
    """``event_labels`` of instruments as held at a moment (``recorded_changes.HeldInstrument``),
    from their events then: no query."""
    rows = sorted(
        (held.pk, event.date, index, event.kind, event.key)
        for held in instruments
        for index, event in enumerate(held.events)
    )
    return _numbered([(pk, kind, key) for pk, _, _, kind, key in rows])


def _numbered(rows, pairs=None):
    """{(instrument id, event key): label} of ``rows`` (instrument id, kind, key), by date within
    each instrument, for the kinds that repeat (of ``pairs``, if given)."""
    by_kind = {}
    for instrument_id, kind, key in rows:
        if pairs is None or (instrument_id, kind) in pairs:
            by_kind.setdefault((instrument_id, kind), []).append(key)
    labels = {}
    for (instrument_id, kind), keys in by_kind.items():
        for key, label in zip(keys, numbered_kinds([kind] * len(keys))):
            labels[(instrument_id, key)] = label
    return labels


def label_of(labels, instrument_id, key, kind):
    return labels.get((instrument_id, key)) or EVENT_KIND_LABELS.get(kind, kind.replace("_", " "))
