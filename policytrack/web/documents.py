"""The index of sources: every document, newest first, by kind, publisher and year."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from policytrack.timeline.dates import BadDate
from policytrack.timeline.models import Document
from policytrack.timeline.recorded import documents_held
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS

from .views import bad_request, optional_date, optional_moment

PAGE_SIZE = 50


@require_safe
def document_list(request):
    """``?kind=``, ``?publisher=`` (exact, as each row links it) and ``?year=`` narrow the list;
    ``?known=K`` leaves the sources published by K, the list a reader could have had that day;
    ``?recorded=T`` lists them as this tracker held them at T (``documents_held``). Each page is
    read from an index in the list's order — (kind | publisher, published_on, id) or
    published_on alone — so a page costs the same at 100 documents or 100,000; as recorded,
    from the history table."""
    kind = request.GET.get("kind", "").strip()
    publisher = request.GET.get("publisher", "").strip()
    year = request.GET.get("year", "").strip()
    problems = []
    known = recorded = None
    try:
        known = optional_date(request, "known")
    except BadDate as error:
        problems.append(f"{error}.")
    try:
        recorded = optional_moment(request, "recorded")
    except BadDate as error:
        problems.append(f"{error}.")
    if kind and kind not in DOCUMENT_KIND_LABELS:
        problems.append(f"kind: “{kind}” is not a kind of document; expected one of {', '.join(DOCUMENT_KIND_LABELS)}.")
    if year and not (year.isdigit() and 1000 <= int(year) <= 9000):
        problems.append(f"year: “{year}” is not a year written with four digits (1000 to 9000).")
    if problems:
        return bad_request(request, message="Some filters could not be used:", problems=problems)

    held = documents_held(known, recorded)
    documents = held.order_by("-published_on", "-id")
    if kind:
        documents = documents.filter(kind=kind)
    if publisher:
        documents = documents.filter(publisher=publisher)
    if year:
        documents = documents.filter(
            published_on__gte=datetime.date(int(year), 1, 1), published_on__lte=datetime.date(int(year), 12, 31)
        )
    if recorded is None:  # a historical record is read whole: ``only`` would load each deferred field apart
        documents = documents.only("id", "kind", "title", "publisher", "published_on", "citation", "fr_document_number")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    if recorded is not None:  # a source deleted since has no page to open
        page.object_list = list(page.object_list)
        kept = set(Document.objects.filter(pk__in=[row.pk for row in page.object_list]).values_list("pk", flat=True))
        for row in page.object_list:
            row.deleted_since = row.pk not in kept
    first = held.order_by("published_on").values_list("published_on", flat=True).first()
    last = held.order_by("-published_on").values_list("published_on", flat=True).first()
    years = range(last.year, first.year - 1, -1) if first and last else []
    times = {"known": known and known.isoformat(), "recorded": recorded and recorded.isoformat()}
    times = {name: value for name, value in times.items() if value}
    context = {
        "page": page,
        "kind": kind,
        "publisher": publisher,
        "year": year,
        "known": known,
        "recorded": recorded,
        # The times alone, for the links that clear the filters but keep the list's times.
        "times_query": f"?{urlencode(times)}" if times else "",
        "kinds": [(value, capfirst(label), value == kind) for value, label in DOCUMENT_KIND_LABELS.items()],
        "years": [(str(y), str(y), str(y) == year) for y in years],
        "kind_labels": DOCUMENT_KIND_LABELS,
        "filtered": bool(kind or publisher or year),
    }
    return render(request, "timeline/document_list.html", context)
