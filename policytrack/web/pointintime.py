"""Everything as it stood on one date, and what changed between two dates."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Subquery, Value, When
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.throttling import exporting, rate_limited, searching
from policytrack.times import WINDOW_NOT_ON, recorded_moment, times_suffix
from policytrack.timeline import engine
from policytrack.timeline.changes import ONE_DAY, Changes
from policytrack.timeline.recorded_changes import change_list
from policytrack.timeline.dates import BadDate, check_window, parse_date
from policytrack.timeline.filters import InstrumentFilter, error_messages
from policytrack.timeline.models import (
    END_OF_TIME,
    LISTING_RANK,
    Event,
    Instrument,
    KnownPeriod,
    StatusPeriod,
    counted_claims,
)
from policytrack.timeline.periods import phase_counts_known
from policytrack.timeline.recorded import rows_held_at
from policytrack.timeline.wording import PHASE_LABELS, human_date

from . import exports
from .labels import event_labels, held_event_labels, label_of
from .instruments import PAGE_SIZE, as_rows, filter_choices, filtered_instruments, listed_instruments
from .paths import path_maker
from .recorded_exports import moment_in_name, recorded_csv
from .views import bad_request, optional_date, phase_counts, query_without_blanks

DEFAULT_WINDOW = datetime.timedelta(days=30)


def _listed_page(request, on, selection, count):
    """The page asked for of ``selection`` (the instruments the filters leave; None: all), by
    phase (``LISTING_ORDER``) then title, each with ``phase_on`` and ``since``, and the nearest
    dates before and after ``on`` on which some listed instrument's status changes:
    ``(page, previous, next)``.

    The page's fifty rows — id, rank (which names the phase) and start of the covering period —
    are read in order from the index on the periods covering ``on``, each with the two
    neighbouring dates (subqueries that do not depend on the row, so the database works them
    out once, each a walk of the index on valid_from that stops at its first row: one round
    trip rather than three); then only those fifty instruments, by primary key, with their
    agencies."""
    periods = StatusPeriod.objects.all()
    if selection is not None:
        periods = periods.filter(instrument__in=selection.values("pk"))
    starts = periods.filter(valid_from__gt=datetime.date.min).values("valid_from")
    listing = (
        periods.covering(on)
        .listed()
        .annotate(
            previous=Subquery(starts.filter(valid_from__lt=on).order_by("-valid_from")[:1]),
            following=Subquery(starts.filter(valid_from__gt=on).order_by("valid_from")[:1]),
        )
    )
    paginator = Paginator(
        listing.values_list("instrument_id", "listing_rank", "valid_from", "previous", "following"), PAGE_SIZE
    )
    paginator.count = count  # already counted, by phase
    page = paginator.get_page(request.GET.get("page"))
    listed = list(page.object_list)
    found = listed_instruments([pk for pk, *_ in listed])
    phases = {rank: phase for phase, rank in LISTING_RANK.items()}
    page.object_list = []
    for pk, rank, since, _, _ in listed:
        if row := found.get(pk):
            row.phase_on = phases[rank]
            row.since = None if since == datetime.date.min else since
            page.object_list.append(row)
    page.object_list = as_rows(page.object_list, on, read_agencies=False)
    previous, following = listed[0][3:] if listed else (None, None)
    return page, previous, following


def _known_rows(request, on, known, filterset, recorded):
    """The rows over knowledge time of the instruments the filters leave (the phase filter
    aside), and of those the rows covering (on, known) as recorded at ``recorded``, the phase
    filter applied: ``(rows, covering, whether any filter narrows)``. The page and its CSV as
    recorded list ``covering``."""
    phases = filterset.form.cleaned_data.get("phase") or []
    data = query_without_blanks(request.GET)
    data.pop("phase", None)
    unphased = InstrumentFilter(data, queryset=Instrument.objects.order_by("title", "pk"))
    rows = KnownPeriod.objects.all()
    if unphased.narrows:
        rows = rows.filter(instrument__in=unphased.qs.values("pk"))
    covering = rows.covering(on, known, recorded)
    if phases:
        covering = covering.filter(phase__in=phases)
    return rows, covering, unphased.narrows or bool(phases)


def _known_listing(request, on, known, filterset, recorded=None):
    """The page of the instruments the filters leave as they stood on ``on`` as known on
    ``known`` (None: every source) as recorded at ``recorded`` (None: now), read from the rows
    over knowledge time: ``(counts, page, previous, next)``, counts as (phase, count) in the
    engine's order. The phase filter is applied to those rows, not to the status with every
    source known that the filter set reads; the other filters to the instruments as they are
    now. As recorded at a moment, each row shows the title the rows held then, and the slug,
    kind and agencies of its edit history then (its link opens its page as recorded then, under
    the slug it had: today's may not have existed)."""
    rows, covering, narrowed = _known_rows(request, on, known, filterset, recorded)
    if not narrowed and recorded is None:
        found = phase_counts_known(on, known)
    else:
        found = dict(covering.order_by().values_list("phase").annotate(n=Count("pk")))
    counts = [(phase, found[phase]) for phase in engine.PHASES if phase in found]
    # The nearest dates on which a listed instrument's status changes, as known on ``known``.
    starts = rows.as_recorded(recorded).filter(valid_from__gt=datetime.date.min)
    starts = (
        starts.filter(known_to=END_OF_TIME)
        if known is None
        else starts.filter(known_from__lte=known, known_to__gt=known)
    )
    previous = starts.filter(valid_from__lt=on).order_by("-valid_from").values_list("valid_from", flat=True).first()
    following = starts.filter(valid_from__gt=on).order_by("valid_from").values_list("valid_from", flat=True).first()
    paginator = Paginator(
        covering.listed().values_list("instrument_id", "listing_rank", "valid_from", "title"), PAGE_SIZE
    )
    paginator.count = sum(count for _, count in counts)
    page = paginator.get_page(request.GET.get("page"))
    listed = list(page.object_list)
    found_rows = listed_instruments([pk for pk, *_ in listed])
    by_rank = {rank: phase for phase, rank in LISTING_RANK.items()}
    page.object_list = []
    held = {} if recorded is None else rows_held_at([pk for pk, *_ in listed], recorded)
    for pk, rank, since, title in listed:
        if row := found_rows.get(pk):
            row.phase_on, row.since = by_rank[rank], None if since == datetime.date.min else since
            if recorded is not None:
                row.title = title
            if pk in held:
                row.slug, _, row.short_title, row.kind, _, row.agency_names = held[pk]
            page.object_list.append(row)
    page.object_list = as_rows(page.object_list, on, read_agencies=False, known=known, recorded=recorded)
    return counts, page, previous, following


@rate_limited("export", when=exporting)
@rate_limited("search", when=searching)
@require_safe
def on_date(request, date):
    try:
        on = parse_date(date, "the date in the address")
        known = optional_date(request, "known")
        recorded = recorded_moment(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = filtered_instruments(request, on=on.isoformat())
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    name = f"status-on-{on.isoformat()}" + (f"-as-known-on-{known.isoformat()}" if known else "")
    if recorded is not None and request.GET.get("format") == "csv":
        _, covering, _ = _known_rows(request, on, known, filterset, recorded)
        return recorded_csv(
            request,
            covering.listed()
            .values_list(
                "instrument_id",
                "phase",
                "valid_from",
                "title",
                "instrument__slug",
                "instrument__short_title",
                "instrument__kind",
                "instrument__rin",
            )
            .iterator(chunk_size=exports.CHUNK),
            covering.order_by().values("instrument_id"),
            on,
            known,
            recorded,
            f"{name}{moment_in_name(recorded)}.csv",
            since=True,
        )
    if (known is not None or recorded is not None) and request.GET.get("format") != "csv":
        counts, page, previous, following = _known_listing(request, on, known, filterset, recorded)
        return render(
            request,
            "timeline/on_date.html",
            {
                "on": on,
                "known": known,
                "recorded": recorded,
                "filtered": filterset.narrows,
                "page": page,
                "previous": previous,
                "next": following,
                "counts": [(phase, PHASE_LABELS[phase], count) for phase, count in counts],
                "values": filterset.form.cleaned_data,
                "labels": PHASE_LABELS,
                "today": timezone.localdate(),
                **filter_choices(filterset.form.cleaned_data),
            },
        )
    if request.GET.get("format") == "csv":
        rank = Case(
            *[When(phase_on=phase, then=Value(n)) for phase, n in LISTING_RANK.items()],
            default=Value(len(LISTING_RANK)),
            output_field=IntegerField(),
        )
        instruments = filterset.qs.annotate(rank=rank).order_by("rank", "title", "pk")
        return exports.instrument_csv(request, instruments, on, f"{name}.csv", since=True, known=known)
    # The instruments the filters leave, or None for all of them (without building the query).
    selection = filterset.qs if filterset.narrows else None
    counts = phase_counts(on, selection)
    page, previous, following = _listed_page(request, on, selection, sum(count for _, count in counts))
    context = {
        "on": on,
        "page": page,
        "previous": previous,
        "next": following,
        "counts": [(phase, PHASE_LABELS[phase], count) for phase, count in counts],
        "values": filterset.form.cleaned_data,
        "labels": PHASE_LABELS,
        "today": timezone.localdate(),
        **filter_choices(filterset.form.cleaned_data),
    }
    return render(request, "timeline/on_date.html", context)


class DatedEvent(NamedTuple):
    """An event as a page of changes shows it (see the ``change_sections`` tag)."""

    iso_date: str
    when: str  # its date in words, as precise as it is known
    link: str  # its row on its instrument's timeline, as on its date
    kind_label: str
    sources: list  # (address, name, the date this source gives where it differs), in file order


def _with_events(items, listed, recorded=None):
    """Give each instrument of a page of changes (``listed``, a ``ChangeList``) its ``link`` and
    its ``events`` dated in the window, by date, as ``DatedEvent`` — read in one query of tuples,
    the events left-joined to their claims and documents. Event instances with their claims and
    documents prefetched (three queries) took 9 ms of the page's 30 at 100,000 instruments, of
    which 2 in the database; working out each value from the models' methods in the template,
    45 ms.

    As known on a date: the events known then (``listed.known_events``), each dated as known
    then, with only the sources published by then. As recorded at ``recorded``
    (``RecordedChangeList``): those of the instruments edited since as they held them then.
    Links carry both times."""
    start, end, known = listed.start, listed.end, listed.known
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    document_path = path_maker("web:document_detail", 2**31 - 1)
    also = times_suffix(known, recorded)
    held = listed.held
    paths = {}
    for item in items:
        paths[item.instrument.pk] = path = instrument_path(item.instrument.slug)
        item.link = f"{path}?on={end.isoformat()}{also}"
    held_labels = held_event_labels(change.instrument for change in held.values())
    for item in items:
        events = item.events if item.instrument.pk in held else []
        item.events = [_held_event(event, paths, also, held_labels, document_path) for event in events]
    mine = {pk for pk in paths if pk not in held}
    by_instrument = {item.instrument.pk: item.events for item in items}
    if known is None:
        events = Event.objects.between(start, end).filter(instrument_id__in=list(mine))
    else:
        known_events = listed.now.known_events
        events = Event.objects.filter(pk__in=[pk for pk, found in known_events.items() if found.instrument_id in mine])
    rows = (
        events.annotate(counted=counted_claims())
        .order_by("instrument_id", "date", "position", "pk", "counted__position", "counted__pk")
        .values_list(
            "instrument_id",
            "pk",
            "key",
            "kind",
            "date",
            "precision",
            "counted__date",
            "counted__precision",
            "counted__document_id",
            "counted__document__title",
            "counted__document__publisher",
            "counted__document__citation",
            "counted__document__published_on",
        )
    )
    rows = list(rows)
    if known is not None:  # each dated as known then (a stable sort keeps the file order of a day)
        rows = [(*row[:4], known_events[row[1]].date, known_events[row[1]].precision, *row[6:]) for row in rows]
        rows.sort(key=lambda row: (row[0], row[4]))
    labels = event_labels({(row[0], row[3]) for row in rows})  # "second compliance date"
    event_pk = None
    for (
        instrument_id,
        pk,
        key,
        kind,
        day,
        precision,
        says,
        says_precision,
        document_id,
        title,
        publisher,
        citation,
        published_on,
    ) in rows:
        if pk != event_pk:
            event_pk, iso_date = pk, day.isoformat()
            event = DatedEvent(
                iso_date,
                human_date(day, precision),
                f"{paths[instrument_id]}?on={iso_date}{also}#event-{key}",
                capfirst(label_of(labels, instrument_id, key, kind)),
                [],
            )
            by_instrument[instrument_id].append(event)
        if document_id is not None and (known is None or published_on <= known):
            event.sources.append(
                (
                    document_path(document_id),
                    (publisher or title) + (f" ({citation})" if citation else ""),
                    human_date(says, says_precision) if says != day else "",
                )
            )


def _held_event(event, paths, also, labels, document_path):
    """A ``DatedEvent`` of an instrument edited since the moment asked (``HeldInstrument.event``),
    as ``_with_events`` gives one."""
    iso_date = event.date.isoformat()
    return DatedEvent(
        iso_date,
        human_date(event.date, event.precision),
        f"{paths[event.instrument_id]}?on={iso_date}{also}#event-{event.key}",
        capfirst(label_of(labels, event.instrument_id, event.key, event.kind)),
        [
            (
                document_path(claim.document.id),
                (claim.document.publisher or claim.document.title)
                + (f" ({claim.document.citation})" if claim.document.citation else ""),
                human_date(claim.date, claim.precision) if claim.date != event.date else "",
            )
            for claim in event.claims
        ],
    )


@rate_limited("export", when=exporting)
@rate_limited("search", when=searching)
@require_safe
def changes(request):
    if request.GET.get("on", "").strip():
        return bad_request(request, message=WINDOW_NOT_ON)
    try:
        end = optional_date(request, "to") or timezone.localdate()
        start = optional_date(request, "from") or end - DEFAULT_WINDOW
        known = optional_date(request, "known")
        check_window(start, end)
        recorded = recorded_moment(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = filtered_instruments(request)
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    if request.GET.get("format") == "csv":
        as_known = f"-as-known-on-{known.isoformat()}" if known else ""
        as_recorded = f"-recorded-{recorded:%Y%m%dT%H%M%SZ}" if recorded else ""
        name = f"changes-{start.isoformat()}-to-{end.isoformat()}{as_known}{as_recorded}.csv"
        return exports.changes_csv(request, start, end, filterset.qs, name, known, recorded)
    listed = change_list(start, end, filterset.qs, known, recorded)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_events(page.object_list, listed, recorded)
    context = {
        "changes": Changes(start, end, [], listed, known),
        "page": page,
        "start": start,
        "end": end,
        "known": known,
        "recorded": recorded,
        "filtered": filterset.narrows,
        "before_label": human_date(start - ONE_DAY),  # shown on every row: worked out once
        "end_label": human_date(end),
        "phase_order": engine.PHASES,
        "labels": PHASE_LABELS,
        "values": filterset.form.cleaned_data,
        **filter_choices(filterset.form.cleaned_data),
    }
    return render(request, "timeline/changes.html", context)
