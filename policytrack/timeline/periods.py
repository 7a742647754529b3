"""Keeping stored status periods (and sourced events' dates, events' copies of their
instrument's title, where the engine places them, with every source and as known on each date,
their dates as known on each date, and whether their sources disagree) in step with the evidence.

Any save or delete of an event, a claim or a cited document marks its instruments; they
are rebuilt at once, inside the caller's transaction, so a list page never sees periods
that disagree with the events beside them. Bulk work (an import) wraps itself in
``deferred_rebuilds()`` to rebuild each touched instrument once, at the end of its transaction.
Bulk writes of the rows the engine reads mark their instruments too (``bulk.py``).
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import weakref
from collections import Counter, defaultdict
from contextlib import contextmanager

from django.db import connections, router, transaction
from django.db.models import Case, Value, When
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from . import engine, knowledge, known_tally, placed, search
from .derived import forget_records_before
from .planning import reads_by_index
from .writing import insert_rows, upsert_deltas
from .models import (
    END_OF_TIME,
    LISTING_RANK,
    OPEN,
    Claim,
    Document,
    Event,
    Instrument,
    KnownEventDate,
    KnownPeriod,
    KnownPlacing,
    PhaseTally,
    PhaseTallyYear,
    StatusPeriod,
    engine_input,
)


class _Rebuilds:
    """One database connection's rebuild state. Django gives each thread (and each async
    context) its own connection, so this is never shared; and a deferred block is one
    transaction on it, so what the block marked lives and dies with that transaction."""

    def __init__(self):
        self.pending = None  # a set while rebuilds are deferred
        self.rebuilding = False
        self.unmarked = 0  # depth of ``unmarked_bulk_writes`` blocks


_rebuilds = weakref.WeakKeyDictionary()


def _state():
    connection = connections[router.db_for_write(Instrument)]
    state = _rebuilds.get(connection)
    if state is None:
        state = _rebuilds[connection] = _Rebuilds()
    return state


@contextmanager
def deferred_rebuilds():
    """Collect instruments marked inside the block and rebuild each once on the way out.

    The block is one transaction (a savepoint when the caller has one open): its writes and
    their rebuild commit together, and a block that fails rolls back what it wrote, so it leaves
    neither events without their periods nor marks behind for the worker's next request."""
    state = _state()
    if state.pending is not None:  # nested: the outermost block rebuilds
        yield
        return
    with transaction.atomic(using=router.db_for_write(Instrument)):
        state.pending = set()
        try:
            yield
            pending = state.pending
        finally:
            state.pending = None
        if pending:  # less any instrument deleted inside the block
            rebuild_status_periods(Instrument.objects.filter(pk__in=pending).values_list("pk", flat=True))


@contextmanager
def unmarked_bulk_writes():
    """Bulk writes (``update``, ``bulk_create``, ``bulk_update``) inside the block mark no
    instrument: for callers that rebuild what they write themselves, at their own pace (the
    synthetic generator calls ``rebuild_status_periods``; the Federal Register writer marks
    what it touched). Saves and deletes still mark as always."""
    state = _state()
    state.unmarked += 1
    try:
        yield
    finally:
        state.unmarked -= 1


def bulk_writes_marked():
    """Whether a bulk write should work out and mark the instruments it touched: not while
    rebuilding (the rebuild's own writes) nor inside ``unmarked_bulk_writes``."""
    state = _state()
    return not (state.rebuilding or state.unmarked)


def mark_changed(instrument_ids):
    state = _state()
    ids = {pk for pk in instrument_ids if pk is not None}
    if not ids or state.rebuilding:
        return
    if state.pending is not None:
        state.pending |= ids
    else:
        rebuild_status_periods(ids)


# The processes a rebuild of many instruments uses at most: one per core.
CORES = os.cpu_count() or 1


