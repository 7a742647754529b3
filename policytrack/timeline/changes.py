"""What changed between two dates, and which dates are coming: the questions behind
``/changes/``, the home page, the feeds and the calendar.

Each function costs a fixed number of queries whatever the number of instruments.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Prefetch, Q

from . import engine
from .models import Claim, Event, Instrument, StatusPeriod, events_for_engine

ONE_DAY = datetime.timedelta(days=1)

# The dates an analyst plans around: the home page and the calendar show these.
CALENDAR_KINDS = engine.UPCOMING_KINDS | {"comment_period_closes"}


@dataclass
class InstrumentChange:
    """One instrument's changes in a window: its phase before and after, and the events."""

    instrument: Instrument
    before: str  # the phase on the day before the window opens
    after: str  # the phase on the window's last day
    events: list = field(default_factory=list)

    @property
    def changed(self):
        return self.before != self.after


@dataclass
class Changes:
    start: datetime.date
    end: datetime.date
    events: list  # Event rows dated in the window, by date (instrument selected, claims prefetched)
    instruments: Sequence  # InstrumentChange, by title (a ChangeList when read page by page)

    @property
    def before(self):
        return self.start - ONE_DAY


def _with_sources(events):
    return events.select_related("instrument").prefetch_related(
        Prefetch("claims", queryset=Claim.objects.select_related("document").order_by("position", "pk"))
    )


def changes_between(start, end, instruments=None, with_events=True):
    """Events dated ``start`` to ``end`` (both inclusive) and, per instrument, the phase on the
    day before ``start`` against the phase on ``end``.

    The window includes both ends because that is how people read "changes from 1 May to
    31 May"; comparing with the day before ``start`` makes an event on ``start`` show up as a
    change of phase too. An instrument is listed when an event falls in the window or its
    phase differs (a delay can move a change into the window without an event dated there).
    With ``with_events=False`` the events are left for ``attach_events`` to read, page by page.
    """
    if instruments is None:
        instruments = Instrument.objects.all()
    in_window = Event.objects.between(start, end)
    if instruments.query.where:
        in_window = in_window.filter(instrument__in=instruments.values("pk"))
    touched = in_window.order_by().values("instrument_id")
    # A phase can only differ between the day before the window and its last day if a status
    # period starts inside the window: only those instruments are compared (an indexed range
    # on valid_from), not every instrument in the portfolio.
    starting = StatusPeriod.objects.filter(valid_from__gte=start, valid_from__lte=end)
    if instruments.query.where:
        starting = starting.filter(instrument__in=instruments.values("pk"))
    rows = (
        # One subquery of the union, not an OR of two: the database then estimates a few thousand
        # candidates, not a third of the portfolio, and looks up their periods by index.
        Instrument.objects.filter(pk__in=touched.union(starting.order_by().values("instrument_id")))
        .with_phase(start - ONE_DAY, name="phase_before")
        .with_phase(end, name="phase_after")
        .filter(Q(pk__in=touched) | ~Q(phase_before=F("phase_after")))
        .order_by("title", "pk")
    )
    if not with_events:
        return Changes(start, end, [], ChangeList(rows))
    # The whole answer at once (API, CSV) names each instrument's agencies too.
    changes = Changes(start, end, [], list(ChangeList(rows.prefetch_related("agencies"))))
    attach_events(changes, changes.instruments)
    return changes


class ChangeList(Sequence):
    """The InstrumentChanges of a window, by title, for pages of them: one query reads every
    candidate's id and phases (narrow rows, however many), and a page then reads its fifty
    instruments whole — not a sort of every candidate's full row, twice (count and page)."""

    def __init__(self, rows):
        self.rows = rows

    @cached_property
    def _phases(self):
        return list(self.rows.values_list("pk", "phase_before", "phase_after"))

    def __len__(self):
        return len(self._phases)

    def __getitem__(self, index):
        wanted = self._phases[index] if isinstance(index, slice) else [self._phases[index]]
        instruments = self.rows.model.objects.in_bulk([pk for pk, _, _ in wanted])
        found = [InstrumentChange(instruments[pk], before, after) for pk, before, after in wanted]
        return found if isinstance(index, slice) else found[0]

    def __iter__(self):
        return (InstrumentChange(row, row.phase_before, row.phase_after) for row in self.rows)


