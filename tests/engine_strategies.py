"""Hypothesis strategies for instrument timelines, shared by the engine's property tests.

Dates are drawn from a short range so that events, claims and delays often fall on the
same day or cross each other, which is where the rules are subtle. Every date a strategy
produces (event dates, claim dates, delays' new dates, publication dates) lies in
``FIRST_DAY..LAST_DAY``.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from policytrack.timeline.engine import EVENT_KINDS, Claim, Event

FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2025, 2, 14)
MISSING_TARGET = "missing"  # a delay target that names no event

# Lean towards the kinds that move the phase, so that timelines say something.
_KINDS = st.sampled_from(EVENT_KINDS) | st.sampled_from(
    ("issued", "effective", "compliance_date", "delayed", "enforcement_suspended", "reinstated", "vacated")
)

# Delays moving delays moving effective dates: where status periods are hardest to get right.
DELAY_HEAVY = st.sampled_from(("delayed", "delayed", "delayed", "effective", "compliance_date", "rescinded"))


def dates_in_range(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


def _start_of(day: date, precision: str) -> date:
    # The interchange format dates a vague claim at the first day of its period.
    if precision == "month":
        return day.replace(day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day


@st.composite
def claims(
    draw,
    document: str,
    published_on: date,
    rank: int,
    dates=None,
    precisions=("day", "day", "day", "month", "year"),
) -> Claim:
    precision = draw(st.sampled_from(precisions))
    day = draw(dates if dates is not None else dates_in_range())
    return Claim(document, _start_of(day, precision), published_on, rank, precision)


@st.composite
def documents(draw) -> list[tuple[str, date, int]]:
    """A few documents as (key, published_on, rank)."""
    count = draw(st.integers(min_value=1, max_value=4))
    return [(f"doc{n}", draw(dates_in_range()), draw(st.integers(min_value=1, max_value=9))) for n in range(count)]


@st.composite
def timelines(draw, max_events: int = 12, docs: list | None = None, kinds=None) -> list[Event]:
    """An instrument's events, in instrument order, with unique keys ``e0``, ``e1``, ...

    Each event has 0–3 claims, each from a different document; ``delayed`` events name
    another event (often another delay), themselves, or a missing one as their target.
    ``kinds`` narrows the vocabulary, e.g. to ``DELAY_HEAVY``.
    """
    docs = docs if docs is not None else draw(documents())
    count = draw(st.integers(min_value=0, max_value=max_events))
    keys = [f"e{n}" for n in range(count)]
    events = []
    for key in keys:
        kind = draw(kinds if kinds is not None else _KINDS)
        sources = draw(st.lists(st.sampled_from(docs), max_size=3, unique_by=lambda doc: doc[0]))
        extra = {}
        if kind == "delayed":
            extra = {
                "target": draw(st.sampled_from([*keys, MISSING_TARGET])),
                "new_date": draw(dates_in_range()),
            }
        events.append(
            Event(
                key=key,
                kind=kind,
                date=draw(dates_in_range()),
                precision=draw(st.sampled_from(("day", "day", "month"))),
                claims=tuple(draw(claims(*doc)) for doc in sources),
                **extra,
            )
        )
    return events


def knowledge_dates() -> st.SearchStrategy[date | None]:
    """A knowledge date, or None for "everything we hold"."""
    return st.none() | dates_in_range(FIRST_DAY - timedelta(days=2), LAST_DAY + timedelta(days=2))
