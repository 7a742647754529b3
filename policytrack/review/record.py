"""The admin's guided "Record a development" form: start from a document — one already held, a
Federal Register document number (fetched from FEDERAL_REGISTER_API), or a pasted statement
(the statement page) — see the instruments it most likely concerns and why, give the event's
kind and date once, read the warnings about likely mistakes, and file a proposal; an editor
who may decide proposals can accept it at once or leave it for a second pair of eyes."""

from __future__ import annotations

import hashlib
import json
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from policytrack.ingest.federal_register import DOCUMENT_NUMBER, FederalRegisterError, check, fetch_document
from policytrack.timeline.dates import EARLIEST, LATEST
from policytrack.timeline.models import Claim, Document, Event, Instrument

from .models import Proposal
from .proposals import ProposalError, accept
from .services import describe_date, file_for_review, warnings

CITATION = re.compile(r"\b(\d{1,3})\s+FR\s+(\d{1,6})\b")
RIN = re.compile(r"\b\d{4}-[A-Z]{2}\d{2}\b")
MAX_CANDIDATES = 10
OTHER = "-other-"  # the "another instrument" choice, beside the candidates


class StartForm(forms.Form):
    document = forms.ModelChoiceField(
        Document.objects.all(),
        required=False,
        label="A document already held",
        widget=AutocompleteSelect(Claim._meta.get_field("document"), admin.site),
        help_text="Type part of its title, citation or document number.",
    )
    fr_number = forms.CharField(
        max_length=30,
        required=False,
        label="or a Federal Register document number",
        help_text="e.g. 2025-00636: fetched from the Federal Register.",
    )
    unsourced = forms.BooleanField(required=False, label="or no document (an unsourced event)")

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("document", "fr_number", "unsourced") if cleaned.get(name)]
        number = (cleaned.get("fr_number") or "").strip()
        if len(chosen) > 1:
            raise forms.ValidationError(
                "Start from one document: choose a held document, give a Federal Register "
                "number, or tick “no document” — not several."
            )
        if not chosen and not self.errors:
            raise forms.ValidationError(
                "Choose a held document, give a Federal Register document number, or paste "
                "a statement on the statement page."
            )
        if number and not DOCUMENT_NUMBER.fullmatch(number):
            self.add_error("fr_number", f"{number}: not a Federal Register document number like 2025-00636.")
        cleaned["fr_number"] = number
        return cleaned


