"""Events carry where the engine places them (after delays, none when pre-empted), kept in step
by the rebuild, so that the calendars and the home page's "coming up" read an index."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings

from engine_calendars import engine_dates
from engine_strategies import DELAY_HEAVY, timelines
from policytrack.api import calendar
from policytrack.timeline import engine
from policytrack.timeline.changes import upcoming_dates
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, events_for_engine
from test_status_periods import storable_documents, store

D = datetime.date
UTC = datetime.timezone.utc
EVERY_SOURCE = D(9000, 12, 31)  # as known on a day after every source: the engine's path


def placing(event):
    return event.placed_date, event.placed_precision, event.placed_delayed


def engine_placings(instrument):
    """Event key → (date or None when pre-empted, precision, delayed), from the engine itself."""
    rows = list(instrument.events.order_by("position", "pk").with_sources())
    return {
        item.event.key: (None if item.preempted_by else item.date, item.precision, item.delayed_by is not None)
        for item in engine.timeline(events_for_engine(rows))
    }


def assert_every_event_placed_as_the_engine_places_it():
    for instrument in Instrument.objects.all():
        expected = engine_placings(instrument)
        assert {event.key: placing(event) for event in instrument.events.all()} == expected, instrument.slug


@pytest.fixture
def moved(db):
    """A rule whose effective date three delays move (one of them moving another delay), with a
    compliance date that its rescission pre-empts."""
    rule = Instrument.objects.create(slug="moved", title="A moved rule", kind="rule")
    effective = Event.objects.create(instrument=rule, key="effective", kind="effective", date=D(2025, 6, 1))
    first = Event.objects.create(
        instrument=rule, key="delay-a", kind="delayed", date=D(2025, 3, 1), target=effective, new_date=D(2025, 9, 1)
    )
    second = Event.objects.create(
        instrument=rule, key="delay-b", kind="delayed", date=D(2025, 4, 1), target=effective, new_date=D(2025, 8, 1)
    )
    Event.objects.create(
        instrument=rule, key="delay-c", kind="delayed", date=D(2025, 5, 1), target=second, new_date=D(2025, 2, 1)
    )
    Event.objects.create(instrument=rule, key="compliance", kind="compliance_date", date=D(2026, 1, 1))
    Event.objects.create(instrument=rule, key="rescinded", kind="rescinded", date=D(2025, 12, 1))
    Event.objects.create(
        instrument=rule, key="comments", kind="comment_period_closes", date=D(2025, 7, 1), precision="month"
    )
    assert first.pk
    return rule


def test_a_delay_of_a_delay_and_a_pre_emption_are_stored_as_the_engine_places_them(moved):
    events = {event.key: event for event in moved.events.all()}
    # Delay c moves delay b before delay a, so a (the latest-dated) wins: 1 September.
    assert placing(events["effective"]) == (D(2025, 9, 1), "day", True)
    assert placing(events["delay-b"]) == (D(2025, 2, 1), "day", True)
    assert placing(events["compliance"]) == (None, "day", False)  # after the rescission: never happens
    assert placing(events["comments"]) == (D(2025, 7, 1), "month", False)
    assert_every_event_placed_as_the_engine_places_it()


def test_saves_deletes_and_bulk_writes_keep_them_in_step(moved):
    Event.objects.get(key="delay-c").delete()  # b is the latest delay again
    assert placing(Event.objects.get(key="effective")) == (D(2025, 8, 1), "day", True)
    Event.objects.filter(key="rescinded").update(date=D(2026, 6, 1))  # no longer pre-empts it
    assert placing(Event.objects.get(key="compliance")) == (D(2026, 1, 1), "day", False)
    notice = Document.objects.create(key="notice", kind="federal_register", title="Notice", published_on=D(2025, 1, 2))
    Claim.objects.bulk_create([Claim(event=Event.objects.get(key="comments"), document=notice, date=D(2025, 7, 15))])
    assert placing(Event.objects.get(key="comments")) == (D(2025, 7, 15), "day", False)
    assert_every_event_placed_as_the_engine_places_it()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines(max_events=8, kinds=DELAY_HEAVY))
def test_stored_placings_agree_with_the_engine_on_random_delays_of_delays(db, events):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    events = storable_documents(events)
    store(Instrument.objects.create(slug="random", title="Random", kind="rule"), events)
    assert_every_event_placed_as_the_engine_places_it()


@pytest.fixture
def portfolio(demo, moved, run):
    code, _, err = run("generate_synthetic", "--instruments", "60", "--seed", "4")
    assert code == 0, err


def due(items):
    return [(d.instrument.pk, d.event.pk, d.kind, d.date, d.precision, d.delayed) for d in items]


@pytest.mark.parametrize(
    "start, end", [(D(2025, 1, 1), D(2027, 1, 1)), (D(2019, 5, 2), D(2021, 6, 1)), (D(1990, 1, 1), D(2040, 1, 1))]
)
def test_the_stored_dates_give_what_the_engine_gives(portfolio, start, end):
    assert_every_event_placed_as_the_engine_places_it()
    assert due(upcoming_dates(start, end)) == due(engine_dates(start, end, EVERY_SOURCE))
    assert due(upcoming_dates(start, end, limit=20)) == due(engine_dates(start, end, EVERY_SOURCE))[:20]
    some = Instrument.objects.filter(agencies__in=Agency.objects.filter(parent__isnull=False)[:2])
    assert due(upcoming_dates(start, end, some)) == due(engine_dates(start, end, EVERY_SOURCE, some))


def test_the_calendar_is_the_one_the_engine_gave(portfolio, client, monkeypatch):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 12, tzinfo=UTC), tick=False):
        stored = client.get("/calendar.ics").content
        monkeypatch.setattr(
            calendar,
            "upcoming_dates",
            lambda start, end, instruments, known: engine_dates(start, end, EVERY_SOURCE, instruments),
        )
        ran = client.get("/calendar.ics").content
    assert b"BEGIN:VEVENT" in stored and b"Moved to this date by a delay" in stored
    assert stored == ran


@time_machine.travel(datetime.datetime(2025, 5, 1, 12, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("known", ["", "known=2025-04-01"])
def test_the_calendars_and_the_home_page_cost_the_same_queries_whatever_the_portfolio(demo, moved, client, run, known):
    """With every source known (stored placed dates) and as known on a date (``KnownPlacing``);
    each address has a date due then (an empty calendar skips reading the notes)."""
    addresses = ["/calendar.ics", "/calendar.ics?agency=bis", "/instruments/moved/calendar.ics", "/"]
    addresses = [f"{address}{'&' if '?' in address else '?'}{known}" if known else address for address in addresses]

    def queries():
        counted = []
        for address in addresses:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(address).status_code == 200
            counted.append(len(captured))
        return counted

    few = queries()
    for seed in (5, 6):
        code, _, err = run("generate_synthetic", "--instruments", "40", "--seed", seed)
        assert code == 0, err
    assert queries() == few


def test_check_status_periods_reports_a_stale_placed_date_and_repair_mends_it(moved, run):
    # Writing only the copy marks nothing: as a restore or a hand edit would leave it.
    Event.objects.filter(key="effective").update(placed_date=D(2025, 6, 1), placed_delayed=False)
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert "1 of 1 instruments have stale status periods" in out and "moved" in out
    code, out, _ = run("check_status_periods", "--repair", "--samples", "0")
    assert code == 0, out
    assert placing(Event.objects.get(key="effective")) == (D(2025, 9, 1), "day", True)
    assert run("check_status_periods", "--samples", "0")[0] == 0


class SchemaEditor:
    """What the migration's fill uses of a schema editor."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_fills_every_event_as_the_engine_places_it(portfolio):
    Event.objects.update(placed_date=None, placed_precision="year", placed_delayed=True)
    importlib.import_module("policytrack.timeline.migrations.0018_event_placed_dates").fill(apps, SchemaEditor())
    assert_every_event_placed_as_the_engine_places_it()
