"""The admin's "Propose from a statement" page: an editor pastes (or uploads) a press release, a
statement or a news article with its publisher, title, address, kind and publication date, and
each dated event the statements engine reads in it is filed in the review queue as a proposal —
the document itself is created when the first of them is accepted. Nothing here writes to the
timeline."""

from __future__ import annotations

import html
import re

import nh3
from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from policytrack.timeline.dates import EARLIEST, LATEST
from policytrack.timeline.models import Document

from .models import Proposal
from .services import describe_date, file_for_review, statement_proposals, statement_ref

MAX_STATEMENT = 1024 * 1024  # a press release is a few kilobytes; a megabyte is no statement
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|blockquote|section|article|header|footer|title)\s*>|<br\s*/?>", re.I)


def html_to_text(markup):
    """The words of an HTML page, a line per block (the statements engine reads lines as
    paragraphs); scripts and styles dropped by nh3, which the excerpts already use."""
    return html.unescape(nh3.clean(_BLOCK_END.sub("\n", markup), tags=set()))


class StatementForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        required=False,
        help_text="Paste the statement's text, or choose a file below.",
    )
    file = forms.FileField(required=False, help_text="Or a .txt or .html file (UTF-8), up to 1 MB.")
    publisher = forms.CharField(max_length=255, help_text="Who published it, e.g. U.S. Department of Commerce.")
    title = forms.CharField(max_length=1000, help_text="Its title as published.")
    url = forms.URLField(max_length=1000, assume_scheme="https", label="URL", help_text="Where it can be read.")
    kind = forms.ChoiceField(
        choices=[c for c in Document.Kind.choices if c[0] != "federal_register"],
        initial="press_release",
        help_text="Federal Register documents are imported, not pasted.",
    )
    published_on = forms.DateField(
        label="Published on", help_text="YYYY-MM-DD: relative dates ('Tuesday', 'today') are read against it."
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Enter an address starting with https:// or http://.")
        return url

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Enter a date between {EARLIEST} and {LATEST}.")
        return day

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if not upload.name.lower().endswith((".txt", ".html", ".htm")):
                self.add_error("file", f"{upload.name}: choose a .txt or .html file.")
                return cleaned
            if upload.size > MAX_STATEMENT:
                self.add_error("file", f"{upload.name}: larger than 1 MB; paste the statement's text instead.")
                return cleaned
            try:
                content = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", f"{upload.name}: not UTF-8 text.")
                return cleaned
            cleaned["text"] = html_to_text(content) if upload.name.lower().endswith((".html", ".htm")) else content
        elif len(cleaned.get("text") or "") > MAX_STATEMENT:
            self.add_error("text", "Longer than 1 MB: paste the statement, not a whole site.")
        if not (cleaned.get("text") or "").strip() and "file" not in self.errors:
            self.add_error("text", "Paste the statement's text or choose a file.")
        return cleaned


def file_statement(data):
    """File the statement's proposals; returns ([(proposal, engine item)], how many were filed
    before, the engine's undated items, the items the record already holds from it)."""
    document = {
        "kind": data["kind"],
        "title": data["title"],
        "publisher": data["publisher"],
        "url": data["url"],
        "published_on": data["published_on"],
    }
    filed, repeated = [], 0
    found, undated, recorded = statement_proposals(data["text"], document)
    for payload, summary, item in found:
        proposal = file_for_review(
            Proposal.Origin.STATEMENT,
            {
                "publisher": data["publisher"],
                "title": data["title"],
                "url": data["url"],
                "ref": statement_ref(data["url"], payload),
            },
            payload,
            summary,
        )
        if proposal is None:
            repeated += 1
        else:
            filed.append((proposal, item))
    return filed, repeated, undated, recorded


def propose_from_statement(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = StatementForm(request.POST or None, request.FILES or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Propose events from a statement",
        "form": form,
        "filed": None,
    }
    if request.method == "POST" and form.is_valid():
        filed, repeated, undated, recorded = file_statement(form.cleaned_data)
        context.update(
            filed=[
                {
                    "proposal": proposal,
                    "quote": item.quote,
                    "kind": item.kind.replace("_", " "),
                    "date": describe_date(item.date, item.precision, item.resolved_from),
                    "instrument": item.instrument,
                }
                for proposal, item in filed
            ],
            repeated=repeated,
            undated=[{"kind": item.kind.replace("_", " "), "quote": item.quote} for item in undated],
            recorded=[{"kind": item.kind.replace("_", " "), "quote": item.quote} for item in recorded],
        )
    return TemplateResponse(request, "admin/review/proposal/statement.html", context)
