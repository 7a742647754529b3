"""The read-only JSON API: instruments, their status on a date, changes, documents, agencies.

List and detail endpoints are DRF generic views (they fit exactly); the instrument filters are
``timeline.filters.InstrumentFilter``, the same filter set as the HTML list, so one query
string means the same thing on a page, in the API and in a calendar.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.http import JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from policytrack.times import NOT_COMPARED, WINDOW_NOT_ON, asks_learned, comparison_refusals, recorded_moment
from policytrack.timeline import engine
from policytrack.timeline.changes import changes_of
from policytrack.timeline.compare import LearnedComparison, PhaseComparison
from policytrack.timeline.dates import EARLIEST, BadDate, check_window
from policytrack.timeline.filters import InstrumentFilter
from policytrack.timeline.models import (
    Agency,
    Claim,
    Document,
    Event,
    Instrument,
    InstrumentRelation,
    engine_input,
)
from policytrack.timeline.recorded_changes import change_list
from policytrack.timeline.recorded import documents_held, events_as_recorded, held_rows, instrument_as_recorded
from policytrack.web.compare import comparison_filters, learned_dates
from policytrack.web.paths import path_maker
from policytrack.timeline.wording import status_document
from policytrack.web.hindsight import notes_as_known

from . import params, serializers
from .caching import polled

ERRORS = {
    400: OpenApiResponse(serializers.BAD_REQUEST, description="A parameter is not valid; each is named."),
    404: OpenApiResponse(serializers.NOT_FOUND, description="No such object (or no such page)."),
}
SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description="The instrument's slug.",
    examples=[OpenApiExample("AI Diffusion Rule", value="ai-diffusion-rule")],
)


class Page(PageNumberPagination):
    """Pages of at most 500 rows; a page number or size that is not a whole number in range is a
    400 naming it, a page past the last a 404 saying so."""

    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "There is no page {page_number}: {message}."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        return self.page_size if raw is None else params.whole_number(raw, "page_size", 1, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None:
            params.whole_number(raw, self.page_query_param, 1)
        return super().paginate_queryset(queryset, request, view)


class InstrumentPage(Page):
    """A page of instruments, with the dates their phase is read on and as known on, and the
    moment they are read as recorded at."""

    on = known = recorded = None  # set by the view from the filter set

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {
            "on": self.on.isoformat(),
            "known": self.known and self.known.isoformat(),
            "recorded": self.recorded and self.recorded.isoformat(),
            **response.data,
        }
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        on = {"type": "string", "format": "date", "description": "The date each row's phase is read on."}
        known = {
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "The phase as the sources published by this date told it; null: every source.",
        }
        recorded = {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "The instruments as this tracker recorded them at this moment (UTC); null: now.",
        }
        paginated["properties"] = {"on": on, "known": known, "recorded": recorded, **paginated["properties"]}
        paginated["required"] = ["on", "known", "recorded", *paginated["required"]]
        return paginated


class InstrumentFilterBackend(DjangoFilterBackend):
    """The usual backend (400 naming each bad parameter), keeping the filter set on the view:
    its ``on_date`` is the date the rows' phase is read on. A view with a ``recorded`` moment
    has its instruments filtered as recorded then."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "recorded": getattr(view, "recorded", None)}