def rebuild_status_periods(instrument_ids=None, batch_size=500, progress=None, jobs=1):
    """Rebuild the periods of the given instruments (all when None), a transaction per batch.
    Returns how many. ``progress(done, total)`` is called after each batch.

    ``jobs`` > 1 rebuilds that many batches at once, each in a process of its own with its own
    connection, where the database takes concurrent writers (PostgreSQL) and no transaction
    is open (a batch must commit on its own); otherwise one after the other. Batches touch
    disjoint instruments, and the tallies they share are updated in one lock order."""
    if instrument_ids is None:
        instrument_ids = list(Instrument.objects.values_list("pk", flat=True))
    instrument_ids = sorted(instrument_ids)
    batches = [instrument_ids[start : start + batch_size] for start in range(0, len(instrument_ids), batch_size)]
    done = 0
    for count in _rebuilt_batches(batches, jobs):
        done += count
        if progress:
            progress(done, len(instrument_ids))
    return len(instrument_ids)


def _rebuilt_batches(batches, jobs):
    """Rebuild each batch, yielding its size as it is committed (in any order with ``jobs``)."""
    connection = connections[router.db_for_write(StatusPeriod)]
    if jobs > 1 and len(batches) > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        connections.close_all()  # each process opens its own; a forked socket would be shared
        with multiprocessing.get_context("fork").Pool(min(jobs, len(batches))) as pool:
            yield from pool.imap_unordered(_rebuild_batch_in_process, batches)
        return
    for batch in batches:
        yield _rebuild_committed(batch)


def _rebuild_committed(batch):
    state = _state()
    with transaction.atomic():
        state.rebuilding = True
        try:
            _rebuild_batch(batch)
        finally:
            state.rebuilding = False
    return len(batch)


def _rebuild_batch_in_process(batch):
    """A worker process's batch: rebuilt and committed on the process's own connection, closed
    after it (a worker may be ended between batches)."""
    try:
        return _rebuild_committed(batch)
    finally:
        connections.close_all()


def reindex_status_periods():
    """On PostgreSQL, rebuild the status periods' indexes without locking out readers or writers
    (``REINDEX … CONCURRENTLY``, outside a transaction). Rewriting most periods leaves their
    indexes about twice their size — a month of changes took a third longer at 100,000
    instruments. Returns whether it ran: not on other databases, nor inside a transaction."""
    connection = connections[router.db_for_write(StatusPeriod)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"REINDEX TABLE CONCURRENTLY {connection.ops.quote_name(StatusPeriod._meta.db_table)}")
    return True


def _engine_input(instrument_ids):
    """Yield each instrument's id, its events' stored ``(pk, date, precision)`` and its engine
    events (see ``engine_input``)."""
    with reads_by_index(router.db_for_read(Claim)):
        found = engine_input(Event.objects.filter(instrument_id__any=instrument_ids))
    for instrument_id in instrument_ids:
        yield instrument_id, *found.get(instrument_id, ([], []))


def find_stale_status_periods(instrument_ids=None, batch_size=500):
    """Yield the ids of instruments whose stored periods differ from what the engine derives now."""
    if instrument_ids is None:
        instrument_ids = Instrument.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)
    batch = []
    for instrument_id in instrument_ids:
        batch.append(instrument_id)
        if len(batch) == batch_size:
            yield from _stale_in(batch)
            batch = []
    if batch:
        yield from _stale_in(batch)


_PERIOD_COLUMNS = (
    "instrument_id",
    "phase",
    "in_force",
    "enforced",
    "obligations_apply",
    "rescission_pending",
    "valid_from",
    "valid_to",
    "listing_rank",
    "title",
)


def _titles(instrument_ids):
    return dict(Instrument.objects.filter(pk__any=instrument_ids).values_list("pk", "title"))