class EventForm(forms.Form):
    instrument = forms.CharField(max_length=200, required=False)
    other_instrument = forms.CharField(
        max_length=200,
        required=False,
        label="another instrument",
        help_text="Its slug, when it is not among the candidates.",
    )
    kind = forms.ChoiceField(choices=[("", "—")] + list(Event.Kind.choices))
    date = forms.DateField(help_text="YYYY-MM-DD: the day the event happens (for a delay, the day it was made).")
    precision = forms.ChoiceField(choices=[("day", "day"), ("month", "month"), ("year", "year")], initial="day")
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        help_text="The document's own sentence that gives the date, word for word.",
    )
    target = forms.CharField(
        max_length=100,
        required=False,
        label="Delay moves",
        help_text="For a delay: the key of the event it moves (listed with each candidate).",
    )
    new_date = forms.DateField(required=False, help_text="For a delay: the date it moves that event to.")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    accept_now = forms.BooleanField(required=False, label="Accept at once (no second pair of eyes)")

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("instrument") or ""
        slug = (cleaned.get("other_instrument") or "").strip() if chosen in ("", OTHER) else chosen.strip()
        cleaned["instrument"] = Instrument.objects.filter(slug=slug).first() if slug else None
        if not slug:
            self.add_error("instrument", "Choose the instrument it concerns, or type its slug.")
        elif cleaned["instrument"] is None:
            self.add_error(
                "other_instrument" if chosen in ("", OTHER) else "instrument", f"No instrument with the slug “{slug}”."
            )
        for name in ("date", "new_date"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Enter a date between {EARLIEST} and {LATEST}.")
        instrument, kind = cleaned.get("instrument"), cleaned.get("kind")
        if kind == "delayed":
            if not cleaned.get("new_date"):
                self.add_error("new_date", "A delay needs the date it moves the event to.")
            target = (cleaned.get("target") or "").strip()
            if instrument is not None and not instrument.events.filter(key=target).exists():
                keys = ", ".join(instrument.events.values_list("key", flat=True)) or "none"
                self.add_error(
                    "target", f"{instrument.slug} has no event with the key “{target}” (its events: {keys})."
                )
        elif cleaned.get("target") or cleaned.get("new_date"):
            self.add_error(
                "kind",
                "Only a delay moves another event: clear “Delay moves” and “New date”, or choose the kind “delayed”.",
            )
        return cleaned


# The document the development is recorded from


def _held(document):
    return {
        "ref": {"key": document.key},
        "pk": document.pk,
        "title": document.title,
        "publisher": document.publisher,
        "url": document.url,
        "published_on": document.published_on,
        "citation": document.citation,
        "number": document.fr_document_number,
        "text": " ".join((document.title, document.excerpt)),
        "dockets": [],
        "rins": [],
        "label": f"{document.publisher}: {document.title}",
    }


def _fetched(raw):
    doc, problems = check(raw, "")
    if doc is None:
        raise FederalRegisterError("the fetched document", problems)
    ref = {
        "kind": "federal_register",
        "title": doc["title"][:1000],
        "publisher": "Federal Register",
        "url": doc["url"],
        "published_on": doc["published"].isoformat(),
        "fr_document_number": doc["number"],
        "citation": doc["citation"],
    }
    text = " ".join((doc["title"], doc["action"], doc["dates_text"], doc["abstract"]))
    return {
        "ref": ref,
        "title": doc["title"],
        "publisher": "Federal Register",
        "url": doc["url"],
        "published_on": doc["published"],
        "citation": doc["citation"],
        "number": doc["number"],
        "text": text,
        "dockets": doc["dockets"],
        "rins": doc["rins"],
        "correction_of": doc["correction_of"],
        "label": f"Federal Register {doc['number']}: {doc['title']}",
    }


def candidates(source):
    """The instruments ``source`` most likely concerns, each with why: [(instrument, [reasons])],
    strongest evidence first (a document it already backs, then docket, RIN, citation, title)."""
    reasons = {}

    def found(queryset, why):
        for pk in queryset.values_list("pk", flat=True)[:MAX_CANDIDATES]:
            reasons.setdefault(pk, []).append(why)

    if source.get("pk"):
        found(
            Instrument.objects.filter(events__claims__document_id=source["pk"]).distinct(),
            "it already cites this document",
        )
    citations = {f"{volume} FR {page}" for volume, page in CITATION.findall(source["text"])}
    # A held document's own citation and number lead back to the instruments just found.
    own = set() if source.get("pk") else {value for value in (source["citation"], source["number"]) if value}
    if source.get("correction_of"):
        citations.add(source["correction_of"])
    for value in sorted(own | citations):
        found(
            Instrument.objects.filter(
                Q(events__claims__document__citation=value) | Q(events__claims__document__fr_document_number=value)
            ).distinct(),
            f"it already holds this document ({value})" if value in own else f"a document it holds is {value}",
        )
    for docket in source["dockets"]:
        found(Instrument.objects.filter(docket_ids__icontains=json.dumps(docket)), f"docket {docket}")
    for rin in sorted(set(source["rins"]) | set(RIN.findall(source["text"]))):
        found(Instrument.objects.filter(rin=rin), f"RIN {rin}")
    # "Framework for Artificial Intelligence Diffusion; Delay of Effective Date": the title's
    # first part names the instrument it acts on.
    for part in {p.strip() for p in re.split(r"[;:]|\s[-–—]\s", source["title"]) if len(p.strip()) >= 12}:
        found(Instrument.objects.filter(Q(title__iexact=part) | Q(short_title__iexact=part)), f"title “{part}”")
    instruments = Instrument.objects.in_bulk(list(reasons)).values()
    ranked = sorted(instruments, key=lambda i: (-len(reasons[i.pk]), i.title))[:MAX_CANDIDATES]
    events = {}
    for instrument_id, key, kind in (
        Event.objects.filter(instrument__in=ranked).order_by("position").values_list("instrument_id", "key", "kind")
    ):
        events.setdefault(instrument_id, []).append(f"{key} ({kind.replace('_', ' ')})")
    return [(instrument, reasons[instrument.pk], events.get(instrument.pk, [])) for instrument in ranked]


def _source(request):
    """The document carried between the form's steps, or None for an unsourced event."""
    if request.POST.get("held"):
        held = request.POST["held"]
        document = Document.objects.filter(pk=held).first() if held.isdigit() and len(held) < 12 else None
        if document is None:
            raise FederalRegisterError("the document", [("", "it is no longer held")])
        return _held(document)
    if request.POST.get("fetched"):
        return _fetched(json.loads(request.POST["fetched"]))
    return None


def _fingerprint(found):
    return hashlib.sha256("\n".join(found).encode()).hexdigest()[:16]


def _payload(data, source):
    event = {
        "kind": data["kind"],
        "date": data["date"].isoformat(),
        "precision": data["precision"],
        "note": data["note"],
    }
    if data["kind"] == "delayed":
        event.update(target=data["target"].strip(), new_date=data["new_date"].isoformat())
    claims = (
        []
        if source is None
        else [
            {
                "document": source["ref"],
                "date": data["date"].isoformat(),
                "precision": data["precision"],
                "quote": data["quote"].strip(),
            }
        ]
    )
    return {"instrument": data["instrument"].slug, "event": event, "claims": claims}


def record_development(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Record a development",
        "may_accept": model_admin.has_change_permission(request),
    }
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None or step == "start":
        start = StartForm(request.POST if step else None)
        if not (step and start.is_valid()):
            return TemplateResponse(
                request, "admin/review/proposal/record.html", {**context, "start": start, "media": start.media}
            )
        source = None
        if start.cleaned_data["document"]:
            source = _held(start.cleaned_data["document"])
            context["held"] = start.cleaned_data["document"].pk
        elif start.cleaned_data["fr_number"]:
            try:
                raw = fetch_document(start.cleaned_data["fr_number"])
                source = _fetched(raw)
            except FederalRegisterError as error:
                start.add_error("fr_number", str(error))
                return TemplateResponse(
                    request, "admin/review/proposal/record.html", {**context, "start": start, "media": start.media}
                )
            context["fetched"] = json.dumps(raw)
        form = EventForm(initial={"date": source["published_on"] if source else None})
    else:
        try:
            source = _source(request)
        except (FederalRegisterError, json.JSONDecodeError):
            messages.error(request, "The document chosen could not be read back; start again.")
            return redirect(reverse("admin:review_proposal_record"))
        context.update(held=request.POST.get("held", ""), fetched=request.POST.get("fetched", ""))
        form = EventForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            found = warnings(
                data["kind"],
                data["date"],
                data.get("new_date"),
                source["published_on"] if source else None,
                has_source=source is not None,
            )
            # "File anyway" confirms the warnings it was shown, not ones a later edit raises.
            if found and request.POST.get("warned") != _fingerprint(found):
                context.update(warnings=found, warned=_fingerprint(found))
            else:
                return _file(model_admin, request, data, source)
    context.update(
        form=form,
        source=source,
        candidates=candidates(source) if source else [],
        published=describe_date(source["published_on"]) if source else None,
    )
    return TemplateResponse(request, "admin/review/proposal/record.html", context)


def _file(model_admin, request, data, source):
    summary = (
        f"{data['kind'].replace('_', ' ')} {describe_date(data['date'], data['precision'])} — {data['instrument'].slug}"
    )
    proposal = file_for_review(
        Proposal.Origin.EDITOR,
        {
            "publisher": source["publisher"] if source else "",
            "title": source["title"] if source else "",
            "url": source["url"] if source else "",
        },
        _payload(data, source),
        summary,
    )
    link = reverse("admin:review_proposal_change", args=[proposal.pk])
    if proposal.preview.get("error"):
        messages.warning(
            request, f"Filed, but it would be refused as it stands: {proposal.preview['error']}. Edit it in the queue."
        )
        return redirect(link)
    if data["accept_now"] and model_admin.has_change_permission(request):
        try:
            accept(proposal, request.user)
        except ProposalError as error:
            messages.error(request, f"Filed but not accepted: {error}.")
            return redirect(link)
        messages.success(request, f"Recorded and accepted: {summary}.")
        return redirect(reverse("admin:timeline_instrument_change", args=[data["instrument"].pk]))
    messages.success(request, f"Filed in the review queue for a second pair of eyes: {summary}.")
    return redirect(link)