class FilteredSchema(AutoSchema):
    """Documents the instrument filters on endpoints that take them without listing instruments."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


@method_decorator(polled, name="dispatch")
@extend_schema(
    tags=["instruments"],
    parameters=[params.RECORDED],
    responses={200: serializers.InstrumentRowSerializer(many=True), **ERRORS},
)
class InstrumentList(params.StrictQuery, generics.ListAPIView):
    """Instruments, filtered as on the HTML list, each with its phase on `on` (today if left out).
    With `recorded`, as this tracker recorded them at that moment: each row's slug, title, kind,
    RIN, agencies and topics from the edit history then, its phase from the status rows
    recorded then, the filters and sorts read the same way (`q` cannot be: the search index
    holds today's text)."""

    queryset = Instrument.objects.prefetch_related("agencies", "topics").order_by("title", "pk")
    serializer_class = serializers.InstrumentRowSerializer
    filter_backends = [InstrumentFilterBackend]
    filterset_class = InstrumentFilter
    pagination_class = InstrumentPage
    recorded = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.recorded = recorded_moment(request)
        except BadDate as error:
            params.refuse("recorded", f"{error}.")

    def get_queryset(self):
        # As recorded, the links are read from the history (``held_rows``), not today's.
        return Instrument.objects.order_by("title", "pk") if self.recorded else super().get_queryset()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Pages need a total order: whatever the sort, ties go by title, then by id.
        return queryset.order_by(*dict.fromkeys([*queryset.query.order_by, "title", "pk"]))

    def paginate_queryset(self, queryset):
        self.paginator.on, self.paginator.known = self.filterset.on_date, self.filterset.known_date
        self.paginator.recorded = self.recorded
        page = super().paginate_queryset(queryset)
        return page if self.recorded is None or page is None else self._as_recorded(page)

    def get_serializer_class(self):
        return serializers.RecordedInstrumentRowSerializer if self.recorded else super().get_serializer_class()

    def _as_recorded(self, page):
        """The page's rows as recorded at ``self.recorded``: from their historical records, or,
        for an instrument that has none then (written without history and not saved since), as
        it is now. A fixed number of queries whatever the page's size."""
        held = held_rows([row.held for row in page if row.held], self.recorded, topics=True)
        unheld = [row for row in page if row.pk not in held]
        prefetch_related_objects(unheld, "agencies", "topics")
        for row in unheld:
            held[row.pk] = (
                row.slug,
                row.listed_title,
                row.short_title,
                row.kind,
                row.rin,
                [(agency.slug, agency.name, agency.short_name) for agency in row.agencies.all()],
                [(topic.slug, topic.name) for topic in row.topics.all()],
            )
        fields = ("slug", "title", "short_title", "kind", "rin")
        rows = []
        for row in page:
            slug, title, short_title, kind, rin, agencies, topics = held[row.pk]
            rows.append(
                {
                    **dict(zip(fields, (slug, title, short_title, kind, rin))),
                    "agencies": [dict(zip(("slug", "name", "short_name"), agency)) for agency in agencies],
                    "topics": [dict(zip(("slug", "name"), topic)) for topic in topics],
                    "phase_on": row.phase_on,
                    "current_slug": row.slug,
                }
            )
        return rows


@method_decorator(polled, name="dispatch")
@extend_schema(
    tags=["instruments"], parameters=[SLUG], responses={200: serializers.InstrumentDetailSerializer, **ERRORS}
)
class InstrumentDetail(params.StrictQuery, generics.RetrieveAPIView):
    """One instrument: its events with their claims and documents, relations, agencies, topics."""

    serializer_class = serializers.InstrumentDetailSerializer
    lookup_field = "slug"
    queryset = Instrument.objects.prefetch_related(
        "agencies",
        "topics",
        Prefetch(
            "events",
            queryset=Event.objects.select_related("instrument", "target")
            .order_by("date", "position", "pk")
            .with_sources(),
        ),
        Prefetch("relations", queryset=InstrumentRelation.objects.select_related("target")),
        Prefetch("inverse_relations", queryset=InstrumentRelation.objects.select_related("source")),
    )

    def get_object(self):
        instrument = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if instrument is None:
            raise NotFound(f"No instrument has the slug {self.kwargs['slug']!r}.")
        return instrument


@method_decorator(polled, name="dispatch")
class InstrumentStatus(params.StrictQuery, generics.GenericAPIView):
    queryset = Instrument.objects.all()
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=["instruments"],
        operation_id="instruments_status",
        parameters=[SLUG, params.ON, params.KNOWN, params.RECORDED],
        responses={200: serializers.StatusSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Not enforced on 20 May 2025",
                response_only=True,
                value={
                    "instrument": "ai-diffusion-rule",
                    "on": "2025-05-20",
                    "known": None,
                    "phase": "not_enforced",
                    "in_force": True,
                    "enforced": False,
                    "obligations_apply": False,
                    "rescission_pending": True,
                    "applied": [{"kind": "effective", "date": "2025-01-13"}],
                    "upcoming": None,
                    "disputed": [],
                    "since_disputed": {
                        "kind": "enforcement_suspended",
                        "date": "2025-05-13",
                        "from": "2025-05-13",
                        "to": "2025-06-30",
                    },
                },
            )
        ],
    )
    def get(self, request, slug):
        """The status on `on` as known on `known` (as recorded at `recorded`): exactly the
        object that `manage.py status SLUG --json` prints."""
        dates = params.read_params(request, on="date", known="date", recorded="datetime")
        on, known, moment = dates["on"] or timezone.localdate(), dates["known"], dates["recorded"]
        if moment is None:
            # One query for the events with their sources; the instrument is looked for only
            # when it has none (or does not exist).
            found = engine_input(Event.objects.filter(instrument__slug=slug))
            if not found and not Instrument.objects.filter(slug=slug).exists():
                raise NotFound(f"No instrument has the slug {slug!r}.")
            events = next(iter(found.values()), ([], []))[1]
        else:
            instrument = instrument_as_recorded(slug, moment)
            if instrument is None:
                raise NotFound(f"No instrument with the slug {slug!r} was recorded at {moment.isoformat()}.")
            events = events_as_recorded(instrument.id, moment)
        return Response(status_document(slug, on, known, engine.status(events, on=on, known=known), events))


