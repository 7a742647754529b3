"""The status engine: what applied on a date, as known on a date.

Plain Python, no Django. The input is an instrument's events with their claims; the
output is the status fields of DESIGN.md ("Rules the engine follows"). Everything the
pages, commands and stored status periods say about status comes from here.

Where the rules leave room, the engine decides (each told again where it happens):
a delay has not happened before its own date, so for ``status(on)`` only delays dated
on or before ``on`` move anything; ``upcoming`` and ``timeline`` use every known delay.
Obligations wait for a known compliance date even one after ``on``. Disputes are listed
whatever their date. Reinstatement clears a vacatur's end outright (an earlier end it
replaced does not come back), and nothing is pending once rescinded. Bad input raises
``ValueError``: the importer refuses it first, this is a safety net.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

# The version of the rules in this module. The stored periods record the version that derived
# them (``timeline.DerivedRules``), and ``migrate`` rebuilds them all when it differs from this.
# Raise it by one in the same commit as any change here (or in ``knowledge.py``) that changes a
# status, a period or a date the engine derives for some input; a change that derives exactly
# the same answers (a refactor, a faster path, a new message) leaves it alone.
RULES_VERSION = 2  # 2: nothing stored as known before an instrument was public (knowledge.public_since)

# Event kinds in the order they apply on one date (rule 5).
EVENT_KINDS = (
    "proposed",
    "comment_period_closes",
    "issued",
    "published",
    "effective",
    "compliance_date",
    "amended",
    "corrected",
    "delayed",
    "rescission_planned",
    "enforcement_suspended",
    "enforcement_resumed",
    "suspended",
    "stayed",
    "reinstated",
    "rescission_announced",
    "vacated",
    "rescinded",
    "superseded",
    "expired",
    "withdrawn",
)
END_KINDS = frozenset({"vacated", "rescinded", "superseded", "expired", "withdrawn"})
# Kinds a reader can foresee as the next change (rule 9).
UPCOMING_KINDS = frozenset(
    {
        "proposed",
        "issued",
        "published",
        "effective",
        "compliance_date",
        "enforcement_suspended",
        "enforcement_resumed",
        "suspended",
        "stayed",
        "reinstated",
        "vacated",
        "rescinded",
        "superseded",
        "expired",
        "withdrawn",
    }
)
PHASES = (
    "not_yet_issued",
    "proposed",
    "issued",
    "in_force",
    "not_enforced",
    "suspended",
    "stayed",
    "rescinded",
    "vacated",
    "expired",
    "superseded",
    "withdrawn",
)
PRECISIONS = ("day", "month", "year")
# Default source rank per document kind (rule 1); lower is better.
DOCUMENT_KIND_RANKS = {
    "federal_register": 1,
    "press_release": 2,
    "guidance": 3,
    "statement": 4,
    "court_decision": 5,
    "news": 6,
    "blog": 7,
    "social_media": 8,
    "other": 9,
}
_KIND_ORDER = {kind: position for position, kind in enumerate(EVENT_KINDS)}


@dataclass(frozen=True)
class Claim:
    """One document's assertion of an event: the date it gives, and how good it is."""

    document: str  # the document's key, for display and tie-breaking in reports
    date: date
    published_on: date  # knowledge time: the claim is known from this day on
    rank: int
    precision: str = "day"
    quote: str = ""


@dataclass(frozen=True)
class Event:
    """One dated change in an instrument's life, as held in the record.

    ``key`` is unique within the instrument; ``target``/``new_date`` are set only on
    ``delayed`` events. The order of a sequence of events is their order in the
    instrument (the last tie-breaker of rule 5, and of rule 4's delay ties).
    """

    key: str
    kind: str
    date: date  # used as is only when the event has no claims (unsourced)
    precision: str = "day"
    claims: tuple[Claim, ...] = ()
    target: str | None = None
    new_date: date | None = None


@dataclass(frozen=True)
class Dated:
    kind: str
    date: date
    key: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "date": self.date.isoformat()}


@dataclass(frozen=True)
class Dispute:
    kind: str
    dates: tuple[date, ...]
    key: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "dates": [d.isoformat() for d in self.dates]}


@dataclass(frozen=True)
class Resolved:
    """One known event as seen at a knowledge date, for the timeline page.

    ``date`` is where the event sits once every known delay is applied (rules 3 and 4);
    ``claimed_date`` is what its best source says before any delay.
    """

    event: Event
    date: date
    claimed_date: date
    precision: str
    best_claim: Claim | None
    known_claims: tuple[Claim, ...]  # best first: rank, latest published_on, date
    delayed_by: str | None  # key of the winning delay that moved it
    preempted_by: Dated | None  # the end that pre-empted it (effective/compliance_date)
    disputed: bool
    unsourced: bool  # no claims at all: shown with a warning


