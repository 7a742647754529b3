"""Deferred rebuilds belong to a database transaction, not to a thread: whatever a failed block
wrote is undone with it, and nothing it marked lingers for the worker's next request."""

import datetime

import pytest
from django.db import transaction

from policytrack.timeline.models import Event, StatusPeriod
from policytrack.timeline.periods import deferred_rebuilds, find_stale_status_periods

D = datetime.date


def stored_phase(instrument, on):
    return StatusPeriod.objects.covering(on).get(instrument=instrument).phase


def test_a_deferred_block_that_fails_leaves_no_event_without_its_periods(demo):
    """The probe: a block failed after writing an event; the event stayed, its rebuild never ran
    (stored not enforced, the engine rescinded)."""
    with pytest.raises(RuntimeError), deferred_rebuilds():
        Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded")
        raise RuntimeError("the import failed part-way")
    assert not Event.objects.filter(instrument=demo, key="rescinded").exists()
    assert list(find_stale_status_periods()) == []
    assert stored_phase(demo, D(2025, 7, 2)) == "not_enforced"


def test_after_a_failed_block_the_workers_next_change_is_rebuilt_at_once(demo):
    with pytest.raises(RuntimeError), deferred_rebuilds():
        Event.objects.create(instrument=demo, kind="vacated", date=D(2025, 6, 1), key="vacated")
        raise RuntimeError("the import failed part-way")
    Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded")
    assert stored_phase(demo, D(2025, 7, 2)) == "rescinded"
    assert stored_phase(demo, D(2025, 6, 2)) == "not_enforced"  # the vacatur was rolled back


def test_a_savepoint_rolled_back_inside_a_block_leaves_the_rest_rebuilt(demo):
    with deferred_rebuilds():
        Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded")
        with pytest.raises(RuntimeError), transaction.atomic():
            Event.objects.create(instrument=demo, kind="vacated", date=D(2025, 6, 1), key="vacated")
            raise RuntimeError("one row refused")
    assert stored_phase(demo, D(2025, 6, 2)) == "not_enforced"
    assert stored_phase(demo, D(2025, 7, 2)) == "rescinded"
    assert list(find_stale_status_periods()) == []


def test_a_block_rebuilds_before_its_transaction_commits(transactional_db, demo):
    """Inside the block, a nested atomic() is a savepoint of the block's transaction: nothing is
    committed before the periods agree with it."""
    assert not transaction.get_connection().in_atomic_block
    with deferred_rebuilds():
        with transaction.atomic():
            Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded")
        assert transaction.get_connection().in_atomic_block
    assert stored_phase(demo, D(2025, 7, 2)) == "rescinded"


def test_a_failed_delete_by_query_leaves_nothing_behind(demo):
    from django.db.models.signals import post_delete

    from policytrack.timeline.models import Claim

    def fail(sender, instance, **kwargs):
        raise RuntimeError("the database went away")

    post_delete.connect(fail, sender=Claim)
    try:
        with pytest.raises(RuntimeError):
            demo.events.filter(kind="enforcement_suspended").delete()
    finally:
        post_delete.disconnect(fail, sender=Claim)
    assert demo.events.filter(kind="enforcement_suspended").exists()
    assert list(find_stale_status_periods()) == []
    Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded")
    assert stored_phase(demo, D(2025, 7, 2)) == "rescinded"
