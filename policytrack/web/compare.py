"""Comparing two dates: the portfolio's phases on two valid dates (``/compare/?a=&b=``), and its
phases on one date as known on two knowledge dates (``/compare/?on=&known_a=&known_b=``, what
was learned in between); one instrument's status on one date as known on two knowledge dates
(``/instruments/<slug>/compare/``)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.throttling import exporting, rate_limited, searching
from policytrack.times import asks_learned, comparison_refusals, recorded_moment
from policytrack.timeline import engine
from policytrack.timeline.compare import NOT_YET_PUBLIC, LearnedComparison, PhaseComparison
from policytrack.timeline.dates import BadDate
from policytrack.timeline.filters import InstrumentFilter, error_messages
from policytrack.timeline.knowledge import public_since
from policytrack.timeline.models import Claim, Instrument, timeline_input
from policytrack.timeline.wording import (
    FLAG_LABELS,
    PHASE_LABELS,
    describe_status,
    disputed_spans,
    human_date,
    phase_label,
)

from . import exports
from .instruments import PAGE_SIZE, filter_choices
from .paths import path_maker
from .views import bad_request, not_found, optional_date, query_without_blanks


class Compared(NamedTuple):
    """An instrument as a row of the comparison names it."""

    slug: str
    title: str
    short_title: str


def _dates(request, first, second):
    """Two required dates; a missing one defaults to today (the second) or 30 days before it."""
    b = optional_date(request, second) or timezone.localdate()
    a = optional_date(request, first) or b - datetime.timedelta(days=30)
    return a, b


def learned_dates(request):
    """``on``, ``known_a`` and ``known_b`` of a comparison of two knowledge dates: ``on`` and
    ``known_b`` default to today, ``known_a`` to 30 days before ``known_b``. Raises BadDate."""
    known_a, known_b = _dates(request, "known_a", "known_b")
    return optional_date(request, "on") or timezone.localdate(), known_a, known_b


def comparison_filters(request):
    """The instrument filters a comparison takes (q, agency, kind, topic): not its ``on``, which
    is the date of what was learned (``comparison_refusals`` refuses a phase and an order)."""
    data = query_without_blanks(request.GET)
    data.pop("on", None)
    return InstrumentFilter(data, queryset=Instrument.objects.order_by())


@rate_limited("export", when=exporting)
@rate_limited("search", when=searching)
@require_safe
def portfolio_compare(request):
    """What changed between two dates (``a``, ``b``), or what was learned between two knowledge
    dates about one date (``on``, ``known_a``, ``known_b``)."""
    if refused := comparison_refusals(request.GET):
        return bad_request(request, message=" ".join(dict.fromkeys(refused.values())))
    if asks_learned(request.GET):
        return _learned(request)
    try:
        a, b = _dates(request, "a", "b")
        recorded = recorded_moment(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = comparison_filters(request)
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    known = filterset.known_date
    comparison = PhaseComparison(a, b, filterset.qs if filterset.narrows else None, known=known, recorded=recorded)
    if request.GET.get("format") == "csv":
        as_known = f"-known-{known.isoformat()}" if known else ""
        as_recorded = f"-recorded-{recorded:%Y%m%dT%H%M%SZ}" if recorded else ""
        name = f"compare-{a.isoformat()}-{b.isoformat()}{as_known}{as_recorded}.csv"
        return exports.compare_csv(request, comparison, name)
    page, rows = _page(request, comparison)
    context = {
        "a": a,
        "b": b,
        "known": known,
        "recorded": recorded,
        "filtered": filterset.narrows,
        "page": page,
        "rows": rows,
        "groups": comparison.groups,
        "values": filterset.form.cleaned_data,
        "labels": PHASE_LABELS,
        **filter_choices(filterset.form.cleaned_data),
    }
    return render(request, "timeline/compare.html", context)


def _page(request, comparison):
    """The page asked of ``comparison`` and its rows: (the instrument as the comparison names it,
    its link, first phase, second phase)."""
    page = Paginator(comparison, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each as the comparison shows it: as recorded at ``recorded``, under the slug its page had.
    found = comparison.names([pk for pk, _, _ in page.object_list])
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    rows = []
    for pk, before, after in page.object_list:
        if names := found.get(pk):
            row = Compared(*names)
            rows.append((row, f"{instrument_path(row.slug)}{comparison.row_query}", before, after))
    return page, rows


def _learned(request):
    """What was learned between ``known_a`` and ``known_b`` about ``on``: the instruments whose
    phase on it as known on one differs from their phase on it as known on the other, counted by
    the change, with the list's filters; a CSV of them with ``format=csv``."""
    try:
        on, known_a, known_b = learned_dates(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = comparison_filters(request)
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    comparison = LearnedComparison(on, known_a, known_b, filterset.qs if filterset.narrows else None)
    if request.GET.get("format") == "csv":
        name = f"learned-on-{on.isoformat()}-known-{known_a.isoformat()}-and-{known_b.isoformat()}.csv"
        return exports.learned_csv(request, comparison, name)
    page, rows = _page(request, comparison)
    context = {
        "on": on,
        "known_a": known_a,
        "known_b": known_b,
        "compare_query": comparison.compare_query,
        "filtered": filterset.narrows,
        "page": page,
        "rows": rows,
        "groups": comparison.groups,
        "values": filterset.form.cleaned_data,
        **filter_choices(filterset.form.cleaned_data),
    }
    return render(request, "timeline/compare_learned.html", context)


@require_safe
def instrument_compare(request, slug):
    """One instrument on ``on`` as known on ``known_a`` and as known on ``known_b``: the engine run
    twice, and the sources published in between."""
    instrument = Instrument.objects.filter(slug=slug).first()
    if instrument is None:
        return not_found(request, message=f"No instrument has the slug “{slug}”.")
    # Its two times of knowledge are known_a and known_b; a time it does not answer is refused,
    # never ignored.
    if request.GET.get("known", "").strip():
        return bad_request(
            request,
            message="This page compares what was known on two dates: give them as known_a and known_b, not known.",
        )
    if request.GET.get("recorded", "").strip():
        return bad_request(
            request,
            message="This comparison answers as recorded now only, not recorded: the instrument's own page "
            "answers as recorded at a moment (open it with the same recorded=…).",
        )
    try:
        on, known_a, known_b = learned_dates(request)
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    events = timeline_input(instrument.pk)[0]
    public = public_since(events)
    answers = []
    for known in (known_a, known_b):
        status = engine.status(events, on=on, known=known)
        # Before its first source the engine would say "not yet issued": that it would exist was
        # not yet known, and the portfolio's comparison says "not yet public" too.
        phase = status.phase if known >= public else NOT_YET_PUBLIC
        answers.append(
            {
                "known": known,
                "status": status,
                "phase": phase,
                "sentence": (
                    describe_status(status, on, disputed_spans(status, events, known))
                    if phase != NOT_YET_PUBLIC
                    else f"Nothing about it had been published by {human_date(known)}."
                ),
                "flags": {name: getattr(status, name) for name in FLAG_LABELS},
            }
        )
    first, second = ((answer["phase"], answer["status"].as_dict()) for answer in answers)
    lo, hi = sorted((known_a, known_b))
    learned = (
        Claim.objects.filter(
            event__instrument=instrument, document__published_on__gt=lo, document__published_on__lte=hi
        )
        .select_related("document", "event")
        .order_by("document__published_on", "event__date", "pk")
    )
    context = {
        "instrument": instrument,
        "on": on,
        "answers": answers,
        "learned": learned,
        "lo": lo,
        "hi": hi,
        "changed": first != second,
        "flag_rows": [
            (label, answers[0]["flags"][name], answers[1]["flags"][name]) for name, label in FLAG_LABELS.items()
        ],
        "summary": (
            f"As known on {human_date(known_a)}, on {human_date(on)} it would be "
            f"{phase_label(answers[0]['phase'])}; as known on {human_date(known_b)}, "
            f"{phase_label(answers[1]['phase'])}."
        ),
    }
    return render(request, "timeline/instrument_compare.html", context)
