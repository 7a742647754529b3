"""Events carry whether their live claims disagree (give more than one date and precision), kept
in step by the rebuild on every path that writes what they are derived from, checked and
repaired by check_status_periods, and the CSV exports' disputes read from those events alone
say what reading every claim says."""

import datetime
import importlib

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Event, Instrument
from policytrack.web import exports
from test_placed_dates import SchemaEditor

D = datetime.date


def live_claims_disagree():
    """Event pk → whether its live claims give more than one (date, precision), from the claims."""
    given = {pk: set() for pk in Event.objects.values_list("pk", flat=True)}
    for event_id, day, precision in Claim.objects.filter(retracted_at__isnull=True).values_list(
        "event_id", "date", "precision"
    ):
        given[event_id].add((day, precision))
    return {pk: len(said) > 1 for pk, said in given.items()}


def assert_every_flag_true():
    assert dict(Event.objects.values_list("pk", "claims_disagree")) == live_claims_disagree()


def flag(key):
    return Event.objects.get(key=key).claims_disagree


@pytest.fixture
def sourced(db):
    """A rule whose effective date one notice gives."""
    rule = Instrument.objects.create(slug="sourced", title="A sourced rule", kind="rule")
    effective = Event.objects.create(instrument=rule, key="effective", kind="effective", date=D(2025, 6, 1))
    notice = Document.objects.create(key="notice", kind="federal_register", title="Notice", published_on=D(2025, 1, 2))
    Claim.objects.create(event=effective, document=notice, date=D(2025, 6, 1))
    return effective


def test_saves_of_claims_and_events_keep_the_flag(sourced, editor):
    assert not flag("effective")
    court = Document.objects.create(key="court", kind="court_decision", title="Order", published_on=D(2025, 3, 1))
    later = Claim.objects.create(event=sourced, document=court, date=D(2025, 7, 1))
    assert flag("effective")
    later.date = D(2025, 6, 1)
    later.save()
    assert not flag("effective")  # the same date: no disagreement
    later.precision = "month"
    later.save()
    assert flag("effective")  # the same first day, another precision: two readings
    later.retract(editor, "Misread.")
    assert not flag("effective")  # a retracted claim is no source
    event = Event.objects.get(key="effective")
    event.position = 3
    event.save()
    assert not flag("effective")
    assert_every_flag_true()


def test_bulk_writes_and_a_document_save_keep_the_flag(sourced):
    notice = Document.objects.get(key="notice")
    other = Document.objects.create(key="other", kind="federal_register", title="Other", published_on=D(2025, 2, 1))
    Claim.objects.bulk_create([Claim(event=sourced, document=other, date=D(2025, 8, 1))])
    assert flag("effective")
    Claim.objects.filter(document=other).update(date=D(2025, 6, 1))
    assert not flag("effective")
    # A copy written behind the rebuild's back (a bulk write of derived fields marks nothing)
    # is put right by the next rebuild of the instrument, here a save of a document it cites.
    Event.objects.filter(key="effective").update(claims_disagree=True)
    assert flag("effective")
    notice.title = "Notice, corrected"
    notice.save()
    assert not flag("effective")
    Claim.objects.filter(document=other).delete()
    assert not flag("effective")
    assert_every_flag_true()


def test_the_importer_and_the_generator_write_the_flag(demo, run):
    code, _, err = run("generate_synthetic", "--instruments", "60", "--seed", "7")
    assert code == 0, err
    assert Event.objects.filter(claims_disagree=True, instrument=demo).exists()  # the demo's disputes
    assert Event.objects.filter(claims_disagree=True).exclude(instrument=demo).exists()
    assert_every_flag_true()


def test_check_status_periods_reports_a_stale_flag_and_repair_mends_it(sourced, run):
    Event.objects.filter(key="effective").update(claims_disagree=True)  # as a restore might leave it
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert "1 of 1 instruments have stale status periods" in out and "sourced" in out
    code, out, _ = run("check_status_periods", "--repair", "--samples", "0")
    assert code == 0, out
    assert not flag("effective")
    assert run("check_status_periods", "--samples", "0")[0] == 0


def test_the_migration_flags_the_events_whose_live_claims_disagree(demo, run, editor):
    code, _, err = run("generate_synthetic", "--instruments", "60", "--seed", "8")
    assert code == 0, err
    Claim.objects.filter(document__key="seed-004", event__key="rescission-announced").get().retract(editor, "No.")
    expected = dict(Event.objects.values_list("pk", "claims_disagree"))
    Event.objects.update(claims_disagree=False)
    importlib.import_module("policytrack.timeline.migrations.0020_claims_disagree").fill(apps, SchemaEditor())
    assert dict(Event.objects.values_list("pk", "claims_disagree")) == expected
    assert_every_flag_true()


@pytest.mark.parametrize(
    "on, known",
    [
        (D(2025, 5, 20), None),
        (D(2025, 5, 20), D(2025, 5, 1)),
        (D(2025, 5, 20), D(2025, 5, 14)),
        (D(2020, 6, 1), None),
        (D(2020, 6, 1), D(2019, 6, 1)),
        (D(2030, 1, 1), D(2030, 1, 1)),
        (D(2019, 1, 1), D(2018, 1, 1)),
    ],
)
def test_the_disputes_read_from_flagged_events_are_those_every_claim_gives(demo, run, on, known):
    # Claims that agree agree as known on any date: reading only the flagged events' claims
    # leaves out no event disputed as known on any date, by any date.
    code, _, err = run("generate_synthetic", "--instruments", "80", "--seed", "9")
    assert code == 0, err
    selections = [Instrument.objects.all(), Instrument.objects.filter(kind="rule")]
    flagged = [exports.disputed_by_instrument(instruments, on, known) for instruments in selections]
    assert all(flagged)  # disputes to compare
    Event.objects.update(claims_disagree=True)  # every event a candidate: every claim read
    assert [exports.disputed_by_instrument(instruments, on, known) for instruments in selections] == flagged


@given(
    st.lists(
        st.tuples(
            st.dates(D(2019, 1, 1), D(2021, 12, 31)),
            st.sampled_from(["day", "month", "year"]),
            st.dates(D(2018, 1, 1), D(2021, 12, 31)),
            st.integers(1, 4),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_the_exports_span_of_dates_is_the_engines_span_of_claims(claims):
    span = engine.claimed_span(
        engine.Claim(document=str(n), date=day, published_on=published_on, rank=rank, precision=precision)
        for n, (day, precision, published_on, rank) in enumerate(claims)
    )
    expected = (span.start, span.end) if span else None
    assert engine.dated_span((day, precision) for day, precision, _, _ in claims) == expected


@given(
    st.lists(
        st.tuples(
            st.dates(D(2019, 1, 1), D(2021, 12, 31)), st.dates(D(2018, 1, 1), D(2021, 12, 31)), st.integers(1, 4)
        ),
        max_size=5,
    )
)
def test_the_exports_best_date_is_the_date_of_the_engines_best_claim(claims):
    best = engine.best_claim(
        engine.Claim(document=str(n), date=day, published_on=published_on, rank=rank)
        for n, (day, published_on, rank) in enumerate(claims)
    )
    assert engine.best_date(claims) == (best.date if best else None)
