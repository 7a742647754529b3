"""The calendars as known on a date read where the engine placed each event as known then, stored
by the rebuild over knowledge time (``KnownPlacing``), and answer exactly what the engine run
on the sources published by then answers."""

import datetime
import importlib
import random

import pytest
import time_machine
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_calendars import engine_dates
from engine_strategies import DELAY_HEAVY, FIRST_DAY, LAST_DAY, timelines
from policytrack.api import calendar
from policytrack.timeline import engine, placed
from policytrack.timeline.changes import upcoming_dates
from policytrack.timeline.models import (
    Agency,
    Claim,
    Document,
    Event,
    Instrument,
    KnownPlacing,
    engine_input,
)
from test_placed_dates import SchemaEditor, moved  # noqa: F401  (a fixture)
from test_status_periods import storable_documents, store

D = datetime.date
UTC = datetime.timezone.utc
ONE_DAY = datetime.timedelta(days=1)


def due(items):
    """What a calendar shows of each date: the event as dated then, and its sources."""
    return [
        (
            d.instrument.pk,
            d.event.pk,
            d.kind,
            d.date,
            d.precision,
            d.delayed,
            d.event.date,
            d.event.precision,
            [claim.pk for claim in d.event.known_claims],
        )
        for d in items
    ]


def assert_every_row_as_the_engine_derives_it():
    inputs = {
        instrument_id: ([pk for pk, _, _ in stored], engine_events)
        for instrument_id, (stored, engine_events) in engine_input(Event.objects.all()).items()
    }
    derived = sorted(row for rows in placed.derived_over_knowledge(inputs).values() for row in rows)
    assert sorted(KnownPlacing.objects.values_list(*placed.KNOWN_PLACING_COLUMNS)) == derived


def knowledge_days(chance, count):
    """Random knowledge dates around the record's publication dates (and before and after all)."""
    published = sorted(set(Document.objects.values_list("published_on", flat=True)))
    days = [published[0] - ONE_DAY, published[-1] + ONE_DAY, D(9000, 12, 31)]
    days += [chance.choice(published) + ONE_DAY * chance.randint(-2, 2) for _ in range(count)]
    return days


@pytest.fixture
def portfolio(demo, moved, run):  # noqa: F811
    code, _, err = run("generate_synthetic", "--instruments", "60", "--seed", "4")
    assert code == 0, err


def test_the_stored_dates_as_known_on_any_date_are_the_engines(portfolio):
    assert_every_row_as_the_engine_derives_it()
    some = Instrument.objects.filter(agencies__in=Agency.objects.filter(parent__isnull=False)[:2])
    for known in knowledge_days(random.Random(7), 12):
        start, end = known - datetime.timedelta(days=30), known + datetime.timedelta(days=730)
        expected = engine_dates(start, end, known)
        assert due(upcoming_dates(start, end, known=known)) == due(expected), known
        assert due(upcoming_dates(start, end, some, known=known)) == due(engine_dates(start, end, known, some))
        # The home page's first few: exact now (the engine's path read a sample of candidates).
        shown = engine.UPCOMING_KINDS
        assert due(upcoming_dates(start, end, kinds=shown, limit=5, known=known)) == due(
            engine_dates(start, end, known, kinds=shown)[:5]
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=timelines(max_events=8, kinds=DELAY_HEAVY) | timelines(max_events=8),
    known=st.dates(FIRST_DAY - 2 * ONE_DAY, LAST_DAY + 2 * ONE_DAY),
)
def test_random_timelines_as_known_on_random_dates(db, events, known):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    store(Instrument.objects.create(slug="random", title="Random", kind="rule"), storable_documents(events))
    assert_every_row_as_the_engine_derives_it()
    start, end = FIRST_DAY - 40 * ONE_DAY, LAST_DAY + 40 * ONE_DAY
    assert due(upcoming_dates(start, end, known=known)) == due(engine_dates(start, end, known))


