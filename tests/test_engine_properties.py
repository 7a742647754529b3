"""Invariants of the status engine over random timelines (hypothesis).

The strategies live in ``engine_strategies`` so database tests can reuse them.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine_strategies import (
    DELAY_HEAVY,
    FIRST_DAY,
    LAST_DAY,
    MISSING_TARGET,
    claims,
    dates_in_range,
    knowledge_dates,
    timelines,
)
from policytrack.timeline.engine import EVENT_KINDS, UPCOMING_KINDS, Claim, Event, periods, status, timeline

EXAMPLES = settings(max_examples=200, deadline=None)
EVERY_DAY = [FIRST_DAY + timedelta(days=n) for n in range(-1, (LAST_DAY - FIRST_DAY).days + 2)]


def flags(result) -> tuple:
    return (
        result.phase,
        result.in_force,
        result.enforced,
        result.obligations_apply,
        result.rescission_pending,
    )


def what_applied(result) -> tuple:
    return (*flags(result), result.applied)


@st.composite
def events_after(draw, on):
    """An event that sits after ``on`` whatever is known: every date it could take is later."""
    later = dates_in_range(on + timedelta(days=1), on + timedelta(days=30))
    kind = draw(st.sampled_from([k for k in EVENT_KINDS if k != "compliance_date"]))
    extra = {}
    if kind == "delayed":
        extra = {
            "target": draw(st.sampled_from([f"e{n}" for n in range(12)] + [MISSING_TARGET])),
            "new_date": draw(dates_in_range()),
        }
    sources = draw(st.lists(st.tuples(dates_in_range(), st.integers(1, 9)), max_size=3))
    return Event(
        key="added",  # no delay in a generated timeline targets it
        kind=kind,
        date=draw(later),
        # Day precision: a vague claim is dated at the start of its period, maybe before ``on``.
        claims=tuple(
            draw(claims(f"new{n}", published, rank, later, precisions=("day",)))
            for n, (published, rank) in enumerate(sources)
        ),
        **extra,
    )


@EXAMPLES
@given(timelines(), dates_in_range(), knowledge_dates(), st.data())
def test_an_event_after_the_status_date_changes_nothing_that_applied(events, on, known, data):
    added = data.draw(events_after(on))
    assert what_applied(status([*events, added], on, known)) == what_applied(status(events, on, known))


@EXAMPLES
@given(timelines(), dates_in_range(), knowledge_dates(), st.data())
def test_a_claim_published_after_the_knowledge_date_changes_nothing(events, on, known, data):
    sourced = [n for n, event in enumerate(events) if event.claims]
    if known is None or not sourced:
        return
    n = data.draw(st.sampled_from(sourced))
    published = data.draw(dates_in_range(known + timedelta(days=1), known + timedelta(days=60)))
    new_claim: Claim = data.draw(claims("late-doc", published, data.draw(st.integers(0, 9))))
    changed = list(events)
    changed[n] = Event(**{**events[n].__dict__, "claims": (*events[n].claims, new_claim)})
    assert status(changed, on, known) == status(events, on, known)
    assert periods(changed, known) == periods(events, known)


@EXAMPLES
@given(timelines(), dates_in_range(), st.integers(0, 5))
def test_knowing_every_source_is_knowing_everything(events, on, days_later):
    published = [c.published_on for event in events for c in event.claims]
    known = max(published, default=FIRST_DAY) + timedelta(days=days_later)
    assert status(events, on, known) == status(events, on)
    assert periods(events, known) == periods(events)


def assert_periods_agree_with_status(events, known):
    found = periods(events, known)
    assert found[0].valid_from is None
    assert found[-1].valid_to is None
    for before, after in zip(found, found[1:]):
        assert before.valid_to == after.valid_from
        assert before.valid_from is None or before.valid_from < before.valid_to
        assert flags(before) != flags(after)
    for day in EVERY_DAY:
        (covering,) = [
            p
            for p in found
            if (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day < p.valid_to)
        ]
        assert flags(covering) == flags(status(events, day, known)), day


@settings(max_examples=150, deadline=None)
@given(timelines(), knowledge_dates())
def test_periods_agree_with_status_on_every_day(events, known):
    assert_periods_agree_with_status(events, known)


@settings(max_examples=150, deadline=None)
@given(timelines(max_events=8, kinds=DELAY_HEAVY), knowledge_dates())
def test_periods_agree_with_status_on_every_day_when_delays_move_delays(events, known):
    assert_periods_agree_with_status(events, known)


@EXAMPLES
@given(
    timelines(),
    dates_in_range(FIRST_DAY - timedelta(days=2), LAST_DAY + timedelta(days=2)),
    knowledge_dates(),
)
def test_the_status_is_coherent(events, on, known):
    result = status(events, on, known)
    assert result.in_force == (result.phase in ("in_force", "not_enforced"))
    assert result.enforced == (result.phase == "in_force")
    assert not result.obligations_apply or result.enforced
    assert not (result.phase == "rescinded" and result.rescission_pending)
    assert all(dated.date <= on for dated in result.applied)
    assert [dated.date for dated in result.applied] == sorted(dated.date for dated in result.applied)
    assert all(event.date <= on and end.date <= event.date for event, end in result.preempted)
    if result.upcoming is not None:
        assert result.upcoming.date > on
        assert result.upcoming.kind in UPCOMING_KINDS
    assert result.as_dict()["applied"] == [{"kind": x.kind, "date": x.date.isoformat()} for x in result.applied]


@EXAMPLES
@given(timelines(), knowledge_dates())
def test_after_every_date_the_status_agrees_with_the_timeline(events, known):
    # Once every delay has happened, status and timeline resolve every date alike.
    after_all = LAST_DAY + timedelta(days=1)
    entries = timeline(events, known)
    result = status(events, after_all, known)
    assert [(r.event.kind, r.date) for r in entries if r.preempted_by is None] == [
        (x.kind, x.date) for x in result.applied
    ]
    assert [(r.event.kind, r.date) for r in entries if r.preempted_by] == [
        (x.kind, x.date) for x, _ in result.preempted
    ]
    assert [r.event.key for r in entries if r.disputed] == [dispute.key for dispute in result.disputed]
