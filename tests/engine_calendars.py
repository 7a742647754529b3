"""The calendars' dates as the engine gives them, run on every instrument: what the stored
placings are compared with."""

from django.db.models import Prefetch

from policytrack.timeline import engine, placed
from policytrack.timeline.changes import DueDate
from policytrack.timeline.models import Event, Instrument, events_for_engine


def engine_dates(start, end, known, instruments=None, kinds=placed.CALENDAR_KINDS):
    """``upcoming_dates`` as the calendars computed it before the placings were stored: the engine
    run over every instrument on the sources published by ``known`` (every event dated and
    sourced as those date it), in the same order."""
    instruments = Instrument.objects.all() if instruments is None else instruments
    due = []
    sourced = Prefetch("events", queryset=Event.objects.order_by("position", "pk").with_sources())
    for instrument in instruments.order_by("pk").prefetch_related(sourced):
        rows = list(instrument.events.all())
        by_key = {row.key: row for row in rows}
        for item in engine.timeline(events_for_engine(rows), known):
            if item.event.kind in kinds and item.preempted_by is None and start < item.date <= end:
                row = by_key[item.event.key]
                row.date, row.precision = item.claimed_date, item.precision
                row.known_claims = [claim for claim in row.claims.all() if claim.document.published_on <= known]
                due.append(
                    DueDate(instrument, row, item.event.kind, item.date, item.precision, item.delayed_by is not None)
                )
    due.sort(key=lambda d: (d.date, d.instrument.title, engine.EVENT_KINDS.index(d.kind)))
    return due