def attach_events(changes, items):
    """Read the events in the window, with their sources, of these InstrumentChanges only — a
    page of fifty need not load a month of events across the whole portfolio."""
    items = list(items)
    events = list(
        _with_sources(Event.objects.between(changes.start, changes.end)
                      .filter(instrument_id__in=[item.instrument.pk for item in items])).order_by()
    )
    by_instrument = {}
    for event in events:
        by_instrument.setdefault(event.instrument_id, []).append(event)
    for item in items:
        item.events = by_instrument.get(item.instrument.pk, [])
    changes.events.extend(events)
    changes.events.sort(key=lambda event: (event.date, event.instrument.title, event.position, event.pk))


@dataclass
class DueDate:
    """A date coming up: an event as the engine places it (after delays), not pre-empted."""

    instrument: Instrument
    event: Event
    kind: str
    date: datetime.date
    precision: str
    delayed: bool


def upcoming_dates(start, end, instruments=None, kinds=CALENDAR_KINDS, limit=None):
    """Dates after ``start`` up to ``end`` (inclusive) on which something is due to happen.

    Only instruments with an event or a delay's new date in the window are read, and each is
    run through the engine, so delays and pre-emption are honoured: a compliance date
    pre-empted by a rescission is not announced, and a delayed one appears on its new date.

    With ``limit``, only the instruments of the earliest ``2 × limit`` stored dates and delays'
    new dates are read, and the first ``limit`` due dates returned: a page showing the next
    few dates then costs the same whatever the size of the portfolio. (Should more than
    ``limit`` of those candidates turn out pre-empted or moved out of the window, fewer dates
    are shown than exist; the calendar, which asks for all of them, is exact.)
    """
    if instruments is None:
        instruments = Instrument.objects.all()
    mine = Event.objects.filter(instrument__in=instruments.values("pk"))
    dated = mine.filter(date__gt=start, date__lte=end, kind__in=kinds)
    moved = mine.filter(new_date__gt=start, new_date__lte=end)
    if limit is None:
        wanted = Event.objects.filter(Q(pk__in=dated.values("pk")) | Q(pk__in=moved.values("pk")))
        wanted = wanted.values("instrument_id")
    else:
        wanted = {*dated.order_by("date").values_list("instrument_id", flat=True)[:2 * limit],
                  *moved.order_by("new_date").values_list("instrument_id", flat=True)[:2 * limit]}
    candidates = (
        Instrument.objects.filter(pk__in=wanted)
        .prefetch_related(
            Prefetch("events", queryset=Event.objects.order_by("position", "pk").prefetch_related(
                Prefetch("claims", queryset=Claim.objects.select_related("document"))
            ))
        )
    )
    due = []
    for instrument in candidates:
        rows = list(instrument.events.all())
        by_key = {row.key: row for row in rows}
        for item in engine.timeline(events_for_engine(rows)):
            if (
                item.event.kind in kinds
                and item.preempted_by is None
                and start < item.date <= end
            ):
                due.append(DueDate(instrument, by_key[item.event.key], item.event.kind, item.date,
                                   item.precision, item.delayed_by is not None))
    due.sort(key=lambda d: (d.date, d.instrument.title, engine.EVENT_KINDS.index(d.kind)))
    return due if limit is None else due[:limit]


def recent_events(on, limit=10, instruments=None):
    """The latest events dated on or before ``on``, newest first."""
    events = Event.objects.filter(date__lte=on)
    if instruments is not None and instruments.query.where:
        # EXISTS, not IN: the database walks the date index from the newest event and stops at
        # ``limit`` matches, instead of sorting every event of the selection (96 → 8 ms for one
        # agency at 100,000 instruments on PostgreSQL).
        events = events.filter(Exists(instruments.filter(pk=OuterRef("instrument_id"))))
    return list(_with_sources(events).order_by("-date", "-position", "-pk")[:limit])
