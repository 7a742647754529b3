"""Record time: what this tracker held at a past moment, rebuilt from the history tables."""

from __future__ import annotations

from . import engine
from .models import Agency, Claim, Document, Event, Instrument, Topic


def instrument_as_recorded(slug, moment):
    """The instrument with this slug as recorded at ``moment`` (a historical record), or None."""
    return Instrument.history.as_of(moment).filter(slug=slug).first()


def agencies_and_topics_as_recorded(instrument, moment):
    """The agencies and topics of an instrument from ``instrument_as_recorded``, as recorded at
    ``moment``: two lists of the names its page shows, in order."""
    record = instrument._history  # the historical row as_of() read it from
    agencies = Agency.history.as_of(moment).filter(id__in=list(record.agencies.values_list("agency_id", flat=True)))
    topics = Topic.history.as_of(moment).filter(id__in=list(record.topics.values_list("topic_id", flat=True)))
    return sorted(map(str, agencies)), sorted(topic.name for topic in topics)


def snapshot(instrument_id, moment):
    """An instrument's events exactly as the tracker held them at ``moment``.

    Returns ``(rows, documents, events)``: the Event rows (as model instances, in file
    order), the documents they cite by key (as they were then), and the engine's input.
    """
    rows = sorted(Event.history.as_of(moment).filter(instrument_id=instrument_id), key=lambda e: (e.position, e.id))
    keys = {event.id: event.key for event in rows}
    # A claim retracted by then no longer counted.
    claims = list(Claim.history.as_of(moment).filter(event_id__in=list(keys), retracted_at__isnull=True))
    by_id = {doc.id: doc for doc in Document.history.as_of(moment).filter(id__in={c.document_id for c in claims})}
    claims_by_event = {}
    for claim in sorted(claims, key=lambda c: (c.position, c.id)):
        document = by_id.get(claim.document_id)
        if document is None:
            continue
        claims_by_event.setdefault(claim.event_id, []).append(
            engine.Claim(
                document=document.key,
                date=claim.date,
                published_on=document.published_on,
                rank=engine.rank_for(document.kind, document.rank),
                precision=claim.precision,
                quote=claim.quote,
            )
        )
    events = [
        engine.Event(
            key=event.key,
            kind=event.kind,
            date=event.date,
            precision=event.precision,
            claims=tuple(claims_by_event.get(event.id, ())),
            target=keys.get(event.target_id),
            new_date=event.new_date,
        )
        for event in rows
    ]
    return rows, {doc.key: doc for doc in by_id.values()}, events


def events_as_recorded(instrument_id, moment):
    """The engine's input for an instrument exactly as the tracker held it at ``moment``."""
    return snapshot(instrument_id, moment)[2]
