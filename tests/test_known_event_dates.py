"""The changes as known on a date read each event's date as known then, stored by the rebuild
over knowledge time (``KnownEventDate``): on every knowledge date the stored rows date exactly
the events the engine knows then, as their best claim known then dates them (rules 1 and 2)."""

import datetime
import importlib

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings

from engine_strategies import DELAY_HEAVY, FIRST_DAY, LAST_DAY, timelines
from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Event, Instrument, KnownEventDate, engine_input
from test_placed_dates import SchemaEditor, moved  # noqa: F401  (a fixture)
from test_status_periods import storable_documents, store

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def knowledge_days():
    """Every publication date and the days either side, and before and after all of them: the
    stored dates can change only on publication dates."""
    published = set(Document.objects.values_list("published_on", flat=True))
    days = {FIRST_DAY - 3 * ONE_DAY, LAST_DAY + 3 * ONE_DAY, D(9000, 12, 31)}
    return sorted(days | {day + shift * ONE_DAY for day in published for shift in (-1, 0, 1)})


def as_stored(known):
    """Each event's row as known on ``known``: event pk → what a list of changes reads of it."""
    rows = KnownEventDate.objects.known_on(known).values_list(
        "event_id", "date", "precision", "instrument_id", "position", "kind", "title"
    )
    found = {}
    for pk, *row in rows:
        assert pk not in found, f"two rows of event {pk} as known on {known}"
        found[pk] = tuple(row)
    return found


def as_the_engine_dates(known):
    """The same from the events, their claims and the engine: each event known on ``known``,
    dated by its best claim known then (or its own date, unsourced), with its instrument's id,
    its position, kind and its instrument's title."""
    found = {}
    events = {event.pk: event for event in Event.objects.select_related("instrument")}
    for stored, engine_events in engine_input(Event.objects.all()).values():
        pks = {event.key: pk for (pk, _, _), event in zip(stored, engine_events)}
        for item in engine.timeline(engine_events, known):
            event = events[pks[item.event.key]]
            found[event.pk] = (
                item.claimed_date,
                item.precision,
                event.instrument_id,
                event.position,
                event.kind,
                event.instrument.title,
            )
    return found


def assert_every_row_as_the_engine_dates_it():
    for known in knowledge_days():
        assert as_stored(known) == as_the_engine_dates(known), known
    # One row per stretch over which the date stays the same: consecutive rows of an event differ.
    rows = KnownEventDate.objects.order_by("event_id", "known_from").values_list(
        "event_id", "known_from", "known_to", "date", "precision"
    )
    for before, after in zip(rows, rows[1:]):
        if before[0] == after[0]:
            assert before[2] <= after[1] and before[3:] != after[3:], (before, after)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines(max_events=8) | timelines(max_events=8, kinds=DELAY_HEAVY))
def test_random_timelines_are_dated_as_the_engine_dates_them_on_every_knowledge_date(db, events):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    store(Instrument.objects.create(slug="random", title="Random", kind="rule"), storable_documents(events))
    assert_every_row_as_the_engine_dates_it()


@pytest.fixture
def portfolio(demo, moved, run):  # noqa: F811
    code, _, err = run("generate_synthetic", "--instruments", "40", "--seed", "5")
    assert code == 0, err


def test_a_synthetic_portfolio_is_dated_as_the_engine_dates_it(portfolio):
    assert KnownEventDate.objects.count() >= Event.objects.count()
    assert_every_row_as_the_engine_dates_it()


def test_saves_retractions_deletes_bulk_writes_and_renames_keep_them_in_step(moved):  # noqa: F811
    notice = Document.objects.create(key="notice", kind="federal_register", title="Notice", published_on=D(2025, 2, 1))
    press = Document.objects.create(key="press", kind="press_release", title="Press", published_on=D(2025, 1, 10))
    effective = Event.objects.get(key="effective")
    Claim.objects.create(event=effective, document=press, date=D(2025, 5, 1))
    claim = Claim.objects.create(event=effective, document=notice, date=D(2025, 6, 1))
    assert_every_row_as_the_engine_dates_it()
    assert as_stored(D(2025, 1, 20))[effective.pk][:2] == (D(2025, 5, 1), "day")  # the press release alone
    assert as_stored(D(2025, 2, 1))[effective.pk][:2] == (D(2025, 6, 1), "day")  # the notice outranks it
    claim.retracted_at, claim.retraction_reason = datetime.datetime.now(datetime.timezone.utc), "Misread."
    claim.save()
    assert as_stored(D(2025, 2, 1))[effective.pk][:2] == (D(2025, 5, 1), "day")
    Event.objects.filter(key="compliance").update(position=9)
    Claim.objects.bulk_create([Claim(event=Event.objects.get(key="compliance"), document=notice, date=D(2026, 2, 1))])
    notice.published_on = D(2025, 1, 5)
    notice.save()
    rule = Instrument.objects.get(slug="moved")
    rule.title = "A renamed rule"
    rule.save()
    assert_every_row_as_the_engine_dates_it()
    assert set(KnownEventDate.objects.values_list("title", flat=True)) == {"A renamed rule"}
    # A sourced event deleted: its claims' rebuilds, before it goes, leave none of its rows behind.
    effective.delete()
    assert not KnownEventDate.objects.filter(event_id=effective.pk).exists()
    assert_every_row_as_the_engine_dates_it()
    rule.delete()
    assert not KnownEventDate.objects.exists()


def test_check_status_periods_reports_a_stale_date_and_repair_mends_it(moved, run):  # noqa: F811
    KnownEventDate.objects.filter(event__key="effective").update(date=D(2025, 6, 2))
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert "1 of 1 instruments have stale status periods" in out and "moved" in out
    code, out, _ = run("check_status_periods", "--repair", "--samples", "0")
    assert code == 0, out
    assert_every_row_as_the_engine_dates_it()


def test_check_status_periods_samples_the_dates_as_known(moved, run):  # noqa: F811
    KnownEventDate.objects.filter(event__key="compliance").update(date=D(2026, 1, 2))
    code, out, _ = run("check_status_periods", "--samples", "300")
    assert code == 1
    assert "have events stored dated (as the changes as known on that date read them)" in out


def test_the_migration_fills_every_row_as_the_engine_dates_it(portfolio):
    KnownEventDate.objects.all().delete()
    importlib.import_module("policytrack.timeline.migrations.0025_known_event_dates").fill(apps, SchemaEditor())
    assert_every_row_as_the_engine_dates_it()