def _derived(instrument_ids, titles, sync_dates=False, rectangles=None, events=None):
    """Each instrument's periods as the engine derives them now, as rows of ``_PERIOD_COLUMNS``
    (open ends become sentinel dates), by instrument id: its rectangles over knowledge time
    (``knowledge.rectangles``) that are still open at the end of knowledge time, which are the
    engine's periods with every source known — each instrument's engine run once for both.
    ``rectangles``, a dict, receives each instrument's rectangles; ``events`` each instrument's
    (event pks, engine events)."""
    derived = {}
    for instrument_id, stored_dates, engine_events in _engine_input(instrument_ids):
        if sync_dates:
            _sync_event_dates(stored_dates, engine_events)
        if events is not None and engine_events:
            events[instrument_id] = ([pk for pk, _, _ in stored_dates], engine_events)
        found = knowledge.rectangles(engine_events)
        if rectangles is not None:
            rectangles[instrument_id] = found
        derived[instrument_id] = sorted(
            (
                (instrument_id, *row[:7], LISTING_RANK[row[0]], titles.get(instrument_id, ""))
                for row in found
                if row[8] == END_OF_TIME
            ),
            key=lambda period: period[6],  # valid_from
        )
    return derived


def _stored(instrument_ids):
    stored = defaultdict(list)
    for row in (
        StatusPeriod.objects.filter(instrument_id__any=instrument_ids)
        .order_by("instrument_id", "valid_from")
        .values_list(*_PERIOD_COLUMNS)
    ):
        stored[row[0]].append(row)
    return stored


def _stale_in(instrument_ids):
    stored, titles = _stored(instrument_ids), _titles(instrument_ids)
    mistitled = _mistitled(instrument_ids, titles)
    rectangles, events = {}, {}
    derived = _derived(instrument_ids, titles, rectangles=rectangles, events=events)
    stale_known = set(_stale_known_periods(instrument_ids, rectangles, titles))
    misplaced = {instrument_id for instrument_id, _ in placed.misplaced(instrument_ids, events).values()}
    misplaced.update(placed.misplaced_over_knowledge(instrument_ids, placed.derived_over_knowledge(events)))
    misplaced.update(
        placed.misplaced_over_knowledge(instrument_ids, _derived_dates(instrument_ids, events, titles), *_DATES)
    )
    for instrument_id, rows in derived.items():
        if (
            stored.get(instrument_id, []) != rows
            or instrument_id in mistitled
            or instrument_id in stale_known
            or instrument_id in misplaced
        ):
            yield instrument_id


# Each event's date as known on every date (``KnownEventDate``), stored and compared as the
# placings are: the model and its columns for ``placed``'s helpers.
_DATES = (KnownEventDate, placed.KNOWN_EVENT_DATE_COLUMNS)


def _derived_dates(instrument_ids, events, titles):
    """The ``KnownEventDate`` rows of these instruments' ``events`` (as for
    ``placed.derived``) as their sources give them now, by instrument id."""
    positions = dict(Event.objects.filter(instrument_id__any=instrument_ids).order_by().values_list("pk", "position"))
    return placed.derived_dates_over_knowledge(events, titles, positions)


def _mistitled(instrument_ids, titles):
    """The instruments among these with an event whose copy of their title is out of date.
    (Read as the distinct pairs of instrument and copy, compared here: a join with the
    instruments, which PostgreSQL answered by hashing all 100,000 of them, took 40–100 ms a
    batch against 11.)"""
    copies = (
        Event.objects.filter(instrument_id__any=instrument_ids)
        .order_by()
        .values_list("instrument_id", "instrument_title")
        .distinct()
    )
    return {pk for pk, title in copies if title != titles[pk]}


