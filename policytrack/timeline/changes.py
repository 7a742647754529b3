"""What changed between two dates, and which dates are coming: the questions behind
``/changes/``, the home page, the feeds and the calendar.

Each function costs a fixed number of queries whatever the number of instruments.
"""

from __future__ import annotations

import datetime
import functools
from contextlib import nullcontext
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from django.db import connection, router
from django.db.models import OuterRef, Prefetch, Q, Subquery

from . import due as due_rows
from . import engine
from .compare import PhaseComparison
from .models import Claim, Event, Instrument, KnownEventDate, KnownPeriod, KnownPlacing, StatusPeriod, counted_claims
from .placed import CALENDAR_KINDS
from .planning import reads_by_index

ONE_DAY = datetime.timedelta(days=1)


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
    known: datetime.date | None = None  # as known on this date (None: with every source)

    @property
    def before(self):
        return self.start - ONE_DAY


def _with_sources(events):
    return events.select_related("instrument").with_sources()


@dataclass(frozen=True)
class KnownDate:
    """An event as known on a date: its instrument, and the date its known sources give."""

    instrument_id: int
    title: str  # the instrument's (the event's copy of it)
    position: int
    date: datetime.date
    precision: str
    kind: str
    # Read only when asked (``known_event_dates(..., sources=True)``): the event's key, and its
    # sources published by then in file order, each (publisher, title, citation, date, precision).
    key: str = field(default="", compare=False)
    sources: tuple = field(default=(), compare=False)


# What ``known_event_dates`` reads of each event and each of its counted claims; with sources,
# then the event's key and each claim's place in the file and document's names.
_KNOWN_DATE_FIELDS = (
    "pk",
    "instrument_id",
    "instrument_title",
    "position",
    "kind",
    "date",
    "precision",
    "counted__pk",
    "counted__date",
    "counted__precision",
    "counted__document__published_on",
    "counted__document__kind",
    "counted__document__rank",
)
_SOURCE_FIELDS = (
    "key",
    "counted__position",
    "counted__document__publisher",
    "counted__document__title",
    "counted__document__citation",
)


def known_event_dates(events, known, sources=False):
    """The events of ``events`` (an Event queryset) known on ``known``, each dated by its best
    claim known then — the engine's rules 1 and 2 (``engine.best_claim``), on its counted
    claims: pk → KnownDate. An event with no counted claim is unsourced, known, and keeps its
    date. One query of tuples; with ``sources``, each
    KnownDate also carries the event's key and its sources known then (read in the same rows)."""
    fields = _KNOWN_DATE_FIELDS + (_SOURCE_FIELDS if sources else ())
    rows = events.annotate(counted=counted_claims()).order_by().values_list(*fields)
    read, named = {}, {}
    for pk, instrument_id, title, position, kind, day, precision, claim_pk, *claim in rows:
        _, claims = read.setdefault(pk, ((instrument_id, title, position, kind, day, precision), []))
        if sources:
            key, said = named.setdefault(pk, (claim[5], []))
        if claim_pk is not None:
            says, says_precision, published_on, document_kind, rank = claim[:5]
            claims.append(
                engine.Claim(
                    document="",
                    date=says,
                    published_on=published_on,
                    rank=engine.rank_for(document_kind, rank),
                    precision=says_precision,
                )
            )
            if sources and published_on <= known:
                _, claim_position, publisher, document_title, citation = claim[5:]
                said.append(((claim_position, claim_pk), (publisher, document_title, citation, says, says_precision)))
    found = {}
    for pk, ((instrument_id, title, position, kind, day, precision), claims) in read.items():
        extra = {}
        if sources:
            key, said = named[pk]
            extra = {"key": key, "sources": tuple(source for _, source in sorted(said))}
        if not claims:
            found[pk] = KnownDate(instrument_id, title, position, day, precision, kind, **extra)
        elif best := engine.best_claim(claims, known):
            found[pk] = KnownDate(instrument_id, title, position, best.date, best.precision, kind, **extra)
    return found


