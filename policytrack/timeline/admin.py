from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from . import search
from .admin_editing import (
    SourcedDateForm,
    retract_view,
    retraction_cell,
    warn_about_dates,
    warn_about_replaced_date,
)
from .models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, StatusPeriod, Topic

# Lists of tens of thousands of rows: pages of this size, and no second COUNT(*) of the whole
# table beside the filtered one (``show_full_result_count``).
PER_PAGE = 50


class VersionedForm(forms.ModelForm):
    """Refuses to save over someone else's change: the form remembers the version it was
    opened at, and the save goes through only if the row still has that version. A change sent
    without that version is refused too (an add form has none to send)."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.opened_at()

    def opened_at(self):
        """The version this form is opened at. A history page's form (Revert) holds an old copy
        but saves over the current row, so it is opened at the current row's version — or, when
        the row was deleted, at the copy's, so that only the first of two re-creations goes in."""
        if hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current is not None:
                return current
        return self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.writes_stored_row():
            return cleaned
        opened, name = cleaned.get("opened_version"), self.instance._meta.verbose_name
        if opened is None:
            raise forms.ValidationError(
                f"This form did not say which version of the {name} it was opened at; nothing was saved. "
                "Reload the page, then make your change again.",
                code="unversioned",
            )
        # Locks the row (PostgreSQL) until this save commits, so two saves cannot both pass.
        current = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and current != opened:
            raise forms.ValidationError(
                f"Someone else changed this {name} since you opened it; nothing was saved. "
                "Reload the page to see their change, then make yours again.",
                code="stale",
            )
        if current is not None:
            self.instance.version = current  # a reverted old copy must not take the counter back
        return cleaned

    def writes_stored_row(self):
        return True  # the admin saves a change form's object whether or not anything changed


class VersionedInlineForm(VersionedForm):
    """An inline row: saved, and so checked, only when it differs from the stored row. The
    version alone does not count, so a row that is as stored is left alone."""

    def has_changed(self):
        return any(name != "opened_version" for name in self.changed_data)

    def writes_stored_row(self):
        return self.has_changed()


class HistoryAdmin(SimpleHistoryAdmin):
    """The base of every admin here. django-simple-history's history page (Revert) checks only
    view permission and saves outside a transaction; here it saves as the change form does."""

    list_per_page = PER_PAGE
    show_full_result_count = False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            object_id = self.model._meta.pk.to_python(unquote(object_id))
            version_id = self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404("No such version.") from None
        if request.method == "POST":
            current = self.model._default_manager.filter(pk=object_id).first()
            # Reverting a deleted object creates it again.
            allowed = (
                self.has_add_permission(request) if current is None else self.has_change_permission(request, current)
            )
            if not allowed:
                raise PermissionDenied
        # As in the change form: the version check locks the row until the save commits.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, str(object_id), str(version_id), extra_context)