@settings(max_examples=300, deadline=None)
@given(events=timelines(max_events=10) | timelines(max_events=8, kinds=DELAY_HEAVY))
def test_the_stretches_are_the_engines_placing_on_every_knowledge_date(events):
    # Every publication date (those of sources that move no calendar date included), the days
    # either side, and before and after all of them.
    published = {claim.published_on for event in events for claim in event.claims}
    days = {FIRST_DAY - 3 * ONE_DAY, LAST_DAY + 3 * ONE_DAY}
    days |= {day + shift * ONE_DAY for day in published for shift in (-1, 0, 1)}
    rows = placed.over_knowledge(events)
    for known in sorted(days):
        covering = [(key, *placing) for key, start, end, *placing in rows if start <= known < end]
        assert len({key for key, *_ in covering}) == len(covering)  # at most one row per event
        assert {key: tuple(placing) for key, *placing in covering} == placed.as_known(events, known), known


CALENDARS = [
    "/calendar.ics",
    "/calendar.ics?agency=bis",
    "/calendar.ics?on=2020-06-01",
    "/instruments/moved/calendar.ics",
]


def test_the_calendars_as_known_on_a_date_are_byte_for_byte_the_engines(portfolio, client, monkeypatch):
    bodies = []
    with time_machine.travel(datetime.datetime(2025, 5, 1, 12, tzinfo=UTC), tick=False):
        for known in ["2019-06-01", "2020-01-15", "2025-03-20", "2025-05-01"]:
            for address in CALENDARS:
                separator = "&" if "?" in address else "?"
                bodies.append(client.get(f"{address}{separator}known={known}").content)
        monkeypatch.setattr(
            calendar,
            "upcoming_dates",
            lambda start, end, instruments, known: engine_dates(start, end, known, instruments),
        )
        ran = []
        for known in ["2019-06-01", "2020-01-15", "2025-03-20", "2025-05-01"]:
            for address in CALENDARS:
                separator = "&" if "?" in address else "?"
                ran.append(client.get(f"{address}{separator}known={known}").content)
    assert sum(body.count(b"BEGIN:VEVENT") for body in bodies) > 50
    assert any(b"Moved to this date by a delay" in body for body in bodies)
    assert bodies == ran


def test_saves_deletes_and_bulk_writes_keep_them_in_step(moved):  # noqa: F811
    notice = Document.objects.create(key="notice", kind="federal_register", title="Notice", published_on=D(2025, 2, 1))
    later = Document.objects.create(key="later", kind="federal_register", title="Later", published_on=D(2025, 4, 15))
    effective = Event.objects.get(key="effective")
    Claim.objects.create(event=effective, document=notice, date=D(2025, 6, 1))
    Claim.objects.create(event=Event.objects.get(key="delay-a"), document=later, date=D(2025, 3, 1))
    assert_every_row_as_the_engine_derives_it()
    # As known before the later notice, delay a (sourced by it) was not known.
    assert placed.stored_as_known(effective.instrument_id, D(2025, 3, 1))["effective"] == (
        D(2025, 8, 1),
        "day",
        D(2025, 6, 1),
    )
    Event.objects.get(key="delay-c").delete()
    Event.objects.filter(key="rescinded").update(date=D(2026, 6, 1))
    Claim.objects.bulk_create([Claim(event=Event.objects.get(key="comments"), document=later, date=D(2025, 7, 15))])
    assert_every_row_as_the_engine_derives_it()
    # A sourced event deleted: its claims' rebuilds, before it goes, leave none of its rows behind.
    effective.delete()
    assert not KnownPlacing.objects.filter(event_id=effective.pk).exists()
    assert_every_row_as_the_engine_derives_it()


def test_check_status_periods_reports_a_stale_placing_and_repair_mends_it(moved, run):  # noqa: F811
    KnownPlacing.objects.filter(event__key="effective").update(placed_date=D(2025, 6, 1))
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert "1 of 1 instruments have stale status periods" in out and "moved" in out
    code, out, _ = run("check_status_periods", "--repair", "--samples", "0")
    assert code == 0, out
    assert_every_row_as_the_engine_derives_it()


def test_check_status_periods_samples_the_placings_as_known(moved, run):  # noqa: F811
    KnownPlacing.objects.filter(event__key="effective").update(placed_date=D(2025, 6, 2))
    code, out, _ = run("check_status_periods", "--samples", "300")
    assert code == 1
    assert "stored placed (as the calendars as known on that date read them)" in out


def test_the_migration_fills_every_row_as_the_engine_derives_it(portfolio):
    KnownPlacing.objects.all().delete()
    importlib.import_module("policytrack.timeline.migrations.0021_known_placings").fill(apps, SchemaEditor())
    assert_every_row_as_the_engine_derives_it()
