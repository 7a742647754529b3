"""The dates coming up (``changes.upcoming_dates``) as plain attributes rather than model
instances: a whole calendar reads thousands of events with their instruments, claims and
documents, and building those instances was a third of its time at 100,000 instruments."""

from __future__ import annotations

from types import SimpleNamespace

from .models import Document, Instrument


class DueRow(SimpleNamespace):
    """An instrument, event, claim or document of ``upcoming_dates`` as plain attributes, with the
    model's own ``__str__``, address and rank where those are read."""


class DueInstrument(DueRow):
    __str__ = Instrument.__str__
    get_absolute_url = Instrument.get_absolute_url


class DueDocument(DueRow):
    effective_rank = Document.effective_rank


EVENT_FIELDS = (
    "pk",
    "instrument_id",
    "instrument__slug",
    "instrument__title",
    "instrument__short_title",
    "key",
    "kind",
    "date",
    "precision",
    "note",
)
CLAIM_FIELDS = (
    "pk",
    "position",
    "date",
    "precision",
    "retracted_at",
    "document__kind",
    "document__rank",
    "document__publisher",
    "document__citation",
    "document__title",
    "document__published_on",
    "document__url",
)


def event(values):
    pk, instrument_id, slug, title, short_title, key, kind, day, precision, note = values
    instrument = DueInstrument(pk=instrument_id, id=instrument_id, slug=slug, title=title, short_title=short_title)
    return DueRow(
        pk=pk,
        id=pk,
        instrument_id=instrument_id,
        instrument=instrument,
        key=key,
        kind=kind,
        date=day,
        precision=precision,
        note=note,
    )


def claim(values):
    pk, position, day, precision, retracted_at, kind, rank, publisher, citation, title, published_on, url = values
    document = DueDocument(
        kind=kind, rank=rank, publisher=publisher, citation=citation, title=title, published_on=published_on, url=url
    )
    return DueRow(
        pk=pk, id=pk, position=position, date=day, precision=precision, retracted_at=retracted_at, document=document
    )
