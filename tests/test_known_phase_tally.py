"""The phase tally over valid × knowledge time: the counts by phase on D as known on K read from
it are the current rows covering (D, K), counted one by one, whatever was edited before; it is
read in one query; check_status_periods finds a wrong one and rebuilds it."""

import datetime
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.timeline import known_tally
from policytrack.timeline.models import (
    BEGINNING_OF_TIME,
    END_OF_TIME,
    Document,
    Event,
    Instrument,
    KnownPeriod,
    KnownPhaseTally,
)
from policytrack.timeline.periods import phase_counts_known

from engine_strategies import timelines
from test_status_periods import storable_documents, store

D = datetime.date
# Around the strategies' events (January and February 2025), across the ends of months and years.
ASKED = st.dates(min_value=D(2023, 11, 20), max_value=D(2026, 2, 10))
EDITS = st.sampled_from(["retitle", "delete an event", "republish a document", "delete an instrument"])


def covering_counted(on, known):
    return dict(Counter(KnownPeriod.objects.covering(on, known).values_list("phase", flat=True)))


def edit(kind, data):
    instruments = list(Instrument.objects.order_by("pk"))
    if kind == "retitle" and instruments:
        instrument = data.draw(st.sampled_from(instruments))
        instrument.title += " (renamed)"
        instrument.save()
    elif kind == "delete an event" and (events := list(Event.objects.order_by("pk"))):
        data.draw(st.sampled_from(events)).delete()
    elif kind == "republish a document" and (documents := list(Document.objects.order_by("pk"))):
        document = data.draw(st.sampled_from(documents))
        document.published_on = data.draw(ASKED)
        document.save()
    elif kind == "delete an instrument" and instruments:
        data.draw(st.sampled_from(instruments)).delete()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=timelines(max_events=6), second=timelines(max_events=6), edits=st.lists(EDITS, max_size=3), data=st.data())
def test_the_counts_as_known_on_a_date_are_the_rows_covering_both_dates_after_any_edits(db, first, second, edits, data):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    for slug, events in (("first", first), ("second", second)):
        store(Instrument.objects.create(slug=slug, title=slug.title(), kind="rule"), storable_documents(events))
    for kind in edits:
        edit(kind, data)
    for on, known in data.draw(st.lists(st.tuples(ASKED, ASKED), min_size=5, max_size=10)):
        assert phase_counts_known(on, known) == covering_counted(on, known), (on, known)
    assert known_tally.differences() == []


RECTANGLES = st.lists(
    st.tuples(
        st.sampled_from(["in_force", "issued", "vacated"]),
        st.lists(ASKED | st.just(BEGINNING_OF_TIME) | st.just(END_OF_TIME), min_size=2, max_size=2, unique=True),
        st.lists(ASKED | st.just(BEGINNING_OF_TIME) | st.just(END_OF_TIME), min_size=2, max_size=2, unique=True),
        st.booleans(),  # taken out again, as a rebuild closes a row
    ),
    max_size=12,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rectangles=RECTANGLES, asked=st.lists(st.tuples(ASKED, ASKED), min_size=5, max_size=10))
def test_the_sum_over_the_quadrant_counts_the_rectangles_covering_its_corner(db, rectangles, asked):
    # Rectangles spread over years and months, added and some taken out again, straight to the
    # tally: its years, months and days must add up to the rectangles covering (on, known).
    KnownPhaseTally.objects.all().delete()
    kept = []
    for phase, valid, known, removed in rectangles:
        rectangle = (phase, *sorted(valid), *sorted(known))
        known_tally.add(known_tally.corners([rectangle]))
        if removed:
            known_tally.add(known_tally.corners([rectangle], sign=-1))
        else:
            kept.append(rectangle)
    for on, known in asked:
        expected = Counter(
            phase
            for phase, valid_from, valid_to, known_from, known_to in kept
            if valid_from <= on < valid_to and known_from <= known < known_to
        )
        assert known_tally.counts(on, known) == dict(expected), (on, known)


def test_the_counts_are_one_query_over_the_tally(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = phase_counts_known(D(2025, 5, 20), D(2025, 5, 1))
    assert counts == covering_counted(D(2025, 5, 20), D(2025, 5, 1))
    assert counts["in_force"] >= 1  # as known on 1 May, the demo rule was still in force and enforced


def test_a_deleted_instrument_is_no_longer_counted_as_known_on_any_date(demo):
    before = phase_counts_known(D(2025, 5, 20), D(2025, 5, 1))
    demo.delete()
    after = phase_counts_known(D(2025, 5, 20), D(2025, 5, 1))
    assert after == covering_counted(D(2025, 5, 20), D(2025, 5, 1))
    assert after.get("in_force", 0) == before["in_force"] - 1
    assert known_tally.differences() == []


def test_check_status_periods_finds_and_repairs_a_wrong_tally_as_known_on_a_date(demo, run):
    on, known = D(2025, 5, 20), D(2025, 5, 1)
    right = phase_counts_known(on, known)
    # A bad restore: the corners of the years before 2025 as known in the months before May lost
    # (the rule's rows start on 13 January 2025, when it was first public).
    KnownPhaseTally.objects.filter(grain=KnownPhaseTally.Grain.YEAR_MONTH).delete()
    assert phase_counts_known(on, known) != right
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert "The phase tally as known on a date (the counts of the point-in-time pages as known on a date) " in out
    assert "Run again with --repair to rebuild them." in out
    code, out, _ = run("check_status_periods", "--samples", "0", "--repair")
    assert code == 0
    assert "Rebuilt the phase tally as known on a date from the rows over knowledge time." in out
    assert "Rebuilt the phase tally from the status periods." not in out  # that one was right
    assert phase_counts_known(on, known) == right
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 0 and "agree with the engine" in out
