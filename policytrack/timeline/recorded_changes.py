"""Record time for the views of dated events — ``/changes/``, the home page, the feeds and the
calendars: what this tracker held at a past moment T.

An instrument none of whose rows has a history record after T (its own, its events', its
claims', the documents its claims cite) holds today exactly what it held at T: it is answered
from today's tables by the same queries as without T. Only the instruments edited since are
rebuilt, from the edit history (``recorded.snapshots``: a few queries for all of them) and the
engine, each under the slug and title it had then; those created since are left out.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from . import due, engine
from .changes import ONE_DAY, ChangeList, DueDate, InstrumentChange, PagedChanges
from .knowledge import public_since
from .models import Claim, Document, Event, Instrument, KnownPeriod
from .recorded import held_record, held_rows, snapshots


def edited_since(moment):
    """The ids of the instruments whose record has changed since ``moment``: those with a history
    record after it of their own, of one of their events (before or after it moved), of one of
    those events' claims, or of a document a claim of theirs cites. Two queries."""
    after = Q(history_date__gt=moment)
    documents = Document.history.filter(after).values("id")
    claims = Claim.history.filter(Q(id__in=Claim.history.filter(after).values("id")) | Q(document_id__in=documents))
    events = Event.history.filter(
        Q(id__in=Event.history.filter(after).values("id")) | Q(id__in=claims.values("event_id"))
    )
    instruments = Instrument.history.filter(after).values_list("id", flat=True)
    return set(events.values_list("instrument_id", flat=True)) | set(instruments)


@dataclass
class HeldInstrument:
    """An instrument as held at a moment: what the views of dated events show of it."""

    pk: int
    slug: str
    title: str
    short_title: str
    agencies: list  # each with its slug, name and short name then
    events: list = field(default_factory=list)  # the engine's input
    documents: dict = field(default_factory=dict)  # the documents its claims cite, by key, as then
    rows: dict = field(default_factory=dict)  # event key → its Event row then

    @property
    def id(self):
        return self.pk

    __str__ = Instrument.__str__
    get_absolute_url = Instrument.get_absolute_url

    def public_by(self, known):
        """Whether a list as known on ``known`` names it (a source of it published by then)."""
        return known is None or public_since(self.events) <= known

    def phase(self, on, known):
        return engine.status(self.events, on=on, known=known).phase

    def timeline(self, known):
        return engine.timeline(self.events, known)

    def event(self, resolved, known):
        """The event ``resolved`` (an ``engine.Resolved`` of ``timeline(known)``) as the views
        read an event (``due.DueRow``): dated by its best source known on ``known``, before
        delays, with its sources known then, in file order, as ``known_claims``, ``claims`` and
        ``sources``."""
        found, row = resolved.event, self.rows[resolved.event.key]
        instrument = due.DueInstrument(
            pk=self.pk, id=self.pk, slug=self.slug, title=self.title, short_title=self.short_title
        )
        claims = [
            self.claim(position, claim)
            for position, claim in enumerate(found.claims)
            if known is None or claim.published_on <= known
        ]
        return due.DueRow(
            pk=row.id,
            id=row.id,
            instrument_id=self.pk,
            instrument=instrument,
            position=row.position,
            key=found.key,
            kind=found.kind,
            date=resolved.claimed_date,
            precision=resolved.precision,
            note=row.note,
            target=due.DueRow(key=found.target) if found.target else None,
            target_id=found.target,
            new_date=found.new_date,
            known_claims=claims,
            claims=claims,
            sources=claims,
        )

    def claim(self, position, claim):
        """A claim as ``due.claim`` gives one, citing its document as it was then."""
        return due.DueRow(
            pk=position,
            id=position,
            position=position,
            date=claim.date,
            precision=claim.precision,
            quote=claim.quote,
            retracted_at=None,
            retraction_reason="",
            document=self.documents[claim.document],
        )


