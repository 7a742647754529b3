"""Filing proposals in the review queue: the one door through which code that is unsure — the
Federal Register importer's follow-on matching, a pasted statement, the guided "record a
development" form — puts a change in front of an editor instead of writing it.

``file_for_review`` files one proposal (once per ``source_ref``) with its preview;
``statement_proposals`` turns a pasted statement into one proposal per dated event the
statements engine finds; ``warnings`` names the likely mistakes in one proposed event.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q

from policytrack.ingest.statement_match import _normal, mentioned
from policytrack.ingest.statements import InstrumentRef, propose
from policytrack.timeline.models import Claim, Document, Event, Instrument

from .models import Proposal
from .proposals import preview

# Kinds an instrument has once: a new source for one dates the event already recorded (a
# disagreement is information), rather than adding a second one.
ONCE = {
    "proposed",
    "issued",
    "published",
    "effective",
    "comment_period_closes",
    "rescission_planned",
    "rescission_announced",
    "rescinded",
    "vacated",
    "withdrawn",
    "superseded",
    "expired",
}


def _kind_of(payload):
    if isinstance(payload, dict) and "document_number" in payload:
        return Proposal.Kind.FEDERAL_REGISTER_DOCUMENT
    if isinstance(payload, dict) and "claim" in payload:
        return Proposal.Kind.NEW_CLAIM
    return Proposal.Kind.NEW_EVENT


def file_for_review(origin, source, payload, why, kind=None):
    """File ``payload`` (a proposal's JSON, see docs/design.md "The review queue") as a pending
    proposal and return it; None when a proposal with the same ``source["ref"]`` was filed before.

    ``origin`` is a ``Proposal.Origin`` ("importer", "statement", "editor", "watcher");
    ``source`` is ``{"publisher", "title", "url", "ref"}`` (each optional; ``ref``, such as
    ``fr:2025-01234``, files one source once); ``why`` is the line the editor reads in the queue
    ("names 90 FR 4544, which no tracked instrument holds"). ``kind`` is inferred from the payload
    when omitted. The preview — what accepting would change, or why it would be refused — is
    computed now, so the queue lists it without recomputing.
    """
    source = source or {}
    url = str(source.get("url") or "")
    proposal = Proposal(
        kind=kind or _kind_of(payload),
        origin=origin,
        payload=payload,
        summary=str(why or "")[:500],
        source_publisher=str(source.get("publisher") or "")[:255],
        source_title=str(source.get("title") or "")[:1000],
        source_url=url if url.startswith(("https://", "http://")) else "",
        source_ref=str(source.get("ref") or "")[:100],
    )
    if proposal.source_ref and Proposal.objects.filter(source_ref=proposal.source_ref).exists():
        return None
    proposal.preview = preview(proposal)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # filed meanwhile by another run
        return None
    return proposal


# Statements


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def describe_date(day, precision=None, resolved_from=None):
    """13 May 2025; May 2025; 2025 — and "Tuesday → 13 May 2025" for a date the engine resolved."""
    when = long_date(day) if precision in (None, "day") else f"{day:%B %Y}" if precision == "month" else f"{day:%Y}"
    return f"{resolved_from} → {when}" if resolved_from else when


def _existing_event(instrument, kind, day):
    """The event a new source of ``kind`` on ``day`` most likely dates, or None (a new event)."""
    if instrument is None:
        return None
    same = [event for event in instrument.events.all() if event.kind == kind]
    on_day = [event for event in same if event.date == day]
    if on_day:
        return on_day[0]
    return same[0] if kind in ONCE and len(same) == 1 else None


def _delay_target(instrument, kind):
    events = [event for event in instrument.events.all() if event.kind == kind] if instrument and kind else []
    return events[0].key if len(events) == 1 else None


def mentioned_refs(text):
    """The instruments whose name or identifier occurs in ``text`` at all, as the statements
    engine's ``InstrumentRef``: only these can score in its matcher (``statement_match.mentioned``
    is a necessary condition of its ``_score``), so its answer is the one ``instrument_refs()`` would give. The FR
    citations and document numbers that back claims are looked up for those the text names
    rather than all read. Measured with 20,004 instruments and 191,000 claims (SQLite): pasting a
    4 kB article took 278 s through ``instrument_refs()`` and the matcher, 2 s this way."""
    haystack = _normal(text)
    named = {f"{volume} FR {page}" for volume, page in re.findall(r"\b(\d{1,3}) fr (\d{1,6})\b", haystack)}
    numbers = {number.upper() for number in re.findall(r"\b(?:[a-z]\d-)?\d{2,4}-\d{3,6}\b", haystack)}
    held = defaultdict(set)
    if named or numbers:
        for instrument_id, citation, number in (
            Claim.objects.filter(Q(document__citation__in=named) | Q(document__fr_document_number__in=numbers))
            .values_list("event__instrument_id", "document__citation", "document__fr_document_number")
            .distinct()
        ):
            held[instrument_id].update(value for value in (citation, number) if value)
    refs = []
    for pk, slug, title, short_title, aliases, rin, dockets in Instrument.objects.values_list(
        "pk", "slug", "title", "short_title", "aliases", "rin", "docket_ids"
    ).iterator(chunk_size=5000):
        names = tuple(name for name in (title, short_title, *(aliases or [])) if name)
        ids = tuple(value for value in (rin, *(dockets or []), *sorted(held[pk])) if value)
        if mentioned(names, ids, haystack):
            refs.append(InstrumentRef(slug, names, ids))
    return refs


def statement_proposals(text, document, why_prefix=""):
    """One proposal per dated event the statements engine reads in ``text``, ready to file, and the undated.

    ``document`` holds the statement's interchange fields (kind, title, publisher, url,
    published_on as a date): it is created with the first proposal accepted, and reused by the
    others (same URL, title and date). Undated claims are not proposed: the engine finds the
    sentence, but only an editor can find its date. Returns ``[(payload, summary, item)]``,
    ``item`` being the engine's proposal (``resolved_from`` says a relative date was resolved),
    the engine's undated items, which the editor is shown but which are not filed, and the items
    the statement — already held as a document — already dates in the record.
    """
    published_on = document["published_on"]
    raw_document = {**document, "published_on": published_on.isoformat()}
    instruments = {}
    results = []
    held = (
        Document.objects.filter(url=document["url"], title=document["title"], published_on=published_on).first()
        if document.get("url")
        else None
    )
    dated_by_held = set(Claim.objects.filter(document=held).values_list("event_id", flat=True)) if held else set()
    undated, recorded = [], []
    for item in propose(text, published_on, mentioned_refs(text)):
        if item.date is None:
            undated.append(item)
            continue
        if item.instrument not in instruments:
            instruments[item.instrument] = (
                Instrument.objects.filter(slug=item.instrument).prefetch_related("events").first()
                if item.instrument
                else None
            )
        instrument = instruments[item.instrument]
        claim = {
            "document": raw_document,
            "date": item.date.isoformat(),
            "precision": item.precision or "day",
            "quote": item.quote,
        }
        when = describe_date(item.date, item.precision, item.resolved_from)
        existing = None if item.kind == "delayed" else _existing_event(instrument, item.kind, item.date)
        if existing is not None and existing.pk in dated_by_held:
            recorded.append(item)  # this very statement already dates this event
            continue
        if existing is not None:
            payload = {"instrument": instrument.slug, "event": existing.key, "claim": claim}
            what = f"{item.kind.replace('_', ' ')} {when}: a new source for {existing.key}"
        else:
            event = {"kind": item.kind, "date": item.date.isoformat(), "precision": item.precision or "day", "note": ""}
            if item.kind == "delayed":
                event["target"] = _delay_target(instrument, item.target) or ""
                event["new_date"] = item.new_date.isoformat() if item.new_date else ""
            payload = {"instrument": item.instrument or "", "event": event, "claims": [claim]}
            what = f"{item.kind.replace('_', ' ')} {when}"
        concerns = item.instrument or "instrument not found: set it"
        results.append((payload, f"{why_prefix}{what} — {concerns}"[:500], item))
    return results, undated, recorded


def statement_ref(url, payload):
    """Files one proposed event of one statement once: pasting the same statement twice adds
    nothing (a hash, as a URL and a quote do not fit the 100 characters of ``source_ref``)."""
    claim = payload.get("claim") or (payload.get("claims") or [{}])[0]
    kind = payload["event"]["kind"] if isinstance(payload.get("event"), dict) else payload.get("event")
    digest = hashlib.sha256(
        "\x1f".join((url, str(kind), claim.get("date", ""), claim.get("quote", ""))).encode()
    ).hexdigest()
    return f"statement:{digest[:40]}"


# Likely mistakes


def warnings(kind, day, new_date=None, document_published_on=None, has_source=True):
    """What looks wrong in one proposed event, in words; none of it is refused (each can be
    right), so the form shows them and asks the editor to confirm."""
    found = []
    if not has_source:
        found.append(
            "The event has no source: it will be shown as unsourced, with a warning, until a document "
            "dates it. Choose the document that says so if there is one."
        )
    if kind == "delayed" and new_date is not None and day is not None and new_date == day:
        found.append(
            f"The delay's new date ({long_date(new_date)}) is the delay's own date: a delay's date is when "
            "the delay was made (usually the notice's publication), its new date is where it moves the "
            "event. Check that the two were not typed the same."
        )
    # A source reports what happened before it was published only after the fact; an effective
    # date before publication can be right (a retroactive rule), and a signature precedes printing.
    if (
        document_published_on is not None
        and day is not None
        and day < document_published_on
        and kind not in ("effective", "issued")
    ):
        found.append(
            f"{long_date(day)} is before the document's publication ({long_date(document_published_on)}): "
            "check that the date is the event's, not a date the document mentions in passing."
        )
    return found


def event_kinds():
    return [(value, label) for value, label in Event.Kind.choices]


__all__ = ["file_for_review", "statement_proposals", "statement_ref", "warnings", "long_date", "describe_date"]
