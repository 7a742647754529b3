"""The rows of an instrument's timeline page: each known event with its sources."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst

from policytrack.timeline import engine
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS, human_date, numbered_kinds

from .paths import path_maker


@dataclass
class SourceRow:
    claim: engine.Claim
    url: str  # the document's page
    title: str
    description: str  # its kind, publisher, citation and publication date, in words (the rank is linked apart)
    best: bool
    date_text: str
    differs: bool  # gives another date than the canonical one


@dataclass
class TimelineRow:
    key: str
    kind: str
    label: str
    date: object
    date_text: str
    state: str  # "applied", "scheduled", "later" (after ``on``, not yet announced on it) or "preempted"
    note: str
    note_hidden: bool  # a note recorded after the knowledge date is hidden
    sources: list
    disputed: bool
    why: str  # why the canonical date is the canonical one
    unsourced: bool
    preempted_by: str
    delayed_by: str
    later_sources: int  # claims from documents published after the knowledge date
    retracted: list  # RetractedRow: claims that no longer count, shown struck through
    number: int = 0  # its marker's number in the drawing (delays are not drawn: 0)
    span: engine.Span | None = None  # disputed: the days its known sources claim between them


@dataclass
class RetractedRow:
    url: str
    title: str
    date_text: str
    reason: str
    retracted_by: str
    retracted_on: str


def _why(best, others):
    if not others:
        return ""
    if all(best.rank < c.rank for c in others):
        return f"the best-ranked source (source rank {best.rank}) gives this date"
    if all(best.rank < c.rank or best.published_on > c.published_on for c in others):
        return f"among sources of rank {best.rank}, the most recently published gives this date"
    return "among equally ranked sources published the same day, the earliest date given"


def _describe(document, rank):
    details = [
        DOCUMENT_KIND_LABELS.get(document.kind, document.kind),
        document.publisher,
        document.citation,
        f"published {human_date(document.published_on)}",
    ]
    return ", ".join(detail for detail in details if detail)


def timeline_rows(events, notes, documents, on, known, retracted=None, hidden_notes=()):
    """``events`` (the engine's), each event's note by key, and the documents cited by key
    (anything with their ``id``, ``kind``, ``title``, ``publisher``, ``citation`` and
    ``published_on``: ``Cited`` tuples, or documents as they were recorded) as rows of text;
    ``retracted``, each event's retracted claims by key (``models.Retracted``), if any.

    An event after ``on`` is "scheduled" only if it was announced by then — known on the
    earlier of ``known`` and ``on``, and dated after ``on`` as known then (the engine's rule for
    ``upcoming``); otherwise it is "later": it happened after ``on``, reported afterwards."""
    retracted = retracted or {}
    resolved = engine.timeline(events, known)
    then = on if known is None else min(known, on)
    announced = {item.event.key for item in engine.timeline(events, then) if item.date > on}
    document_path = path_maker("web:document_detail", 2**31 - 1)
    out = []
    labels = numbered_kinds(item.event.kind for item in resolved)
    number = 0
    for item, label in zip(resolved, labels):
        disagreeing = (
            [c for c in item.known_claims if c is not item.best_claim and c.date != item.best_claim.date]
            if item.best_claim
            else []
        )
        sources = []
        for claim in item.known_claims:
            document = documents[claim.document]
            sources.append(
                SourceRow(
                    claim=claim,
                    url=document_path(document.id),
                    title=document.title,
                    description=_describe(document, claim.rank),
                    best=claim is item.best_claim,
                    date_text=human_date(claim.date, claim.precision),
                    differs=item.best_claim is not None and claim.date != item.best_claim.date,
                )
            )
        if item.preempted_by is not None:
            state = "preempted"
        elif item.date <= on:
            state = "applied"
        elif item.event.key in announced:
            state = "scheduled"
        else:
            state = "later"
        if item.event.kind != "delayed":
            number += 1
        out.append(
            TimelineRow(
                key=item.event.key,
                kind=item.event.kind,
                label=capfirst(label),
                date=item.date,
                date_text=human_date(item.date, item.precision),
                state=state,
                note=notes.get(item.event.key, ""),
                note_hidden=item.event.key in hidden_notes,
                sources=sources,
                disputed=item.disputed,
                why=_why(item.best_claim, [c for c in item.known_claims if c is not item.best_claim])
                if item.disputed or disagreeing
                else "",
                unsourced=item.unsourced,
                preempted_by=(
                    f"{item.preempted_by.kind.replace('_', ' ')} on {human_date(item.preempted_by.date)}"
                    if item.preempted_by
                    else ""
                ),
                delayed_by=item.delayed_by or "",
                later_sources=len(item.event.claims) - len(item.known_claims),
                retracted=[
                    RetractedRow(
                        url=document_path(claim.document.id),
                        title=claim.document.title,
                        date_text=human_date(claim.date, claim.precision),
                        reason=claim.reason,
                        retracted_by=claim.retracted_by,
                        retracted_on=human_date(claim.retracted_at.date()),
                    )
                    for claim in retracted.get(item.event.key, ())
                ],
                number=number if item.event.kind != "delayed" else 0,
                span=engine.claimed_span(item.known_claims) if item.disputed else None,
            )
        )
    return out
