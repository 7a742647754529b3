"""``?format=csv`` for every list page: the same rows as the page, every page of them."""

from __future__ import annotations

import csv
import datetime
import itertools
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.http import StreamingHttpResponse

from policytrack.timeline import engine
from policytrack.timeline.models import Claim, StatusPeriod
from policytrack.timeline.wording import PHASE_LABELS


class _Echo:
    """A file-like object whose ``write`` returns the line, for a streamed CSV."""

    def write(self, value):
        return value


# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets: a title "=HYPERLINK(...)" would become a live link, or worse (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` as a CSV cell no spreadsheet runs: a leading quote, as OWASP advises, before
    anything that would start a formula. Every CSV we write goes through it (``_stream``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _stream(rows, filename):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _agencies(instrument):
    return "; ".join(agency.short_name or agency.name for agency in instrument.agencies.all())


def _span_cell(kind, claims):
    """"kind: first day to last day" when ``claims`` ((date, precision) pairs) dispute the
    event's date, else ""."""
    span = engine.claimed_span(engine.Claim(document="", date=day, published_on=datetime.date.min, rank=1,
                                            precision=precision) for day, precision in claims)
    return f"{kind}: {span.start.isoformat()} to {span.end.isoformat()}" if span else ""


def disputed_by_instrument(pks, on):
    """For the instruments ``pks``: their events dated by ``on`` whose sources dispute the date,
    as one CSV cell each ("rescission_announced: 2025-05-08 to 2025-06-11; …"); one query."""
    claims = defaultdict(list)
    kinds = {}
    rows = (Claim.objects.filter(event__instrument_id__in=pks, event__date__lte=on)
            .order_by("event__instrument_id", "event__date", "event__position", "event_id")
            .values_list("event__instrument_id", "event_id", "event__kind", "date", "precision"))
    for instrument_id, event_id, kind, day, precision in rows:
        kinds[event_id] = (instrument_id, kind)
        claims[event_id].append((day, precision))
    cells = defaultdict(list)
    for event_id, (instrument_id, kind) in kinds.items():
        if cell := _span_cell(kind, claims[event_id]):
            cells[instrument_id].append(cell)
    return {pk: "; ".join(found) for pk, found in cells.items()}


def _in_chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def instrument_csv(request, instruments, on, filename, since=False):
    """One row per instrument with its phase on ``on``, in the page's order, each linking to its
    page as of ``on``; with ``since``, the day it entered that phase (as /on/<date>/ shows it;
    empty when it has been in it from before its first event)."""
    if since:
        covering = StatusPeriod.objects.covering(on).filter(instrument=OuterRef("pk"))
        instruments = instruments.annotate(since_on=Subquery(covering.values("valid_from")[:1]))

    def rows():
        yield ["slug", "title", "short_title", "kind", "agencies", "rin", "on", "phase", "status",
               *(["since"] if since else []), "disputed", "url"]
        for chunk in _in_chunks(instruments.iterator(chunk_size=2000), 2000):
            disputed = disputed_by_instrument([instrument.pk for instrument in chunk], on)
            for instrument in chunk:
                phase = instrument.phase_on or ""
                began = getattr(instrument, "since_on", None)
                yield [instrument.slug, instrument.title, instrument.short_title, instrument.kind,
                       _agencies(instrument), instrument.rin, on.isoformat(), phase, PHASE_LABELS.get(phase, ""),
                       *([began.isoformat() if began and began != datetime.date.min else ""] if since else []),
                       disputed.get(instrument.pk, ""),
                       request.build_absolute_uri(f"{instrument.get_absolute_url()}?on={on.isoformat()}")]

    return _stream(rows(), filename)


def changes_csv(request, changes, filename, end=None):
    """One row per event in the window, with its instrument's phase before and after."""
    phases = {change.instrument.pk: change for change in changes.instruments}

    def rows():
        yield ["date", "precision", "instrument", "title", "event", "phase_before", "phase_after", "sources",
               "disputed", "url"]
        for event in changes.events:
            change = phases.get(event.instrument_id)
            sources = "; ".join(
                " ".join(filter(None, [claim.document.publisher or claim.document.title, claim.document.citation]))
                for claim in event.claims.all()
            )
            yield [event.date.isoformat(), event.precision, event.instrument.slug, event.instrument.title, event.kind,
                   change.before if change else "", change.after if change else "", sources,
                   _span_cell(event.kind, [(claim.date, claim.precision) for claim in event.claims.all()]),
                   request.build_absolute_uri(
                       f"{event.instrument.get_absolute_url()}?on={event.date.isoformat()}#event-{event.key}")]
        # Instruments whose phase changed without an event dated in the window (a delay moved it).
        for change in changes.instruments:
            if not change.events:
                yield ["", "", change.instrument.slug, change.instrument.title, "", change.before, change.after, "", "",
                       request.build_absolute_uri(change.instrument.get_absolute_url()
                                                  + (f"?on={end.isoformat()}" if end else ""))]

    return _stream(rows(), filename)


def compare_csv(request, comparison, filename):
    """One row per instrument whose phase on ``a`` differs from its phase on ``b``, in the page's
    order (the instruments read 2,000 at a time)."""
    from policytrack.timeline.models import Instrument

    def rows():
        yield ["slug", "title", "a", "phase_a", "b", "phase_b", "url"]
        for chunk in _in_chunks(comparison, 2000):
            found = Instrument.objects.in_bulk([pk for pk, _, _ in chunk])
            for pk, before, after in chunk:
                if instrument := found.get(pk):
                    yield [instrument.slug, instrument.title, comparison.a.isoformat(), before,
                           comparison.b.isoformat(), after,
                           request.build_absolute_uri(f"{instrument.get_absolute_url()}?on={comparison.b.isoformat()}")]

    return _stream(rows(), filename)
