"""Federal Register API v1 documents → sourced events.

One document (or a search page with ``results``) becomes a Document of kind
``federal_register`` and claims on the events it dates: published, effective, comments close,
signed (presidential documents), and effective or compliance dates found in its free-text
``dates``. It joins the instrument it names or shares a RIN or docket id with, or starts a new one. Each file
or fetched document is imported whole or not at all; importing again updates, never duplicates.
The documents of a page are planned in memory, in order, and written in bulk (see ``_Batch``).
A document is read and checked by ``fr_document``; what it is and what it claims come from
``fr_classify`` and ``fr_dates``; the instrument it joins, and why, from ``fr_follow_on``.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument
from policytrack.timeline.periods import deferred_rebuilds

from . import fr_classify, fr_follow_on, fr_preview
from .fr_document import (  # noqa: F401 (check and documents_in are part of the importer's interface)
    DOCUMENT_NUMBER,
    FederalRegisterError,
    check,
    claims_made,
    document_values,
    documents_in,
    field_note,
    source_words,
)
from .fr_write import Writer
from .rows import HoldsAnyOf, apply, rows_where

# Events that happen once in an instrument's life: a new source for one joins the event there.
ONCE = {"proposed", "issued", "published", "effective", "comment_period_closes"}


SINGULAR = {
    "agencies": "agency",
    "documents": "document",
    "instruments": "instrument",
    "events": "event",
    "claims": "claim",
}


@dataclass
class Report:
    """What an import did (or, in a preview, would do), in words an editor can check."""

    source: str
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    documents: list = field(default_factory=list)  # fr_preview.DocumentPreview, one per document

    def note(self, what, text):
        self.counts[what] += 1
        self.lines.append(text)

    def summary(self):
        parts = []
        for what, n in sorted(self.counts.items()):
            noun, verb = what.split(" ", 1)
            parts.append(f"{n} {SINGULAR.get(noun, noun) if n == 1 else noun} {verb}")
        return ", ".join(parts) if parts else "nothing to do"


# Reading


def read_source(argument, fetch=None):
    """The raw documents named by one command-line argument: a JSON file, or a document number
    fetched from the API. Returns (source name, list of document dicts)."""
    path = Path(argument)
    if not path.exists() and DOCUMENT_NUMBER.fullmatch(argument):
        return argument, [(fetch or fetch_document)(argument)]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FederalRegisterError(
            argument, [("", "no such file, and not a document number like 2025-00636")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise FederalRegisterError(argument, [("", f"cannot be read ({error})")]) from None
    return argument, documents_in(text, argument)


def fetch_document(number, base_url=None, transport=None, timeout=15.0):
    base_url = (base_url or settings.FEDERAL_REGISTER_API).rstrip("/")
    url = f"{base_url}/documents/{number}.json"
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
            response = client.get(url)
    except httpx.TimeoutException:
        raise FederalRegisterError(
            number,
            [
                (
                    "",
                    f"the Federal Register API at {base_url} did not answer within "
                    f"{timeout:.0f} s; try again, or import a saved JSON file",
                )
            ],
        ) from None
    except httpx.HTTPError as error:
        raise FederalRegisterError(
            number,
            [
                (
                    "",
                    f"cannot reach the Federal Register API at {base_url} ({error}); "
                    "check the network, or import a saved JSON file",
                )
            ],
        ) from None
    if response.status_code == 404:
        raise FederalRegisterError(number, [("", "the Federal Register has no document with this number")])
    if response.status_code != 200:
        raise FederalRegisterError(number, [("", f"the Federal Register API answered HTTP {response.status_code}")])
    return documents_in(response.text, number)[0]


# Writing

# Documents planned and written together: a batch costs the same few queries whatever its size.
BATCH = 500


def _instrument_kind(doc):
    if kind := fr_classify.INSTRUMENT_KIND.get(doc["class"]):
        return kind
    return "rule" if doc["type"].lower() == "rule" else "other"


# Fields an editor may rewrite: once a person has saved a document (its history names a user),
# a re-import fills them only while empty. ``rank`` the importer never writes; the rest is the
# Federal Register's record, which a later version of the document updates.
EDITOR_FIELDS = ("title", "excerpt", "note")


def _published_by_another(instrument, document, day):
    """Whether the instrument's publication is claimed by other documents, on another day."""
    published = next((event for event in instrument.events if event.row.kind == "published"), None)
    return (
        published is not None
        and bool(published.claims)
        and document.key not in published.claims
        and published.row.date != day
    )


