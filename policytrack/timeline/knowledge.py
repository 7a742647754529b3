"""An instrument's status over valid time × knowledge time, as stored rectangles.

Knowledge only changes on the days an instrument's documents are published (a claim is known
at K when its document's ``published_on`` ≤ K, engine rule 1). Between two consecutive
publication dates — and before the first — what is known is fixed, so the status over valid
time at every K of such an interval is the engine's periods at its first day. Each period is
stored once for the whole run of knowledge intervals in which it stays exactly the same
(phase, flags and both ends), as the rectangle [valid_from, valid_to) × [known_from, known_to):
on any K the rows covering K tile valid time, and the row covering (V, K) is the engine's
status on V as known on K. The rows with ``known_to`` = ``END_OF_TIME`` are the status with
every source known: the same as the ``StatusPeriod`` rows.

Before the first of its sources is published (``public_since``) nothing about an instrument was
public — not even that it would exist — so nothing is stored for it as known then: a list as
known on such a day does not name it.

Pure functions of the engine's input; ``periods.py`` writes what they derive.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from . import engine

BEGINNING_OF_TIME = datetime.date.min
END_OF_TIME = datetime.date.max

# The stored columns, in the order ``rectangles`` yields them after the instrument id.
KNOWN_PERIOD_COLUMNS = (
    "instrument_id",
    "phase",
    "in_force",
    "enforced",
    "obligations_apply",
    "rescission_pending",
    "valid_from",
    "valid_to",
    "known_from",
    "known_to",
    "listing_rank",
    "title",
)


# The kinds the fold passes over (engine rule 5): learning of one, or of a new date for one,
# changes no status, so their sources' publication dates start no knowledge interval. (Delays
# also change no flag, but they move other events.) Skipping them halves the engine's work on
# the synthetic portfolio, where amendments and corrections are most of the documents.
NO_STATUS_KINDS = frozenset({"comment_period_closes", "amended", "corrected", "rescission_planned"})


def knowledge_dates(events: Sequence[engine.Event]) -> list[datetime.date]:
    """The days on which what is known of these events' status can change: the distinct
    publication dates of their sources, less those of events that change no status, in order."""
    return sorted(
        {claim.published_on for event in events if event.kind not in NO_STATUS_KINDS for claim in event.claims}
    )


def public_since(events: Sequence[engine.Event]) -> datetime.date:
    """The first day anything about these events was public: the earliest publication of any of
    their sources (of every kind: a notice of a comment period reveals the instrument too), or
    the beginning of time when one of them has no source (the engine knows an unsourced event
    on every date) or there are none."""
    if not events or any(not event.claims for event in events):
        return BEGINNING_OF_TIME
    return min(claim.published_on for event in events for claim in event.claims)


def rectangles(events: Sequence[engine.Event]) -> list[tuple]:
    """The status over valid × knowledge time as merged rectangles:
    ``(phase, in_force, enforced, obligations_apply, rescission_pending, valid_from, valid_to,
    known_from, known_to)``, open ends as sentinel dates, ordered by known_from then valid_from.

    A period is extended across knowledge intervals for as long as it is unchanged; when a
    publication changes it, it is closed on that day and its successors start there. None start
    before ``public_since``."""
    since = public_since(events)
    starts = [since, *(day for day in knowledge_dates(events) if day > since)]
    open_since: dict[tuple, datetime.date] = {}
    closed = []
    for known_from in starts:
        current = [
            (
                p.phase,
                p.in_force,
                p.enforced,
                p.obligations_apply,
                p.rescission_pending,
                p.valid_from or BEGINNING_OF_TIME,
                p.valid_to or END_OF_TIME,
            )
            for p in engine.periods(events, known=known_from)
            # A change dated on the last representable day cannot start a half-open period.
            if p.valid_from is None or p.valid_from < END_OF_TIME
        ]
        now = set(current)
        for period in [period for period in open_since if period not in now]:
            closed.append((*period, open_since.pop(period), known_from))
        for period in current:
            open_since.setdefault(period, known_from)
    closed.extend((*period, since, END_OF_TIME) for period, since in open_since.items())
    return sorted(closed, key=lambda row: (row[7], row[5]))


def covering(rows, on: datetime.date, known: datetime.date | None):
    """The one row of ``rectangles`` covering valid day ``on`` as known on ``known`` (None:
    every source known), or None (as known before the instrument was public)."""
    for row in rows:
        if row[5] <= on < row[6] and (row[8] == END_OF_TIME if known is None else row[7] <= known < row[8]):
            return row
    return None
