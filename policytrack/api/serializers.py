"""The JSON shapes of the API. Every field is read-only: nothing is written through the API."""

from __future__ import annotations

from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from policytrack.timeline.compare import NOT_YET_PUBLIC
from policytrack.times import times_suffix
from policytrack.timeline.models import (
    Agency,
    Claim,
    Document,
    Event,
    Instrument,
    InstrumentRelation,
    StatusPeriod,
    Topic,
)
from policytrack.web.paths import path_maker


def _absolute(serializer, path):
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _api(serializer, name, *args):
    return reverse(f"api:{name}", args=args, request=serializer.context.get("request"))


def _instrument_path(serializer, slug, name="web:instrument_detail"):
    """``reverse(name, args=[slug])``, reversed once per response: the changes of 500 instruments
    as known on a date reversed 3,500 addresses, 0.7 s of the API's 3.8 (profiled at 100,000)."""
    makers = serializer.context.setdefault("paths", {})
    if name not in makers:
        makers[name] = path_maker(name, "__slug__")
    return makers[name](slug)


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["slug", "name", "short_name"]


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The parent agency's slug; null for a top-level agency.",
    )

    class Meta:
        model = Agency
        fields = ["slug", "name", "short_name", "parent"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class InstrumentRowSerializer(serializers.ModelSerializer):
    """One row of the instrument list."""

    agencies = AgencyBriefSerializer(many=True, read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    phase = serializers.ChoiceField(
        choices=StatusPeriod.Phase.choices,
        source="phase_on",
        read_only=True,
        allow_null=True,
        help_text="The phase on the list's date (`on`, today if left out); null when no status is stored.",
    )
    url = serializers.SerializerMethodField(help_text="The instrument's timeline page.")
    api_url = serializers.SerializerMethodField(help_text="This instrument in the API.")

    class Meta:
        model = Instrument
        fields = ["slug", "title", "short_title", "kind", "agencies", "topics", "rin", "phase", "url", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, instrument):
        return _absolute(self, instrument.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, instrument):
        return _api(self, "instrument-detail", instrument.slug)


class RecordedInstrumentRowSerializer(InstrumentRowSerializer):
    """One row of the instrument list as recorded at a moment (a dict the view built from the
    edit history): the same fields, its page linked as recorded then, under the slug it had."""

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row):
        view = self.context["view"]
        query = {"on": view.filterset.on_date.isoformat(), "recorded": view.recorded.isoformat()}
        if view.filterset.known_date:
            query["known"] = view.filterset.known_date.isoformat()
        return _absolute(self, f"{_instrument_path(self, row['slug'])}?{urlencode(query)}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, row):
        return _api(self, "instrument-detail", row["current_slug"])


class DocumentBriefSerializer(serializers.ModelSerializer):
    """A document as cited by a claim."""

    rank = serializers.IntegerField(
        source="effective_rank",
        read_only=True,
        help_text="Source rank, 1 best: the editor's override or the kind's default.",
    )
    url = serializers.CharField(
        read_only=True, help_text="Where the document itself is published; empty if nowhere online."
    )
    page_url = serializers.SerializerMethodField(help_text="The document's page on this site.")
    api_url = serializers.SerializerMethodField(help_text="This document in the API.")

    class Meta:
        model = Document
        fields = [
            "id",
            "key",
            "kind",
            "title",
            "publisher",
            "url",
            "published_on",
            "citation",
            "fr_document_number",
            "rank",
            "page_url",
            "api_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, document):
        return _absolute(self, document.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, document):
        return _api(self, "document-detail", document.pk)


class DocumentSerializer(DocumentBriefSerializer):
    class Meta(DocumentBriefSerializer.Meta):
        fields = [
            "id",
            "key",
            "kind",
            "title",
            "publisher",
            "url",
            "published_on",
            "retrieved_on",
            "citation",
            "fr_document_number",
            "rank",
            "excerpt",
            "note",
            "page_url",
            "api_url",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    document = DocumentBriefSerializer(read_only=True)
    date = serializers.DateField(read_only=True, help_text="The date this document gives for the event.")
    retracted_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When an editor retracted this claim (null if it counts): a retracted claim "
        "stays in the record but no longer counts towards the event's date or status.",
    )
    retraction_reason = serializers.CharField(read_only=True, help_text="Why it was retracted (empty if it counts).")

    class Meta:
        model = Claim
        fields = ["document", "date", "precision", "quote", "retracted_at", "retraction_reason"]


class EventSerializer(serializers.ModelSerializer):
    date = serializers.DateField(read_only=True, help_text="The date the event's best source gives.")
    target = serializers.SerializerMethodField(help_text="For a delay: the key of the event it moves.")
    claims = ClaimSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The event on the instrument's timeline page.")

    class Meta:
        model = Event
        fields = ["key", "kind", "date", "precision", "note", "target", "new_date", "claims", "url"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_target(self, event):
        return event.target.key if event.target_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event):
        return _absolute(self, f"{event.instrument.get_absolute_url()}#event-{event.key}")


class InstrumentLinkSerializer(InstrumentRowSerializer):
    class Meta(InstrumentRowSerializer.Meta):
        fields = ["slug", "title", "short_title", "url", "api_url"]


class RelationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InstrumentRelation.Kind.values)
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this instrument <kind> the other; incoming: the other <kind> this one.",
    )
    instrument = InstrumentLinkSerializer()


class InstrumentDetailSerializer(InstrumentRowSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    docket_ids = serializers.ListField(child=serializers.CharField(), read_only=True)
    cfr_parts = serializers.ListField(child=serializers.CharField(), read_only=True)
    relations = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    status_url = serializers.SerializerMethodField(help_text="The status endpoint (add ?on=DATE&known=DATE).")

    class Meta(InstrumentRowSerializer.Meta):
        fields = [
            "slug",
            "title",
            "short_title",
            "aliases",
            "kind",
            "agencies",
            "topics",
            "rin",
            "docket_ids",
            "cfr_parts",
            "summary",
            "relations",
            "events",
            "url",
            "api_url",
            "status_url",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, instrument):
        rows = [{"kind": r.kind, "direction": "outgoing", "instrument": r.target} for r in instrument.relations.all()]
        # A relation recorded from both sides is listed once, from this side.
        shown = {r.target_id for r in instrument.relations.all()}
        rows += [
            {"kind": r.kind, "direction": "incoming", "instrument": r.source}
            for r in instrument.inverse_relations.all()
            if r.source_id not in shown
        ]
        return RelationSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, instrument):
        return _api(self, "instrument-status", instrument.slug)


class SupportedEventSerializer(serializers.ModelSerializer):
    """A claim seen from its document: the event it supports and the date it gives."""

    instrument = InstrumentLinkSerializer(source="event.instrument", read_only=True)
    event = serializers.CharField(source="event.key", read_only=True, help_text="The event's key.")
    kind = serializers.ChoiceField(choices=Event.Kind.choices, source="event.kind", read_only=True)
    event_date = serializers.DateField(source="event.date", read_only=True, help_text="The event's date.")
    date = serializers.DateField(read_only=True, help_text="The date this document gives.")

    class Meta:
        model = Claim
        fields = ["instrument", "event", "kind", "event_date", "date", "precision", "quote"]


class DocumentDetailSerializer(DocumentSerializer):
    claims = SupportedEventSerializer(many=True, read_only=True, help_text="The events this document supports.")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "claims"]