def _moves(delay, target):
    """Whether a delay row moves ``target`` (either may be stored or new in this batch)."""
    if target.pk is not None and delay.target_id is not None:
        return delay.target_id == target.pk
    return delay.target_id is None and delay.target is target


def _corrected_number(doc):
    return doc["correction_of"].rstrip("/").split("/")[-1]


def _slug_base(doc):
    return slugify(doc["title"])[:80].strip("-") or f"fr-{doc['number']}"


def _slugs(base, start, stop):
    """The slugs a new instrument may take, in the order they are tried: base, base-2, base-3…"""
    return [base if n == 1 else f"{base}-{n}" for n in range(start, stop)]


@dataclass(eq=False)
class _Event:
    row: Event
    claims: dict = field(default_factory=dict)  # document key → Claim


@dataclass(eq=False)
class _Instrument:
    """An instrument as planned. ``order`` puts stored rows by pk before new ones by creation,
    as a query ordered by pk would find them."""

    row: Instrument
    order: tuple
    events: list = field(default_factory=list)  # _Event, by position then pk
    agency_ids: set = field(default_factory=set)  # stored links
    new_links: dict = field(default_factory=dict)  # agency slug → Agency
    changed: bool = False  # a stored row's docket_ids or cfr_parts

    def link(self, agency):
        if agency.slug not in self.new_links and (agency.pk is None or agency.pk not in self.agency_ids):
            self.new_links[agency.slug] = agency


