"""Applying a proposal, previewing what it would change, and deciding it.

A proposal is applied through the timeline's own models (``full_clean`` then ``save``), as the
admin saves them, so the edit history records it and the stored status periods rebuild in the
same transaction. A Federal Register document is applied by the importer itself
(``import_documents``), the code behind the admin's import button.

The preview is the same application, inside a savepoint that is then rolled back: the engine
reads the instruments it touched after it and, once rolled back, before it, so what the queue
says a proposal would change is what accepting it does.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from policytrack.ingest.federal_register import FederalRegisterError, import_documents
from policytrack.timeline import engine
from policytrack.timeline.dates import BadDate, parse_date
from policytrack.timeline.models import Claim, Document, Event, Instrument, timeline_input

from .models import Proposal


class ProposalError(ValueError):
    """What is wrong with a proposal, in words an editor can act on; nothing was written."""


class _DryRun(Exception):
    """Raised inside the preview's savepoint to roll it back."""


# Applying


def _date(value, where):
    try:
        return parse_date(value, where)
    except BadDate as error:
        raise ProposalError(str(error)) from None


def _saved(instance, where):
    """Validate as the admin's forms do, then save (history and status periods follow)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
        raise ProposalError(f"{where}: {problems}") from None
    instance.save()
    return instance


def _free_key(model, base, **scope):
    base = slugify(base)[:80].strip("-") or "item"
    taken = set(model.objects.filter(key__startswith=base, **scope).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _instrument(payload):
    slug = payload.get("instrument")
    instrument = Instrument.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if instrument is None:
        raise ProposalError(f"instrument: no instrument with the slug {slug!r}")
    return instrument


def _document(raw, where):
    if not isinstance(raw, dict):
        raise ProposalError(
            f"{where}: expected a document object (an existing key, or kind, title, publisher, url and published_on)"
        )
    if set(raw) == {"key"}:
        document = Document.objects.filter(key=raw["key"]).first()
        if document is None:
            raise ProposalError(f"{where}.key: no document with the key {raw['key']!r}")
        return document
    number = raw.get("fr_document_number") or ""
    if number and (document := Document.objects.filter(fr_document_number=number).first()):
        return document
    fields = {name: raw.get(name, "") or "" for name in ("kind", "title", "publisher", "url", "citation", "excerpt")}
    published_on = _date(raw.get("published_on"), f"{where}.published_on")
    # The proposals filed from one pasted statement each carry it: the first accepted creates it.
    if (
        not number
        and fields["url"]
        and (
            document := Document.objects.filter(
                url=fields["url"], title=fields["title"], published_on=published_on
            ).first()
        )
    ):
        return document
    document = Document(
        key=raw.get("key") or _free_key(Document, raw.get("title") or "document"),
        published_on=published_on,
        fr_document_number=number,
        **fields,
    )
    return _saved(document, where)


def _claim(event, raw, where, position):
    if not isinstance(raw, dict):
        raise ProposalError(f"{where}: expected a claim object (document, date, precision, quote)")
    document = _document(raw.get("document"), f"{where}.document")
    claim = Claim(
        event=event,
        document=document,
        date=_date(raw.get("date"), f"{where}.date"),
        precision=raw.get("precision") or "day",
        quote=raw.get("quote") or "",
        position=position,
    )
    if Claim.objects.filter(event=event, document=document).exists():
        raise ProposalError(f"{where}: {document} already has a claim on this event; edit that claim instead")
    return _saved(claim, where)


def _new_event(payload):
    instrument = _instrument(payload)
    raw = payload.get("event")
    if not isinstance(raw, dict):
        raise ProposalError("event: expected an event object (kind, date, precision, note)")
    claims = payload.get("claims") or []
    if not isinstance(claims, list):
        raise ProposalError("claims: expected a list of claims")
    target = None
    if raw.get("target"):
        target = instrument.events.filter(key=raw["target"]).first()
        if target is None:
            raise ProposalError(f"event.target: {instrument.slug} has no event with the key {raw['target']!r}")
    position = (instrument.events.aggregate(last=Max("position"))["last"] or 0) + 1
    event = Event(
        instrument=instrument,
        kind=raw.get("kind") or "",
        key=raw.get("key") or _free_key(Event, raw.get("kind") or "event", instrument=instrument),
        date=_date(raw.get("date"), "event.date"),
        precision=raw.get("precision") or "day",
        note=raw.get("note") or "",
        position=position,
        target=target,
        new_date=_date(raw["new_date"], "event.new_date") if raw.get("new_date") else None,
    )
    _saved(event, "event")
    for n, claim in enumerate(claims):
        _claim(event, claim, f"claims[{n}]", n)
    return {instrument.pk}


def _new_claim(payload):
    instrument = _instrument(payload)
    event = (
        instrument.events.filter(key=payload.get("event")).first() if isinstance(payload.get("event"), str) else None
    )
    if event is None:
        raise ProposalError(f"event: {instrument.slug} has no event with the key {payload.get('event')!r}")
    position = (event.claims.aggregate(last=Max("position"))["last"] or 0) + 1
    _claim(event, payload.get("claim"), "claim", position)
    return {instrument.pk}


def _federal_register_document(payload, source):
    try:
        import_documents([payload], source)
    except FederalRegisterError as error:
        raise ProposalError(str(error)) from None
    number = payload.get("document_number")
    return set(Claim.objects.filter(document__fr_document_number=number).values_list("event__instrument_id", flat=True))


def apply(proposal):
    """Write what ``proposal`` proposes; returns the ids of the instruments it touched. Call it
    inside a transaction: it raises ProposalError part-way when the proposal does not fit."""
    payload = proposal.payload
    if not isinstance(payload, dict):
        raise ProposalError("payload: expected a JSON object")
    try:
        if proposal.kind == Proposal.Kind.NEW_EVENT:
            return _new_event(payload)
        if proposal.kind == Proposal.Kind.NEW_CLAIM:
            return _new_claim(payload)
        if proposal.kind == Proposal.Kind.FEDERAL_REGISTER_DOCUMENT:
            return _federal_register_document(payload, f"proposal {proposal.pk or 'new'}")
    except IntegrityError as error:  # a race with another editor; never a constraint name
        raise ProposalError(f"it conflicts with a record saved meanwhile ({type(error).__name__}); try again") from None
    raise ProposalError(f"kind: unknown kind {proposal.kind!r}")


# Previewing


def _engine_events(instrument_ids):
    return {pk: timeline_input(pk)[0] for pk in instrument_ids}


def _phase_changes(before, after):
    """The stretches of valid time whose phase differs: [{from, to, before, after}], ``to``
    exclusive, None for an open end."""
    old, new = engine.periods(before), engine.periods(after)
    bounds = sorted({p.valid_from for p in old + new if p.valid_from is not None})
    starts = [None, *bounds]
    changes = []
    for lo, hi in zip(starts, [*bounds, None]):
        day = lo or datetime.date.min
        was = next(
            p.phase
            for p in old
            if (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day < p.valid_to)
        )
        now = next(
            p.phase
            for p in new
            if (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day < p.valid_to)
        )
        if was == now:
            continue
        if changes and changes[-1]["to"] == _iso(lo) and (changes[-1]["before"], changes[-1]["after"]) == (was, now):
            changes[-1]["to"] = _iso(hi)
        else:
            changes.append({"from": _iso(lo), "to": _iso(hi), "before": was, "after": now})
    return changes


def _iso(day):
    return day.isoformat() if day else None


def _event_changes(before, after):
    """Events added, and events whose date moved: [{event, kind, old, new}] (old None: added)."""
    dates_before = {r.event.key: r.date for r in engine.timeline(before)}
    lines = []
    for resolved in engine.timeline(after):
        key = resolved.event.key
        old = dates_before.get(key)
        if old != resolved.date:
            lines.append({"event": key, "kind": resolved.event.kind, "old": _iso(old), "new": _iso(resolved.date)})
    return lines


def preview(proposal):
    """What accepting ``proposal`` would change now, per instrument it touches:
    ``{"instruments": [{slug, title, events, phases}], "error": None}`` — or the error that
    would refuse it."""
    try:
        with transaction.atomic():
            touched = apply(proposal)
            after = _engine_events(touched)
            slugs = dict(Instrument.objects.filter(pk__in=touched).values_list("pk", "slug"))
            titles = dict(Instrument.objects.filter(pk__in=touched).values_list("pk", "title"))
            raise _DryRun
    except _DryRun:
        pass
    except ProposalError as error:
        return {"instruments": [], "error": str(error)}
    before = _engine_events(pk for pk in touched if Instrument.objects.filter(pk=pk).exists())
    return {
        "error": None,
        "instruments": [
            {
                "slug": slugs[pk],
                "title": titles[pk],
                "new": pk not in before,
                "events": _event_changes(before.get(pk, []), after[pk]),
                "phases": _phase_changes(before.get(pk, []), after[pk]),
            }
            for pk in sorted(touched)
        ],
    }


# Deciding


def accept(proposal, user):
    """Apply a pending proposal and mark it accepted, in one transaction; ProposalError if it
    no longer fits (nothing is written then)."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.Status.PENDING:
            raise ProposalError(f"it was already {locked.get_status_display()} by {locked.decided_by or 'someone'}")
        proposal.preview = preview(proposal)  # what it changed, as it was accepted
        apply(proposal)
        proposal.status, proposal.decided_by, proposal.decided_at = Proposal.Status.ACCEPTED, user, timezone.now()
        proposal.save()


def reject(proposal, user, reason):
    if not (reason or "").strip():
        raise ProposalError("a rejection needs a reason, so that the next editor knows why")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.Status.PENDING:
            raise ProposalError(f"it was already {locked.get_status_display()} by {locked.decided_by or 'someone'}")
        proposal.status, proposal.decided_by, proposal.decided_at = Proposal.Status.REJECTED, user, timezone.now()
        proposal.reason = reason.strip()
        proposal.save()
