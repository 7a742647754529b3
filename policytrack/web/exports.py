"""``?format=csv`` for every list page: the same rows as the page, every page of them."""

from __future__ import annotations

import csv
import datetime
import heapq
import io
import itertools
import operator
from collections import defaultdict

from django.db.models import FilteredRelation, OuterRef, Q, Subquery
from django.http import StreamingHttpResponse
from django.urls import reverse

from policytrack.times import times_suffix
from policytrack.timeline import engine
from policytrack.timeline.changes import ONE_DAY
from policytrack.timeline.recorded_changes import change_list
from policytrack.timeline.models import Agency, Claim, Event, Instrument, StatusPeriod
from policytrack.timeline.wording import PHASE_LABELS

from .paths import path_maker


# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets: a title "=HYPERLINK(...)" would become a live link, or worse (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` as a CSV cell no spreadsheet runs: a leading quote, as OWASP advises, before
    anything that would start a formula. Every CSV we write goes through it (``_lines``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _stream(rows, filename):
    response = StreamingHttpResponse(_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _lines(rows, block=1000):
    """The CSV's lines, ``block`` at a time (a write to the client per line cost more than the
    line), each cell made ``spreadsheet_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    lines = []
    for row in rows:
        line = row if row.__class__ is str else _plain_line(row)  # a row may come as its line
        if line is None:
            writer.writerow([spreadsheet_safe(cell) for cell in row])
            line = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        lines.append(line)
        if len(lines) == block:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def _plain_line(row):
    """The line ``csv.writer`` writes for ``row`` when no cell needs quoting or neutralising,
    else None: then the cells are text without a comma, quote or line break, none starting a
    formula, and the line is the cells joined by commas. Every comma in it then begins a cell,
    so a few searches of the whole line look at every cell's first character.

    Nearly every row is such a row; checking it so rather than cell by cell and writing it
    without the writer took 100,000 rows from 2.1 s to 0.6 s (PostgreSQL's rows, load 5 on two
    cores), most of what was left of the instrument CSV's time at 100,000 instruments."""
    try:
        line = ",".join(row)
    except TypeError:  # a cell that is not text (None, a number): the writer decides
        return None
    return line + "\r\n" if _plain(line, len(row)) else None


def _plain(line, width):
    """Whether ``line``, ``width`` cells of text joined by commas, is what ``csv.writer`` writes
    for them, none neutralised (``_plain_line``)."""
    return (
        width > 1  # a row of one empty cell is written '""'
        and line.count(",") == width - 1
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
        and not line.startswith(FORMULA_STARTS)
        and ",=" not in line
        and ",+" not in line
        and ",-" not in line
        and ",@" not in line
        and ",\t" not in line
    )


# Rows are read through a server-side cursor (PostgreSQL) CHUNK at a time, so that memory holds
# one chunk. What a row needs from other tables is joined to it, or read in one query for the
# whole export and kept by row (the disputed events; each instrument's agencies, one shared cell
# per set of agencies), never a query per chunk: a fixed number of queries, whatever the number
# of rows.
CHUNK = 2000


def _chunks(rows, size=None):
    size = size or CHUNK
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _span_cell(kind, claims):
    """ "kind: first day to last day" when ``claims`` ((date, precision) pairs) dispute the
    event's date, else ""."""
    if len(set(claims)) < 2:  # one source, or sources that say the same: no dispute (most events)
        return ""
    span = engine.dated_span(claims)
    return f"{kind}: {span[0].isoformat()} to {span[1].isoformat()}" if span else ""


def disputed_by_instrument(instruments, on, known=None):
    """For the ``instruments`` (a queryset): their events dated by ``on`` whose sources dispute
    the date, as one CSV cell each ("rescission_announced: 2025-05-08 to 2025-06-11; …"), for
    the instruments with such events only; one query. As known on ``known``: among the sources
    published by then, the events they date by ``on``.

    Only an event whose live claims disagree (``Event.claims_disagree``, stored by the rebuild)
    can be disputed, so only those events' claims are read, found by ``event_disagree_idx``: a
    twentieth of events, where finding them by comparing every claim in the query took 1.5 s of
    each export's 4 at 100,000 instruments."""
    claims = Claim.objects.filter(retracted_at__isnull=True, event__claims_disagree=True)
    if instruments.query.where:
        claims = claims.filter(event__instrument__in=instruments.order_by().values("pk"))
    if known is not None:
        return _disputed_as_known(claims, on, known)
    rows = (
        claims.filter(event__date__lte=on)
        .order_by("event__instrument_id", "event__date", "event__position", "event_id")
        .values_list("event__instrument_id", "event_id", "event__kind", "date", "precision")
    )
    # An event's claims are consecutive rows (ordered by event): grouped as they come.
    cells = defaultdict(list)
    for (instrument_id, _, kind), found in itertools.groupby(rows.iterator(chunk_size=CHUNK), key=_EVENT):
        if cell := _span_cell(kind, [(day, precision) for *_, day, precision in found]):
            cells[instrument_id].append(cell)
    return {pk: "; ".join(found) for pk, found in cells.items()}


_EVENT = operator.itemgetter(0, 1, 2)  # a claim row's instrument, event and kind


def _disputed_as_known(claims, on, known):
    """``disputed_by_instrument`` as known on ``known``: each event's claims published by then,
    the event dated by the best of them (``engine.best_date``, ``best_claim``'s date); one query.
    Only an event whose claims known then disagree is dated (the others have no dispute to show):
    building and ranking claims for every candidate took most of this export's Python."""
    # Claims that agree agree as known on any date (those published by then are some of them):
    # the events whose live claims disagree are the only candidates (``claims`` holds theirs).
    rows = (
        claims.filter(document__published_on__lte=known)
        .order_by("event__instrument_id", "event__position", "event_id")
        .values_list(
            "event__instrument_id",
            "event_id",
            "event__kind",
            "date",
            "precision",
            "document__published_on",
            "document__kind",
            "document__rank",
        )
    )
    found = []
    for (instrument_id, _, kind), claims in itertools.groupby(rows.iterator(chunk_size=CHUNK), key=_EVENT):
        claims = list(claims)
        dated = [(day, precision) for _, _, _, day, precision, _, _, _ in claims]
        if len(set(dated)) < 2:
            continue  # the sources known then agree: no dispute, whatever dates the event (most)
        dated_by = engine.best_date(
            (day, published_on, engine.rank_for(document_kind, rank))
            for _, _, _, day, _, published_on, document_kind, rank in claims
        )
        if dated_by <= on:
            found.append((dated_by, instrument_id, kind, dated))
    # By the date each is dated by, then instrument and kind (ties keep the events' order).
    found.sort(key=_EVENT)
    cells = defaultdict(list)
    for _, instrument_id, kind, dated in found:
        if cell := _span_cell(kind, dated):
            cells[instrument_id].append(cell)
    return {pk: "; ".join(cells[pk]) for pk in cells}


def agencies_by_instrument(instruments):
    """Each of the ``instruments``' (a queryset) agencies as its CSV cell, "BIS; Department of
    Commerce" (each agency's short name, else its name, in the order of their names, then keys),
    for the instruments with agencies; two queries, the instruments' links read by their index.

    Joined to the instruments' rows, the agencies made a row per agency that had to be sorted
    (125,000 rows for 100,000 instruments, most of the instrument CSVs' query); aggregated by a
    subquery per row, they took longer still (2.4 s against 0.9 at 100,000, load 2.5)."""
    # The agencies in the database's order of their names (its collation, as the pages list them).
    agencies = Agency.objects.order_by("name", "pk").values_list("pk", "name", "short_name")
    ranks, labels = {}, []
    for rank, (pk, name, short_name) in enumerate(agencies):
        ranks[pk] = rank
        labels.append(short_name or name)
    links = Instrument.agencies.through.objects.all()
    if instruments.query.where:
        links = links.filter(instrument__in=instruments.order_by().values("pk"))
    links = links.order_by("instrument_id").values_list("instrument_id", "agency_id")
    cells, joined = {}, {}  # a cell for each set of agencies, shared by the instruments it names
    for pk, found in itertools.groupby(links.iterator(chunk_size=CHUNK), key=operator.itemgetter(0)):
        named = tuple(sorted(ranks[agency] for _, agency in found))
        cell = joined.get(named)
        if cell is None:
            cell = joined[named] = "; ".join(labels[rank] for rank in named)
        cells[pk] = cell
    return cells


# The instrument CSVs' columns; "since" only in /on/<date>/'s.
CSV_HEADER = [
    "slug",
    "title",
    "short_title",
    "kind",
    "agencies",
    "rin",
    "on",
    "phase",
    "status",
    "since",
    "disputed",
    "url",
]


def instrument_csv(request, instruments, on, filename, since=False, known=None):
    """One row per instrument with its phase on ``on`` (read from the stored status periods by
    the queryset's ``phase_on``), in the page's order, each linking to its page as of ``on``; with
    ``since``, the day it entered that phase (as /on/<date>/ shows it; empty when it has been in
    it from before its first event), the queryset's ``phase_since``. With ``known`` (the
    queryset's phase read as known then: ``with_phase(on, since="phase_since", known=)``, as the
    instrument filters give it), the start of the phase and the disputes are those known then,
    and the links carry ``known``.

    The start of the phase is the covering period's own, joined with the phase: a subquery per
    row for it (and, through the periods' default order, a look-up of the instrument's title)
    took a third of the /on/ CSV's query."""
    # Each link is the instrument's path with its slug in place: what comes before and after it.
    before, after = reverse("web:instrument_detail", args=["__slug__"]).split("__slug__", 1)
    before = request.build_absolute_uri("/").rstrip("/") + before
    after += f"?on={on.isoformat()}" + (f"&known={known.isoformat()}" if known else "")
    fields = ["pk", "slug", "title", "short_title", "kind", "rin", "phase_on"]
    if since:
        fields.append("phase_since")
    width = 12 if since else 11

    def rows():
        yield CSV_HEADER if since else [name for name in CSV_HEADER if name != "since"]
        disputed = disputed_by_instrument(instruments, on, known)
        agencies = agencies_by_instrument(instruments)
        # Ties in a sort chosen on the page (``-title``) are broken by the key in the sort's
        # direction, as the index on (title, id) gave them before the key was needed here.
        order = list(instruments.query.order_by)
        tie = "-pk" if order and str(order[-1]).startswith("-") else "pk"
        listed = instruments.order_by(*order, tie).values_list(*fields)
        day = on.isoformat()
        began = ""
        # Each row written as its line when that is the writer's line (``_plain``: nearly every
        # row), else as its cells for the writer; the columns are text (NOT NULL) but the phase.
        for pk, slug, title, short_title, kind, rin, phase, *start in listed.iterator(chunk_size=CHUNK):
            phase = phase or ""
            if since:
                began = start[0].isoformat() + "," if start[0] and start[0] != datetime.date.min else ","
            cells = (
                f"{slug},{title},{short_title},{kind},{agencies.get(pk, '')},{rin},{day},{phase},"
                f"{PHASE_LABELS.get(phase, '')},{began}{disputed.get(pk, '')},{before}{slug}{after}"
            )
            if _plain(cells, width):
                yield cells + "\r\n"
            else:
                yield [
                    slug,
                    title,
                    short_title,
                    kind,
                    agencies.get(pk, ""),
                    rin,
                    day,
                    phase,
                    PHASE_LABELS.get(phase, ""),
                    *([began[:-1]] if since else []),
                    disputed.get(pk, ""),
                    f"{before}{slug}{after}",
                ]

    return _stream(rows(), filename)


CHANGES_COLUMNS = [
    "date",
    "precision",
    "instrument",
    "title",
    "event",
    "phase_before",
    "phase_after",
    "sources",
    "disputed",
    "url",
]


def changes_csv(request, start, end, instruments, filename, known=None, recorded=None):
    """One row per event dated ``start`` to ``end`` of the ``instruments``, by date, with its
    instrument's phase on the day before ``start`` and on ``end``; then a row per instrument
    whose phase changed with no event in the window (a delay moved it). As known on ``known``,
    the same rows from what was known then (``_changes_known_rows``). As recorded at
    ``recorded``, the instruments edited since as they held them then (``_held_change_rows``),
    merged by date and title with the others', read as without it. Rows link to the instruments'
    pages as known and recorded then."""
    also = times_suffix(known, recorded)
    listed = change_list(start, end, instruments, known, recorded, sources=True)
    if known is None:
        rows = _changes_rows(request, listed.now, also)
    else:
        rows = _changes_known_rows(request, listed.now, also)
    if recorded is not None:
        rows = heapq.merge(rows, _held_change_rows(request, listed, also), key=_change_row_order)
    return _stream(itertools.chain([CHANGES_COLUMNS], rows), filename)


def _change_row_order(row):
    """The rows of events by date and title, then those of instruments without one, by title."""
    return (not row[0], row[0], row[3])


def _changes_rows(request, listed, also):
    """The rows of ``changes_csv`` with every source known, of the instruments of ``listed`` (a
    ChangeList). Tuples, each event's sources joined to its row: Event instances with their
    claims prefetched took 1.3 s for a year at 10,000 instruments on SQLite, and reading each
    2,000 events' sources in a query of their own 0.14 s of 0.6 on PostgreSQL."""
    start, end, instruments = listed.start, listed.end, listed.instruments
    before = start - ONE_DAY
    events = Event.objects.between(start, end)
    if instruments.query.where:
        events = events.filter(instrument__in=instruments.order_by().values("pk"))
    # A row per source (a retracted claim is none), an event's rows kept together by its key.
    events = (
        events.annotate(
            phase_before=_phase_on(before),
            phase_after=_phase_on(end),
            source=FilteredRelation("claims", condition=Q(claims__retracted_at__isnull=True)),
        )
        .order_by("date", "instrument__title", "position", "pk", "source__position", "source__id")
        .values_list(
            "pk",
            "date",
            "precision",
            "instrument_id",
            "instrument__slug",
            "instrument__title",
            "kind",
            "phase_before",
            "phase_after",
            "key",
            "source__document__publisher",
            "source__document__title",
            "source__document__citation",
            "source__date",
            "source__precision",
        )
    )
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    base = request.build_absolute_uri("/").rstrip("/")
    with_events = set()
    for _, found in itertools.groupby(events.iterator(chunk_size=CHUNK), key=operator.itemgetter(0)):
        found = list(found)
        _, day, precision, instrument_id, slug, title, kind, phase_before, phase_after, key = found[0][:10]
        sources = [source[10:] for source in found if source[13] is not None]
        with_events.add(instrument_id)
        yield [
            day.isoformat(),
            precision,
            slug,
            title,
            kind,
            phase_before or "",
            phase_after or "",
            "; ".join(_source_name(publisher, named, citation) for publisher, named, citation, _, _ in sources),
            _span_cell(kind, [(said, said_precision) for *_, said, said_precision in sources]),
            f"{base}{instrument_path(slug)}?on={day.isoformat()}{also}#event-{key}",
        ]
    phases = listed.phases()
    for pk in listed.listed:
        if pk not in with_events:
            slug, title, before, after = phases[pk]
            yield [
                "",
                "",
                slug,
                title,
                "",
                before,
                after,
                "",
                "",
                f"{base}{instrument_path(slug)}?on={end.isoformat()}{also}",
            ]


def _changes_known_rows(request, listed, also):
    """The rows of ``changes_csv`` as known on a date, of ``listed`` (a ChangeList as known on
    it, with sources): the events known then whose date as known then is in the window
    (``changes.known_events_between``), by that date, each with its instrument's phases as known
    then and only the sources published by then; then the instruments whose phase as known then
    changed with no such event."""
    # Each event's key and sources come with its date (one query of the candidates, where
    # reading names and sources again took two more of 1.5 s each at 100,000 instruments), its
    # instrument's slug with the phases.
    dates = listed.known_events
    phases = listed.phases()
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    base = request.build_absolute_uri("/").rstrip("/")
    ordered = sorted(dates, key=lambda pk: (dates[pk].date, dates[pk].title, dates[pk].position, pk))
    for pk in ordered:
        found = dates[pk]
        slug, _, before, after = phases[found.instrument_id]
        yield [
            found.date.isoformat(),
            found.precision,
            slug,
            found.title,
            found.kind,
            before or "",
            after or "",
            "; ".join(_source_name(publisher, named, citation) for publisher, named, citation, _, _ in found.sources),
            _span_cell(found.kind, [(said, precision) for *_, said, precision in found.sources]),
            f"{base}{instrument_path(slug)}?on={found.date.isoformat()}{also}#event-{found.key}",
        ]
    with_events = {found.instrument_id for found in dates.values()}
    for pk in listed.listed:
        if pk not in with_events:
            slug, title, before, after = phases[pk]
            yield [
                "",
                "",
                slug,
                title,
                "",
                before,
                after,
                "",
                "",
                f"{base}{instrument_path(slug)}?on={listed.end.isoformat()}{also}",
            ]


def _held_change_rows(request, listed, also):
    """The rows of ``changes_csv`` of the instruments edited since the moment asked, as they held
    them then (``RecordedChangeList.held``), in the order of ``_change_row_order``."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    base = request.build_absolute_uri("/").rstrip("/")
    changes = sorted(listed.held.values(), key=lambda change: (change.instrument.title, change.instrument.pk))
    events = sorted(
        ((event, change) for change in changes for event in change.events),
        key=lambda pair: (pair[0].date, pair[1].instrument.title, pair[0].position),
    )
    for event, change in events:
        slug = change.instrument.slug
        yield [
            event.date.isoformat(),
            event.precision,
            slug,
            change.instrument.title,
            event.kind,
            change.before,
            change.after,
            "; ".join(_source_name(c.document.publisher, c.document.title, c.document.citation) for c in event.claims),
            _span_cell(event.kind, [(claim.date, claim.precision) for claim in event.claims]),
            f"{base}{instrument_path(slug)}?on={event.date.isoformat()}{also}#event-{event.key}",
        ]
    for change in changes:
        if not change.events:
            slug, title = change.instrument.slug, change.instrument.title
            url = f"{base}{instrument_path(slug)}?on={listed.end.isoformat()}{also}"
            yield ["", "", slug, title, "", change.before, change.after, "", "", url]


def _source_name(publisher, title, citation):
    """A source as the CSVs name it: "Federal Register 90 FR 4544"."""
    return " ".join(filter(None, [publisher or title, citation]))


def _phase_on(day):
    """The phase of the row's instrument on ``day``, from its stored status periods."""
    return Subquery(
        StatusPeriod.objects.filter(instrument_id=OuterRef("instrument_id")).covering(day).values("phase")[:1]
    )


def _compared_rows(comparison, header, row):
    """``header``, then ``row(slug, title, first phase, second phase)`` for each instrument of
    ``comparison`` in its order (the instruments read 2,000 at a time), named as it names them."""
    yield header
    for chunk in _chunks(comparison, CHUNK):
        found = comparison.names([pk for pk, _, _ in chunk])
        for pk, before, after in chunk:
            if pk in found:
                slug, title, _ = found[pk]
                yield row(slug, title, before, after)


def compare_csv(request, comparison, filename):
    """One row per instrument whose phase on ``a`` differs from its phase on ``b``, in the page's
    order. As known on a date, the links carry it; as recorded at a moment, each instrument's
    slug and title are its edit history's then, and the links open its page as recorded then."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    a, b = comparison.a.isoformat(), comparison.b.isoformat()

    def row(slug, title, before, after):
        url = request.build_absolute_uri(f"{instrument_path(slug)}{comparison.row_query}")
        return [slug, title, a, before, b, after, url]

    return _stream(_compared_rows(comparison, ["slug", "title", "a", "phase_a", "b", "phase_b", "url"], row), filename)


def learned_csv(request, comparison, filename):
    """One row per instrument whose phase on ``on`` as known on ``known_a`` differs from its phase
    on it as known on ``known_b``, in the page's order ("not_yet_public" where nothing about it
    had been published by then): ``url`` opens its page on ``on`` as known on ``known_b``,
    ``compare_url`` its own comparison of the two knowledge dates."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    compare_path = path_maker("web:instrument_compare", "__slug__")
    on, known_a, known_b = (day.isoformat() for day in (comparison.on, comparison.known_a, comparison.known_b))

    def row(slug, title, before, after):
        url = request.build_absolute_uri(f"{instrument_path(slug)}{comparison.row_query}")
        compare_url = request.build_absolute_uri(f"{compare_path(slug)}{comparison.compare_query}")
        return [slug, title, on, known_a, before, known_b, after, url, compare_url]

    header = ["slug", "title", "on", "known_a", "phase_a", "known_b", "phase_b", "url", "compare_url"]
    return _stream(_compared_rows(comparison, header, row), filename)
