"""The status store over valid time × knowledge time: one row covers each (on, known), and it
says what the engine says for that instrument on that date as known on that date."""

import datetime

from hypothesis import HealthCheck, given, settings

from policytrack.timeline import engine, knowledge
from policytrack.timeline.knowledge import public_since
from policytrack.timeline.models import BEGINNING_OF_TIME, END_OF_TIME, Claim, Document, Instrument, KnownPeriod
from policytrack.timeline.periods import phase_counts_known

from engine_strategies import FIRST_DAY, LAST_DAY, timelines
from test_status_periods import storable_documents, store

D = datetime.date


def known_status(instrument, on, known=None):
    row = KnownPeriod.objects.covering(on, known).get(instrument=instrument)
    return (row.phase, row.in_force, row.enforced, row.obligations_apply, row.rescission_pending)


def engine_status(events, on, known=None):
    s = engine.status(events, on=on, known=known)
    return (s.phase, s.in_force, s.enforced, s.obligations_apply, s.rescission_pending)


def test_on_20_may_as_known_on_1_may_the_demo_rule_was_in_force_and_enforced(demo):
    assert known_status(demo, D(2025, 5, 20), known=D(2025, 5, 1)) == ("in_force", True, True, True, False)
    assert known_status(demo, D(2025, 5, 20)) == ("not_enforced", True, False, False, True)
    # Nothing about it was public before its first source, 13 January: nothing is stored as known
    # then, so no list as known on 12 January names it (the engine would say "not yet issued").
    assert not KnownPeriod.objects.covering(D(2025, 1, 14), D(2025, 1, 12)).filter(instrument=demo).exists()
    assert not KnownPeriod.objects.covering(D(2024, 6, 1), D(2025, 1, 12)).filter(instrument=demo).exists()
    # Announced on 13 January, but that it had taken effect that day was published on the 15th.
    assert known_status(demo, D(2025, 1, 14), known=D(2025, 1, 14))[0] == "issued"
    assert known_status(demo, D(2025, 1, 14), known=D(2025, 1, 15))[0] == "in_force"


def test_the_rows_known_with_every_source_are_the_status_periods(demo):
    stored = list(demo.status_periods.values_list("phase", "valid_from", "valid_to").order_by("valid_from"))
    everything = list(
        demo.known_periods.current()
        .filter(known_to=END_OF_TIME)
        .order_by("valid_from")
        .values_list("phase", "valid_from", "valid_to")
    )
    assert everything == stored


def test_a_source_that_changes_nothing_adds_no_rows(demo):
    before = list(demo.known_periods.current().values_list("phase", "valid_from", "valid_to", "known_from", "known_to"))
    event = demo.events.get(kind="effective")
    echo = Document.objects.create(key="echo", kind="news", title="Rule in effect", published_on=D(2025, 3, 3))
    Claim.objects.create(event=event, document=echo, date=event.date)
    after = list(demo.known_periods.current().values_list("phase", "valid_from", "valid_to", "known_from", "known_to"))
    assert after == before


def test_a_new_source_is_in_the_store_from_its_publication_on(demo):
    event = demo.events.get(kind="enforcement_suspended")
    notice = Document.objects.create(
        key="fr-notice", kind="federal_register", title="Notice", published_on=D(2025, 6, 20)
    )
    Claim.objects.create(event=event, document=notice, date=D(2025, 6, 1))
    assert known_status(demo, D(2025, 5, 20), known=D(2025, 6, 19))[0] == "not_enforced"
    assert known_status(demo, D(2025, 5, 20), known=D(2025, 6, 20))[0] == "in_force"
    assert known_status(demo, D(2025, 5, 20))[0] == "in_force"


def test_renaming_an_instrument_renames_its_current_rows_and_keeps_the_old_title_on_the_closed(demo):
    demo.title = "A renamed rule"
    demo.save()
    assert set(demo.known_periods.current().values_list("title", flat=True)) == {"A renamed rule"}
    closed = demo.known_periods.filter(recorded_to__isnull=False)
    assert set(closed.values_list("title", flat=True)) == {"Framework for Artificial Intelligence Diffusion"}


