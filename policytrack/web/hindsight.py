"""Keeping hindsight off an instrument's page: with ``known=K`` it shows only what the public
could know on K — an editor's words as this tracker had recorded them by the end of K, the
related instruments a source published by K is about, the Federal Register documents published
by K — and says what it hides."""

from __future__ import annotations

import datetime

from django.db.models import Min

from policytrack.timeline.models import Document, Event, Instrument


def knowledge_moment(known, recorded=None):
    """The record-time moment whose editor's text a page as known on ``known`` may show: the end
    of that day (UTC, as the page's moments are), or ``recorded`` if earlier; None without
    ``known`` (everything recorded, up to ``recorded``)."""
    if known is None:
        return None
    end_of_day = datetime.datetime.combine(known, datetime.time.max, tzinfo=datetime.timezone.utc)
    return min(end_of_day, recorded) if recorded is not None else end_of_day


def editors_text(instrument, notes, moment):
    """The summary and the events' notes a page may show as known at ``moment``
    (``knowledge_moment``), given the ones it would show otherwise: ``(summary, summary_hidden,
    notes, hidden_notes)`` — the summary and notes as recorded by then, whether a later summary
    is hidden, and the keys of the events whose later note is hidden."""
    if moment is None:
        return instrument.summary, False, notes, set()
    summary = summary_as_recorded(instrument.pk, moment)
    as_known = notes_as_recorded(instrument.pk, moment)
    hidden = {key for key, note in notes.items() if note and as_known.get(key, "") != note}
    return (
        summary,
        bool(instrument.summary) and summary != instrument.summary,
        {key: as_known.get(key, "") for key in notes},
        hidden,
    )


def summary_as_recorded(instrument_id, moment):
    """The instrument's summary as recorded at ``moment`` ("" if it had none, or did not exist).
    Read from the history rows directly, latest by (moment, row id): two records made in one
    instant (an import and an edit) are then told apart, which ``as_of`` leaves to chance."""
    latest = (
        Instrument.history.filter(id=instrument_id, history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values_list("history_type", "summary")
        .first()
    )
    return latest[1] if latest and latest[0] != "-" else ""


def notes_as_recorded(instrument_id, moment):
    """Each event's note by key as recorded at ``moment`` (events not then recorded, or deleted,
    are left out): one query of the events' history rows, the latest of each winning."""
    latest = _latest_notes(Event.history.filter(instrument_id=instrument_id, history_date__lte=moment))
    return {key: note for change, key, note in latest.values() if change != "-"}


def notes_as_known(events, known, recorded=None):
    """Give each of ``events`` (Event rows, of any instruments: a list, a feed) the note this
    tracker had recorded for it by the end of ``known`` (``knowledge_moment``), or by
    ``recorded`` if earlier: "" if none then. One query; without either the notes are left as
    they are."""
    if (known is None and recorded is None) or not events:
        return events
    moment = knowledge_moment(known, recorded) or recorded
    latest = _latest_notes(Event.history.filter(id__in=[event.pk for event in events], history_date__lte=moment))
    for event in events:
        change, _, note = latest.get(event.pk, ("-", "", ""))
        event.note = note if change != "-" else ""
    return events


def _latest_notes(history):
    """Each event's latest history row of ``history``, by (moment, row id): id → (change type,
    key, note)."""
    rows = history.order_by("id", "history_date", "history_id").values_list("id", "history_type", "key", "note")
    return {pk: (change, key, note) for pk, change, key, note in rows}


def known_relations(relations, known):
    """``relations`` ((label, other instrument) pairs) left to those whose other instrument some
    source published by ``known`` is about: one query for all of them."""
    if known is None or not relations:
        return relations
    first = dict(
        Instrument.objects.filter(pk__in=[other.pk for _, other in relations])
        .annotate(first=Min("events__claims__document__published_on"))
        .values_list("pk", "first")
    )
    return [(label, other) for label, other in relations if first.get(other.pk) and first[other.pk] <= known]


def fr_documents(instrument, known=None):
    """(citation, document number) of the Federal Register documents its events cite, oldest
    first, only those published by ``known`` if given."""
    documents = Document.objects.filter(kind=Document.Kind.FEDERAL_REGISTER, claims__event__instrument=instrument)
    if known is not None:
        documents = documents.filter(published_on__lte=known)
    rows = documents.exclude(citation="").order_by("published_on", "pk").values_list("citation", "fr_document_number")
    return list(dict.fromkeys(rows))