@dataclass(frozen=True)
class Status:
    """What applied on ``on`` as known on ``known`` (DESIGN "Status on a date")."""

    phase: str
    in_force: bool
    enforced: bool
    obligations_apply: bool
    rescission_pending: bool
    applied: tuple[Dated, ...]
    upcoming: Dated | None
    disputed: tuple[Dispute, ...]
    # (pre-empted event, the end that pre-empted it), up to ``on``; not part of as_dict()
    preempted: tuple[tuple[Dated, Dated], ...] = ()

    def as_dict(self) -> dict:
        """The JSON shape of the API and ``status --json`` (dates as ISO strings)."""
        return {
            "phase": self.phase,
            "in_force": self.in_force,
            "enforced": self.enforced,
            "obligations_apply": self.obligations_apply,
            "rescission_pending": self.rescission_pending,
            "applied": [dated.as_dict() for dated in self.applied],
            "upcoming": self.upcoming.as_dict() if self.upcoming else None,
            "disputed": [dispute.as_dict() for dispute in self.disputed],
        }


@dataclass(frozen=True)
class Period:
    """A stretch of valid time over which an instrument's phase and flags do not change.

    ``valid_from`` is inclusive (None: since forever), ``valid_to`` exclusive (None:
    open-ended), so "the period covering D" is ``valid_from <= D < valid_to``.
    """

    phase: str
    in_force: bool
    enforced: bool
    obligations_apply: bool
    rescission_pending: bool
    valid_from: date | None
    valid_to: date | None


def rank_for(kind: str, rank: int | None) -> int:
    """A document's source rank (rule 1): the editor's override, else its kind's default."""
    if rank is not None:
        return rank
    try:
        return DOCUMENT_KIND_RANKS[kind]
    except KeyError:
        expected = ", ".join(DOCUMENT_KIND_RANKS)
        raise ValueError(f"unknown document kind {kind!r}; expected one of {expected}") from None


def _claim_order(claim: Claim) -> tuple:
    # Rule 3: lowest rank; then the latest notice, which corrects an earlier one; then
    # the earliest date, so that equally good sources err towards the first possible day.
    return (claim.rank, -claim.published_on.toordinal(), claim.date)


def _known_claims(claims: Iterable[Claim], known: date | None) -> tuple[Claim, ...]:
    """Claims whose document was published on or before ``known`` (rule 2), best first."""
    visible = (c for c in claims if known is None or c.published_on <= known)
    return tuple(sorted(visible, key=_claim_order))


def best_claim(claims: Iterable[Claim], known: date | None = None) -> Claim | None:
    """The claim that dates an event at knowledge ``known`` (rule 3); None if none is known."""
    ranked = _known_claims(claims, known)
    return ranked[0] if ranked else None


def best_date(claims: Iterable[tuple[date, date, int]]) -> date | None:
    """``best_claim``'s date for claims given as (date, published_on, rank) triples, or None for
    none: for a reader of thousands of events (the CSV exports as known on a date) that needs the
    date alone, with no claims built and sorted."""
    ranked = [(rank, -published_on.toordinal(), day) for day, published_on, rank in claims]
    return min(ranked)[2] if ranked else None


@dataclass(frozen=True)
class _Item:
    """A known event with what its known claims say about it."""

    event: Event
    index: int  # position in the instrument: the last tie-breaker (rules 4 and 5)
    claims: tuple[Claim, ...]
    claimed_date: date
    precision: str


def _validate(events: Sequence[Event]) -> None:
    """Refuse what the importer should already have refused, with a message saying why."""
    keys: set[str] = set()
    for event in events:
        if event.key in keys:
            raise ValueError(f"duplicate event key {event.key!r}")
        keys.add(event.key)
        if event.kind not in _KIND_ORDER:
            raise ValueError(f"event {event.key!r}: unknown kind {event.kind!r}")
        if event.precision not in PRECISIONS:
            raise ValueError(f"event {event.key!r}: unknown precision {event.precision!r}")
        for claim in event.claims:
            if claim.precision not in PRECISIONS:
                raise ValueError(f"event {event.key!r}: unknown precision {claim.precision!r} in {claim.document!r}")
        if event.kind == "delayed" and event.target and event.new_date is None:
            raise ValueError(f"delay {event.key!r} names a target but no new_date")