def _rebuild_batch(instrument_ids):
    now = timezone.now()  # the record time of what this batch writes
    search.reindex(instrument_ids)
    titles = _titles(instrument_ids)
    # New events saved without the copy, and copies changed behind the signals' back: one
    # UPDATE, none when every copy is right (as after almost every save).
    if mistitled := _mistitled(instrument_ids, titles):
        Event.objects.filter(instrument_id__in=mistitled).update(
            instrument_title=Case(*[When(instrument_id=pk, then=Value(titles[pk])) for pk in mistitled])
        )
    rectangles, events = {}, {}
    derived = _derived(instrument_ids, titles, sync_dates=True, rectangles=rectangles, events=events)
    stored = _stored(instrument_ids)
    known_corners = _rebuild_known_periods(instrument_ids, rectangles, titles, now)
    placed.rewrite(instrument_ids, events)
    placed.rewrite_over_knowledge(instrument_ids, placed.derived_over_knowledge(events))
    placed.rewrite_over_knowledge(instrument_ids, _derived_dates(instrument_ids, events, titles), *_DATES)
    # Only instruments whose periods differ are rewritten (most edits leave them as they were),
    # so that the rows, their six indexes and the tally are not churned for nothing.
    changed = [pk for pk in instrument_ids if derived.get(pk, []) != stored.get(pk, [])]
    if changed:
        rows = [row for pk in changed for row in derived.get(pk, [])]
        tally = _tally_of(((row[1], row[6], row[7]) for pk in changed for row in stored.get(pk, [])), sign=-1)
        tally.update(_tally_of(((row[1], row[6], row[7]) for row in rows), sign=+1))
        StatusPeriod.objects.filter(instrument_id__any=changed).delete()
        insert_rows(rows, StatusPeriod, _PERIOD_COLUMNS)
        _add_to_tally(tally)
    known_tally.add(known_corners)  # after the tallies of days and years: every writer's lock order


# The status over valid × knowledge time (``KnownPeriod``, derived by ``knowledge.py``).


def _derived_known_periods(rectangles, titles):
    """Each instrument's ``rectangles`` as rows of ``knowledge.KNOWN_PERIOD_COLUMNS``, by id."""
    return {
        instrument_id: [(instrument_id, *row, LISTING_RANK[row[0]], titles.get(instrument_id, "")) for row in rows]
        for instrument_id, rows in rectangles.items()
    }


def _stored_known_periods(instrument_ids, with_keys=False):
    """The open rows of these instruments, by id, as rows of ``KNOWN_PERIOD_COLUMNS`` (with
    ``with_keys``, pairs of the row and its ``(pk, recorded_from)``)."""
    stored = defaultdict(list)
    for row in (
        KnownPeriod.objects.current()
        .filter(instrument_id__any=instrument_ids)
        .order_by("instrument_id", "known_from", "valid_from")
        .values_list(*knowledge.KNOWN_PERIOD_COLUMNS, "pk", "recorded_from")
    ):
        columns = row[:-2]
        stored[row[0]].append((columns, row[-2:]) if with_keys else columns)
    return stored


def _stale_known_periods(instrument_ids, rectangles, titles):
    """The ids among ``instrument_ids`` whose stored rectangles differ from the engine's now,
    ``rectangles`` (every one's, from ``_derived``)."""
    derived, stored = _derived_known_periods(rectangles, titles), _stored_known_periods(instrument_ids)
    return [pk for pk in instrument_ids if derived[pk] != stored.get(pk, [])]


def _rebuild_known_periods(instrument_ids, rectangles, titles, now):
    """Bring the open rectangles of these instruments in step with ``rectangles`` (every one's,
    from ``_derived``), as recorded at ``now``: rows still derived stay open, the others are closed at ``now`` and the new ones
    open from it (a rebuild that changes nothing writes nothing). A row opened at ``now`` and
    replaced at the same moment was never the record: it is deleted, not closed. Returns the
    corners of the rows opened and closed, for the tally over both axes (``known_tally``)."""
    derived, stored = _derived_known_periods(rectangles, titles), _stored_known_periods(instrument_ids, with_keys=True)
    closing, dropping, adding, gone = [], [], [], []
    for pk in instrument_ids:
        wanted = Counter(derived[pk])
        for row, (key, recorded_from) in stored.get(pk, []):
            if wanted[row] > 0:
                wanted[row] -= 1
            else:
                (dropping if recorded_from >= now else closing).append(key)
                gone.append(row)
        for row in derived[pk]:  # what is left wanted is new
            if wanted[row] > 0:
                wanted[row] -= 1
                adding.append(row)
    if dropping:
        KnownPeriod.objects.filter(pk__any=dropping).delete()
    if closing:
        KnownPeriod.objects.filter(pk__any=closing).update(recorded_to=now)
    if adding:
        connection = connections[router.db_for_write(KnownPeriod)]
        moment = connection.ops.adapt_datetimefield_value(now)
        insert_rows([(*row, moment) for row in adding], KnownPeriod, (*knowledge.KNOWN_PERIOD_COLUMNS, "recorded_from"))
    found = known_tally.corners(((row[1], *row[6:10]) for row in gone), sign=-1)
    found.update(known_tally.corners((row[1], *row[6:10]) for row in adding))
    return found


