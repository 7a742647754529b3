"""What the admin does for editors beyond the model forms: retracting a wrong claim (never
deleting it), keeping a sourced event's date its best source's (or saying why not), and the
warnings about dates that look mistyped."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from . import engine
from .models import Claim, Document, Event, engine_input
from .wording import human_date


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown beside the struck-through claim on the instrument's page, e.g. "
        "“misread the effective date; the notice says 15 May”.",
        error_messages={"required": "Say why the claim is retracted: the reason is kept with it and shown."},
    )


def retract_view(model_admin, request, object_id):
    """Ask for the reason, then retract the claim: it stays, struck through, and stops counting."""
    claim = Claim.objects.select_related("event__instrument", "document").filter(pk=unquote(object_id)).first()
    if claim is None:
        messages.warning(request, f"No claim has the id “{object_id}”; it may have been deleted.")
        return redirect("admin:timeline_claim_changelist")
    if not model_admin.has_change_permission(request, claim):
        raise PermissionDenied
    event_page = reverse("admin:timeline_event_change", args=[claim.event_id])
    form = RetractForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not claim.retracted:
        before = claim.event.date
        with transaction.atomic():
            claim.retract(request.user, form.cleaned_data["reason"])
        event = Event.objects.get(pk=claim.event_id)
        after = (
            ""
            if event.date == before
            else f" The event's date is now {human_date(event.date, event.precision)} "
            f"(was {human_date(before)}), from its next best source."
        )
        messages.success(request, f"Retracted: {claim.document} no longer counts for this event.{after}")
        return redirect(event_page)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Claim._meta,
        "title": "Retract a claim",
        "claim": claim,
        "form": form,
        "event_page": event_page,
    }
    return TemplateResponse(request, "admin/timeline/claim/retract.html", context)


def retraction_cell(claim):
    """The "Retraction" column and field: who retracted the claim, when and why, or a link to."""
    if claim is None or claim.pk is None:
        return "—"
    if claim.retracted:
        who = f" by {claim.retracted_by}" if claim.retracted_by_id else ""
        return f"Retracted {claim.retracted_at:%Y-%m-%d}{who}: {claim.retraction_reason}"
    return format_html('<a href="{}">Retract…</a>', reverse("admin:timeline_claim_retract", args=[claim.pk]))


def best_source(event):
    """The claim that dates ``event`` now (retracted claims do not count), with its document."""
    found = engine_input(Event.objects.filter(pk=event.pk)).get(event.instrument_id)
    best = engine.best_claim(found[1][0].claims) if found else None
    if best is None:
        return None, None
    return best, Document.objects.get(key=best.document)


class SourcedDateForm:
    """For a sourced event the date is its best source's. A different date typed in is refused
    with the reason, rather than saved and then silently replaced by the source's."""

    def clean(self):
        cleaned = super().clean()
        day, precision = cleaned.get("date"), cleaned.get("precision")
        if self.instance.pk is None or day is None or not {"date", "precision"} & set(self.changed_data):
            return cleaned
        best, document = best_source(self.instance)
        if best is not None and (day, precision or best.precision) != (best.date, best.precision):
            self.add_error(
                "date",
                ValidationError(
                    f"This event's date is its best source's: the best source, {document}, says "
                    f"{human_date(best.date, best.precision)}. To change the date, correct that claim's date, change "
                    "the source's rank, or retract its claim.",
                    code="sourced_date",
                ),
            )
        return cleaned


def warn_about_replaced_date(request, form):
    """After a save: a typed date the best source overrode (a new event saved with its claims) is
    said, not silently replaced."""
    if "date" not in form.changed_data:  # the date followed a claim edited on the same page: as meant
        return
    typed = form.cleaned_data.get("date")
    event = Event.objects.filter(pk=form.instance.pk).first()
    if typed is not None and event is not None and event.date != typed:
        best, document = best_source(event)
        messages.warning(
            request,
            f"{event.instrument}: the date typed, {human_date(typed)}, is not the one saved: "
            f"{human_date(event.date, event.precision)}, the date the best source, {document}, "
            "gives. Change the source's rank or retract its claim if it is wrong.",
        )


def warn_about_dates(request, instrument):
    """Dates that look wrong but can be real are warnings, not errors."""
    dates = {
        kind: min(instrument.events.filter(kind=kind).values_list("date", flat=True), default=None)
        for kind in ("published", "effective", "compliance_date")
    }
    if dates["effective"] and dates["published"] and dates["effective"] < dates["published"]:
        messages.warning(
            request,
            f"{instrument}: effective {dates['effective']} is before publication "
            f"{dates['published']} — possible (a rule can apply before it is printed), "
            "but check the sources.",
        )
    if dates["compliance_date"] and dates["effective"] and dates["compliance_date"] < dates["effective"]:
        messages.warning(
            request,
            f"{instrument}: compliance date {dates['compliance_date']} is before the "
            f"effective date {dates['effective']} — check the sources.",
        )
    for key, day in instrument.events.filter(kind="delayed", date=F("new_date")).values_list("key", "date"):
        messages.warning(
            request,
            f"{instrument}: the delay “{key}” is dated {human_date(day)}, the same day as its "
            "new date. A delay's date is the day it was decided or published, not the day it "
            "moves its target to; check its claim's date.",
        )