class _Batch(Writer):
    """Up to BATCH checked documents, imported as if one after another.

    Everything they can touch is read first in a fixed number of queries; each document is then
    planned in memory, in order, so that a later one sees what an earlier one created (an
    instrument to join, an event to claim); and the plan is written with bulk statements, which
    record history but fire no signals, so the touched instruments are marked for a rebuild."""

    def __init__(self, docs, report):
        self.docs, self.report = docs, report
        self.new_agencies, self.reparented = [], {}  # reparented: slug → (agency, the parent it lacked)
        self.new_documents, self.changed_documents = [], {}  # changed: key → (document, changed fields)
        self.new_instruments = []
        self.new_events, self.new_delays, self.new_claims, self.changed_claims = [], [], [], {}
        self.touched = set()  # instruments whose status may have changed
        self.citing = set()  # ids of instruments citing a document that changed
        self._read()

    def run(self):
        for doc in self.docs:
            self._plan(doc)
        self._write()

    # Reading

    def _read(self):
        slugs = {agency["slug"] for doc in self.docs for agency in doc["agencies"]}
        self.agencies = {row.slug: row for row in rows_where(Agency.objects.order_by(), "slug", slugs)}
        first_instrument = self._read_documents()
        self._read_instruments(first_instrument)
        bases = Counter(_slug_base(doc) for doc in self.docs)
        self.slugs_checked, self.slugs_taken = set(), set()
        self._check_slugs(slug for base, n in bases.items() for slug in _slugs(base, 1, n + 2))

    def _read_documents(self):
        """The stored documents with the batch's numbers (or the numbers they correct), else with
        the key a new one would take, and their claims. Returns, by document key, the instrument
        id of each one's first claim: the instrument it belongs to."""
        references = {ref for doc in self.docs for ref in fr_follow_on.references(doc)}
        numbers = (
            {doc["number"] for doc in self.docs}
            | ({_corrected_number(doc) for doc in self.docs} - {""})
            | {ref for ref in references if " FR " not in ref}
        )
        # The empty-number condition lets the database use the partial unique index on the number.
        numbered = Document.objects.order_by().exclude(fr_document_number="")
        self.by_number = {row.fr_document_number: row for row in rows_where(numbered, "fr_document_number", numbers)}
        self.documents = {row.key: row for row in self.by_number.values()}  # by key
        # The documents a follow-on names by citation ("90 FR 2332"): the first stored one wins.
        cited = Document.objects.order_by("pk").exclude(citation="")
        self.by_citation = {}
        for row in rows_where(cited, "citation", {ref for ref in references if " FR " in ref}):
            self.by_citation.setdefault(fr_follow_on.citation_key(row.citation), row)
            self.documents.setdefault(row.key, row)
        keys = {f"fr-{doc['number'].lower()}" for doc in self.docs if doc["number"] not in self.by_number}
        for row in rows_where(Document.objects.order_by(), "key", keys - self.documents.keys()):
            self.documents[row.key] = row

        keys_by_pk = {row.pk: row.key for row in self.documents.values()}
        edits = Document.history.order_by().exclude(history_user_id=None).values_list("id", flat=True)
        self.edited = set(rows_where(edits, "id", keys_by_pk))  # documents a person has saved
        first, self.cited_by, self.claims = {}, defaultdict(set), defaultdict(dict)  # claims: event pk → key → Claim
        for claim in rows_where(
            Claim.objects.annotate(instrument_id=F("event__instrument_id")).order_by("pk"), "document_id", keys_by_pk
        ):
            key = keys_by_pk[claim.document_id]
            self.claims[claim.event_id][key] = claim
            first.setdefault(key, claim.instrument_id)
            self.cited_by[key].add(claim.instrument_id)
        return first

    def _read_instruments(self, first_instrument):
        """The stored instruments the batch may join (the documents' own, or sharing a RIN or a
        docket id), indexed for lookup, with their events and agency links."""
        rins = {rin for doc in self.docs for rin in doc["rins"]}
        dockets = {docket for doc in self.docs for docket in doc["dockets"]}
        instruments = Instrument.objects.order_by()
        found = [
            *rows_where(instruments, "pk", set(first_instrument.values())),
            *rows_where(instruments, "rin", rins),
            *rows_where(
                instruments, lambda chunk: HoldsAnyOf("docket_ids", chunk), dockets, chunk_size=HoldsAnyOf.CHUNK
            ),
        ]
        self.stored, self.by_rin, self.by_docket = {}, {}, {}  # stored: pk → _Instrument
        for row in sorted(found, key=lambda row: row.pk):
            if row.pk not in self.stored:
                self.stored[row.pk] = planned = _Instrument(row, order=(0, row.pk))
                self._index(planned, [row.rin], row.docket_ids if isinstance(row.docket_ids, list) else [])
        # document key → _Instrument
        self.instrument_of = {key: self.stored[pk] for key, pk in first_instrument.items()}
        events = Event.objects.order_by("instrument_id", "position", "pk")
        for event in rows_where(events, "instrument_id", self.stored):
            self.stored[event.instrument_id].events.append(_Event(event, self.claims.get(event.pk, {})))
        links = Instrument.agencies.through.objects.values_list("instrument_id", "agency_id")
        for instrument_id, agency_id in rows_where(links, "instrument_id", self.stored):
            self.stored[instrument_id].agency_ids.add(agency_id)

    def _check_slugs(self, slugs):
        slugs = set(slugs) - self.slugs_checked
        self.slugs_taken |= set(rows_where(Instrument.objects.order_by().values_list("slug", flat=True), "slug", slugs))
        self.slugs_checked |= slugs

    def _index(self, planned, rins, dockets):
        """Let later documents find ``planned`` by these RINs and docket ids; the first by pk wins."""
        for index, values in ((self.by_rin, rins), (self.by_docket, dockets)):
            for value in values:
                if value and isinstance(value, str):
                    holder = index.get(value)
                    if holder is None or planned.order < holder.order:
                        index[value] = planned

    # Planning, one document after another

    def _plan(self, doc):
        self.claimed = set()  # events this document has claimed so far: its first sentence on each stands
        self.preview = fr_preview.preview_of(doc)
        self.report.documents.append(self.preview)
        agencies = self._agencies(doc)
        document, existing = self._document(doc)
        instrument, match = self._instrument(doc, existing)
        for agency in agencies:
            instrument.link(agency)
        claims, warnings = claims_made(doc)
        self.preview.joins = (
            f"{instrument.row.slug}: {match.why}" if match.planned else f"a new instrument, {instrument.row.slug}"
        )
        if match.note:
            self.report.warnings.append(f"{doc['number']}: {match.note}")
            self.preview.joins += f" ({match.note})"
        if match.unplaced:
            self.preview.editor = match.unplaced
            # Nothing it could act on was found with confidence: keep it as evidence of its own
            # publication and leave what it changes to an editor rather than guess.
            self.report.warnings.append(
                fr_follow_on.needs_editor(
                    doc["number"], f"{match.unplaced}; recorded as published only, its effect is left for an editor"
                )
            )
            claims = [fr_classify.Claim("published", doc["published"], field="publication_date")]
        if _published_by_another(instrument, document, doc["published"]):
            # The instrument's publication is its first document's; a rule joining it on another
            # day (an amendment, the final rule after an interim one) is not that publication and
            # never moves it or its effective date: it amends the instrument when it takes effect.
            self.report.lines.append(
                f"{doc['number']} joins {instrument.row.slug}, already published: its own "
                "publication is not the instrument's, its effective date is an amendment"
            )
            claims = [
                dataclasses.replace(claim, kind="amended") if claim.kind == "effective" else claim
                for claim in claims
                if claim.kind != "published"
            ]
        for claim in claims:
            if claim.kind == "delayed":
                self._delay(instrument, document, claim, doc["number"])
            else:
                self._claim(instrument, document, claim, doc["number"])
            if claim.kind == "effective" and claim.date < doc["published"] and claim.field != "signing_date":
                warnings.append(
                    f"effective {claim.date} is before publication {doc['published']}: possible, but check the document"
                )
        self.report.warnings += [f"{doc['number']}: {warning}" for warning in warnings]

    def _agencies(self, doc):
        """The document's agencies, new ones created under their parent, stored ones given the
        parent they lacked."""
        by_fr_id = {agency.get("id"): agency for agency in doc["agencies"]}
        planned = {}

        def plan(agency, seen=()):
            if agency["slug"] in planned:
                return planned[agency["slug"]]
            parent = by_fr_id.get(agency.get("parent_id")) if agency.get("parent_id") else None
            seen = (*seen, agency["slug"])
            parent_row = plan(parent, seen) if parent and parent["slug"] not in seen else None
            row = self.agencies.get(agency["slug"])
            if row is None:
                row = Agency(slug=agency["slug"], name=agency["name"], parent=parent_row)
                self.agencies[row.slug] = row
                self.new_agencies.append(row)
                self.report.note("agencies created", f"create agency {row.name}")
            elif parent_row and row.parent_id is None and row.parent is None and row.slug not in self.reparented:
                self.reparented[row.slug] = (row, parent_row)
            planned[agency["slug"]] = row
            return row

        return [plan(agency) for agency in doc["agencies"]]

    def _document(self, doc):
        """The document's row, created or updated; and the row that had its number before."""
        existing = self.by_number.get(doc["number"])
        key = existing.key if existing else f"fr-{doc['number'].lower()}"
        document = self.documents.get(key)
        if document is None:
            document = self.documents[key] = Document(key=key, **document_values(doc))
            self.new_documents.append(document)
            self.report.note("documents created", f"create document {document}")
        elif doc["public_inspection"] and document.published_on is not None and document.citation:
            pass  # a public-inspection copy never overwrites the published document's record
        else:
            number = document.fr_document_number
            values = document_values(doc)
            if document.pk in self.edited:
                values = {
                    name: value
                    for name, value in values.items()
                    if name not in EDITOR_FIELDS or not getattr(document, name)
                }
            if changed := apply(document, values):
                self.report.note("documents updated", f"update document {document} ({', '.join(changed)})")
                if document.pk is not None:
                    self.changed_documents.setdefault(key, (document, set()))[1].update(changed)
                    self.citing |= self.cited_by[key]
                if number and self.by_number.get(number) is document:
                    del self.by_number[number]
        self.by_number[doc["number"]] = document
        if document.citation:
            self.by_citation.setdefault(fr_follow_on.citation_key(document.citation), document)
        return document, existing

    def _instrument(self, doc, existing):
        """The instrument the document joins (taking its new docket ids and CFR parts), or a new
        one; and the ``fr_follow_on.Match`` that says why."""
        match = fr_follow_on.find(self, doc, existing)
        planned = match.planned
        if planned is None:
            row = Instrument(
                slug=self._new_slug(doc),
                title=doc["title"][:500],
                kind=_instrument_kind(doc),
                rin=(doc["rins"] or [""])[0][:20],
                docket_ids=list(doc["dockets"]),
                cfr_parts=list(doc["cfr"]),
                summary=html.unescape(doc["abstract"]),
            )
            planned = _Instrument(row, order=(1, len(self.new_instruments)))
            self.new_instruments.append(planned)
            self.touched.add(planned)
            self._index(planned, [row.rin], row.docket_ids)
            self.report.note("instruments created", f"create instrument {row.slug} ({row.get_kind_display()})")
            return planned, match
        row = planned.row
        self.report.lines.append(f"attach to instrument {row.slug}: {match.why}")
        if (
            (kind := fr_classify.INSTRUMENT_KIND.get(doc["class"]))
            and row.kind == "proposed_rule"
            and kind != "proposed_rule"
        ):
            # The final rule of a proposal: the instrument is now a rule (its history keeps that it was one).
            self.report.lines.append(f"change instrument {row.slug} kind: proposed rule → {kind.replace('_', ' ')}")
            self.preview.changes.append(f"instrument kind: proposed rule → {kind.replace('_', ' ')}")
            row.kind = kind
            planned.changed = True
        added = [docket for docket in doc["dockets"] if docket not in row.docket_ids]
        added_cfr = [part for part in doc["cfr"] if part not in row.cfr_parts]
        if added or added_cfr:
            row.docket_ids, row.cfr_parts = row.docket_ids + added, row.cfr_parts + added_cfr
            planned.changed = True
            self._index(planned, [], added)
        return planned, match

    def _new_slug(self, doc):
        base = _slug_base(doc)
        for n in itertools.count(1):
            slug = base if n == 1 else f"{base}-{n}"
            if slug not in self.slugs_checked:  # more clashes than foreseen: look further ahead
                self._check_slugs(_slugs(base, n, n + 50))
            if slug not in self.slugs_taken:
                self.slugs_taken.add(slug)
                return slug

    def _claim(self, instrument, document, claim, number, event=None):
        """The document's claim on the instrument's event of this kind (of any date for events
        that happen once, else of this date), the event created if need be."""
        kind, day, quote = claim.kind, claim.date, claim.quote
        label = kind.replace("_", " ")
        if event is None:
            event = next(
                (
                    event
                    for event in instrument.events
                    if event.row.kind == kind and (kind in ONCE or event.row.date == day)
                ),
                None,
            )
        if event is not None and event.row.date != day and document.key not in event.claims:
            self.preview.changes.append(
                f"{label}: {event.row.date} → {day} (a later source; the earlier one's claim is kept)"
            )
        if event is None:
            event = _Event(
                Event(
                    instrument=instrument.row,
                    instrument_title=instrument.row.title,
                    key=self._new_key(instrument, f"fr-{number}-{kind.replace('_', '-')}"),
                    kind=kind,
                    date=day,
                    position=self._next_position(instrument),
                    note=field_note(claim, number),
                )
            )
            instrument.events.append(event)
            self.new_events.append(event.row)
            self.report.note("events created", f"create event {label} {day} on {instrument.row}")
        said = f" ({source_words(claim)})"
        if id(event) in self.claimed:
            return  # a second sentence of the document on the same event: the first one's claim stands
        self.claimed.add(id(event))
        claim_row = event.claims.get(document.key)
        if claim_row is None:
            event.claims[document.key] = Claim(event=event.row, document=document, date=day, quote=quote)
            self.new_claims.append(event.claims[document.key])
            self.instrument_of.setdefault(document.key, instrument)
            self.report.note("claims created", f"{number} says {label} {day}{said} ({instrument.row})")
        elif (claim_row.date, claim_row.quote) != (day, quote):
            if claim_row.date != day:
                self.preview.changes.append(f"{label}, as {number} says it: {claim_row.date} → {day}")
            claim_row.date, claim_row.quote = day, quote
            if claim_row.pk is not None:
                self.changed_claims[claim_row.pk] = claim_row
            self.report.note("claims updated", f"{number} now says {label} {day}{said}")
        else:
            return
        self.touched.add(instrument)

    def _delay(self, instrument, document, claim, number):
        """A delay of the instrument's one event of the target kind, as its own event; with no
        such event, or several, nothing is guessed: the editor is told."""
        targets = [event for event in instrument.events if event.row.kind == claim.target]
        if len(targets) != 1:
            why = (
                f"it delays the {claim.target.replace('_', ' ')} to {claim.new_date}, but {instrument.row.slug} "
                f"has {len(targets) or 'no'} such event{'s' if len(targets) > 1 else ''}: no delay recorded "
                f'("{claim.quote}")'
            )
            self.report.warnings.append(fr_follow_on.needs_editor(number, why))
            self.preview.editor = why
            return
        target = targets[0].row
        event = next(
            (
                event
                for event in instrument.events
                if event.row.kind == "delayed" and _moves(event.row, target) and event.row.new_date == claim.new_date
            ),
            None,
        )
        if event is None:
            event = _Event(
                Event(
                    instrument=instrument.row,
                    instrument_title=instrument.row.title,
                    key=self._new_key(instrument, f"fr-{number}-delayed"),
                    kind="delayed",
                    date=claim.date,
                    target=target,
                    new_date=claim.new_date,
                    position=self._next_position(instrument),
                    note=field_note(claim, number),
                )
            )
            instrument.events.append(event)
            # Written after the other new events: its target may be one of them.
            self.new_delays.append(event.row)
            self.report.note(
                "events created",
                f"create event delayed {claim.date} on {instrument.row}: "
                f"{claim.target.replace('_', ' ')} {target.date} → {claim.new_date}",
            )
            earlier = [
                e.row
                for e in instrument.events
                if e.row.kind == "delayed" and e.row is not event.row and _moves(e.row, target)
            ]
            old = max(earlier, key=lambda row: row.date).new_date if earlier else target.date
            self.preview.changes.append(
                f"{claim.target.replace('_', ' ')}: {old} → {claim.new_date} (delayed, from {claim.date})"
            )
        self._claim(instrument, document, claim, number, event=event)

    @staticmethod
    def _new_key(instrument, key):
        taken = {event.row.key for event in instrument.events}
        return next(
            candidate for n in itertools.count(1) if (candidate := key if n == 1 else f"{key}-{n}") not in taken
        )

    @staticmethod
    def _next_position(instrument):
        return max((event.row.position for event in instrument.events), default=0) + 1


def import_documents(raws, source, progress=None, preview=False):
    """Import the documents of one file (or one fetched number) all or nothing."""
    checked, problems = [], []
    for index, raw in enumerate(raws):
        where = f"results[{index}]." if len(raws) > 1 else ""
        doc, found = check(raw, where)
        problems += found
        checked.append(doc)
    if problems:
        raise FederalRegisterError(source, problems)
    report = Report(source)
    with transaction.atomic():
        with deferred_rebuilds():
            for start in range(0, len(checked), BATCH):
                batch = checked[start : start + BATCH]
                _Batch(batch, report).run()
                if progress:
                    progress(start + len(batch), len(checked))
        if preview:
            transaction.set_rollback(True)
    return report