@method_decorator(polled, name="dispatch")
class ChangesView(params.StrictQuery, generics.GenericAPIView):
    queryset = Instrument.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = InstrumentFilter
    pagination_class = Page
    schema = FilteredSchema()

    @extend_schema(
        tags=["changes"],
        operation_id="changes",
        # ``on`` is refused here (the window is from–to): not offered with the list's filters.
        parameters=[
            params.FROM,
            params.TO,
            params.KNOWN,
            params.RECORDED,
            params.PAGE,
            params.PAGE_SIZE,
            OpenApiParameter("on", exclude=True),
        ],
        responses={200: serializers.ChangesPageSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request):
        """What changed from `from` to `to` (both inclusive, at most 366 days), for the
        instruments the filters select, a page of instruments at a time (by title): each with its
        phase before and after, and their events dated in the window. With `known`, as known on
        that date: the phases as known then, and the events known then, each dated as the
        sources published by then date it, with only those sources and the editor's note as
        recorded by the end of that day. With `recorded`, as this tracker held the events, their
        sources and the instruments' slugs and titles at that moment (the filters select the
        instruments as they are now)."""
        if "on" in request.query_params:
            params.refuse("on", WINDOW_NOT_ON)
        dates = params.read_params(request, **{"from": "date", "to": "date", "known": "date"})
        try:
            recorded = recorded_moment(request)
        except BadDate as error:
            params.refuse("recorded", f"{error}.")
        end = dates["to"] or timezone.localdate()
        start = dates["from"] or max(end - datetime.timedelta(days=30), EARLIEST)
        instruments = self.filter_queryset(self.get_queryset())
        try:
            check_window(start, end)
        except BadDate as error:
            params.refuse("to", f"{error}.")
        listed = change_list(start, end, instruments, dates["known"], recorded)
        ids = self.paginate_queryset(listed.listed)
        changes = changes_of(listed, ids)
        notes_as_known(changes.events, dates["known"], recorded)
        context = {"request": request, "known": dates["known"], "recorded": recorded}
        data = serializers.ChangesSerializer(changes, context=context).data
        paged = self.get_paginated_response([]).data
        return Response(
            {
                "from": data["from"],
                "to": data["to"],
                "known": data["known"],
                "recorded": recorded and recorded.isoformat(),
                "count": paged["count"],
                "next": paged["next"],
                "previous": paged["previous"],
                "events": data["events"],
                "instruments": data["instruments"],
            }
        )


@method_decorator(polled, name="dispatch")
class CompareView(params.StrictQuery, generics.GenericAPIView):
    queryset = Instrument.objects.order_by()
    filter_backends = [DjangoFilterBackend]
    filterset_class = InstrumentFilter
    pagination_class = None
    schema = FilteredSchema()

    @extend_schema(
        tags=["changes"],
        operation_id="compare",
        parameters=[
            params.A,
            params.B,
            params.RECORDED,
            params.LEARNED_ON,
            params.KNOWN_A,
            params.KNOWN_B,
            params.PAGE,
            params.PAGE_SIZE,
            *(OpenApiParameter(name, exclude=True) for name in NOT_COMPARED),  # the list's, refused here
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="Comparison",
                serializers=[serializers.CompareSerializer, serializers.LearnedSerializer],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        """The instruments the filters select whose phase on `a` differs from their phase on
        `b`: counted by (from, to), and a page of 50 of them. With `known`, both phases are those
        known on that date (only the sources published by then); with `recorded`, as this
        tracker recorded them at that moment (each instrument's slug and title as they were
        then; the filters select the instruments as they are now).

        Given `on`, `known_a` or `known_b` instead: what was learned between two knowledge
        dates about one date, the instruments whose phase on `on` as known on `known_a` differs
        from their phase on it as known on `known_b` (`not_yet_public` as known on a date before
        anything about it was published), as recorded now. Both refuse `phase` and `sort`: a
        comparison is counted by both phases, in its own order."""
        if refused := comparison_refusals(request.query_params):
            raise ValidationError({name: [message] for name, message in refused.items()})
        if asks_learned(request.query_params):
            return self.learned(request)
        dates = params.read_params(request, a="date", b="date")
        b = dates["b"] or timezone.localdate()
        a = dates["a"] or b - datetime.timedelta(days=30)
        try:
            recorded = recorded_moment(request)
        except BadDate as error:
            params.refuse("recorded", f"{error}.")
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        known = filterset.known_date
        narrowed = filterset.qs.order_by() if filterset.narrows else None
        comparison = PhaseComparison(a, b, narrowed, known=known, recorded=recorded)
        instrument_path = path_maker("web:instrument_detail", "__slug__")

        def row(slug, title, before, after):
            url = request.build_absolute_uri(f"{instrument_path(slug)}{comparison.row_query}")
            return {"instrument": slug, "title": title, "phase_a": before, "phase_b": after, "url": url}

        times = {
            "a": a.isoformat(),
            "b": b.isoformat(),
            "known": known.isoformat() if known else None,
            "recorded": recorded.isoformat() if recorded else None,
        }
        return Response({**times, **_compared(request, comparison, row)})

    def learned(self, request):
        """What was learned between ``known_a`` and ``known_b`` about ``on``."""
        params.read_params(request, on="date", known_a="date", known_b="date")  # a 400 naming each bad one
        on, known_a, known_b = learned_dates(request)
        filterset = comparison_filters(request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        comparison = LearnedComparison(on, known_a, known_b, filterset.qs.order_by() if filterset.narrows else None)
        instrument_path = path_maker("web:instrument_detail", "__slug__")
        compare_path = path_maker("web:instrument_compare", "__slug__")

        def row(slug, title, before, after):
            return {
                "instrument": slug,
                "title": title,
                "phase_a": before,
                "phase_b": after,
                "url": request.build_absolute_uri(f"{instrument_path(slug)}{comparison.row_query}"),
                "compare_url": request.build_absolute_uri(f"{compare_path(slug)}{comparison.compare_query}"),
            }

        times = {"on": on.isoformat(), "known_a": known_a.isoformat(), "known_b": known_b.isoformat()}
        return Response({**times, **_compared(request, comparison, row)})


def _compared(request, comparison, row):
    """``groups``, ``count``, ``next``, ``previous`` and a page of ``results`` of ``comparison``
    (paged as every list is), each ``row(slug, title, first phase, second phase)``."""
    paginator = Page()
    page = paginator.paginate_queryset(comparison, request)
    found = comparison.names([pk for pk, _, _ in page])
    return {
        "groups": [{"from": before, "to": after, "count": count} for before, after, count in comparison.groups],
        "count": len(comparison),
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": [row(*found[pk][:2], before, after) for pk, before, after in page if pk in found],
    }


DOCUMENTS_RECORDED = OpenApiParameter(
    "recorded",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    description="Record time: the documents as this tracker held them at that moment (e.g. 2025-05-20T14:30Z): "
    "one added later is left out, one edited since has its fields then, one deleted since is listed. "
    "`page_url` and `api_url` open each as it is now. Now if left out.",
)


@method_decorator(polled, name="dispatch")
@extend_schema(
    tags=["documents"],
    parameters=[params.KNOWN, DOCUMENTS_RECORDED],
    responses={200: serializers.DocumentSerializer(many=True), **ERRORS},
)
class DocumentList(params.StrictQuery, generics.ListAPIView):
    """The documents held as evidence, latest published first; with `known`, those published by
    that date only; with `recorded`, as this tracker held them at that moment."""

    # By ``id``, the document's own key (a historical record's ``pk`` is the record's).
    queryset = Document.objects.order_by("-published_on", "title", "id")
    serializer_class = serializers.DocumentSerializer
    filterset_fields = ["kind"]
    pagination_class = Page

    def get_queryset(self):
        dates = params.read_params(self.request, known="date", recorded="datetime")
        return documents_held(dates["known"], dates["recorded"]).order_by(*self.queryset.query.order_by)


@method_decorator(polled, name="dispatch")
@extend_schema(tags=["documents"], responses={200: serializers.DocumentDetailSerializer, **ERRORS})
class DocumentDetail(params.StrictQuery, generics.RetrieveAPIView):
    """One document, with the events it supports and the date it gives for each."""

    queryset = Document.objects.prefetch_related(
        Prefetch(
            "claims",
            queryset=Claim.objects.select_related("event__instrument").order_by(
                "event__instrument__title", "event__date", "pk"
            ),
        )
    )
    serializer_class = serializers.DocumentDetailSerializer
    filter_backends = []

    def get_object(self):
        document = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if document is None:
            raise NotFound(f"No document has the id {self.kwargs['pk']}.")
        return document


@method_decorator(polled, name="dispatch")
@extend_schema(tags=["agencies"], responses={200: serializers.AgencySerializer(many=True), **ERRORS})
class AgencyList(params.StrictQuery, generics.ListAPIView):
    """Agencies, with their parent (BIS under the Department of Commerce)."""

    queryset = Agency.objects.select_related("parent").order_by("name", "pk")
    serializer_class = serializers.AgencySerializer
    filter_backends = []
    pagination_class = Page


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request):
    """Where everything is."""
    names = {
        "instruments": "instrument-list",
        "changes": "changes",
        "compare": "compare",
        "documents": "document-list",
        "agencies": "agency-list",
        "schema": "schema",
        "docs": "docs",
    }
    return Response({key: reverse(f"api:{name}", request=request) for key, name in names.items()})


def not_found(request, path=""):
    """Anything else under /api/: a JSON 404, as API clients expect, not the HTML page."""
    return JsonResponse(
        {"detail": f"There is nothing at {request.path}. The endpoints are listed at /api/docs/."}, status=404
    )
