"""Bulk writes of what the engine reads — update(), bulk_create(), bulk_update() and a queryset's
delete() on instruments, events, claims and documents — rebuild the instruments they touch, as a
save does; the few that cannot tell what they wrote are refused with a message saying what to use."""

import datetime

import pytest

from policytrack.timeline.models import Claim, Document, Event, Instrument, StatusPeriod
from policytrack.timeline.periods import (
    find_stale_status_periods,
    rebuild_status_periods,
    tally_differences,
    unmarked_bulk_writes,
)
from policytrack.timeline.search import SearchDocument

D = datetime.date
MAY_20 = D(2025, 5, 20)  # the demo rule: in force, not enforced since 13 May


def phase(instrument, on=MAY_20):
    return StatusPeriod.objects.covering(on).get(instrument=instrument).phase


def in_step():
    assert list(find_stale_status_periods()) == []
    assert tally_differences() == []
    return True


def suspension(demo):
    return demo.events.filter(kind="enforcement_suspended")


def test_updating_events_rebuilds_their_instrument(demo):
    assert phase(demo) == "not_enforced"
    assert suspension(demo).update(kind="suspended") == 1
    assert phase(demo) == "suspended" and in_step()


def test_updating_claims_moves_their_event_and_rebuilds(demo):
    Claim.objects.filter(event__in=suspension(demo)).update(date=D(2025, 6, 1))
    assert suspension(demo).get().date == D(2025, 6, 1)
    assert phase(demo) == "in_force" and phase(demo, D(2025, 6, 2)) == "not_enforced"
    assert in_step()


def test_updating_a_documents_rank_rebuilds_every_instrument_citing_it(demo):
    Document.objects.filter(key="seed-002").update(rank=1)  # the June article becomes the best source
    assert (suspension(demo).get().date, suspension(demo).get().precision) == (D(2025, 6, 1), "month")
    assert phase(demo) == "in_force" and in_step()


def test_renaming_instruments_in_bulk_renames_their_periods_events_and_search(demo):
    Instrument.objects.filter(pk=demo.pk).update(title="Export Controls on AI Diffusion")
    assert set(demo.status_periods.values_list("title", flat=True)) == {"Export Controls on AI Diffusion"}
    assert set(demo.events.values_list("instrument_title", flat=True)) == {"Export Controls on AI Diffusion"}
    assert "Export Controls on AI Diffusion" in SearchDocument.objects.get(instrument=demo).titles
    assert in_step()


def test_moving_events_to_another_instrument_rebuilds_both(demo):
    other = Instrument.objects.create(slug="other", title="Another rule", kind="rule")
    Event.objects.create(instrument=other, key="effective", kind="effective", date=D(2025, 1, 1))
    assert phase(other) == "in_force"
    suspension(demo).update(instrument=other)
    assert phase(demo) == "in_force"
    assert phase(other) == "not_enforced"
    assert in_step()


def test_events_created_in_bulk_are_rebuilt(demo):
    Event.objects.bulk_create([Event(instrument=demo, key="rescinded", kind="rescinded", date=D(2025, 7, 1))])
    assert phase(demo, D(2025, 7, 2)) == "rescinded" and in_step()


def test_claims_created_in_bulk_are_rebuilt(demo):
    notice = Document.objects.create(
        key="fr-notice", kind="federal_register", title="Notice", published_on=D(2025, 6, 1)
    )
    Claim.objects.bulk_create([Claim(event=suspension(demo).get(), document=notice, date=D(2025, 6, 1))])
    assert phase(demo) == "in_force" and phase(demo, D(2025, 6, 2)) == "not_enforced"
    assert in_step()


def test_instruments_created_in_bulk_have_periods(db):
    [rule] = Instrument.objects.bulk_create([Instrument(slug="new-rule", title="A new rule", kind="rule")])
    assert phase(rule) == "not_yet_issued" and in_step()


def test_events_and_documents_updated_in_bulk_are_rebuilt(demo):
    event = suspension(demo).get()
    event.kind = "stayed"
    Event.objects.bulk_update([event], ["kind"])
    assert phase(demo) == "stayed"
    seed = Document.objects.get(key="seed-002")
    seed.rank = 1
    Document.objects.bulk_update([seed], ["rank"])
    assert phase(demo) == "in_force" and in_step()


def test_deleting_events_by_query_rebuilds_their_instrument(demo):
    suspension(demo).delete()
    assert phase(demo) == "in_force" and in_step()


def test_a_bulk_create_that_cannot_tell_what_it_wrote_is_refused(demo):
    rescinded = Event(instrument=demo, key="rescinded", kind="rescinded", date=D(2025, 7, 1))
    with pytest.raises(TypeError, match=r"cannot tell which rows it wrote.*unmarked_bulk_writes"):
        Event.objects.bulk_create([rescinded], ignore_conflicts=True)
    assert not demo.events.filter(key="rescinded").exists() and in_step()


def test_a_caller_that_rebuilds_itself_writes_unmarked_and_rebuilds_once(demo):
    with unmarked_bulk_writes():
        suspension(demo).update(kind="suspended")
        assert phase(demo) == "not_enforced"  # not yet: the caller rebuilds
        assert list(find_stale_status_periods()) == [demo.pk]
    rebuild_status_periods([demo.pk])
    assert phase(demo) == "suspended" and in_step()