# The phase tally: +1 on the day a period starts, −1 on the day it ends, per phase.


def _tally_of(periods, sign):
    tally = Counter()
    for phase, valid_from, valid_to in periods:
        tally[valid_from, phase] += sign
        tally[valid_to, phase] -= sign
    return tally


def _add_to_tally(tally):
    """Add deltas, (day, phase) → n, to the stored tallies of days and of years."""
    years = Counter()
    for (day, phase), delta in tally.items():
        years[day.year, phase] += delta
    upsert_deltas(PhaseTally, {"day": "date"}, tally)
    upsert_deltas(PhaseTallyYear, {"year": "smallint"}, years)


def expected_tally():
    """The tally as the stored periods say it should be: (day, phase) → delta, zeros left out."""
    tally = _tally_of(
        StatusPeriod.objects.values_list("phase", "valid_from", "valid_to").iterator(chunk_size=10000), sign=+1
    )
    return {key: delta for key, delta in tally.items() if delta}


def tally_differences():
    """The (day, phase) entries where the stored tally of days disagrees with the stored periods,
    and the (1 January of the year, phase) entries where the tally of years disagrees with it."""
    expected = expected_tally()
    stored = {
        (day, phase): delta for day, phase, delta in PhaseTally.objects.values_list("day", "phase", "delta") if delta
    }
    wrong = {key for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)}
    years = Counter()
    for (day, phase), delta in stored.items():
        years[day.year, phase] += delta
    stored_years = dict(
        ((year, phase), delta)
        for year, phase, delta in PhaseTallyYear.objects.values_list("year", "phase", "delta")
        if delta
    )
    wrong |= {
        (datetime.date(year, 1, 1), phase)
        for year, phase in years.keys() | stored_years.keys()
        if years.get((year, phase), 0) != stored_years.get((year, phase), 0)
    }
    return sorted(wrong)


def rebuild_tally():
    """Rebuild every tally: of days and years from the periods, over both axes from the current
    rows over knowledge time."""
    with transaction.atomic():
        PhaseTally.objects.all().delete()
        PhaseTallyYear.objects.all().delete()
        _add_to_tally(Counter(expected_tally()))
        known_tally.rebuild()


def phase_counts_on(on):
    """How many instruments are in each phase on ``on``, from the tallies (a few thousand rows
    at most, however many periods): phase → count. One query: the years before, and the days
    of this year up to ``on``. Written as SQL: the ORM's union of two aggregates took twice as
    long to compile as the database took to answer it."""
    connection = connections[router.db_for_read(PhaseTally)]
    name = connection.ops.quote_name
    sql = (
        f"SELECT {name('phase')}, SUM({name('delta')}) FROM ("
        f"SELECT {name('phase')}, {name('delta')} FROM {name(PhaseTallyYear._meta.db_table)} "
        f"WHERE {name('year')} < %s UNION ALL "
        f"SELECT {name('phase')}, {name('delta')} FROM {name(PhaseTally._meta.db_table)} "
        f"WHERE {name('day')} >= %s AND {name('day')} <= %s) AS deltas GROUP BY {name('phase')}"
    )
    day = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [on.year, day(datetime.date(on.year, 1, 1)), day(on)])
        return {phase: n for phase, n in cursor.fetchall() if n}