def _know(events: Sequence[Event], known: date | None) -> list[_Item]:
    """The events known at ``known`` (rule 2), each dated by its best known claim (rule 3).

    An event with claims is known once any claim is; an unsourced event is always known
    and keeps its own date and precision. Unknown events are dropped here, so that they
    play no part anywhere else.
    """
    _validate(events)
    items = []
    for index, event in enumerate(events):
        claims = _known_claims(event.claims, known)
        if claims:
            items.append(_Item(event, index, claims, claims[0].date, claims[0].precision))
        elif not event.claims:
            items.append(_Item(event, index, (), event.date, event.precision))
    return items


def _resolve(items: Sequence[_Item], active: Callable[[date], bool]) -> dict[str, tuple[date, str | None]]:
    """Rule 4: each event's date, and the delay that set it, under the delays ``active`` accepts.

    ``active(d)`` says whether a delay that sits on date ``d`` has happened: for status on
    ``on`` that is ``d <= on`` (before its own date a delay had not happened, so an event
    dated after ``on`` never changes the status on ``on``); for the timeline and upcoming
    it is always true. Of several active delays of one target the latest wins, ties going
    to the later in the instrument. A delay of a missing or unknown target, or of itself,
    does nothing. A delay may move another delay; a cycle of delays is cut where it
    closes (that delay keeps its claimed date) rather than looping.

    Every resolved date is a claimed date or a delay's ``new_date``; ``periods`` relies
    on that to know where the set of active delays can change.
    """
    by_key = {item.event.key: item for item in items}
    delays_of: dict[str, list[_Item]] = {}
    for item in items:
        event = item.event
        if event.kind == "delayed" and event.target in by_key and event.target != event.key:
            delays_of.setdefault(event.target, []).append(item)

    resolved: dict[str, tuple[date, str | None]] = {}
    in_progress: set[str] = set()

    def resolve(item: _Item) -> tuple[date, str | None]:
        key = item.event.key
        if key in resolved:
            return resolved[key]
        if key in in_progress:
            return (item.claimed_date, None)
        in_progress.add(key)
        winner: _Item | None = None
        winner_date = item.claimed_date
        for delay in delays_of.get(key, ()):  # in instrument order: later wins ties
            delay_date = resolve(delay)[0]
            if active(delay_date) and (winner is None or delay_date >= winner_date):
                winner, winner_date = delay, delay_date
        in_progress.discard(key)
        if winner is None:
            resolved[key] = (item.claimed_date, None)
        else:
            resolved[key] = (winner.event.new_date, winner.event.key)
        return resolved[key]

    for item in items:
        resolve(item)
    return resolved


def _order(items: Sequence[_Item], resolved: dict[str, tuple[date, str | None]]) -> list[tuple[date, _Item]]:
    """Rule 5: by date, then vocabulary order, then order in the instrument."""
    dated = [(resolved[item.event.key][0], item) for item in items]
    dated.sort(key=lambda pair: (pair[0], _KIND_ORDER[pair[1].event.kind], pair[1].index))
    return dated


def _period_end(start: date, precision: str) -> date:
    if precision == "month":
        return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    if precision == "year":
        return date(start.year, 12, 31)
    return start


def _disputed(claims: Sequence[Claim]) -> bool:
    """Rule 10: two claims disagree when the periods they cover do not overlap.

    A claim covers its date to the end of its day, month or year. Intervals on a line
    all overlap pairwise exactly when the latest start is no later than the earliest end.
    """
    if len(claims) < 2:
        return False
    return max(c.date for c in claims) > min(_period_end(c.date, c.precision) for c in claims)


@dataclass(frozen=True)
class Span:
    """The stretch of days the claims of a disputed event cover between them: from the
    earliest claim's first day to the end of the latest claim's period (its day, month or
    year), with the two claims, so that each end can be said as precisely as its source says it."""

    first: Claim
    last: Claim

    @property
    def start(self) -> date:
        return self.first.date

    @property
    def end(self) -> date:
        return _period_end(self.last.date, self.last.precision)


def claimed_span(claims: Iterable[Claim], known: date | None = None) -> Span | None:
    """Rule 9 told as a range: the span the claims known at ``known`` cover, when they dispute
    the event's date; None when they agree."""
    claims = _known_claims(claims, known)
    if not _disputed(claims):
        return None
    return Span(
        min(claims, key=lambda c: (c.date, _period_end(c.date, c.precision))),
        max(claims, key=lambda c: (_period_end(c.date, c.precision), c.date)),
    )