def known_events_between(start, end, known, instruments=None, sources=False):
    """The events known on ``known`` whose date as known then falls from ``start`` to ``end``
    (both inclusive), of the ``instruments`` (all by default): pk → KnownDate (with ``sources``,
    carrying their keys and sources known then).

    Read from each event's dates as known on every date, stored by the rebuild
    (``KnownEventDate``): one range of ``known_event_date_idx``, which holds what a KnownDate
    says. Reading every event dated in the window with its claims and documents, and dating each
    by them, took 40 of a month's 60 ms at 100,000 instruments. With ``sources``, the claims are
    read for the events found alone, under ``reads_by_index`` (PostgreSQL otherwise hashed all
    915,000 events to find a year's)."""
    rows = KnownEventDate.objects.known_on(known).filter(date__gte=start, date__lte=end)
    if instruments is not None and instruments.query.where:
        rows = rows.filter(instrument__in=instruments.order_by().values("pk"))
    if sources:
        with reads_by_index(router.db_for_read(Event)):
            return known_event_dates(Event.objects.filter(pk__in=rows.values("event_id")), known, sources=True)
    fields = ("event_id", "instrument_id", "title", "position", "date", "precision", "kind")
    return {pk: KnownDate(*found) for pk, *found in rows.order_by().values_list(*fields)}


class PagedChanges(Sequence):
    """Changes read a page at a time: a subclass gives ``listed`` (every listed instrument's id,
    in order) and ``read(ids)`` (their InstrumentChanges, in that order)."""

    def __len__(self):
        return len(self.listed)

    def __getitem__(self, index):
        found = self.read(self.listed[index] if isinstance(index, slice) else [self.listed[index]])
        return found if isinstance(index, slice) else found[0]

    def __iter__(self):
        return iter(self.read(self.listed))