def phase_counts_known(on, known):
    """How many instruments are in each phase on ``on`` as known on ``known``: phase → count,
    from the tally over valid × knowledge time (``known_tally``): one query over at most a
    calendar's rows, however many instruments. (Correcting the everything-known tally with
    every row covering ``on`` whose knowledge changes after ``known`` read half the portfolio's
    rows: 130 ms at 100,000.)"""
    return known_tally.counts(on, known)


def _sync_event_dates(stored_dates, engine_events):
    """A sourced event's date is its best claim's, with every document known (rule 3)."""
    for (pk, day, precision), event in zip(stored_dates, engine_events):
        best = engine.best_claim(event.claims, None)
        if best is not None and (day, precision) != (best.date, best.precision):
            row = Event.objects.get(pk=pk)  # rare: saved as before, so the change enters the history
            row.date, row.precision = best.date, best.precision
            row.save(update_fields=["date", "precision"])


def _going_with_its_instrument(origin):
    """Whether a deletion started from an instrument (or a query of instruments): its events
    and claims then go with it, and there is nothing left to rebuild. Read from the signal's
    ``origin`` rather than remembered, so a deletion that fails remembers nothing."""
    return isinstance(origin, Instrument) or getattr(origin, "model", None) is Instrument


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def _event_changed(sender, instance, origin=None, **kwargs):
    if not _going_with_its_instrument(origin):
        mark_changed({instance.instrument_id})


@receiver(post_delete, sender=Event)
def _event_deleted(sender, instance, **kwargs):
    # Its claims went just before it, and the rebuild each of them started found it still there
    # and placed it again: rows written after the deletion collected its own, left to outlive it.
    KnownPlacing.objects.filter(event_id=instance.pk).delete()
    KnownEventDate.objects.filter(event_id=instance.pk).delete()


@receiver(post_save, sender=Claim)
@receiver(post_delete, sender=Claim)
def _claim_changed(sender, instance, origin=None, **kwargs):
    if _going_with_its_instrument(origin):
        return
    instrument_id = Event.objects.filter(pk=instance.event_id).values_list("instrument_id", flat=True).first()
    mark_changed({instrument_id})


@receiver(post_save, sender=Document)
def _document_changed(sender, instance, created, **kwargs):
    # A new rank or publication date can change the best claim of every event it supports.
    if not created:
        mark_changed(set(Claim.objects.filter(document=instance).values_list("event__instrument_id", flat=True)))


@receiver(post_save, sender=Instrument)
def _instrument_saved(sender, instance, created, **kwargs):
    if created:  # even with no events yet, it has a status: not yet issued
        mark_changed({instance.pk})


@receiver(post_save, sender=Instrument)
def _instrument_retitled(sender, instance, created, **kwargs):
    if not created:  # the periods and events carry the title for the order of the pages listing them
        # (Its rows over knowledge time are not retitled in place: the rebuild closes them and
        # opens them again with the new title, so that a list as recorded before shows the old.)
        StatusPeriod.objects.filter(instrument=instance).exclude(title=instance.title).update(title=instance.title)
        instance.events.exclude(instrument_title=instance.title).update(instrument_title=instance.title)
        mark_changed({instance.pk})  # its search document holds its titles, identifiers and summary


@receiver(post_delete, sender=Instrument)
def _instrument_deleted(sender, instance, **kwargs):
    search.drop([instance.pk])


@receiver(pre_delete, sender=Instrument)
def _instrument_deleting(sender, instance, **kwargs):
    # Its periods go with it (a cascade that sends no signals): take them out of the tally.
    _add_to_tally(_tally_of(instance.status_periods.values_list("phase", "valid_from", "valid_to"), sign=-1))
    current = instance.known_periods.filter(OPEN)
    known_tally.add(
        known_tally.corners(current.values_list("phase", "valid_from", "valid_to", "known_from", "known_to"), sign=-1)
    )
    # Its rows over knowledge time go too, closed ones included: the lists can no longer say
    # what they recorded before now (its own page can, from the edit history).
    forget_records_before(timezone.now())
