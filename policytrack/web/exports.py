"""``?format=csv`` for every list page: the same rows as the page, every page of them."""

from __future__ import annotations

import csv

from django.db.models import OuterRef, Subquery
from django.http import StreamingHttpResponse

from policytrack.timeline.changes import ONE_DAY, ChangeList
from policytrack.timeline.models import Event, Instrument, StatusPeriod
from policytrack.timeline.wording import PHASE_LABELS

from .paths import path_maker


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


# Rows are read and written a chunk at a time, each chunk's agencies and sources in one query:
# a fixed number of queries per chunk, whatever the number of rows, and memory for one chunk.
CHUNK = 2000


def _chunks(rows, size=CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _agency_names(instrument_ids):
    """Each instrument's agencies, by name, as one cell ("BIS; DOC"): one query for a chunk."""
    names = {}
    links = Instrument.agencies.through.objects.filter(instrument_id__in=instrument_ids)
    for instrument_id, name, short_name in links.order_by("agency__name", "agency_id").values_list(
            "instrument_id", "agency__name", "agency__short_name"):
        names.setdefault(instrument_id, []).append(short_name or name)
    return {pk: "; ".join(found) for pk, found in names.items()}


def instrument_csv(request, instruments, on, filename):
    """One row per instrument with its phase on ``on`` (read from the stored status periods by
    the queryset's ``phase_on``), in the page's order."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    base = request.build_absolute_uri("/").rstrip("/")

    def rows():
        yield ["slug", "title", "short_title", "kind", "agencies", "rin", "on", "phase", "status", "url"]
        fields = ("pk", "slug", "title", "short_title", "kind", "rin", "phase_on")
        for chunk in _chunks(instruments.values_list(*fields).iterator(chunk_size=CHUNK)):
            agencies = _agency_names([row[0] for row in chunk])
            for pk, slug, title, short_title, kind, rin, phase in chunk:
                phase = phase or ""
                yield [slug, title, short_title, kind, agencies.get(pk, ""), rin, on.isoformat(), phase,
                       PHASE_LABELS.get(phase, ""), base + instrument_path(slug)]

    return _stream(rows(), filename)


def changes_csv(request, start, end, instruments, filename):
    """One row per event dated ``start`` to ``end`` of the ``instruments`` (None: all), by date,
    with its instrument's phase on the day before ``start`` and on ``end`` (read from the stored
    status periods); then a row per instrument whose phase changed with no event in the window
    (a delay moved it)."""
    before = start - ONE_DAY
    instruments = Instrument.objects.all() if instruments is None else instruments
    events = Event.objects.between(start, end)
    if instruments.query.where:
        events = events.filter(instrument__in=instruments.order_by().values("pk"))
    events = (events.select_related("instrument").with_sources()
              .annotate(phase_before=_phase_on(before), phase_after=_phase_on(end))
              .order_by("date", "instrument__title", "position", "pk"))

    def rows():
        yield ["date", "precision", "instrument", "title", "event", "phase_before", "phase_after", "sources", "url"]
        with_events = set()
        for event in events.iterator(chunk_size=CHUNK):
            with_events.add(event.instrument_id)
            sources = "; ".join(
                " ".join(filter(None, [claim.document.publisher or claim.document.title, claim.document.citation]))
                for claim in event.claims.all()
            )
            yield [event.date.isoformat(), event.precision, event.instrument.slug, event.instrument.title, event.kind,
                   event.phase_before or "", event.phase_after or "", sources,
                   request.build_absolute_uri(f"{event.instrument.get_absolute_url()}#event-{event.key}")]
        listed = ChangeList(start, end, instruments)
        quiet = [pk for pk in listed.listed if pk not in with_events]
        for chunk in _chunks(quiet, 500):
            for change in listed.read(chunk):
                yield ["", "", change.instrument.slug, change.instrument.title, "", change.before, change.after, "",
                       request.build_absolute_uri(change.instrument.get_absolute_url())]

    return _stream(rows(), filename)


def _phase_on(day):
    """The phase of the row's instrument on ``day``, from its stored status periods."""
    return Subquery(StatusPeriod.objects.filter(instrument_id=OuterRef("instrument_id"))
                    .covering(day).values("phase")[:1])