class KeepsEvidence:
    """Evidence — documents, events and their claims — is never deleted by an editor, by any
    path: its delete page, the list's bulk action, a Delete box in an inline row, or a cascade
    from what it belongs to (Django's delete page asks each cascaded model's admin). Only a
    superuser may remove it."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class VersionedAdmin(HistoryAdmin):
    form = VersionedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "opened_version" in fields else [*fields, "opened_version"]


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "slug", "parent"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class EventInlineForm(SourcedDateForm, VersionedInlineForm):
    pass


class EventInlineFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        """A delay moves an event of its own instrument: only those are offered as its target (all
        events of every instrument made the page 150 s and 19.7 MB at 2,000 instruments)."""
        super().add_fields(form, index)
        if "target" in form.fields:
            form.fields["target"].queryset = (
                Event.objects.filter(instrument=self.instance).select_related("instrument")
                if self.instance.pk is not None
                else Event.objects.none()
            )


# Narrow enough for the row of an event to fit a laptop's screen.
NARROW = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 24})},
    models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
}


class EventInline(KeepsEvidence, admin.TabularInline):
    model = Event
    fk_name = "instrument"
    form = EventInlineForm
    formset = EventInlineFormSet
    fields = ["position", "key", "kind", "date", "precision", "target", "new_date", "note", "opened_version"]
    readonly_fields = ["key"]  # generated from the kind and date
    formfield_overrides = NARROW
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
class InstrumentAdmin(VersionedAdmin):
    list_display = ["title", "short_title", "kind", "rin"]
    list_filter = ["kind", "agencies", "topics"]
    # Found through the full-text index (see get_search_results); the fields are listed for
    # Django's own checks and the search box.
    search_fields = ["title", "short_title", "slug", "rin", "aliases", "docket_ids", "cfr_parts"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["agencies", "topics"]
    inlines = [EventInline, RelationInline, StatusPeriodInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_dates(request, form.instance)

    def get_search_results(self, request, queryset, search_term):
        """Through the full-text index (search.py), each word as a prefix as one types: titles,
        aliases, summaries and notes, and identifiers in any form — RIN, docket, CFR part, the FR
        citations and document numbers of the documents cited. A substring search of seven fields
        and the cited documents (Django's own, and ours) read every instrument, claim and
        document: 1.4–1.6 s at 100,000 instruments. An exact slug or RIN is found as typed."""
        term = search_term.strip()
        if not term:
            return queryset, False
        matched = search.search(Instrument.objects.all(), term, ranked=False, prefixes=True).order_by().values("pk")
        exact = models.Q(slug__iexact=term) | models.Q(rin__iexact=term)
        return queryset.filter(models.Q(pk__in=matched) | exact), False

    # Evidence is never deleted by editors. A superuser may delete an instrument created by
    # mistake: its events, claims, relations and derived status periods go with it (all kept in
    # the history, so its page still shows it as recorded before); the documents stay, as they
    # may support other instruments.
    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_deleted_objects(self, objs, request):
        deleted, model_count, _, protected = super().get_deleted_objects(objs, request)
        # What belongs to the instrument goes with it, whatever its own admin allows alone
        # (status periods are never deleted by hand, claims never by an editor).
        return deleted, model_count, set(), protected


class ClaimInline(KeepsEvidence, admin.TabularInline):
    model = Claim
    form = VersionedInlineForm
    fields = ["document", "date", "precision", "quote", "position", "retraction", "opened_version"]
    readonly_fields = ["retraction"]
    autocomplete_fields = ["document"]
    formfield_overrides = NARROW
    extra = 1

    @admin.display(description="retraction")
    def retraction(self, claim):
        return retraction_cell(claim)


class EventForm(SourcedDateForm, VersionedForm):
    pass


@admin.register(Event)
class EventAdmin(KeepsEvidence, VersionedAdmin):
    form = EventForm
    list_display = ["instrument", "kind", "date", "precision", "key"]
    # A date filter rather than date_hierarchy, whose list of years truncates every row's date
    # (1.2 of the page's 1.6 s at 10,000 instruments on SQLite).
    list_filter = ["kind", "precision", "date"]
    search_fields = ["instrument__title", "instrument__short_title", "key", "note"]
    autocomplete_fields = ["instrument", "target"]
    inlines = [ClaimInline]

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj is not None else []  # generated when left empty, then fixed: files cite it

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.policytrack_event = obj  # read by formfield_for_foreignkey, called from here
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        event = getattr(request, "policytrack_event", None)
        if db_field.name == "target" and event is not None:
            # A delay moves an event of its own instrument: offer only those (a few), not a search.
            kwargs["queryset"] = Event.objects.filter(instrument_id=event.instrument_id).exclude(pk=event.pk)
            kwargs["widget"] = forms.Select
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_replaced_date(request, form)
        warn_about_dates(request, form.instance.instrument)


@admin.register(Document)
class DocumentAdmin(KeepsEvidence, VersionedAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "citation", "rank"]
    list_filter = ["kind", "published_on"]  # not date_hierarchy: see EventAdmin
    search_fields = ["title", "citation", "fr_document_number", "publisher", "key"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/timeline/document/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj is not None else []  # generated when left empty, then fixed: files cite it

    def get_urls(self):
        from policytrack.ingest.admin_import import import_federal_register

        view = self.admin_site.admin_view(lambda request: import_federal_register(self, request))
        return [
            path("import-federal-register/", view, name="timeline_document_import_federal_register"),
            *super().get_urls(),
        ]


@admin.register(Claim)
class ClaimAdmin(KeepsEvidence, VersionedAdmin):
    list_display = ["event", "document", "date", "precision", "retraction"]
    list_select_related = ["event__instrument", "document"]
    autocomplete_fields = ["event", "document"]
    search_fields = ["quote", "document__title", "event__instrument__title"]
    readonly_fields = ["retraction"]

    @admin.display(description="retraction")
    def retraction(self, claim):
        return retraction_cell(claim)

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request, object_id: retract_view(self, request, object_id))
        return [path("<path:object_id>/retract/", view, name="timeline_claim_retract"), *super().get_urls()]


@admin.register(InstrumentRelation)
class InstrumentRelationAdmin(HistoryAdmin):
    list_display = ["source", "kind", "target"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]


@admin.register(StatusPeriod)
class StatusPeriodAdmin(admin.ModelAdmin):
    """Derived rows, shown for inspection only."""

    list_display = ["instrument", "phase", "valid_from", "valid_to", "in_force", "enforced", "obligations_apply"]
    list_filter = ["phase"]
    list_per_page = PER_PAGE
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the phase tally counts the stored periods: they go only with a rebuild
