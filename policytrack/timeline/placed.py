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

The same placing as known on each date, for the calendars as known on K, is stored as
``KnownPlacing`` rows, one per stretch of knowledge time over which it holds (``over_knowledge``);
and each event's date as its sources known on each date give it, before any delay, for the
changes as known on K, as ``KnownEventDate`` rows (``dated_over_knowledge``).

Written only by the rebuild in ``periods.py``, in the transaction that rebuilds the instrument's
status periods, and compared by ``check_status_periods`` like them.
"""

from __future__ import annotations

from collections import Counter

from django.db import connections, router

from . import engine
from .writing import insert_rows
from .models import BEGINNING_OF_TIME, END_OF_TIME, REBUILT_EVENT_FIELDS, Event, KnownEventDate, KnownPlacing

# The dates an analyst plans around: the home page and the calendars show these.
CALENDAR_KINDS = engine.UPCOMING_KINDS | {"comment_period_closes"}

# The kinds whose sources can change where an event of those kinds is placed: their own, and
# delays (a delay moves its target; an end pre-empts, and a reinstatement undoes a vacatur).
# Amendments, corrections and rescissions planned or announced move and end nothing.
_PLACING_KINDS = CALENDAR_KINDS | {"delayed"}

# ``KnownPlacing``'s stored columns, in the order ``over_knowledge`` yields them after the key.
KNOWN_PLACING_COLUMNS = ("event_id", "known_from", "known_to", "placed_date", "precision", "delayed_from")
# ``KnownEventDate``'s, in the order ``derived_dates_over_knowledge`` yields them.
KNOWN_EVENT_DATE_COLUMNS = (
    "event_id",
    "known_from",
    "known_to",
    "date",
    "precision",
    "instrument_id",
    "position",
    "kind",
    "title",
)


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
    rows = model.objects.filter(instrument_id__any=instrument_ids).order_by().values_list("pk", *fields)
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


# As known on each date (``KnownPlacing``).


def placing_dates(engine_events):
    """The days on which what is known of where the calendars' events are placed can change: the
    distinct publication dates of the sources of events of ``_PLACING_KINDS``, in order."""
    return sorted(
        {claim.published_on for event in engine_events if event.kind in _PLACING_KINDS for claim in event.claims}
    )


def over_knowledge(engine_events):
    """Where the engine places each event of ``CALENDAR_KINDS`` as known on every date:
    ``(key, known_from, known_to, date, precision, delayed_from)`` for each stretch of knowledge
    time over which that is the same (``delayed_from``: the date its sources gave, when a delay
    moved it; else None), open ends as sentinel dates; none where the event is unknown or
    pre-empted. Knowledge changes only on ``placing_dates``: the engine runs once for each.

    Without a delay or an end, nothing moves or pre-empts an event: each is placed on its best
    claim known then (rule 3), read from its own claims without the engine (most instruments;
    the engine over every knowledge date doubled the time the rebuild spends deriving)."""
    if not any(event.kind == "delayed" or event.kind in engine.END_KINDS for event in engine_events):
        return [
            (*row, None)
            for event in engine_events
            if event.kind in CALENDAR_KINDS
            for row in dated_over_knowledge(event)
        ]
    starts = [BEGINNING_OF_TIME, *(day for day in placing_dates(engine_events) if day > BEGINNING_OF_TIME)]
    return _stretches(((known_from, as_known(engine_events, known_from)) for known_from in starts))


def dated_over_knowledge(event):
    """The event's date as known on every date, before any delay (the engine's rules 1 and 2):
    ``(key, known_from, known_to, date, precision)`` for each stretch of knowledge time over which
    its best claim known then gives the same date and precision, from its first source's
    publication; an unsourced event is always known, on its own date. Also ``over_knowledge``
    for an event nothing moves or pre-empts."""
    if not event.claims:
        return [(event.key, BEGINNING_OF_TIME, END_OF_TIME, event.date, event.precision)]
    placings = []
    for known_from in sorted({claim.published_on for claim in event.claims}):
        best = engine.best_claim(event.claims, known_from)
        placings.append((known_from, {event.key: (best.date, best.precision)}))
    return _stretches(placings)


def _stretches(placings):
    """``placings``, (knowledge date, key → placing as known from then) in order of date, as
    rows of ``over_knowledge``: each placing for as long as it stays the same."""
    since = {}  # key → (placing, known from)
    rows = []
    for known_from, now in placings:
        for key, (placing, start) in list(since.items()):
            if now.get(key) != placing:
                rows.append((key, start, known_from, *placing))
                del since[key]
        for key, placing in now.items():
            since.setdefault(key, (placing, known_from))
    rows.extend((key, start, END_OF_TIME, *placing) for key, (placing, start) in since.items())
    return rows


def as_known(engine_events, known):
    """Where the engine places the events of ``CALENDAR_KINDS`` as known on ``known`` (None:
    every source): key → (date, precision, delayed_from), pre-empted events left out."""
    return {
        item.event.key: (item.date, item.precision, item.claimed_date if item.delayed_by is not None else None)
        for item in engine.timeline(engine_events, known)
        if item.event.kind in CALENDAR_KINDS and item.preempted_by is None
    }


def stored_as_known(instrument_id, known):
    """``as_known`` as stored: the rows of the instrument's events covering ``known``."""
    rows = KnownPlacing.objects.filter(event__instrument_id=instrument_id)
    rows = rows.filter(known_to=END_OF_TIME) if known is None else rows.known_on(known)
    return {key: tuple(placing) for key, *placing in rows.values_list("event__key", *KNOWN_PLACING_COLUMNS[3:])}