def dated_span(dated: Iterable[tuple[date, str]]) -> tuple[date, date] | None:
    """``claimed_span``'s first and last day for claims given as (date, precision) pairs, or None
    when they agree: for a reader of thousands of events (the CSV exports) that needs the days
    alone, with no claims built and ranked (which took most of a whole-portfolio export's
    Python for its disputes)."""
    dated = list(dated)
    ends = [_period_end(day, precision) for day, precision in dated]
    if len(dated) < 2 or max(day for day, _ in dated) <= min(ends):
        return None
    return min(day for day, _ in dated), max(ends)


def _dispute(item: _Item) -> Dispute:
    return Dispute(item.event.kind, tuple(sorted({c.date for c in item.claims})), item.event.key)


# Rule 6 for the kinds that just set or clear one flag of the fold.
_FLAG_SETTERS = {
    "proposed": ("proposed", True),
    "issued": ("issued", True),
    "published": ("issued", True),
    "effective": ("effective", True),
    "compliance_date": ("compliance_reached", True),
    "enforcement_suspended": ("enforcement_suspended", True),
    "enforcement_resumed": ("enforcement_suspended", False),
    "suspended": ("suspended", True),
    "stayed": ("stayed", True),
    "rescission_announced": ("rescission_pending", True),
}


class _Fold:
    """Rule 6: an instrument's state after applying its events in order; rule 7 reads it."""

    def __init__(self, compliance_dates: int = 0):
        self.proposed = self.issued = self.effective = False
        self.enforcement_suspended = self.suspended = self.stayed = False
        self.rescission_pending = False
        self.end: Dated | None = None
        # Rule 8: known compliance dates not (yet) pre-empted, and whether one has applied.
        self.compliance_open = compliance_dates
        self.compliance_reached = False

    def apply(self, dated: Dated) -> Dated | None:
        """Apply one event; if it is pre-empted instead, return the end that pre-empted it."""
        kind = dated.kind
        if kind in ("effective", "compliance_date") and self.end is not None:
            if kind == "compliance_date":
                self.compliance_open -= 1
            return self.end
        if kind in _FLAG_SETTERS:
            setattr(self, *_FLAG_SETTERS[kind])
        elif kind == "reinstated":
            # Only a court's vacatur can be undone; rescission, supersession, expiry stand.
            self.suspended = self.stayed = False
            if self.end is not None and self.end.kind == "vacated":
                self.end = None
        elif kind in END_KINDS:
            self.end = dated  # a later end replaces an earlier one
            if kind == "rescinded":
                self.rescission_pending = False
        return None  # the no-op kinds: comment_period_closes, amended, corrected, ...

    @property
    def phase(self) -> str:
        if self.end is not None:
            return self.end.kind
        if self.effective or self.issued:
            if self.suspended:
                return "suspended"
            if self.stayed:
                return "stayed"
            if not self.effective:
                return "issued"
            return "not_enforced" if self.enforcement_suspended else "in_force"
        return "proposed" if self.proposed else "not_yet_issued"

    def flags(self) -> tuple[str, bool, bool, bool, bool]:
        """(phase, in_force, enforced, obligations_apply, rescission_pending)."""
        phase = self.phase
        enforced = phase == "in_force"
        obligations = enforced and (self.compliance_open == 0 or self.compliance_reached)
        # Once rescinded nothing is pending, even if an announcement is dated later.
        pending = self.rescission_pending and phase != "rescinded"
        return (phase, phase in ("in_force", "not_enforced"), enforced, obligations, pending)


def _compliance_dates(items: Sequence[_Item]) -> int:
    return sum(1 for item in items if item.event.kind == "compliance_date")


