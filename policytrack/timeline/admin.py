from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, StatusPeriod, Topic


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "slug", "parent"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class EventInline(admin.TabularInline):
    model = Event
    fk_name = "instrument"
    fields = ["position", "key", "kind", "date", "precision", "target", "new_date", "note"]
    extra = 0
    show_change_link = True  # claims are edited on the event's own page


class RelationInline(admin.TabularInline):
    model = InstrumentRelation
    fk_name = "source"
    autocomplete_fields = ["target"]
    extra = 0


class StatusPeriodInline(admin.TabularInline):
    model = StatusPeriod
    fields = ["phase", "in_force", "enforced", "obligations_apply", "rescission_pending", "valid_from", "valid_to"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = "status periods (derived from the events; read-only)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "short_title", "kind", "rin"]
    list_filter = ["kind", "agencies", "topics"]
    search_fields = ["title", "short_title", "slug", "rin"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["agencies", "topics"]
    inlines = [EventInline, RelationInline, StatusPeriodInline]


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ["document", "date", "precision", "quote", "position"]
    autocomplete_fields = ["document"]
    extra = 1


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["instrument", "kind", "date", "precision", "key"]
    list_filter = ["kind", "precision"]
    search_fields = ["instrument__title", "instrument__short_title", "key", "note"]
    date_hierarchy = "date"
    autocomplete_fields = ["instrument", "target"]
    inlines = [ClaimInline]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "citation", "rank"]
    list_filter = ["kind"]
    search_fields = ["title", "citation", "fr_document_number", "publisher", "key"]
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["event", "document", "date", "precision"]
    autocomplete_fields = ["event", "document"]
    search_fields = ["quote", "document__title", "event__instrument__title"]


@admin.register(InstrumentRelation)
class InstrumentRelationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "kind", "target"]
    autocomplete_fields = ["source", "target"]


@admin.register(StatusPeriod)
class StatusPeriodAdmin(admin.ModelAdmin):
    """Derived rows, shown for inspection only."""

    list_display = ["instrument", "phase", "valid_from", "valid_to", "in_force", "enforced", "obligations_apply"]
    list_filter = ["phase"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
