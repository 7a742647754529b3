"""Keeping stored status periods (and sourced events' dates) in step with the evidence.

Any save or delete of an event, a claim or a cited document marks its instruments; they
are rebuilt at once, inside the caller's transaction, so a list page never sees periods
that disagree with the events beside them. Bulk work (an import) wraps itself in
``deferred_rebuilds()`` to rebuild each touched instrument once, at the end.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import engine
from .models import (
    BEGINNING_OF_TIME,
    END_OF_TIME,
    Claim,
    Document,
    Event,
    Instrument,
    StatusPeriod,
    events_for_engine,
)

_local = threading.local()


def _state():
    if not hasattr(_local, "pending"):
        _local.pending = None  # a set while rebuilds are deferred
        _local.deleting = set()  # instruments being deleted: nothing to rebuild
        _local.rebuilding = False
    return _local


@contextmanager
def deferred_rebuilds():
    """Collect instruments marked inside the block and rebuild each once on the way out."""
    state = _state()
    if state.pending is not None:  # nested: the outermost block rebuilds
        yield
        return
    state.pending = set()
    try:
        yield
        pending = state.pending - state.deleting
    finally:
        state.pending = None
    if pending:
        rebuild_status_periods(pending)


def mark_changed(instrument_ids):
    state = _state()
    ids = {pk for pk in instrument_ids if pk is not None} - state.deleting
    if not ids or state.rebuilding:
        return
    if state.pending is not None:
        state.pending |= ids
    else:
        rebuild_status_periods(ids)


def rebuild_status_periods(instrument_ids=None, batch_size=500):
    """Rebuild the periods of the given instruments (all when None). Returns how many."""
    if instrument_ids is None:
        instrument_ids = list(Instrument.objects.values_list("pk", flat=True))
    instrument_ids = sorted(instrument_ids)
    state = _state()
    for start in range(0, len(instrument_ids), batch_size):
        batch = instrument_ids[start : start + batch_size]
        with transaction.atomic():
            state.rebuilding = True
            try:
                _rebuild_batch(batch)
            finally:
                state.rebuilding = False
    return len(instrument_ids)


def _engine_input(instrument_ids):
    """Each instrument's Event rows and engine events, read in two queries."""
    events_by_instrument = defaultdict(list)
    for event in Event.objects.filter(instrument_id__in=instrument_ids).order_by("instrument_id", "position", "pk"):
        events_by_instrument[event.instrument_id].append(event)
    claims = defaultdict(list)
    for claim in Claim.objects.filter(event__instrument_id__in=instrument_ids).select_related("document"):
        claims[claim.event_id].append(claim)
    for instrument_id in instrument_ids:
        rows = events_by_instrument.get(instrument_id, [])
        yield instrument_id, rows, events_for_engine(rows, claims)


def _stored(period):
    return (period.phase, period.in_force, period.enforced, period.obligations_apply, period.rescission_pending,
            period.valid_from or BEGINNING_OF_TIME, period.valid_to or END_OF_TIME)


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


def _storable(periods):
    """The engine's periods as stored: open ends become sentinel dates. A change dated on the
    last representable day (9999-12-31) cannot start a half-open period, so it is not stored."""
    return [period for period in periods if period.valid_from is None or period.valid_from < END_OF_TIME]


def _stale_in(instrument_ids):
    stored = defaultdict(list)
    for period in StatusPeriod.objects.filter(instrument_id__in=instrument_ids).order_by("instrument_id", "valid_from"):
        stored[period.instrument_id].append(_stored(period))
    for instrument_id, _, events in _engine_input(instrument_ids):
        if stored.get(instrument_id, []) != [_stored(period) for period in _storable(engine.periods(events))]:
            yield instrument_id


def _rebuild_batch(instrument_ids):
    rows = []
    for instrument_id, rows_events, engine_events in _engine_input(instrument_ids):
        _sync_event_dates(rows_events, engine_events)
        for period in _storable(engine.periods(engine_events)):
            rows.append(
                StatusPeriod(
                    instrument_id=instrument_id,
                    phase=period.phase,
                    in_force=period.in_force,
                    enforced=period.enforced,
                    obligations_apply=period.obligations_apply,
                    rescission_pending=period.rescission_pending,
                    valid_from=period.valid_from or BEGINNING_OF_TIME,
                    valid_to=period.valid_to or END_OF_TIME,
                )
            )
    StatusPeriod.objects.filter(instrument_id__in=instrument_ids).delete()
    StatusPeriod.objects.bulk_create(rows, batch_size=1000)


def _sync_event_dates(rows, engine_events):
    """A sourced event's date is its best claim's, with every document known (rule 3)."""
    for row, event in zip(rows, engine_events):
        best = engine.best_claim(event.claims, None)
        if best is None:
            continue
        if (row.date, row.precision) != (best.date, best.precision):
            row.date, row.precision = best.date, best.precision
            row.save(update_fields=["date", "precision"])


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def _event_changed(sender, instance, **kwargs):
    mark_changed({instance.instrument_id})


@receiver(post_save, sender=Claim)
@receiver(post_delete, sender=Claim)
def _claim_changed(sender, instance, **kwargs):
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


@receiver(pre_delete, sender=Instrument)
def _instrument_deleting(sender, instance, **kwargs):
    _state().deleting.add(instance.pk)


@receiver(post_delete, sender=Instrument)
def _instrument_deleted(sender, instance, **kwargs):
    _state().deleting.discard(instance.pk)