def status(events: Sequence[Event], on: date, known: date | None = None) -> Status:
    """The status of one instrument on ``on``, as the sources published by ``known`` tell it.

    ``events`` are the instrument's events in instrument order; ``known=None`` means every
    source we hold. Only events dated on or before ``on`` (after the delays that had
    happened by ``on``) are folded, with one deliberate exception: obligations wait for a
    known compliance date even when it lies after ``on`` (rule 8). ``upcoming`` is what a
    reader could foresee on ``on`` (rule 9); disputes are reported whatever their date.
    ``applied`` holds every kind that applied, delays and no-op kinds included, but not
    the pre-empted events: those are in ``preempted`` with the end that pre-empted them.
    """
    items = _know(events, known)
    ordered = _order(items, _resolve(items, lambda when: when <= on))
    fold = _Fold(_compliance_dates(items))
    applied: list[Dated] = []
    preempted: list[tuple[Dated, Dated]] = []
    for when, item in ordered:
        if when > on:
            break
        dated = Dated(item.event.kind, when, item.event.key)
        end = fold.apply(dated)
        if end is None:
            applied.append(dated)
        else:
            preempted.append((dated, end))
    return Status(
        *fold.flags(),  # phase, in_force, enforced, obligations_apply, rescission_pending
        applied=tuple(applied),
        upcoming=_upcoming(events, on, known),
        disputed=tuple(_dispute(item) for _, item in ordered if _disputed(item.claims)),
        preempted=tuple(preempted),
    )


def _upcoming(events: Sequence[Event], on: date, known: date | None) -> Dated | None:
    """Rule 9: the first foreseeable change after ``on``, as a reader on ``on`` saw it.

    A reader on ``on`` cannot know sources published later, so knowledge is the earlier
    of ``known`` and ``on``; every delay known then counts, whatever its own date, since
    it is exactly what a reader looks at when asking "what comes next".
    """
    horizon = on if known is None else min(known, on)
    items = _know(events, horizon)
    fold = _Fold()
    for when, item in _order(items, _resolve(items, lambda when: True)):
        dated = Dated(item.event.kind, when, item.event.key)
        preempted = fold.apply(dated) is not None
        if when > on and not preempted and dated.kind in UPCOMING_KINDS:
            return dated
    return None


def timeline(events: Sequence[Event], known: date | None = None) -> list[Resolved]:
    """Every event known at ``known`` in rule-5 order, as the timeline page shows it.

    Dates include every known delay, whatever its date, and pre-emption comes from folding
    the whole timeline: the page shows the instrument's whole life as the sources tell it,
    not its state on one day.
    """
    items = _know(events, known)
    resolved = _resolve(items, lambda when: True)
    fold = _Fold()
    out = []
    for when, item in _order(items, resolved):
        event = item.event
        out.append(
            Resolved(
                event=event,
                date=when,
                claimed_date=item.claimed_date,
                precision=item.precision,
                best_claim=item.claims[0] if item.claims else None,
                known_claims=item.claims,
                delayed_by=resolved[event.key][1],
                preempted_by=fold.apply(Dated(event.kind, when, event.key)),
                disputed=_disputed(item.claims),
                unsourced=not event.claims,
            )
        )
    return out


def periods(events: Sequence[Event], known: date | None = None) -> list[Period]:
    """The status over all of valid time, as contiguous periods (the stored status periods).

    Equal to ``status(events, on, known)`` on every day, but with one fold per stretch
    of time over which the set of active delays is fixed, rather than one per day: a
    delay becomes active on its own resolved date, and resolved dates are claimed dates
    or delays' new dates, so only delays' claimed dates and the new dates of delays of
    delays can change that set. Without delays this is a single fold. Within a stretch,
    the status changes only on event dates. Adjacent equal periods are merged; the first
    starts at None (since forever) and the last ends at None (open-ended).
    """
    items = _know(events, known)
    compliance_dates = _compliance_dates(items)
    delay_keys = {item.event.key for item in items if item.event.kind == "delayed"}
    bounds: set[date] = set()
    for item in items:
        if item.event.kind == "delayed":
            bounds.add(item.claimed_date)
            if item.event.target in delay_keys and item.event.new_date is not None:
                bounds.add(item.event.new_date)
    starts: list[date | None] = [None, *sorted(bounds)]

    pieces: list[tuple[date | None, tuple]] = []
    for lo, hi in zip(starts, [*starts[1:], None]):
        active = (lambda when: False) if lo is None else (lambda when, lo=lo: when <= lo)
        fold = _Fold(compliance_dates)
        day = lo  # the status on ``day`` is the fold after every event dated up to it
        for when, item in _order(items, _resolve(items, active)):
            if hi is not None and when >= hi:
                break
            if when != day and (lo is None or when > lo):
                pieces.append((day, fold.flags()))
                day = when
            fold.apply(Dated(item.event.kind, when, item.event.key))
        pieces.append((day, fold.flags()))

    merged = [piece for n, piece in enumerate(pieces) if n == 0 or piece[1] != pieces[n - 1][1]]
    return [
        Period(*flags, valid_from=start, valid_to=merged[n + 1][0] if n + 1 < len(merged) else None)
        for n, (start, flags) in enumerate(merged)
    ]
