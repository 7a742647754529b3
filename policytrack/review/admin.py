"""The review queue in the admin: pending proposals, newest first, each with its source and what
it would change; accept, edit then accept, or reject with a reason. Only editors — users who may
change events — decide."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .models import Proposal, WatchCursor, WatchResponse
from .proposals import ProposalError, accept, preview, reject

EDITOR_PERMISSION = "timeline.change_event"


def is_editor(user):
    return user.is_active and user.is_staff and user.has_perm(EDITOR_PERMISSION)


def describe(found):
    """A preview (``proposals.preview``) as HTML: per instrument, events old → new and the
    stretches whose phase would change."""
    if not found:
        return "—"
    if found.get("error"):
        return format_html('<span class="errornote">Would be refused: {}</span>', found["error"])
    parts = []
    for instrument in found.get("instruments", []):
        events = format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            ((line["kind"].replace("_", " "), line["old"] or "(new)", line["new"]) for line in instrument["events"]),
        )
        phases = format_html_join(
            "",
            "<li>{} to {}: {} → {}</li>",
            (
                (
                    change["from"] or "the beginning",
                    change["to"] or "open end",
                    change["before"].replace("_", " "),
                    change["after"].replace("_", " "),
                )
                for change in instrument["phases"]
            ),
        )
        parts.append(
            format_html(
                "<strong>{}</strong>{}<ul>{}</ul>Status: <ul>{}</ul>",
                instrument["title"],
                " (new instrument)" if instrument.get("new") else "",
                events or "no event changes",
                phases or format_html("<li>{}</li>", "no phase changes on any date"),
            )
        )
    return format_html_join("", "<div>{}</div>", ((part,) for part in parts)) if parts else "nothing would change"


class ProposalForm(forms.ModelForm):
    source_url = forms.URLField(max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Proposal
        fields = ["kind", "origin", "summary", "payload", "source_publisher", "source_title", "source_url", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and "payload" in cleaned:
            candidate = Proposal(kind=cleaned["kind"], payload=cleaned["payload"], pk=self.instance.pk)
            found = preview(candidate)
            if found["error"] and "_reject" not in self.data:  # a broken proposal can still be rejected
                self.add_error("payload", f"This would be refused: {found['error']}")
            self.instance.preview = found
        return cleaned


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    form = ProposalForm
    change_form_template = "admin/review/proposal/change_form.html"
    # Four columns, so that what it would change fits beside the filters at 1280 px; when and
    # from where it came sit under the summary and the source.
    list_display = ["what", "source", "would_change", "status"]
    list_display_links = ["what"]
    list_filter = ["status", "origin", "kind"]
    search_fields = ["summary", "source_title", "source_ref", "source_publisher"]
    list_per_page = 50
    actions = ["accept_selected", "reject_selected"]
    readonly_fields = [
        "status",
        "decided_by",
        "decided_at",
        "classification",
        "source_ref",
        "would_change",
        "created_at",
        "updated_at",
    ]

    # Editors decide; whoever may look at events may look at the queue.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("timeline.view_event")

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user) and (obj is None or obj.status == Proposal.Status.PENDING)

    def has_delete_permission(self, request, obj=None):
        return False  # a decision stays on record

    def get_urls(self):
        from django.urls import path

        from .intake import propose_from_statement
        from .record import record_development

        def view(function):
            return self.admin_site.admin_view(lambda request: function(self, request))

        return [
            path("statement/", view(propose_from_statement), name="review_proposal_statement"),
            path("record/", view(record_development), name="review_proposal_record"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The queue: pending proposals unless a status is asked for.
        if (
            request.method == "GET"
            and not any(name.startswith("status") for name in request.GET)
            and "q" not in request.GET
        ):
            query = request.GET.copy()
            query["status__exact"] = Proposal.Status.PENDING
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="summary", ordering="summary")
    def what(self, obj):
        """The summary, and the quote it rests on (from the payload already loaded: no query)."""
        payload = obj.payload if isinstance(obj.payload, dict) else {}
        claim = payload.get("claim") or next(iter(payload.get("claims") or []), None)
        quote = claim.get("quote") if isinstance(claim, dict) else None
        filed = (
            format_html(
                '<div class="help">filed {}</div>',
                formats.date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT"),
            )
            if obj.created_at
            else ""
        )
        if not quote:
            return format_html("{}{}", str(obj), filed)
        return format_html('{}<div class="help"><q>{}</q></div>{}', str(obj), quote, filed)

    @admin.display(description="source")
    def source(self, obj):
        label = f"{obj.source_publisher}: {obj.source_title}" if obj.source_publisher else obj.source_title
        origin = format_html('<div class="help">from the {}</div>', obj.get_origin_display())
        if obj.source_url:
            return format_html('<a href="{}" rel="noopener">{}</a>{}', obj.source_url, label or obj.source_url, origin)
        return format_html("{}{}", label, origin) if label else obj.get_origin_display()

    @admin.display(description="what it would change")
    def would_change(self, obj):
        if not obj.preview and obj.status == Proposal.Status.PENDING:  # filed without one (e.g. by code)
            obj.preview = preview(obj)
            Proposal.objects.filter(pk=obj.pk).update(preview=obj.preview)
        return describe(obj.preview)

    @admin.action(description="Accept the selected proposals", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._decide(request, queryset.filter(status=Proposal.Status.PENDING), accept)

    @admin.action(description="Reject the selected proposals (asks for the reason)", permissions=["change"])
    def reject_selected(self, request, queryset):
        pending = queryset.filter(status=Proposal.Status.PENDING)
        if "apply" in request.POST:
            if request.POST.get("reason", "").strip():
                self._decide(request, pending, reject, request.POST["reason"])
                return None
            self.message_user(request, "A rejection needs a reason, so that the next editor knows why.", messages.ERROR)
        return TemplateResponse(
            request,
            "admin/review/proposal/reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "proposals": pending,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "title": "Reject proposals",
            },
        )

    def _decide(self, request, proposals, decision, *args):
        if not is_editor(request.user):
            raise PermissionDenied
        done = 0
        for proposal in proposals:
            try:
                decision(proposal, request.user, *args)
                done += 1
            except ProposalError as error:
                self.message_user(request, f"“{proposal}” was not {decision.__name__}ed: {error}.", messages.ERROR)
        if done:
            self.message_user(
                request, f"{done} proposal{'s' if done != 1 else ''} {decision.__name__}ed.", messages.SUCCESS
            )

    def response_change(self, request, obj):
        for button, decision in (("_accept", accept), ("_reject", reject)):
            if button in request.POST:
                args = (request.POST.get("reason", ""),) if decision is reject else ()
                try:
                    decision(obj, request.user, *args)
                except ProposalError as error:
                    self.message_user(request, f"Not {decision.__name__}ed: {error}.", messages.ERROR)
                    return HttpResponseRedirect(request.path)
                self.message_user(request, f"“{obj}” {decision.__name__}ed.", messages.SUCCESS)
                return HttpResponseRedirect("../../")
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_accept" in request.POST:
            return self.response_change(request, obj)
        return super().response_add(request, obj, post_url_continue)


@admin.register(WatchResponse)
class WatchResponseAdmin(admin.ModelAdmin):
    list_display = ["retrieved_at", "query", "status_code", "url"]
    list_filter = ["status_code"]
    search_fields = ["query", "url"]

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WatchCursor)
class WatchCursorAdmin(WatchResponseAdmin):
    list_display = ["query", "since", "updated_at"]
    list_filter = []
    search_fields = ["query"]

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)  # an editor may move a cursor back to ask again
