"""The instrument list and one instrument's timeline page."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import defaultdict
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.throttling import exporting, rate_limited, searching
from policytrack.times import recorded_moment
from policytrack.timeline import engine, search
from policytrack.timeline.dates import BadDate, parse_datetime
from policytrack.timeline.filters import InstrumentFilter, error_messages
from policytrack.timeline.models import (
    Agency,
    Instrument,
    InstrumentRelation,
    Topic,
    timeline_input,
)
from policytrack.timeline.search import snippets
from policytrack.timeline.recorded import (
    agencies_and_topics_as_recorded,
    instrument_as_recorded,
    rows_as_recorded,
    snapshot,
)
from policytrack.timeline.wording import (
    EVENT_KIND_LABELS,
    FLAG_LABELS,
    PHASE_LABELS,
    describe_status,
    disputed_spans,
    since_event,
)

from . import exports, history
from .drawing import draw_instrument
from .knowledge import knowledge_chart
from .hindsight import editors_text, fr_documents, knowledge_moment, known_relations
from .paths import path_maker
from .recorded_exports import moment_in_name, recorded_csv
from .timeline import timeline_rows
from .views import bad_request, not_found, optional_date, query_without_blanks

PAGE_SIZE = 50


def filtered_instruments(request, recorded=None, **overrides):
    """The InstrumentFilter for this request (blank values dropped, ``overrides`` applied), as
    recorded at ``recorded`` (None: now)."""
    data = query_without_blanks(request.GET)
    for name, value in overrides.items():
        data[name] = value
    return InstrumentFilter(data, queryset=Instrument.objects.order_by("title", "pk"), recorded=recorded)


@dataclasses.dataclass(slots=True)
class ListedInstrument:
    """What a list shows of an instrument, for pages that need no more than these columns."""

    pk: int
    slug: str
    title: str
    short_title: str
    kind: str
    phase_on: str | None = None
    since: datetime.date | None = None
    link: str = ""
    kind_label: str = ""
    agency_names: list = dataclasses.field(default_factory=list)


def as_rows(instruments, on, read_agencies=True, known=None, recorded=None):
    """Ready a page of instruments for a list: each gets ``link`` (its page as of ``on``),
    ``kind_label`` and, unless they come with them (``listed_instruments``), ``agency_names``
    ((name, abbreviation) pairs, read in one query).

    Plain attributes, so that fifty rows render without reversing fifty URLs or building fifty
    related managers: the rows of /on/ took 19 ms of its 50 at 100,000 instruments."""
    instruments = list(instruments)
    if read_agencies:
        names = defaultdict(list)
        links = Instrument.agencies.through.objects.filter(instrument__in=[row.pk for row in instruments])
        for instrument_id, name, short_name in links.order_by("agency__name").values_list(
            "instrument_id", "agency__name", "agency__short_name"
        ):
            names[instrument_id].append((name, short_name or name))
        for row in instruments:
            row.agency_names = names[row.pk]
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    query = (f"?on={on.isoformat()}" if on else "") + (f"&known={known.isoformat()}" if on and known else "")
    if on and recorded:
        query += f"&recorded={quote(recorded.isoformat())}"
    kinds = dict(Instrument.Kind.choices)
    for row in instruments:
        row.link = f"{instrument_path(row.slug)}{query}"
        row.kind_label = kinds.get(row.kind, row.kind).capitalize()
    return instruments


@functools.cache
def _listed_sql(count):
    links = Instrument.agencies.through._meta
    instruments, agencies, link_table = (
        connection.ops.quote_name(table) for table in (Instrument._meta.db_table, Agency._meta.db_table, links.db_table)
    )
    to_instrument, to_agency = (links.get_field(name).column for name in ("instrument", "agency"))
    return (
        f"SELECT i.id, i.slug, i.title, i.short_title, i.kind, a.name, a.short_name FROM {instruments} i "
        f"LEFT JOIN {link_table} ia ON ia.{to_instrument} = i.id LEFT JOIN {agencies} a ON a.id = ia.{to_agency} "
        f"WHERE i.id IN ({', '.join(['%s'] * count)}) ORDER BY a.name"
    )


def listed_instruments(pks):
    """The instruments ``pks`` as ``ListedInstrument`` rows (id → row), each with its agencies'
    names: one query of tuples, the agencies joined, rather than model instances and a second
    query. Written as SQL: the ORM took longer to build it (0.9 ms) than the database to answer."""
    found = {}
    if not pks:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_listed_sql(len(pks)), list(pks))
        rows = cursor.fetchall()
    for pk, slug, title, short_title, kind, name, short_name in rows:
        row = found.get(pk) or found.setdefault(pk, ListedInstrument(pk, slug, title, short_title, kind))
        if name is not None:
            row.agency_names.append((name, short_name or name))
    return found


@functools.cache
def _choices_sql():
    """Every agency and topic, by name, in one round trip: written as SQL, since the ORM took
    longer to build the two queries than the database took to answer them."""
    agencies, topics = (connection.ops.quote_name(model._meta.db_table) for model in (Agency, Topic))
    return (
        f"SELECT 0 AS part, id, slug, name, short_name, parent_id FROM {agencies} "
        f"UNION ALL SELECT 1, id, slug, name, '', NULL FROM {topics} ORDER BY 1, 4"
    )


def filter_choices(values):
    """Options for the filter form, each with whether ``values`` (the form's cleaned data) chose
    it: agencies as a tree (children indented), topics, kinds, phases."""
    chosen = {
        name: {getattr(value, "slug", value) for value in values.get(name) or ()}
        for name in ("agency", "topic", "kind", "phase")
    }
    children, topics = {}, []
    with connection.cursor() as cursor:
        cursor.execute(_choices_sql())
        for part, pk, slug, name, short_name, parent in cursor.fetchall():
            if part == 0:
                children.setdefault(parent, []).append((pk, slug, short_name or name))
            else:
                topics.append((slug, name, slug in chosen["topic"]))
    tree = []

    def walk(parent, depth):
        for pk, slug, label in children.get(parent, []):
            tree.append((slug, "\u2003" * depth + label, slug in chosen["agency"]))
            walk(pk, depth + 1)

    walk(None, 0)
    return {
        "agencies": tree,
        "topics": topics,
        "kinds": [(value, capfirst(label), value in chosen["kind"]) for value, label in Instrument.Kind.choices],
        "phases": [(phase, capfirst(PHASE_LABELS[phase]), phase in chosen["phase"]) for phase in engine.PHASES],
    }


@rate_limited("export", when=exporting)
@rate_limited("search", when=searching)
@require_safe
def instrument_list(request):
    try:
        recorded = recorded_moment(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = filtered_instruments(request, recorded=recorded)
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    on, known = filterset.on_date, filterset.known_date
    instruments = filterset.qs
    name = f"instruments-on-{on.isoformat()}" + (f"-as-known-on-{known.isoformat()}" if known else "")
    if recorded is not None and request.GET.get("format") == "csv":
        rows = instruments.values_list(
            "pk", "phase_on", "_phase_on_period__valid_from", "listed_title", "slug", "short_title", "kind", "rin"
        )
        listed = instruments.order_by().values("pk")
        filename = f"{name}{moment_in_name(recorded)}.csv"
        return recorded_csv(
            request, rows.iterator(chunk_size=exports.CHUNK), listed, on, known, recorded, filename, titles_held=True
        )
    if recorded is not None:
        return _recorded_list(request, filterset, on, known, recorded)
    if request.GET.get("format") == "csv":
        return exports.instrument_csv(request, instruments, on, f"{name}.csv", known=known)
    more_than = False
    if filterset.search_ranked:
        paginator = Paginator(instruments, PAGE_SIZE)
        paginator.count = filterset.count()
        page = paginator.get_page(request.GET.get("page"))
    else:
        # A search of thousands ("rule"): counting, ranking or sorting every match reads every
        # match (1.5 s at 100,000 instruments). The list holds the first matches recorded, up to
        # the limit, sorted as asked, and says so.
        first = filterset.first_matches(search.RANKED_AT_MOST + 1)
        more_than = len(first) > search.RANKED_AT_MOST
        # Those instruments sorted (the search's condition is met already), all of them, so that
        # the database reads them by id rather than walk an index of every title for a page.
        listed = Instrument.objects.with_phase(on, known=known).filter(pk__in=first[: search.RANKED_AT_MOST])
        ordered = list(listed.order_by(*(instruments.query.order_by or ("title", "pk"))).values_list("pk", flat=True))
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = listed.in_bulk(page.object_list)
        page.object_list = [rows[pk] for pk in page.object_list]
    page.object_list = as_rows(page.object_list, on, known=known)
    if query := filterset.form.cleaned_data.get("q"):
        found = snippets([row.pk for row in page.object_list], query)
        for row in page.object_list:
            row.snippet = found.get(row.pk, "")
    return _render_list(
        request, filterset, page, on, known, more_than=f"{search.RANKED_AT_MOST:,}" if more_than else None
    )


def _render_list(request, filterset, page, on, known, recorded=None, more_than=None):
    current = (filterset.form.cleaned_data.get("sort") or [""])[0]
    context = {
        "page": page,
        # Header links sort by a column, and a second click reverses it.
        "next_sort": {name: f"-{name}" if current == name else name for name in ("title", "kind", "phase")},
        "sort_marks": {current.lstrip("-"): " ↓" if current.startswith("-") else " ↑"} if current else {},
        "on": on,
        "known": known,
        "recorded": recorded,
        "today": timezone.localdate(),
        "values": filterset.form.cleaned_data,
        "filtered": filterset.narrows,
        "more_than": more_than,
        "rank_limit": f"{search.RANKED_AT_MOST:,}",
        "ranked": filterset.search_ranked,
        "labels": PHASE_LABELS,
        **filter_choices(filterset.form.cleaned_data),
    }
    return render(request, "timeline/instrument_list.html", context)


@require_safe
def instrument_detail(request, slug):
    related = InstrumentRelation.objects.filter(Q(source=OuterRef("pk")) | Q(target=OuterRef("pk")))
    instrument = Instrument.objects.filter(slug=slug).annotate(related=Exists(related)).first()
    raw_recorded = request.GET.get("recorded", "").strip()
    if instrument is None and not raw_recorded:  # a deleted instrument is still shown as recorded before
        return not_found(request, message=f"No instrument has the slug “{slug}”.")
    try:
        on = optional_date(request, "on") or timezone.localdate()
        known = optional_date(request, "known")
        recorded = parse_datetime(raw_recorded, "recorded") if raw_recorded else None
        older = history.read_cursor(request.GET["older"]) if request.GET.get("older") else None
    except (BadDate, history.BadCursor) as error:
        return bad_request(request, message=f"{str(error).rstrip('.')}.")

    labels = None
    if recorded is not None:
        held = instrument_as_recorded(slug, recorded)
        if held is None:
            why = (
                "it was added later." if instrument is not None else "it had been deleted by then, or was never added."
            )
            return not_found(
                request, message=(f"This tracker held no instrument “{slug}” at {recorded:%Y-%m-%d %H:%M} UTC; {why}")
            )
        if instrument is None or instrument.pk != held.id:  # deleted since (its slug perhaps reused)
            instrument, held.related = held, False
            agencies, topics = agencies_and_topics_as_recorded(held, recorded)
            labels = {"agencies": agencies, "topics": topics}
        rows, documents, events = snapshot(held.id, recorded)
        notes, retracted = {row.key: row.note for row in rows}, {}
    else:
        events, notes, documents, retracted = timeline_input(instrument.pk)
    status = engine.status(events, on=on, known=known)
    spans = disputed_spans(status, events, known)
    moment = knowledge_moment(known, recorded)
    summary, summary_hidden, notes, hidden_notes = editors_text(instrument, notes, moment)
    timeline = timeline_rows(events, notes, documents, on, known, retracted, hidden_notes)
    context = {
        "instrument": instrument,
        "on": on,
        "known": known,
        "recorded": recorded,
        "raw_recorded": raw_recorded,
        "status": status,
        "sentence": describe_status(status, on, spans),
        "disputed_since": since_event(status) if since_event(status) and since_event(status).key in spans else None,
        "phase_label": PHASE_LABELS[status.phase],
        # Rescission pending is shown only when it is so: "no" would be noise on most instruments.
        "flags": [
            (name, label, getattr(status, name))
            for name, label in FLAG_LABELS.items()
            if name != "rescission_pending" or status.rescission_pending
        ],
        "rows": timeline,
        "upcoming_label": _upcoming_label(status, timeline),
        "drawing": draw_instrument(timeline, events, on, known),
        "unknown_count": len(events) - len(engine.timeline(events, known)),
        "knowledge": knowledge_chart(events, known),
        "summary": summary,
        "summary_hidden": summary_hidden,
        "relations": known_relations(_relations(instrument), known) if instrument.related else [],
        **(labels or _agencies_and_topics(instrument)),
        "fr_documents": fr_documents(instrument, known),
        **_history(instrument, older, until=moment),
    }
    return render(request, "timeline/instrument_detail.html", context)


def _recorded_list(request, filterset, on, known, recorded):
    """The list as recorded at ``recorded`` (``InstrumentFilter._as_recorded``): each row as its
    historical record held it then — slug (its link opens the instrument's page as recorded
    then, under the slug it had), title, kind, RIN and agencies."""
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    held = rows_as_recorded([row.held for row in page.object_list if row.held], recorded)
    unheld = [row for row in page.object_list if row.pk not in held]  # no history then: as it is now
    as_rows(unheld, on, known=known, recorded=recorded)
    for row in page.object_list:
        if row.pk in held:
            row.slug, row.title, row.short_title, row.kind, row.rin, row.agency_names = held[row.pk]
        else:
            row.title = row.listed_title
    page.object_list = as_rows(page.object_list, on, read_agencies=False, known=known, recorded=recorded)
    return _render_list(request, filterset, page, on, known, recorded=recorded)


def _upcoming_label(status, rows):
    """The next change's name as its row on the timeline gives it ("second compliance date")."""
    if not status.upcoming:
        return ""
    for row in rows:
        if row.kind == status.upcoming.kind and row.date == status.upcoming.date:
            return row.label.lower()
    return EVENT_KIND_LABELS.get(status.upcoming.kind, status.upcoming.kind)


def _agencies_and_topics(instrument):
    """Its agencies ("name (abbreviation)") and topics, by name: one query of tuples, not two
    prefetches of model instances."""
    agencies, topics = {}, {}  # by id: the join repeats each agency once per topic, and two may share a name
    rows = (
        Instrument.objects.filter(pk=instrument.pk)
        .order_by("agencies__name", "agencies__short_name", "agencies__slug", "topics__name")
        .values_list("agencies__pk", "agencies__name", "agencies__short_name", "topics__pk", "topics__name")
    )
    for agency_id, name, short_name, topic_id, topic in rows:
        if agency_id is not None:
            agencies[agency_id] = f"{name} ({short_name})" if short_name else name  # as Agency.__str__
        if topic_id is not None:
            topics[topic_id] = topic
    return {"agencies": list(agencies.values()), "topics": list(topics.values())}


def _relations(instrument):
    """(label, other instrument): its own relations, then those other instruments have to it
    (one query for both)."""
    rows = list(
        InstrumentRelation.objects.filter(Q(source=instrument) | Q(target=instrument)).select_related(
            "source", "target"
        )
    )
    relations = [(r.get_kind_display(), r.target) for r in rows if r.source_id == instrument.pk]
    shown = {other.pk for _, other in relations}
    relations += [
        (f"{r.get_kind_display()} (from the other side)", r.source)
        for r in rows
        if r.target_id == instrument.pk and r.source_id not in shown
    ]
    return relations


def _history(instrument, cursor, until=None):
    """A page of the instrument's edit history in words (``history.py``), with its count; up to
    ``until`` (a page as known on a date shows the edits recorded by then)."""
    entries, older = history.page(instrument.pk, cursor, until=until)
    total, more = history.count(instrument.pk, until=until)
    return {
        "history": entries,
        "history_older": older,
        "history_first": cursor is None,
        "history_total": total,
        "history_more": more,
    }