# The status document (the same object as `manage.py status --json`). Used to describe the
# response in the schema; the view returns ``wording.status_document`` itself.


class DatedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    date = serializers.DateField()


class DisputeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    dates = serializers.ListField(child=serializers.DateField(), help_text="Every date the known sources give, sorted.")


class SinceDisputedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices, help_text="The event the phase dates from.")
    date = serializers.DateField(help_text="Its date: the best source's.")
    # "from"/"to" are Python keywords: declared under other names and renamed below.
    from_ = serializers.DateField(help_text="The first day any known source gives.")
    to = serializers.DateField(
        help_text="The last day any known source's date covers (a month's last day for a month)."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class StatusSerializer(serializers.Serializer):
    instrument = serializers.SlugField(help_text="The instrument's slug.")
    on = serializers.DateField(help_text="Valid time: the date the status applies on.")
    known = serializers.DateField(allow_null=True, help_text="Knowledge time; null means everything held today.")
    phase = serializers.ChoiceField(choices=StatusPeriod.Phase.choices)
    in_force = serializers.BooleanField()
    enforced = serializers.BooleanField()
    obligations_apply = serializers.BooleanField()
    rescission_pending = serializers.BooleanField()
    applied = DatedSerializer(many=True, help_text="The events that applied on or before `on`, in order.")
    upcoming = DatedSerializer(allow_null=True, help_text="The next change a reader could foresee on `on`.")
    disputed = DisputeSerializer(many=True, help_text="Known events whose sources disagree on the date.")
    since_disputed = SinceDisputedSerializer(
        allow_null=True,
        help_text='When the sources dispute the date the phase dates from (the status\'s "since"): '
        "that event and the span of days its known sources give; null when they agree or it has no such date.",
    )


# Changes between two dates.


class ChangeEventSerializer(EventSerializer):
    instrument = serializers.SlugField(source="instrument.slug", read_only=True, help_text="The instrument's slug.")

    class Meta(EventSerializer.Meta):
        fields = ["instrument", *EventSerializer.Meta.fields]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event):
        """As known on a date or recorded at a moment, the event on its instrument's page as known
        and recorded then."""
        also = times_suffix(self.context.get("known"), self.context.get("recorded"))
        query = f"?on={event.date.isoformat()}{also}" if also else ""
        return _absolute(self, f"{_instrument_path(self, event.instrument.slug)}{query}#event-{event.key}")


class InstrumentChangeSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="instrument.slug")
    title = serializers.CharField(source="instrument.title")
    short_title = serializers.CharField(source="instrument.short_title")
    agencies = AgencyBriefSerializer(source="instrument.agencies", many=True)
    phase_before = serializers.ChoiceField(
        choices=StatusPeriod.Phase.choices,
        source="before",
        allow_null=True,
        help_text="The phase on the day before `from`.",
    )
    phase_after = serializers.ChoiceField(
        choices=StatusPeriod.Phase.choices, source="after", allow_null=True, help_text="The phase on `to`."
    )
    changed = serializers.BooleanField(help_text="Whether the phase differs.")
    events = serializers.SerializerMethodField(help_text="The keys of its events in the window.")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    def get_events(self, change) -> list[str]:
        return [event.key for event in change.events]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, change):
        return _absolute(self, _instrument_path(self, change.instrument.slug))

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, change):
        return _absolute(self, _instrument_path(self, change.instrument.slug, "api:instrument-detail"))


class ChangesSerializer(serializers.Serializer):
    """``changes.Changes``: the window, its events by date, and each instrument touched."""

    to = serializers.DateField(source="end", help_text="The window's last day (inclusive).")
    known = serializers.DateField(
        allow_null=True, help_text="Knowledge time: read as known on this date; null means every source held."
    )
    events = ChangeEventSerializer(
        many=True, help_text="The events dated in the window of this page's instruments, by date."
    )
    instruments = InstrumentChangeSerializer(
        many=True,
        help_text="Each instrument with an event in the window "
        "or a different phase at its end than before it, by title.",
    )

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        fields = super().get_fields()
        return {
            "from": serializers.DateField(source="start", help_text="The window's first day (inclusive)."),
            **fields,
        }


