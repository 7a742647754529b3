"""The admin's "Import from the Federal Register" page: paste document numbers or upload a
JSON file, see what the import would create or change, then confirm. It runs the same code as
``import_federal_register``: a preview is that import inside a transaction rolled back."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .federal_register import DOCUMENT_NUMBER, FederalRegisterError, documents_in, import_documents, read_source


def upload_limit():
    """The largest upload, in bytes: ``POLICYTRACK_UPLOAD_LIMIT_MB``, which also sizes the request
    Django accepts (the confirmation sends the previewed documents back)."""
    return settings.POLICYTRACK_UPLOAD_LIMIT_MB * 1024 * 1024


def too_large(name):
    # A larger request is refused before any view sees it: web.views.bad_request says so.
    return (
        f"{name}: larger than {settings.POLICYTRACK_UPLOAD_LIMIT_MB} MB, the upload limit (POLICYTRACK_UPLOAD_LIMIT_MB)"
    )


def _numbers(text):
    return [item for item in re.split(r"[\s,;]+", text.strip()) if item]


def _gather(request):
    """The documents asked for, as one JSON text (so that the confirmation imports exactly
    what was previewed, without fetching again), or the problems met on the way."""
    problems, documents = [], []
    payload = request.POST.get("payload", "")
    if payload:
        try:
            documents += documents_in(payload, "the previewed documents")
        except FederalRegisterError as error:
            problems.append(str(error))
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > upload_limit():
            problems.append(too_large(upload.name))
        else:
            try:
                documents += documents_in(upload.read().decode("utf-8"), upload.name)
            except UnicodeDecodeError:
                problems.append(f"{upload.name}: not UTF-8 text")
            except FederalRegisterError as error:
                problems.append(str(error))
    for number in _numbers(request.POST.get("numbers", "")):
        if not DOCUMENT_NUMBER.fullmatch(number):
            problems.append(f"{number}: not a Federal Register document number like 2025-00636")
            continue
        try:
            documents += read_source(number)[1]
        except FederalRegisterError as error:
            problems.append(str(error))
    return documents, problems


def import_federal_register(model_admin, request):
    if not request.user.has_perm("timeline.add_document"):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import from the Federal Register",
        "numbers": "",
        "report": None,
        "problems": [],
        "payload": "",
    }
    if request.method == "POST":
        documents, problems = _gather(request)
        context["numbers"] = request.POST.get("numbers", "")
        if not documents and not problems:
            problems.append("Paste at least one document number or choose a JSON file.")
        confirm = "confirm" in request.POST
        if documents and not problems:
            try:
                with transaction.atomic():
                    report = import_documents(documents, "this import", preview=not confirm)
            except FederalRegisterError as error:
                problems.append(str(error))
            else:
                if confirm:
                    messages.success(
                        request,
                        f"Imported {len(documents)} Federal Register document"
                        f"{'s' if len(documents) != 1 else ''}: {report.summary()}.",
                    )
                    for warning in report.warnings:
                        messages.warning(request, warning)
                    return redirect("admin:timeline_document_changelist")
                # Compact and unescaped: no larger than the file it came from, so that what
                # could be uploaded can be confirmed (it is sent back as multipart, not URL-encoded).
                payload = json.dumps({"results": documents}, ensure_ascii=False, separators=(",", ":"))
                context.update(report=report, payload=payload, count=len(documents))
        context["problems"] = problems
    return TemplateResponse(request, "admin/timeline/document/import_federal_register.html", context)