class Record:
    """The instruments the views of dated events read as recorded at ``moment``: those of
    ``instruments`` (None: all) edited since are ``held`` (pk → HeldInstrument, for those that
    existed then); every other one is as it is now (``unchanged``)."""

    def __init__(self, moment, instruments=None):
        self.moment = moment
        edited = edited_since(moment)
        if edited and instruments is not None and instruments.query.where:
            edited = set(instruments.filter(pk__in=edited).values_list("pk", flat=True))
        self.edited = edited
        self.held = held_at(edited, moment) if edited else {}

    def unchanged(self, instruments=None):
        """``instruments`` (None: all) less those edited since the moment."""
        instruments = Instrument.objects.all() if instruments is None else instruments
        return instruments.exclude(pk__in=self.edited) if self.edited else instruments

    def counts(self, on, known, now):
        """{phase: how many} on ``on`` as known on ``known`` as recorded at the moment, from
        ``now``, the same counted as recorded now: each instrument edited since counted by its
        phase then rather than by its current row (one query), one that did not exist then not
        at all."""
        found = Counter(now)
        rows = KnownPeriod.objects.covering(on, known).filter(instrument_id__in=self.edited).order_by()
        found.subtract(rows.values_list("phase", flat=True))
        found.update(held.phase(on, known) for held in self.listed(known))
        return {phase: count for phase, count in found.items() if count > 0}

    def listed(self, known):
        """The held instruments a list as known on ``known`` names."""
        return [held for held in self.held.values() if held.public_by(known)]

    def dated(self, start, end, known):
        """The events of the held instruments known on ``known`` whose date as known then (their
        best source known then, before delays) falls from ``start`` to ``end`` (None: any), as
        ``HeldInstrument.event`` gives them."""
        return [
            held.event(item, known)
            for held in self.held.values()
            for item in held.timeline(known)
            if (start is None or start <= item.claimed_date) and item.claimed_date <= end
        ]

    def placed(self, start, end, known, kinds):
        """``changes.DueDate``s of the held instruments' events of ``kinds`` that the engine places
        (after delays, pre-empted ones left out) after ``start`` and up to ``end``, as known on
        ``known``."""
        return [
            DueDate(event.instrument, event, item.event.kind, item.date, item.precision, item.delayed_by is not None)
            for held in self.held.values()
            for item in held.timeline(known)
            if item.event.kind in kinds and item.preempted_by is None and start < item.date <= end
            for event in [held.event(item, known)]
        ]


def held_at(pks, moment):
    """{pk: HeldInstrument} of the instruments ``pks`` that had a record at ``moment``, each with
    its slug, titles, agencies and events as held then. Seven queries, whatever their number."""
    records = Instrument.objects.filter(pk__in=pks).annotate(held=held_record(moment)).values_list("held", flat=True)
    rows = held_rows([history_id for history_id in records if history_id], moment)
    found = {
        pk: HeldInstrument(
            pk,
            slug,
            title,
            short_title,
            [due.DueRow(slug=slug, name=name, short_name=short_name) for slug, name, short_name in agencies],
        )
        for pk, (slug, title, short_title, _, _, agencies) in rows.items()
    }
    for pk, (events, documents, engine_events) in snapshots(list(found), moment).items():
        held = found[pk]
        held.events, held.documents = engine_events, documents
        held.rows = {event.key: event for event in events}
    return found


class RecordedChangeList(PagedChanges):
    """``changes.ChangeList`` as recorded at ``record.moment``: the instruments unchanged since
    from today's tables (a ChangeList of them, ``now``), those edited since from the engine run on
    their record then (``held``: pk → InstrumentChange, of those listed), merged by title."""

    def __init__(self, start, end, instruments, known, record, sources=False):
        self.start, self.end, self.known, self.record = start, end, known, record
        self.now = ChangeList(start, end, record.unchanged(instruments), known, sources)
        dated = {}
        for event in record.dated(start, end, known):
            dated.setdefault(event.instrument_id, []).append(event)
        self.held = {}
        for held in record.listed(known):
            events = sorted(dated.get(held.pk, []), key=lambda event: event.date)
            change = InstrumentChange(held, held.phase(start - ONE_DAY, known), held.phase(end, known), events)
            if change.events or change.changed:
                self.held[held.pk] = change

    @functools.cached_property
    def now_phases(self):
        """``now.phases()``, read once."""
        return self.now.phases()

    @functools.cached_property
    def listed(self):
        """The ids of every instrument listed, by title."""
        titles = {pk: title for pk, (_, title, _, _) in self.now_phases.items()}
        titles.update((pk, change.instrument.title) for pk, change in self.held.items())
        return sorted(titles, key=lambda pk: (titles[pk], pk))

    def phases(self):
        """``ChangeList.phases`` of every listed instrument, as recorded."""
        held = {
            pk: (change.instrument.slug, change.instrument.title, change.before, change.after)
            for pk, change in self.held.items()
        }
        return {**self.now_phases, **held}

    def read(self, ids, *related):
        """InstrumentChanges for these instrument ids (of ``listed``)."""
        found = {
            change.instrument.pk: change
            for change in self.now.read([pk for pk in ids if pk not in self.held], *related)
        }
        return [self.held.get(pk) or found[pk] for pk in ids]

    def events_of(self, items):
        """``ChangeList.events_of``: the held instruments' events as they held them."""
        events = self.now.events_of([item for item in items if item.instrument.pk not in self.held])
        return events + [
            event for item in items if item.instrument.pk in self.held for event in self.held[item.instrument.pk].events
        ]


def change_list(start, end, instruments, known=None, recorded=None, sources=False):
    """The ``ChangeList`` of a window, as recorded at ``recorded`` if given
    (``RecordedChangeList``)."""
    if recorded is None:
        return ChangeList(start, end, instruments, known, sources)
    return RecordedChangeList(start, end, instruments, known, Record(recorded, instruments), sources)
