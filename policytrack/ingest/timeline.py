"""Importing and exporting whole timelines (``policytrack-timeline/1``).

Import is idempotent by slug and key: a record that already matches the file is left
alone (no history row), one that differs is updated, and an instrument's events and
claims become exactly those of the file. Each file is one transaction: it is checked in
full before anything is written, and a failure half-way leaves nothing behind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from policytrack.timeline.models import (
    Agency,
    Claim,
    Document,
    Event,
    Instrument,
    InstrumentRelation,
    Topic,
)
from policytrack.timeline.periods import deferred_rebuilds

from .rows import upsert
from .schema import FORMAT, Existing, TimelineError, load_text, parse_timeline


@dataclass
class ImportResult:
    source: str
    counts: Counter = field(default_factory=Counter)  # ("document", "created") -> n
    warnings: list = field(default_factory=list)

    def summary(self):
        parts = []
        for model, plural in (
            ("agency", "agencies"),
            ("document", "documents"),
            ("instrument", "instruments"),
            ("event", "events"),
            ("claim", "claims"),
        ):
            done = [
                f"{self.counts[(model, what)]} {what}"
                for what in ("created", "updated", "deleted")
                if self.counts[(model, what)]
            ]
            unchanged = self.counts[(model, "unchanged")]
            if done or unchanged:
                parts.append(f"{plural}: " + ", ".join(done + ([f"{unchanged} unchanged"] if unchanged else [])))
        return "; ".join(parts) or "nothing to import"


def import_timeline_file(path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TimelineError(str(path), [("", "no such file")]) from None
    except UnicodeDecodeError as error:
        raise TimelineError(str(path), [("", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None
    except OSError as error:
        raise TimelineError(str(path), [("", f"cannot be read ({error.strerror})")]) from None
    return import_timeline_data(load_text(text, str(path)), str(path))


def import_timeline_data(data, source):
    with transaction.atomic():
        timeline = parse_timeline(data, source, _existing())
        result = ImportResult(source=source, warnings=timeline.warnings)
        with deferred_rebuilds():
            _Writer(result).write(timeline)
    return result


def _existing():
    return Existing(
        agencies=set(Agency.objects.values_list("slug", flat=True)),
        instruments=set(Instrument.objects.values_list("slug", flat=True)),
        documents={
            key: (kind, rank, published_on, number)
            for key, kind, rank, published_on, number in Document.objects.values_list(
                "key", "kind", "rank", "published_on", "fr_document_number"
            )
        },
    )


class _Writer:
    def __init__(self, result):
        self.result = result

    def upsert(self, model, label, lookup, values, instance=None):
        """Create, update or leave alone one row; only real changes make history."""
        instance, outcome, _ = upsert(model, lookup, values, instance)
        self.result.counts[(label, outcome)] += 1
        return instance

    def write(self, timeline):
        agencies = {}
        for agency in timeline.agencies:
            values = {k: agency[k] for k in ("name", "short_name")}
            agencies[agency["slug"]] = self.upsert(Agency, "agency", {"slug": agency["slug"]}, values)
        for agency in timeline.agencies:  # parents may be defined after their children
            parent = agency["parent"] and (agencies.get(agency["parent"]) or Agency.objects.get(slug=agency["parent"]))
            instance = agencies[agency["slug"]]
            if instance.parent_id != (parent.pk if parent else None):
                instance.parent = parent
                instance.save()

        self.documents = {}
        for doc in timeline.documents:
            values = {k: v for k, v in doc.items() if k != "key"}
            self.documents[doc["key"]] = self.upsert(Document, "document", {"key": doc["key"]}, values)

        instruments = {}
        for item in timeline.instruments:
            instruments[item["slug"]] = self.write_instrument(item)
        for item in timeline.instruments:
            self.write_relations(instruments[item["slug"]], item["relations"])

    def write_instrument(self, item):
        fields = ("title", "short_title", "aliases", "kind", "rin", "docket_ids", "cfr_parts", "summary")
        instrument = self.upsert(Instrument, "instrument", {"slug": item["slug"]}, {k: item[k] for k in fields})
        agencies = list(Agency.objects.filter(slug__in=item["agencies"]))
        if {a.pk for a in agencies} != set(instrument.agencies.values_list("pk", flat=True)):
            instrument.agencies.set(agencies)
        topics = [self.topic(name) for name in item["topics"]]
        if {t.pk for t in topics} != set(instrument.topics.values_list("pk", flat=True)):
            instrument.topics.set(topics)
        self.write_events(instrument, item["events"])
        return instrument

    def topic(self, name):
        slug = slugify(name)[:100] or "topic"
        # "Export controls" and "export controls!" are one topic: the slug decides.
        topic = Topic.objects.filter(name__iexact=name).first() or Topic.objects.filter(slug=slug).first()
        return topic or Topic.objects.create(name=name, slug=slug)

    def write_events(self, instrument, events):
        wanted = {event["key"] for event in events}
        for row in instrument.events.all():
            if row.key not in wanted and Event.objects.filter(pk=row.pk).exists():
                row.delete()  # its delays go with it (they are gone from the file too)
                self.result.counts[("event", "deleted")] += 1
        existing = {row.key: row for row in instrument.events.all()}
        positions = {event["key"]: position for position, event in enumerate(events)}
        rows = {}
        for event in _targets_first(events):
            values = {
                "kind": event["kind"],
                "date": event["date"],
                "precision": event["precision"],
                "note": event["note"],
                "position": positions[event["key"]],
                "new_date": event["new_date"],
                "target": rows[event["target"]] if event["kind"] == "delayed" else None,
            }
            rows[event["key"]] = self.upsert(
                Event,
                "event",
                {"instrument": instrument, "key": event["key"]},
                values,
                instance=existing.get(event["key"]),
            )
        for event in events:
            self.write_claims(rows[event["key"]], event["claims"])

    def write_claims(self, event, claims):
        existing = {claim.document.key: claim for claim in event.claims.select_related("document")}
        wanted = {claim["document"] for claim in claims}
        for key, claim in existing.items():
            if key not in wanted and not claim.retracted:  # retracted claims are not in exported files
                claim.delete()
                self.result.counts[("claim", "deleted")] += 1
        for position, claim in enumerate(claims):
            document = self.documents.get(claim["document"]) or Document.objects.get(key=claim["document"])
            values = {
                "date": claim["date"],
                "precision": claim["precision"],
                "quote": claim["quote"],
                "position": position,
            }
            self.upsert(
                Claim, "claim", {"event": event, "document": document}, values, instance=existing.get(claim["document"])
            )

    def write_relations(self, instrument, relations):
        wanted = {(r["kind"], r["instrument"]) for r in relations}
        current = {(r.kind, r.target.slug): r for r in instrument.relations.select_related("target")}
        for key, relation in current.items():
            if key not in wanted:
                relation.delete()
        for kind, slug in sorted(wanted - set(current)):
            InstrumentRelation.objects.create(source=instrument, kind=kind, target=Instrument.objects.get(slug=slug))


def _targets_first(events):
    """Events ordered so that every delay comes after the event it moves (the schema
    has refused cycles), as a delay row cannot exist without its target."""
    placed, ordered = set(), []
    remaining = list(events)
    while remaining:
        ready = [e for e in remaining if e["kind"] != "delayed" or e["target"] in placed]
        if not ready:
            raise ValueError("delays that move each other in a circle")
        ordered += ready
        placed |= {e["key"] for e in ready}
        remaining = [e for e in remaining if e["key"] not in placed]
    return ordered


# --- export --------------------------------------------------------------------------------


def export_timeline(slugs=None):
    """Everything (or the named instruments and what they need) as a timeline dict.

    Named instruments bring along the instruments they relate to, the documents their
    claims cite and their agencies with parents, so the file imports into an empty
    database on its own.
    """
    instruments = Instrument.objects.all()
    if slugs:
        missing = sorted(set(slugs) - set(Instrument.objects.filter(slug__in=slugs).values_list("slug", flat=True)))
        if missing:
            raise LookupError(f"unknown instrument {', '.join(repr(s) for s in missing)}")
        wanted = set(slugs)
        frontier = set(slugs)
        while frontier:
            related = set(
                InstrumentRelation.objects.filter(source__slug__in=frontier).values_list("target__slug", flat=True)
            )
            frontier = related - wanted
            wanted |= frontier
        instruments = instruments.filter(slug__in=wanted)
    instruments = list(
        instruments.order_by("slug").prefetch_related(
            "agencies", "topics", "relations__target", "events__claims__document", "events__target"
        )
    )

    if slugs:
        documents = Document.objects.filter(claims__event__instrument__in=instruments).distinct()
        agency_ids = {a.pk for i in instruments for a in i.agencies.all()}
        agencies, frontier = set(), agency_ids
        while frontier:
            agencies |= frontier
            frontier = (
                set(Agency.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent", flat=True))
                - agencies
            )
        agencies = Agency.objects.filter(pk__in=agencies)
    else:
        documents, agencies = Document.objects.all(), Agency.objects.all()

    return {
        "format": FORMAT,
        "agencies": [_agency(a) for a in agencies.select_related("parent").order_by("slug")],
        "documents": [_document(d) for d in documents.order_by("key")],
        "instruments": [_instrument(i) for i in instruments],
    }


def check_export(data, source="export"):
    """Read an export back as an import would (with nothing in the database), so that a backup
    is never written that cannot be restored. Raises ``TimelineError`` naming each refused
    record by its slug or key, e.g. ``documents[3] (fr-2025-00636).url``."""
    try:
        parse_timeline(data, source)
    except TimelineError as error:
        raise TimelineError(source, [(_named(data, path), message) for path, message in error.problems]) from None


def _named(data, path):
    """``path`` with the slug or key of each record it passes through, after that record."""
    named, value = [], data
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if index:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            label = (value.get("slug") or value.get("key")) if isinstance(value, dict) else None
            named.append(f"[{index}]" + (f" ({label})" if isinstance(label, str) else ""))
        else:
            value = value.get(name) if isinstance(value, dict) else None
            named.append(("." if named else "") + name)
    return "".join(named)


def _agency(agency):
    return {
        "slug": agency.slug,
        "name": agency.name,
        "short_name": agency.short_name,
        "parent": agency.parent.slug if agency.parent else None,
    }


def _document(doc):
    return {
        "key": doc.key,
        "kind": doc.kind,
        "title": doc.title,
        "publisher": doc.publisher,
        "url": doc.url,
        "published_on": doc.published_on.isoformat(),
        "retrieved_on": doc.retrieved_on.isoformat() if doc.retrieved_on else None,
        "fr_document_number": doc.fr_document_number,
        "citation": doc.citation,
        "excerpt": doc.excerpt,
        "rank": doc.rank,
        "note": doc.note,
    }


def _instrument(instrument):
    events = sorted(instrument.events.all(), key=lambda e: (e.position, e.pk))
    return {
        "slug": instrument.slug,
        "title": instrument.title,
        "short_title": instrument.short_title,
        "aliases": instrument.aliases,
        "kind": instrument.kind,
        "agencies": sorted(a.slug for a in instrument.agencies.all()),
        "rin": instrument.rin,
        "docket_ids": instrument.docket_ids,
        "cfr_parts": instrument.cfr_parts,
        "topics": sorted(t.name for t in instrument.topics.all()),
        "summary": instrument.summary,
        "relations": sorted(
            ({"kind": r.kind, "instrument": r.target.slug} for r in instrument.relations.all()),
            key=lambda r: (r["kind"], r["instrument"]),
        ),
        "events": [_event(e) for e in events],
    }


def _event(event):
    data = {
        "key": event.key,
        "kind": event.kind,
        "date": event.date.isoformat(),
        "precision": event.precision,
        "note": event.note,
    }
    if event.kind == "delayed":
        data["target"] = event.target.key
        data["new_date"] = event.new_date.isoformat()
    data["claims"] = [
        {"document": c.document.key, "date": c.date.isoformat(), "precision": c.precision, "quote": c.quote}
        for c in sorted(event.claims.all(), key=lambda c: (c.position, c.pk))
        if c.retracted_at is None  # the file format has no retraction; it stays in this database
    ]
    return data