class ChangesPageSerializer(ChangesSerializer):
    """A page of the instruments changed in the window (by title), with their events."""

    recorded = serializers.DateTimeField(
        allow_null=True, help_text="Record time: as this tracker held it at this moment (UTC); null means now."
    )
    count = serializers.IntegerField(help_text="How many instruments changed in the window, on every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page, if any.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, if any.")

    def get_fields(self):
        fields = super().get_fields()
        order = ["from", "to", "known", "recorded", "count", "next", "previous", "events", "instruments"]
        return {name: fields[name] for name in order}


# Error bodies, for the schema.

BAD_REQUEST = {
    "type": "object",
    "description": "Each bad parameter, with what was expected.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"on": ["on must be a real date written YYYY-MM-DD, not '2025-13-01'."]},
}

NOT_FOUND = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


# Two dates compared (/api/compare/).


class CompareGroupSerializer(serializers.Serializer):
    from_ = serializers.ChoiceField(choices=StatusPeriod.Phase.choices, help_text="The phase on `a`.")
    to = serializers.ChoiceField(choices=StatusPeriod.Phase.choices, help_text="The phase on `b`.")
    count = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class CompareRowSerializer(serializers.Serializer):
    instrument = serializers.SlugField()
    title = serializers.CharField()
    phase_a = serializers.ChoiceField(choices=StatusPeriod.Phase.choices)
    phase_b = serializers.ChoiceField(choices=StatusPeriod.Phase.choices)
    url = serializers.URLField(help_text="The instrument's page on `b`.")


class CompareSerializer(serializers.Serializer):
    a = serializers.DateField()
    b = serializers.DateField()
    known = serializers.DateField(
        allow_null=True, help_text="The knowledge date both phases are read as of; null: every source."
    )
    recorded = serializers.DateTimeField(
        allow_null=True, help_text="The moment both phases are read as this tracker recorded them (UTC); null: now."
    )
    groups = CompareGroupSerializer(many=True, help_text="How many instruments went from each phase to each other.")
    count = serializers.IntegerField(help_text="How many instruments changed phase in all.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CompareRowSerializer(many=True, help_text="A page of them: by phase on `a`, phase on `b`, title.")


# One date as known on two knowledge dates (/api/compare/?on=&known_a=&known_b=).

# A phase as known on a date, or "not_yet_public": nothing about the instrument published by then.
KNOWN_PHASES = [*StatusPeriod.Phase.choices, (NOT_YET_PUBLIC, "not yet public")]


class LearnedGroupSerializer(CompareGroupSerializer):
    from_ = serializers.ChoiceField(choices=KNOWN_PHASES, help_text="The phase as known on `known_a`.")
    to = serializers.ChoiceField(choices=KNOWN_PHASES, help_text="The phase as known on `known_b`.")


class LearnedRowSerializer(serializers.Serializer):
    instrument = serializers.SlugField()
    title = serializers.CharField()
    phase_a = serializers.ChoiceField(choices=KNOWN_PHASES, help_text="Its phase on `on` as known on `known_a`.")
    phase_b = serializers.ChoiceField(choices=KNOWN_PHASES, help_text="Its phase on `on` as known on `known_b`.")
    url = serializers.URLField(help_text="The instrument's page on `on` as known on `known_b`.")
    compare_url = serializers.URLField(help_text="The instrument's own comparison of the two knowledge dates.")


class LearnedSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The date both phases are the phase on.")
    known_a = serializers.DateField(help_text="The first knowledge date (the sources published by then).")
    known_b = serializers.DateField(help_text="The second knowledge date.")
    groups = LearnedGroupSerializer(many=True, help_text="How many instruments went from each phase to each other.")
    count = serializers.IntegerField(help_text="How many instruments' phase differs in all.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LearnedRowSerializer(
        many=True, help_text="A page of them: by phase as known on `known_a`, then on `known_b`, then title."
    )
