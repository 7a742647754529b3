"""The store over knowledge time keeps record time: a rebuild closes the rows it replaces and
opens the new ones, at the moment of the change, and leaves the rest open."""

import datetime

import time_machine

from policytrack.timeline.derived import DerivedRules, records_from
from policytrack.timeline.models import Claim, Document, Instrument, KnownPeriod
from policytrack.timeline.periods import rebuild_status_periods

D = datetime.date
UTC = datetime.timezone.utc
BEFORE = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
EDITED = datetime.datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def rows_of(instrument):
    return KnownPeriod.objects.filter(instrument=instrument)


def test_a_rebuild_that_changes_nothing_writes_nothing(demo):
    before = list(rows_of(demo).values_list("pk", "recorded_from", "recorded_to"))
    rebuild_status_periods([demo.pk])
    assert list(rows_of(demo).values_list("pk", "recorded_from", "recorded_to")) == before
    assert all(recorded_to is None for _, _, recorded_to in before)


def test_an_edit_closes_the_rows_it_replaces_and_opens_new_ones_at_its_moment(demo):
    with time_machine.travel(BEFORE, tick=False):
        rebuild_status_periods([demo.pk])
    open_before = set(rows_of(demo).current().values_list("pk", flat=True))
    with time_machine.travel(EDITED, tick=False):
        event = demo.events.get(kind="enforcement_suspended")
        notice = Document.objects.create(
            key="fr-notice", kind="federal_register", title="N", published_on=D(2025, 6, 20)
        )
        Claim.objects.create(event=event, document=notice, date=D(2025, 6, 1))
    closed = rows_of(demo).filter(recorded_to__isnull=False)
    opened = rows_of(demo).current().exclude(pk__in=open_before)
    assert closed.exists() and opened.exists()
    assert set(closed.values_list("recorded_to", flat=True)) == {EDITED}
    assert set(opened.values_list("recorded_from", flat=True)) == {EDITED}
    assert set(closed.values_list("pk", flat=True)) <= open_before
    # Rows the edit left as they were stay open, with their first moment.
    kept = rows_of(demo).current().filter(pk__in=open_before)
    assert kept.exists() and all(moment < EDITED for moment in kept.values_list("recorded_from", flat=True))
    # What was current just before the edit is what the store says as recorded then.
    as_then = KnownPeriod.objects.as_recorded(EDITED - datetime.timedelta(seconds=1)).filter(instrument=demo)
    assert set(as_then.values_list("pk", flat=True)) == open_before


def test_two_changes_at_one_moment_leave_no_empty_stretch_of_record_time(demo):
    with time_machine.travel(EDITED, tick=False):
        event = demo.events.get(kind="enforcement_suspended")
        notice = Document.objects.create(
            key="fr-notice", kind="federal_register", title="N", published_on=D(2025, 6, 20)
        )
        claim = Claim.objects.create(event=event, document=notice, date=D(2025, 6, 1))
        claim.delete()
    assert not rows_of(demo).filter(recorded_from=EDITED, recorded_to=EDITED).exists()
    assert rows_of(demo).as_recorded(EDITED).count() == rows_of(demo).current().count()


def test_deleting_an_instrument_moves_the_first_moment_answered_to_the_deletion(demo):
    assert records_from() is not None
    with time_machine.travel(EDITED, tick=False):
        Instrument.objects.get(pk=demo.pk).delete()
    assert records_from() == EDITED
    assert not KnownPeriod.objects.filter(instrument_id=demo.pk).exists()


def edit_at(demo, moment):
    with time_machine.travel(moment, tick=False):
        event = demo.events.get(kind="enforcement_suspended")
        notice = Document.objects.create(
            key="fr-notice", kind="federal_register", title="N", published_on=D(2025, 6, 20)
        )
        Claim.objects.create(event=event, document=notice, date=D(2025, 6, 1))


def test_the_check_reads_replaced_rows_against_the_edit_history_then(demo, run):
    DerivedRules.objects.filter(pk=1).update(records_from=BEFORE)
    with time_machine.travel(BEFORE, tick=False):
        rebuild_status_periods([demo.pk])
    edit_at(demo, EDITED)
    code, out, _ = run("check_status_periods", "--samples", "20")
    assert code == 0, out
    assert (
        "replaced rows at a moment they were recorded, against the engine on the edit history then: 0 disagree" in out
    )


def test_a_replaced_row_that_disagrees_is_reported_and_repair_stops_the_lists_answering_before_now(demo, run):
    DerivedRules.objects.filter(pk=1).update(records_from=BEFORE)
    with time_machine.travel(BEFORE, tick=False):
        rebuild_status_periods([demo.pk])
    edit_at(demo, EDITED)
    rows_of(demo).filter(recorded_to__isnull=False).update(phase="vacated")
    code, out, _ = run("check_status_periods", "--samples", "20")
    assert code == 1
    assert "against the engine on the edit history then: 1 disagree" in out and "cannot be rebuilt" in out
    assert "vacated" in out  # what is stored, beside what the engine says
    repaired = EDITED + datetime.timedelta(days=1)
    with time_machine.travel(repaired, tick=False):
        code, out, _ = run("check_status_periods", "--samples", "20", "--repair")
    assert code == 0, out
    assert records_from() == repaired
    assert "Sampled" in out
