"""The index of sources: every document, newest first, by kind, publisher and year."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from policytrack.timeline.models import Document
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS

from policytrack.timeline.dates import BadDate

from .views import bad_request, optional_date

PAGE_SIZE = 50


@require_safe
def document_list(request):
    """``?kind=``, ``?publisher=`` (exact, as each row links it) and ``?year=`` narrow the list;
    ``?known=K`` leaves the sources published by K, the list a reader could have had that day.
    Each page is read from an index in the list's order — (kind | publisher, published_on, id)
    or published_on alone — so a page costs the same at 100 documents or 100,000."""
    kind = request.GET.get("kind", "").strip()
    publisher = request.GET.get("publisher", "").strip()
    year = request.GET.get("year", "").strip()
    problems = []
    try:
        known = optional_date(request, "known")
    except BadDate as error:
        problems.append(f"{error}.")
    if kind and kind not in DOCUMENT_KIND_LABELS:
        problems.append(f"kind: “{kind}” is not a kind of document; expected one of {', '.join(DOCUMENT_KIND_LABELS)}.")
    if year and not (year.isdigit() and 1000 <= int(year) <= 9000):
        problems.append(f"year: “{year}” is not a year written with four digits (1000 to 9000).")
    if problems:
        return bad_request(request, message="Some filters could not be used:", problems=problems)

    held = Document.objects.all()
    if known is not None:
        held = held.filter(published_on__lte=known)
    documents = held.order_by("-published_on", "-id")
    if kind:
        documents = documents.filter(kind=kind)
    if publisher:
        documents = documents.filter(publisher=publisher)
    if year:
        documents = documents.filter(
            published_on__gte=datetime.date(int(year), 1, 1), published_on__lte=datetime.date(int(year), 12, 31)
        )
    page = Paginator(
        documents.only("id", "kind", "title", "publisher", "published_on", "citation", "fr_document_number"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    first = held.order_by("published_on").values_list("published_on", flat=True).first()
    last = held.order_by("-published_on").values_list("published_on", flat=True).first()
    years = range(last.year, first.year - 1, -1) if first and last else []
    context = {
        "page": page,
        "kind": kind,
        "publisher": publisher,
        "year": year,
        "known": known,
        "kinds": [(value, capfirst(label), value == kind) for value, label in DOCUMENT_KIND_LABELS.items()],
        "years": [(str(y), str(y), str(y) == year) for y in years],
        "kind_labels": DOCUMENT_KIND_LABELS,
        "filtered": bool(kind or publisher or year),
    }
    return render(request, "timeline/document_list.html", context)