@settings(max_examples=300, deadline=None)
@given(events=timelines(max_events=8))
def test_the_rectangles_still_open_at_the_end_of_knowledge_are_the_engines_periods(events):
    """The rebuild stores both from one engine run (``knowledge.rectangles``): the rectangles
    known until the end of time must be the periods with every source known, period by period."""
    periods = [
        (
            p.phase,
            p.in_force,
            p.enforced,
            p.obligations_apply,
            p.rescission_pending,
            p.valid_from or BEGINNING_OF_TIME,
            p.valid_to or END_OF_TIME,
        )
        for p in engine.periods(events)
        if p.valid_from is None or p.valid_from < END_OF_TIME
    ]
    still_open = sorted((row[:7] for row in knowledge.rectangles(events) if row[8] == END_OF_TIME), key=lambda r: r[5])
    assert still_open == periods


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines(max_events=8))
def test_the_row_covering_each_date_as_known_on_each_date_is_the_engines_status(db, events):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    events = storable_documents(events)
    instrument = Instrument.objects.create(slug="random", title="Random", kind="rule")
    store(instrument, events)
    rows = list(instrument.known_periods.current())
    step = datetime.timedelta(days=3)  # every third day of each axis, both ends included
    days = [FIRST_DAY - datetime.timedelta(days=1)]
    while days[-1] <= LAST_DAY:
        days.append(days[-1] + step)
    since = public_since(events)
    for known in [*days, None]:
        for on in days:
            covering = [
                r
                for r in rows
                if r.valid_from <= on < r.valid_to
                and (r.known_to == END_OF_TIME if known is None else r.known_from <= known < r.known_to)
            ]
            if known is not None and known < since:  # nothing about it was public yet
                assert covering == [], (on, known)
                assert phase_counts_known(on, known) == {}, (on, known)
                continue
            [row] = covering
            assert (
                row.phase,
                row.in_force,
                row.enforced,
                row.obligations_apply,
                row.rescission_pending,
            ) == engine_status(events, on, known), (on, known)
            if known is not None:
                assert phase_counts_known(on, known) == {row.phase: 1}, (on, known)


def test_check_status_periods_finds_and_repairs_rows_as_known_on_a_date(demo, run):
    code, out, _ = run("check_status_periods", "--samples", "50")
    assert code == 0
    assert "agree with the engine, as do 50 random dates as known on random dates" in out
    # A bad restore: as known on 1 May, the rule stored as not enforced on 20 May.
    KnownPeriod.objects.covering(D(2025, 5, 20), D(2025, 5, 1)).filter(instrument=demo).update(phase="not_enforced")
    code, out, _ = run("check_status_periods", "ai-diffusion-rule")
    assert code == 1
    assert "1 of 1 instruments have stale status periods" in out and "ai-diffusion-rule" in out
    code, out, _ = run("check_status_periods", "--repair", "ai-diffusion-rule")
    assert code == 0 and "Rebuilt the status periods of 1 instruments; they now agree." in out
    assert known_status(demo, D(2025, 5, 20), known=D(2025, 5, 1))[0] == "in_force"


def test_check_status_periods_compares_random_dates_read_as_the_lists_read_them(demo, run):
    # Rows whose own bounds are wrong are caught row by row; this asks the stored rows the lists'
    # question, "the row covering (on, known)", and compares the engine's answer.
    KnownPeriod.objects.filter(instrument=demo).delete()
    code, out, _ = run("check_status_periods", "--samples", "20", "ai-diffusion-rule")
    assert code == 1
    assert "20 of 20 random dates (as known on random dates) are stored with a status the engine does not give." in out


def test_check_status_periods_refuses_a_negative_number_of_samples(db, run):
    code, _, err = run("check_status_periods", "--samples", "-1")
    assert (code, err.strip()) == (2, "--samples must be 0 or more, not -1.")


def test_the_counts_by_phase_as_known_on_a_date_are_the_rows_covering_both_dates(db, run):
    run("generate_synthetic", "--instruments", "60", "--seed", "4")
    # Each instrument is counted from the day its first source was published.
    public = [public_since(instrument.engine_events()) for instrument in Instrument.objects.all()]
    assert len(public) == 60
    days = sorted(set(KnownPeriod.objects.values_list("known_from", flat=True)))[1::7]
    assert len(days) > 10
    for on in days:
        for known in days:
            counted = {}
            for phase in KnownPeriod.objects.covering(on, known).values_list("phase", flat=True):
                counted[phase] = counted.get(phase, 0) + 1
            assert phase_counts_known(on, known) == counted, (on, known)
            assert sum(counted.values()) == sum(since <= known for since in public), (on, known)
