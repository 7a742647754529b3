"""The list CSVs as recorded at a moment (``recorded=T``): /on/<date>/'s and /instruments/'s,
the same rows as their pages as recorded then, each with the disputes its sources held then."""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Q

from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Event, Instrument
from policytrack.timeline.recorded import held_rows
from policytrack.timeline.wording import PHASE_LABELS

from .exports import CSV_HEADER, _span_cell, _stream, agencies_by_instrument, disputed_by_instrument
from .paths import path_maker


def moment_in_name(moment):
    """``-as-recorded-at-2025-06-01T10-00-00Z``: a file name's words for ``moment`` (in UTC, no
    colons, which some systems refuse in a file name; its microseconds when it has any)."""
    moment = moment.astimezone(datetime.timezone.utc)
    return f"-as-recorded-at-{moment:%Y-%m-%dT%H-%M-%S}" + (f".{moment:%f}" if moment.microsecond else "") + "Z"


def without_record(moment):
    """The instruments with no historical record by ``moment``: written without edit history
    (``generate_synthetic``'s bulk writes) and not saved since, which the lists read as they
    are now — their agencies and their disputes too."""
    return Instrument.objects.filter(
        ~Exists(Instrument.history.filter(id=OuterRef("pk"), history_date__lte=moment).values("pk"))
    )


def disputed_as_recorded(moment, on, known=None):
    """``exports.disputed_by_instrument`` from the sources as this tracker held them at
    ``moment``: each claim, event and document as its latest historical record by then said
    (a claim retracted, or a document or event deleted, by then no longer counts), as
    ``recorded.snapshot`` reads one instrument — for every instrument at once, in three queries.

    Only an event whose claims held then give two different (date, precision) can be disputed.
    Its claims either are those it has now, unchanged since (then they disagree now too:
    ``Event.claims_disagree``), or one of them has a record written after ``moment``. Only those
    events' claims, events and documents are read from the history: reading every claim held
    then took 2.7 s at 10,000 instruments with a full history on SQLite, those 0.5 s."""
    changed = Claim.history.filter(history_date__gt=moment).values("id")
    candidates = Q(event_id__in=Event.objects.filter(claims_disagree=True).values("pk")) | Q(
        event_id__in=Claim.history.filter(id__in=changed).values("event_id")
    )
    claims = Claim.history.as_of(moment).filter(candidates, retracted_at__isnull=True)
    events = {
        pk: rest
        for pk, *rest in Event.history.as_of(moment)
        .filter(id__in=claims.values("event_id"))
        .values_list("id", "instrument_id", "kind", "date", "position")
    }
    documents = {
        pk: rest
        for pk, *rest in Document.history.as_of(moment)
        .filter(id__in=claims.values("document_id"))
        .values_list("id", "published_on", "kind", "rank")
    }
    sourced = defaultdict(list)  # event id -> (date, precision, published on, document kind, rank)
    for event_id, document_id, day, precision in claims.values_list("event_id", "document_id", "date", "precision"):
        document = documents.get(document_id)
        if document is not None and event_id in events and (known is None or document[0] <= known):
            sourced[event_id].append((day, precision, *document))
    found = []  # (the order within an instrument, instrument id, kind, (date, precision) pairs)
    for event_id, said in sourced.items():
        instrument_id, kind, day, position = events[event_id]
        dated = [(claimed, precision) for claimed, precision, *_ in said]
        if len(set(dated)) < 2:
            continue  # the sources held then (known then) agree
        if known is None:  # dated by the event's own date then, in the events' order
            if day <= on:
                found.append(((day, position, event_id), instrument_id, kind, dated))
            continue
        # As known on K, dated by the best of the sources known then, and ordered by that date
        # and the kind, ties in the events' order (``exports._disputed_as_known``).
        dated_by = engine.best_date(
            (claimed, published_on, engine.rank_for(document_kind, rank))
            for claimed, _, published_on, document_kind, rank in said
        )
        if dated_by <= on:
            found.append(((dated_by, kind, position, event_id), instrument_id, kind, dated))
    found.sort(key=lambda item: (item[1], item[0]))
    cells = defaultdict(list)
    for _, instrument_id, kind, dated in found:
        if cell := _span_cell(kind, dated):
            cells[instrument_id].append(cell)
    return {pk: "; ".join(found) for pk, found in cells.items()}


def recorded_csv(request, rows, listed, on, known, moment, filename, since=False, titles_held=False):
    """The CSV of a list as recorded at ``moment``, with ``instrument_csv``'s columns: ``rows``
    are (id, phase, the day the phase began, the title the stored rows held then, and the
    instrument's slug, short title, kind and RIN now), in the page's order; ``listed`` the query
    of their ids. Each row's slug, short title, kind, RIN and agencies are its record's then
    (with ``titles_held``, its title too, as /instruments/ shows it; else the stored rows', as
    /on/<date>/ does), its disputes those of the sources held then; an instrument with no
    record then is as it is now, its disputes too. Links open each instrument's page as
    recorded then, under the slug it had. A fixed number of queries."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    base = request.build_absolute_uri("/").rstrip("/")
    query = f"?on={on.isoformat()}" + (f"&known={known.isoformat()}" if known else "")
    query += f"&recorded={quote(moment.isoformat())}"
    day = on.isoformat()

    def lines():
        yield CSV_HEADER if since else [name for name in CSV_HEADER if name != "since"]
        # Each listed instrument's record current then, read at once (``held_record`` per row
        # took three times as long: 0.45 against 0.15 s at 10,000 instruments on SQLite).
        held = held_rows(Instrument.history.as_of(moment).filter(id__in=listed).values("history_id"), moment)
        disputed = disputed_as_recorded(moment, on, known)
        unheld = without_record(moment)
        agencies_now, disputed_now = agencies_by_instrument(unheld), disputed_by_instrument(unheld, on, known)
        for pk, phase, began, title, slug, short_title, kind, rin in rows:
            if pk in held:
                slug, held_title, short_title, kind, rin, agencies = held[pk]
                title = held_title if titles_held else title
                agencies, disputes = "; ".join(short or name for _, name, short in agencies), disputed.get(pk, "")
            else:
                agencies, disputes = agencies_now.get(pk, ""), disputed_now.get(pk, "")
            began = [began.isoformat() if began and began != datetime.date.min else ""] if since else []
            yield [
                slug,
                title,
                short_title,
                kind,
                agencies,
                rin,
                day,
                phase or "",
                PHASE_LABELS.get(phase, ""),
                *began,
                disputes,
                f"{base}{instrument_path(slug)}{query}",
            ]

    return _stream(lines(), filename)
