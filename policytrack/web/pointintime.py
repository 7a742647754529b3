"""Everything as it stood on one date, and what changed between two dates."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from policytrack.timeline import engine
from policytrack.timeline.changes import attach_events, changes_between
from policytrack.timeline.dates import BadDate, parse_date
from policytrack.timeline.filters import error_messages
from policytrack.timeline.models import StatusPeriod
from policytrack.timeline.wording import PHASE_LABELS

from . import exports
from .instruments import PAGE_SIZE, filter_choices, filtered_instruments
from .views import bad_request, optional_date, phase_counts

# The order of the groups on a point-in-time page: what applies first, what has ended last.
GROUP_ORDER = ("in_force", "not_enforced", "suspended", "stayed", "issued", "proposed", "rescinded",
               "vacated", "superseded", "expired", "withdrawn", "not_yet_issued")
DEFAULT_WINDOW = datetime.timedelta(days=30)


def _neighbours(on, instruments):
    """The nearest dates before and after ``on`` on which some listed instrument's status changes."""
    periods = StatusPeriod.objects.filter(valid_from__gt=datetime.date.min)
    if instruments.query.where:  # unfiltered, the range index on valid_from answers at once
        periods = periods.filter(instrument__in=instruments.values("pk"))
    found = periods.aggregate(
        previous=Max("valid_from", filter=Q(valid_from__lt=on)),
        next=Min("valid_from", filter=Q(valid_from__gt=on)),
    )
    return found["previous"], found["next"]


@require_safe
def on_date(request, date):
    try:
        on = parse_date(date, "the date in the address")
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    filterset = filtered_instruments(request, on=on.isoformat())
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    group = Case(*[When(phase_on=phase, then=Value(n)) for n, phase in enumerate(GROUP_ORDER)],
                 default=Value(len(GROUP_ORDER)), output_field=IntegerField())
    instruments = filterset.qs.annotate(since=F("_phase_on_period__valid_from"), group=group).order_by(
        "group", "title", "pk")
    if request.GET.get("format") == "csv":
        return exports.instrument_csv(request, instruments, on, f"status-on-{on.isoformat()}.csv")
    counts = phase_counts(on, filterset.qs)
    paginator = Paginator(instruments, PAGE_SIZE)
    paginator.count = sum(count for _, count in counts)  # already counted, by phase
    page = paginator.get_page(request.GET.get("page"))
    for instrument in page:
        if instrument.since == datetime.date.min:
            instrument.since = None
    previous, following = _neighbours(on, filterset.qs)
    context = {
        "on": on,
        "page": page,
        "previous": previous,
        "next": following,
        "counts": [(phase, PHASE_LABELS[phase], count) for phase, count in counts],
        "values": filterset.form.cleaned_data,
        "labels": PHASE_LABELS,
        "today": timezone.localdate(),
        **filter_choices(),
    }
    return render(request, "timeline/on_date.html", context)


@require_safe
def changes(request):
    try:
        end = optional_date(request, "to") or timezone.localdate()
        start = optional_date(request, "from") or end - DEFAULT_WINDOW
    except BadDate as error:
        return bad_request(request, message=f"{error}.")
    if start > end:
        return bad_request(request, message=(
            f"from ({start.isoformat()}) is after to ({end.isoformat()}): the window must run forwards."))
    filterset = filtered_instruments(request)
    if not filterset.is_valid():
        return bad_request(request, message="Some filters could not be used:", problems=error_messages(filterset))
    csv = request.GET.get("format") == "csv"
    found = changes_between(start, end, filterset.qs, with_events=csv)
    if csv:
        return exports.changes_csv(request, found, f"changes-{start.isoformat()}-to-{end.isoformat()}.csv")
    page = Paginator(found.instruments, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_events(found, page.object_list)
    context = {
        "changes": found,
        "page": page,
        "start": start,
        "end": end,
        "phase_order": engine.PHASES,
        "labels": PHASE_LABELS,
        "values": filterset.form.cleaned_data,
        **filter_choices(),
    }
    return render(request, "timeline/changes.html", context)