def dated_as_known(engine_events, known):
    """Each event known on ``known`` (None: every source) dated as its best claim known then
    dates it, before any delay: key → (date, precision)."""
    return {item.event.key: (item.claimed_date, item.precision) for item in engine.timeline(engine_events, known)}


def stored_dated_as_known(instrument_id, known):
    """``dated_as_known`` as stored: the rows of the instrument's events covering ``known``."""
    rows = KnownEventDate.objects.filter(event__instrument_id=instrument_id)
    rows = rows.filter(known_to=END_OF_TIME) if known is None else rows.known_on(known)
    return {key: (date, precision) for key, date, precision in rows.values_list("event__key", "date", "precision")}


def derived_over_knowledge(inputs):
    """``inputs`` as for ``derived``: the rows of ``KNOWN_PLACING_COLUMNS`` the engine gives
    their events now, by instrument id."""
    found = {}
    for instrument_id, (pks, engine_events) in inputs.items():
        pk_of = {event.key: pk for pk, event in zip(pks, engine_events)}
        found[instrument_id] = [(pk_of[key], *row) for key, *row in over_knowledge(engine_events)]
    return found


def derived_dates_over_knowledge(inputs, titles, positions):
    """``inputs`` as for ``derived``, ``titles`` instrument id → title, ``positions`` event pk →
    position: the rows of ``KNOWN_EVENT_DATE_COLUMNS`` their events' sources give them now
    (``dated_over_knowledge``), by instrument id."""
    return {
        instrument_id: [
            (pk, *row, instrument_id, positions[pk], event.kind, titles.get(instrument_id, ""))
            for pk, event in zip(pks, engine_events)
            for _, *row in dated_over_knowledge(event)
        ]
        for instrument_id, (pks, engine_events) in inputs.items()
    }


def stored_over_knowledge(instrument_ids, model=KnownPlacing, columns=KNOWN_PLACING_COLUMNS):
    """The stored rows of these instruments' events, by instrument id: pairs of the row (as
    ``columns``, ``model``'s) and its pk."""
    stored = {}
    rows = (
        model.objects.filter(event__instrument_id__any=instrument_ids)
        .order_by()
        .values_list("event__instrument_id", *columns, "pk")
    )
    for instrument_id, *row, pk in rows:
        stored.setdefault(instrument_id, []).append((tuple(row), pk))
    return stored


def misplaced_over_knowledge(instrument_ids, derived, model=KnownPlacing, columns=KNOWN_PLACING_COLUMNS):
    """The ids among ``instrument_ids`` whose stored rows differ from ``derived`` (rows by
    instrument id: ``derived_over_knowledge``'s, or ``derived_dates_over_knowledge``'s with
    ``KnownEventDate`` and its columns)."""
    stored = stored_over_knowledge(instrument_ids, model, columns)
    return [
        pk for pk in instrument_ids if Counter(derived.get(pk, [])) != Counter(row for row, _ in stored.get(pk, []))
    ]


def rewrite_over_knowledge(instrument_ids, derived, model=KnownPlacing, columns=KNOWN_PLACING_COLUMNS):
    """Bring the stored rows of these instruments in step with ``derived`` (as for
    ``misplaced_over_knowledge``): the rows no longer derived are deleted and the new ones
    inserted (after most edits, none of either). Returns how many rows were written or deleted."""
    stored = stored_over_knowledge(instrument_ids, model, columns)
    dropping, adding = [], []
    for instrument_id in instrument_ids:
        wanted = Counter(derived.get(instrument_id, []))
        for row, pk in stored.get(instrument_id, []):
            if wanted[row] > 0:
                wanted[row] -= 1
            else:
                dropping.append(pk)
        adding += [row for row, count in wanted.items() for _ in range(count)]
    if dropping:
        model.objects.filter(pk__any=dropping).delete()
    if adding:
        insert_rows(adding, model, columns)
    return len(dropping) + len(adding)