class ChangeList(PagedChanges):
    """The InstrumentChanges of a window, by title, for pages of them: per instrument, the phase
    on the day before ``start`` against the phase on ``end``, and its events dated ``start`` to
    ``end`` (both inclusive); with ``known``, as known on that date: the phases from the rows
    over knowledge time, the events known then, each dated and sourced as the documents
    published by then date it (``known_events_between``).

    The window includes both ends because that is how people read "changes from 1 May to
    31 May"; comparing with the day before ``start`` makes an event on ``start`` show up as a
    change of phase too. An instrument is listed when an event falls in the window or its
    phase differs (a delay can move a change into the window without an event dated there).

    One query finds the candidates — instruments with an event dated in the window, or a status
    period starting in it (a phase can only differ between the day before the window and its
    last day if one does) — each with its title, read with it from the index it is found by
    (events and periods carry a copy). An instrument with an event in the window is listed
    whatever its phases; only the others need theirs looked up to be kept or dropped (a CASE,
    which the database evaluates for them alone). The phases shown are then read with the fifty
    instruments of a page.

    For a month at 100,000 instruments on PostgreSQL: looking each candidate's title up took
    6,400 of the query's 6,600 buffer reads and 13 of its 19 ms; read from the indexes, the
    query reads 180 buffers in 5 ms. (A join of the candidates with the instruments or their
    periods hashes all 100,000 of them instead: slower still.)"""

    def __init__(self, start, end, instruments, known=None, sources=False):
        self.start, self.end, self.instruments, self.known = start, end, instruments, known
        self.sources = sources  # whether ``known_events`` carry their keys and sources

    # As recorded now, every instrument is read from today's tables: none is held as it was at
    # another moment (``recorded_changes.RecordedChangeList`` holds those edited since one).
    held = MappingProxyType({})

    @property
    def now(self):
        """The instruments read from today's tables: all of them."""
        return self

    @functools.cached_property
    def known_events(self):
        """As known on ``known``: the events in the window (``known_events_between``)."""
        return known_events_between(self.start, self.end, self.known, self.instruments, self.sources)

    @functools.cached_property
    def listed(self):
        """The ids of every instrument listed, by title."""
        if self.known is not None:
            return self._listed_known()
        in_window = Event.objects.between(self.start, self.end)
        starting = StatusPeriod.objects.filter(valid_from__gte=self.start, valid_from__lte=self.end)
        if self.instruments.query.where:
            selected = self.instruments.order_by().values("pk")
            in_window, starting = (rows.filter(instrument__in=selected) for rows in (in_window, starting))
        touched, touched_params = (
            in_window.order_by().values("instrument_id", "instrument_title").query.sql_with_params()
        )
        started, started_params = starting.order_by().values("instrument_id", "title").query.sql_with_params()
        periods = StatusPeriod._meta.db_table

        # An instrument's phase on a day, looked up only for those no event in the window lists.
        phase_on = (
            f"CASE WHEN MAX(c.touched) = 1 THEN NULL ELSE (SELECT p.phase FROM {periods} p "
            f"WHERE p.instrument_id = c.instrument_id AND p.valid_from <= %s AND p.valid_to > %s) END"
        )

        sql = (
            f"SELECT instrument_id FROM ("
            f"SELECT c.instrument_id, MAX(c.touched) AS touched, MAX(c.title) AS title, "
            f"{phase_on} AS phase_before, {phase_on} AS phase_after "
            f"FROM (SELECT instrument_id, 1 AS touched, instrument_title AS title FROM ({touched}) t "
            f"UNION ALL SELECT instrument_id, 0, title FROM ({started}) s) c GROUP BY c.instrument_id) listed "
            f"WHERE touched = 1 OR COALESCE(phase_before, '') <> COALESCE(phase_after, '') "
            f"ORDER BY title, instrument_id"
        )
        before = self.start - ONE_DAY
        params = [before, before, self.end, self.end, *touched_params, *started_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [pk for (pk,) in cursor.fetchall()]

    def _listed_known(self):
        """``listed`` as known on ``known``: the instruments of the events known then in the
        window, and those whose phase known then differs between the day before the window and
        its last day, read as the comparison of those two dates reads them (two index ranges
        joined: the rows ending in the window and those starting in it)."""
        titles = {found.instrument_id: found.title for found in self.known_events.values()}
        narrowed = self.instruments.order_by() if self.instruments.query.where else None
        changed = PhaseComparison(self.start - ONE_DAY, self.end, narrowed, known=self.known)
        for pk, title in changed.titles():
            titles.setdefault(pk, title)
        return [pk for pk, _ in sorted(titles.items(), key=lambda item: (item[1], item[0]))]

    def phases(self):
        """Every listed instrument's slug, title and phases on the day before the window and on
        its last day, by id: what ``read`` gives of them, in one query however many are listed
        (a CSV of the whole window), where ``read`` asks for 500 ids at a time (21 queries for a
        year as known on a date at 100,000 instruments). The instruments are asked for by id:
        finding them again by subquery, as ``listed`` chose them, took 1.1 s of PostgreSQL's time
        for a year as known on a date at 100,000 instruments (14,000 listed), by id 0.3 s. On
        SQLite each id is a parameter: Debian's SQLite takes 250,000 in a statement; a build with
        SQLite's default of 32,766 would refuse a year's list past about 230,000 instruments."""
        before = self.start - ONE_DAY
        if self.known is None:
            stored = StatusPeriod.objects.all()
        else:
            stored = KnownPeriod.objects.current().filter(known_from__lte=self.known, known_to__gt=self.known)
        periods = stored.filter(instrument=OuterRef("pk")).order_by()  # one row covers a day: no sort, no join
        candidates = Instrument.objects.filter(pk__in=self.listed)
        rows = (
            candidates.annotate(
                phase_before=Subquery(periods.filter(valid_from__lte=before, valid_to__gt=before).values("phase")),
                phase_after=Subquery(periods.filter(valid_from__lte=self.end, valid_to__gt=self.end).values("phase")),
            )
            .order_by()
            .values_list("pk", "slug", "title", "phase_before", "phase_after")
        )
        return {pk: found for pk, *found in rows.iterator(chunk_size=2000)}

    def read(self, ids, *related, chunk=500):
        """InstrumentChanges for these instrument ids (of ``listed``): their instruments (with
        ``related`` prefetched), each read with its phase on the day before the window and on its
        last day."""
        before, found = self.start - ONE_DAY, {}
        known = [] if self.known is None else [self.known, self.known]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            rows = Instrument.objects.raw(
                _with_phases_sql(len(part), self.known is not None),
                [before, before, *known, self.end, self.end, *known, *part],
            )
            found.update((instrument.pk, instrument) for instrument in rows.prefetch_related(*related))
        return [InstrumentChange(found[pk], found[pk].phase_before, found[pk].phase_after) for pk in ids]

    def events_of(self, items):
        """The Event rows in the window of these InstrumentChanges, by date, with their sources;
        as known on a date, the events known then (``known_events``), each with the date its
        sources published by then give and only those sources."""
        mine = [item.instrument.pk for item in items]
        if self.known is not None:
            return known_with_sources(self.known_events, self.known, mine)
        events = Event.objects.between(self.start, self.end).filter(instrument_id__in=mine)
        return list(_with_sources(events).order_by("date", "position", "pk"))


def changes_of(listed, ids):
    """The Changes of ``listed`` (a ChangeList) for the instruments ``ids`` only — a page of
    them: each with its agencies, its phases and its events in the window. A fixed number of
    queries for a page of up to 500."""
    changes = Changes(listed.start, listed.end, [], listed.read(list(ids), "agencies"), listed.known)
    _attach_events(changes, changes.instruments, listed)
    return changes


def _phase_on_sql(known=False):
    """The phase of instrument ``i.id`` on a day (parameters: the day twice; with ``known``, then
    the knowledge date twice), from its stored periods or, with ``known``, its rows known then."""
    name = connection.ops.quote_name
    if not known:
        periods = name(StatusPeriod._meta.db_table)
        return (
            f"(SELECT p.phase FROM {periods} p WHERE p.instrument_id = i.id AND p.valid_from <= %s AND p.valid_to > %s)"
        )
    rows = name(KnownPeriod._meta.db_table)
    return (
        f"(SELECT p.phase FROM {rows} p WHERE p.instrument_id = i.id AND p.valid_from <= %s AND p.valid_to > %s "
        f"AND p.known_from <= %s AND p.known_to > %s AND p.recorded_to IS NULL)"
    )


@functools.cache
def _with_phases_sql(count, known=False):
    """``count`` instruments by id, each with its phases on two days (parameters: the first day
    twice, the second twice — each followed by the knowledge date twice with ``known`` — then
    the ids): its row, and its periods covering each day probed by index. One query, written as
    SQL: the instruments and then their periods through the ORM took 3.1 ms for a page of fifty,
    this 1.5."""
    instruments = connection.ops.quote_name(Instrument._meta.db_table)
    phase_on = _phase_on_sql(known)
    return (
        f"SELECT i.*, {phase_on} AS phase_before, {phase_on} AS phase_after "
        f"FROM {instruments} i WHERE i.id IN ({', '.join(['%s'] * count)})"
    )


def _attach_events(changes, items, listed):
    """Read the events in the window, with their sources, of these InstrumentChanges
    (``listed.events_of``): each item's by date, and all of them in ``changes.events``, by date
    then title."""
    items = list(items)
    events = listed.events_of(items)
    by_instrument = {}
    for event in events:
        by_instrument.setdefault(event.instrument_id, []).append(event)
    for item in items:
        item.events = by_instrument.get(item.instrument.pk, [])
    changes.events.extend(events)
    changes.events.sort(key=lambda event: (event.date, event.instrument.title, event.position, event.pk))


def known_with_sources(known_events, known, instrument_ids=None):
    """The Event rows of ``known_events`` (pk → KnownDate) of these instruments (None: all), by
    date as known on ``known``: each with that date and precision, its instrument, and its
    claims from documents published by ``known`` prefetched (in file order, with documents)."""
    mine = None if instrument_ids is None else set(instrument_ids)
    wanted = [pk for pk, found in known_events.items() if mine is None or found.instrument_id in mine]
    sources = Claim.objects.filter(document__published_on__lte=known).select_related("document")
    events = list(
        Event.objects.filter(pk__in=wanted)
        .select_related("instrument")
        .prefetch_related(Prefetch("claims", queryset=sources.order_by("position", "pk")))
    )
    for event in events:
        event.date, event.precision = known_events[event.pk].date, known_events[event.pk].precision
    events.sort(key=lambda event: (event.date, event.position, event.pk))
    return events


@dataclass
class DueDate:
    """A date coming up: an event as the engine places it (after delays), not pre-empted."""

    instrument: Instrument
    event: Event
    kind: str
    date: datetime.date
    precision: str
    delayed: bool


def upcoming_dates(start, end, instruments=None, kinds=CALENDAR_KINDS, limit=None, known=None, excluding=()):
    """Dates after ``start`` up to ``end`` (inclusive) on which something is due to happen, as
    the engine places them, so delays and pre-emption are honoured: a compliance date pre-empted
    by a rescission is not announced, and a delayed one appears on its new date. By date, then
    instrument title, then kind; with ``limit``, the first ``limit`` of them.

    Read from where the rebuild stored the engine's placing of each event (``placed.py``): with
    every source known, the events' own ``placed_date`` (``event_placed_idx``); as known on
    ``known``, their ``KnownPlacing`` rows known then (``known_placing_date_idx``), each event
    dated and sourced as the documents published by then date it. Two queries, three with
    ``limit`` (which first finds the ``limit``-th date, so that the order by title stays
    Python's rather than the database's collation). The instruments ``excluding`` (ids) are left
    out, row by row: asked as a subquery of the instruments kept, SQLite read every event placed
    in the window (at 10,000 instruments, 160 of the home page's 270 ms)."""
    if known is None:
        placings = Event.objects.placed_between(start + ONE_DAY, end).filter(kind__in=kinds)
        event = ""  # the path from a placing to its event: the event itself
    else:
        placings = KnownPlacing.objects.known_on(known).filter(
            placed_date__gt=start, placed_date__lte=end, event__kind__in=kinds
        )
        event = "event__"
    if instruments is not None and instruments.query.where:
        placings = placings.filter(**{f"{event}instrument__in": instruments.order_by().values("pk")})
    if excluding:
        placings = placings.exclude(**{f"{event}instrument_id__in": excluding})
    if limit is not None:
        last = placings.order_by("placed_date").values_list("placed_date", flat=True)[limit - 1 : limit]
        if last := list(last):
            placings = placings.filter(placed_date__lte=last[0])
    # A whole calendar reads thousands of rows (5,800 at 100,000 instruments), read as tuples and
    # given the few attributes the calendars and the home page use (``due.DueRow``): model instances
    # with their instruments, claims and documents took 1.0 of its 2.7 s (profiled, loaded).
    fields = [f"{event}{name}" for name in due_rows.EVENT_FIELDS]
    fields += (
        ["placed_date", "placed_precision", "placed_delayed"]
        if known is None
        else ["placed_date", "precision", "delayed_from"]
    )
    sources = Claim.objects.filter(event__in=placings.values(f"{event}pk"))
    if known is not None:
        sources = sources.filter(document__published_on__lte=known)
    # As known on K, PostgreSQL overestimates the rows known then tenfold (the two ranges of
    # dates are estimated apart) and hashed every event to join them: 470 ms of the query's
    # 480 at 100,000, against 120 ms looking each up by index.
    with nullcontext() if known is None else reads_by_index(router.db_for_read(KnownPlacing)):
        rows = list(
            placings.order_by("placed_date", f"{event}instrument_id", f"{event}position", f"{event}pk").values_list(
                *fields
            )
        )
        claims = {}
        for event_id, *claim in sources.order_by("position", "pk").values_list("event_id", *due_rows.CLAIM_FIELDS):
            claims.setdefault(event_id, []).append(due_rows.claim(claim))
    due = []
    for *values, placed_date, precision, delayed in rows:
        placed = due_rows.event(values)
        if known is not None:  # the event as its sources known then date it, before any delay
            placed.date, placed.precision, delayed = delayed or placed_date, precision, delayed is not None
        placed.known_claims = claims.get(placed.pk, [])
        due.append(DueDate(placed.instrument, placed, placed.kind, placed_date, precision, delayed))
    due.sort(key=lambda d: (d.date, d.instrument.title, engine.EVENT_KINDS.index(d.kind)))
    return due if limit is None else due[:limit]


def recent_events(on, limit=10, where=Q(), known=None, claims=None):
    """The latest events dated on or before ``on`` (and matching ``where``), newest first; with
    ``known``, the events known then, dated and sourced as the documents published by then
    date them (``known_with_sources``).

    The database walks the date index from the newest event and stops at ``limit`` matches:
    ``where`` should be a condition per event (EXISTS), not a set of instruments to sort.

    As known on a date: the latest ``2 × limit`` events by their date with every source are
    dated as known then; a sourced event among the latest ``limit`` as known then has a claim
    published by then dated from the ``limit``-th of those dates to ``on``, so the claims so
    dated (``claims``: ``where`` written for a claim; else the claims of the events ``where``
    selects) bring the rest — a range of the claims' date index as narrow as the page, a fixed
    number of queries. (An unsourced event dated in that range but beyond the first
    ``2 × limit`` could be missed; none is shown that is not so.)"""
    events = Event.objects.filter(where, date__lte=on)
    if known is None:
        return list(_with_sources(events).order_by("-date", "-position", "-pk")[:limit])
    walked = list(events.order_by("-date", "-position", "-pk").values_list("pk", flat=True)[: 2 * limit])
    found = known_event_dates(Event.objects.filter(pk__in=walked), known)
    found = {pk: d for pk, d in found.items() if d.date <= on}
    claimed = Claim.objects.counting().filter(date__lte=on, document__published_on__lte=known)
    if claims is not None:
        claimed = claimed.filter(claims)
    elif where:
        claimed = claimed.filter(event__in=Event.objects.filter(where).values("pk"))
    if len(found) >= limit:
        floor = sorted(d.date for d in found.values())[-limit]
        more = set(claimed.filter(date__gte=floor).values_list("event_id", flat=True))
    else:  # too few of the latest were known then: the latest claims known then instead
        more = set(claimed.order_by("-date").values_list("event_id", flat=True)[: 4 * limit])
    more -= set(found)
    if more:
        dated = known_event_dates(Event.objects.filter(pk__in=list(more)), known)
        found.update((pk, d) for pk, d in dated.items() if d.date <= on)
    latest = sorted(found, key=lambda pk: (found[pk].date, found[pk].position, pk), reverse=True)[:limit]
    return known_with_sources({pk: found[pk] for pk in latest}, known)[::-1]
