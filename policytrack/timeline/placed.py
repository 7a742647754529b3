"""Where the engine places each event with every source known, stored on the event.

An event's placed date is the date ``engine.timeline`` gives it: its best claim's date, or the
new date of the latest delay of it (delays of delays included), and none when it is pre-empted
(an effective or compliance date after the instrument ended never happens). The calendars and the
home page's "coming up" read the events placed in their window from ``event_placed_idx`` rather
than run the engine over every instrument with a date in it (the portfolio's calendar took 1.3 s
at 10,000 instruments and 34 s at 100,000 so).

With it, whether the event's live claims disagree (give more than one date and precision):
only such an event can be disputed, so the CSV exports read the disputes from these few events
rather than compare all 961,000 claims at 100,000 instruments (1.5 s of each export's 4).

Written only by the rebuild in ``periods.py``, in the transaction that rebuilds the instrument's
status periods, and compared by ``check_status_periods`` like them.
"""

from __future__ import annotations

from django.db import connections, router

from . import engine
from .models import REBUILT_EVENT_FIELDS, Event


def placings(engine_events):
    """``engine_events`` (one instrument's, in file order) placed by the engine with every source
    known: event key → (date, or None when pre-empted; precision; whether a delay moved it;
    whether its claims disagree), the values of ``REBUILT_EVENT_FIELDS``."""
    return {
        item.event.key: (
            None if item.preempted_by is not None else item.date,
            item.precision,
            item.delayed_by is not None,
            claims_disagree(item.event.claims),
        )
        for item in engine.timeline(engine_events)
    }


def claims_disagree(claims):
    """Whether ``claims`` (an event's live ones) give more than one (date, precision)."""
    return len({(claim.date, claim.precision) for claim in claims}) > 1


def derived(inputs):
    """``inputs``: instrument id → (its events' pks, its engine events), both in file order.
    Returns event pk → its placing, for every event of those instruments."""
    found = {}
    for pks, engine_events in inputs.values():
        placed = placings(engine_events)
        found.update((pk, placed[event.key]) for pk, event in zip(pks, engine_events))
    return found


def stored(instrument_ids, model=Event, fields=REBUILT_EVENT_FIELDS):
    """Event pk → its stored placing, for every event of these instruments."""
    rows = model.objects.filter(instrument_id__in=instrument_ids).order_by().values_list("pk", *fields)
    return {pk: tuple(placing) for pk, *placing in rows}


def misplaced(instrument_ids, inputs, model=Event, fields=REBUILT_EVENT_FIELDS):
    """The events of these instruments whose stored placing differs from the engine's now:
    event pk → (instrument id, the engine's placing). ``model``: a migration's Event, and
    ``fields`` the first of ``REBUILT_EVENT_FIELDS`` that it has."""
    now, before = derived(inputs), stored(instrument_ids, model, fields)
    owner = {pk: instrument_id for instrument_id, (pks, _) in inputs.items() for pk in pks}
    return {
        pk: (owner[pk], placing[: len(fields)])
        for pk, placing in now.items()
        if before.get(pk) != placing[: len(fields)]
    }


def rewrite(instrument_ids, inputs, model=Event, fields=REBUILT_EVENT_FIELDS):
    """Store the engine's placing of every event of these instruments whose stored one differs:
    after most edits none, or the few events a delay or an end moved. Returns how many.

    One UPDATE run once per row (``executemany``), as plain SQL: ``bulk_update`` would write, for
    each of the columns, a CASE naming every row."""
    wrong = misplaced(instrument_ids, inputs, model, fields)
    if not wrong:
        return 0
    connection = connections[router.db_for_write(model)]
    name = connection.ops.quote_name
    assignments = ", ".join(f"{name(field)} = %s" for field in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {name(model._meta.db_table)} SET {assignments} WHERE {name('id')} = %s",
            [(*placing, pk) for pk, (_, placing) in sorted(wrong.items())],
        )
    return len(wrong)
