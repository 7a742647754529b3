"""Federal Register API v1 documents → sourced events.

One document (or a search page with ``results``) becomes a Document of kind
``federal_register`` and claims on the events it dates: published, effective, comments close,
signed (presidential documents), and effective or compliance dates found in its free-text
``dates``. It joins the instrument sharing a RIN or docket id, or starts a new one. Each file
or fetched document is imported whole or not at all; importing again updates, never duplicates.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nh3
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument
from policytrack.timeline.periods import deferred_rebuilds

from .rows import upsert
from .schema import TimelineError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOCUMENT_NUMBER = re.compile(r"^(?:[A-Z]\d-)?\d{2,4}-\d{3,6}$")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_IN_TEXT = rf"({MONTHS})\s+(\d{{1,2}}),\s+(\d{{4}})"
EFFECTIVE_TEXT = re.compile(rf"\beffective\b[^.;]*?\b(?:on\s+)?{DATE_IN_TEXT}", re.I)
COMPLIANCE_TEXT = re.compile(rf"\bcompliance\s+date\b[^.;]*?{DATE_IN_TEXT}", re.I)
# Events that happen once in an instrument's life: a new source for one joins the event there.
ONCE = {"issued", "published", "effective", "comment_period_closes"}


class FederalRegisterError(TimelineError):
    """Everything wrong with one file or document number; nothing from it was written."""


SINGULAR = {"agencies": "agency", "documents": "document", "instruments": "instrument", "events": "event",
            "claims": "claim"}


@dataclass
class Report:
    """What an import did (or, in a preview, would do), in words an editor can check."""

    source: str
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

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
        raise FederalRegisterError(argument, [("", "no such file, and not a document number like 2025-00636")]) \
            from None
    except (OSError, UnicodeDecodeError) as error:
        raise FederalRegisterError(argument, [("", f"cannot be read ({error})")]) from None
    return argument, documents_in(text, argument)


def documents_in(text, source):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FederalRegisterError(source, [("", f"not valid JSON: {error.msg} at line {error.lineno}, "
                                                 f"column {error.colno}")]) from None
    if (where := _nul(data)) is not None:
        raise FederalRegisterError(source, [(where, "contains a NUL character, which no text can hold")])
    if isinstance(data, dict) and "results" in data:
        if not isinstance(data["results"], list):
            raise FederalRegisterError(source, [("results", "expected a list of documents")])
        return data["results"]
    if isinstance(data, dict) and "document_number" in data:
        return [data]
    raise FederalRegisterError(source, [("", "expected a Federal Register API v1 document (with document_number) "
                                             "or a search page (with results)")])


def _nul(value, path=""):
    """The place of the first string holding a NUL character (PostgreSQL text cannot), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _nul(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def fetch_document(number, base_url=None, transport=None, timeout=15.0):
    base_url = (base_url or settings.FEDERAL_REGISTER_API).rstrip("/")
    url = f"{base_url}/documents/{number}.json"
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
            response = client.get(url)
    except httpx.TimeoutException:
        raise FederalRegisterError(number, [("", f"the Federal Register API at {base_url} did not answer within "
                                                 f"{timeout:.0f} s; try again, or import a saved JSON file")]) from None
    except httpx.HTTPError as error:
        raise FederalRegisterError(number, [("", f"cannot reach the Federal Register API at {base_url} ({error}); "
                                                 "check the network, or import a saved JSON file")]) from None
    if response.status_code == 404:
        raise FederalRegisterError(number, [("", "the Federal Register has no document with this number")])
    if response.status_code != 200:
        raise FederalRegisterError(number, [("", f"the Federal Register API answered HTTP {response.status_code}")])
    return documents_in(response.text, number)[0]


# Checking


def _date(raw, name, problems, where, required=False):
    value = raw.get(name)
    if value in (None, ""):
        if required:
            problems.append((f"{where}{name}", "is required"))
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append((f"{where}{name}", f"expected a real date as YYYY-MM-DD, got {value!r}"))
        return None


def _strings(raw, name, problems, where):
    value = raw.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append((f"{where}{name}", "expected a list of strings"))
        return []
    return [item.strip() for item in value if item.strip()]


def _dates_in_text(pattern, text):
    found = []
    for month, day, year in pattern.findall(text or ""):
        try:
            found.append(datetime.datetime.strptime(f"{month} {day} {year}", "%B %d %Y").date())
        except ValueError:
            continue  # "February 30": not a date; the editor sees the text in the excerpt
    return found


def check(raw, where):
    """One raw document → a dict of clean values, or problems appended to a list."""
    problems = []
    if not isinstance(raw, dict):
        return None, [(where.rstrip("."), "expected a document object")]
    number = raw.get("document_number")
    if not isinstance(number, str) or not number.strip():
        problems.append((f"{where}document_number", "is required"))
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append((f"{where}title", "is required"))
    doc = {
        "number": (number or "").strip() if isinstance(number, str) else "",
        "title": title.strip() if isinstance(title, str) else "",
        "type": str(raw.get("type") or ""), "action": str(raw.get("action") or ""),
        "subtype": str(raw.get("subtype") or ""),
        "published": _date(raw, "publication_date", problems, where, required=True),
        "effective": _date(raw, "effective_on", problems, where),
        "comments_close": _date(raw, "comments_close_on", problems, where),
        "signed": _date(raw, "signing_date", problems, where),
        "dates_text": raw.get("dates") if isinstance(raw.get("dates"), str) else "",
        "dockets": _strings(raw, "docket_ids", problems, where),
        "rins": _strings(raw, "regulation_id_numbers", problems, where),
        "url": raw.get("html_url") if isinstance(raw.get("html_url"), str) else "",
        "pdf_url": raw.get("pdf_url") if isinstance(raw.get("pdf_url"), str) else "",
        "abstract": nh3.clean(raw["abstract"], tags=set()) if isinstance(raw.get("abstract"), str) else "",
        "correction_of": raw.get("correction_of") if isinstance(raw.get("correction_of"), str) else "",
    }
    citation = raw.get("citation")
    if not citation and raw.get("volume") and raw.get("start_page"):
        citation = f"{raw['volume']} FR {raw['start_page']}"
    doc["citation"] = citation if isinstance(citation, str) else ""
    references = raw.get("cfr_references") or []
    if not isinstance(references, list):
        problems.append((f"{where}cfr_references", "expected a list"))
        references = []
    doc["cfr"] = [f"{ref.get('title')} CFR {ref.get('part')}"[:50] for ref in references
                  if isinstance(ref, dict) and ref.get("title") and ref.get("part")]
    agencies = raw.get("agencies") or []
    if not isinstance(agencies, list):
        problems.append((f"{where}agencies", "expected a list"))
        agencies = []
    doc["agencies"] = []
    for index, agency in enumerate(agencies):
        if not isinstance(agency, dict):
            problems.append((f"{where}agencies[{index}]", "expected an agency object"))
        elif not (isinstance(agency.get("slug"), str) and SLUG.fullmatch(agency["slug"])):
            problems.append((f"{where}agencies[{index}].slug", f"expected a slug, got {agency.get('slug')!r}"))
        elif not isinstance(agency.get("name"), str) or not agency["name"].strip() or len(agency["name"]) > 255:
            problems.append((f"{where}agencies[{index}].name", "expected a name of at most 255 characters"))
        else:
            doc["agencies"].append(agency)
    if len(doc["number"]) > 30:
        problems.append((f"{where}document_number", "expected at most 30 characters"))
    for name in ("url", "pdf_url"):
        if not (doc[name].startswith(("https://", "http://")) and len(doc[name]) <= 1000):
            doc[name] = ""  # a link is a convenience; a broken one is dropped, not fatal
    return (None if problems else doc), problems


# Writing


def _upsert(model, lookup, values, report, label):
    instance, outcome, changed = upsert(model, lookup, values)
    if outcome == "created":
        report.note(f"{label}s created", f"create {label} {instance}")
    elif outcome == "updated":
        report.note(f"{label}s updated", f"update {label} {instance} ({', '.join(changed)})")
    return instance


def _agencies(doc, report):
    by_fr_id = {agency.get("id"): agency for agency in doc["agencies"]}
    saved = {}

    def save(agency, seen=()):
        if agency["slug"] in saved:
            return saved[agency["slug"]]
        parent = by_fr_id.get(agency.get("parent_id")) if agency.get("parent_id") else None
        seen = (*seen, agency["slug"])
        parent_row = save(parent, seen) if parent and parent["slug"] not in seen else None
        row = Agency.objects.filter(slug=agency["slug"]).first()
        if row is None:
            row = Agency.objects.create(slug=agency["slug"], name=agency["name"], parent=parent_row)
            report.note("agencies created", f"create agency {row.name}")
        elif parent_row and row.parent_id is None:
            row.parent = parent_row
            row.save()
        saved[agency["slug"]] = row
        return row

    return [save(agency) for agency in doc["agencies"]]


def _instrument_kind(doc):
    text = f"{doc['type']} {doc['action']} {doc['subtype']}".lower()
    if "presidential" in text or "executive order" in text:
        return "executive_order"
    if "proposed" in text:
        return "proposed_rule"
    if "interim" in text:
        return "interim_final_rule"
    if doc["type"].lower() == "rule":
        return "rule"
    return "other"


def _by_number(number):
    # The empty-number condition lets the database use the partial unique index on the number.
    return Document.objects.filter(fr_document_number=number).exclude(fr_document_number="").first()


def _instrument_of(document):
    if document is None:
        return None
    claim = Claim.objects.filter(document=document).select_related("event__instrument").order_by("pk").first()
    return claim.event.instrument if claim else None


def _find_instrument(doc, document):
    """The instrument this document belongs to: the one it was imported into before, the
    corrected document's, or one sharing a RIN or a docket id."""
    if earlier := _instrument_of(document):
        return earlier
    corrected = doc["correction_of"].rstrip("/").split("/")[-1]
    if corrected and (instrument := _instrument_of(_by_number(corrected))):
        return instrument
    if doc["rins"]:
        found = Instrument.objects.filter(rin__in=doc["rins"]).order_by("pk").first()
        if found:
            return found
    for docket in doc["dockets"]:
        for candidate in Instrument.objects.filter(docket_ids__icontains=docket).order_by("pk"):
            if docket in candidate.docket_ids:
                return candidate
    return None


def _new_slug(title, number):
    base = slugify(title)[:80].strip("-") or f"fr-{number}"
    slug, n = base, 2
    while Instrument.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _claim_event(instrument, document, kind, day, quote, report, number):
    event = None
    if kind in ONCE:
        event = instrument.events.filter(kind=kind).order_by("position", "pk").first()
    else:
        event = instrument.events.filter(kind=kind, date=day).order_by("position", "pk").first()
    if event is None:
        key = f"fr-{number}-{kind.replace('_', '-')}"
        position = (instrument.events.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        event = Event.objects.create(instrument=instrument, key=key, kind=kind, date=day, position=position)
        report.note("events created", f"create event {kind.replace('_', ' ')} {day} on {instrument}")
    claim = Claim.objects.filter(event=event, document=document).first()
    if claim is None:
        Claim.objects.create(event=event, document=document, date=day, quote=quote[:1000])
        report.note("claims created", f"{document.fr_document_number} says {kind.replace('_', ' ')} {day} "
                                      f"({instrument})")
    elif claim.date != day or claim.quote != quote[:1000]:
        claim.date, claim.quote = day, quote[:1000]
        claim.save()
        report.note("claims updated", f"{document.fr_document_number} now says {kind.replace('_', ' ')} {day}")
    return event


def _write(doc, report):
    agencies = _agencies(doc, report)
    values = {
        "kind": "federal_register", "title": doc["title"][:1000], "publisher": "Federal Register",
        "url": doc["url"], "published_on": doc["published"], "citation": doc["citation"][:100],
        "excerpt": doc["abstract"],
        "note": "; ".join(filter(None, [doc["type"], doc["action"], f"PDF: {doc['pdf_url']}" if doc["pdf_url"] else "",
                                        "CFR: " + ", ".join(doc["cfr"]) if doc["cfr"] else ""])),
    }
    existing = _by_number(doc["number"])
    key = existing.key if existing else f"fr-{doc['number'].lower()}"
    document = _upsert(Document, {"key": key}, {**values, "fr_document_number": doc["number"]}, report, "document")

    instrument = _find_instrument(doc, existing)
    if instrument is None:
        instrument = Instrument.objects.create(
            slug=_new_slug(doc["title"], doc["number"]), title=doc["title"][:500], kind=_instrument_kind(doc),
            rin=(doc["rins"] or [""])[0][:20], docket_ids=doc["dockets"], cfr_parts=doc["cfr"],
            summary=doc["abstract"])
        report.note("instruments created", f"create instrument {instrument.slug} ({instrument.get_kind_display()})")
    else:
        report.lines.append(f"attach to instrument {instrument.slug}")
        added = [d for d in doc["dockets"] if d not in instrument.docket_ids]
        added_cfr = [c for c in doc["cfr"] if c not in instrument.cfr_parts]
        if added or added_cfr:
            instrument.docket_ids = instrument.docket_ids + added
            instrument.cfr_parts = instrument.cfr_parts + added_cfr
            instrument.save()
    instrument.agencies.add(*agencies)

    number, dates_text = doc["number"], doc["dates_text"]
    events = []
    if doc["correction_of"]:
        events.append(("corrected", doc["published"], f"Correction of {doc['correction_of']}."))
    if doc["signed"] and _instrument_kind(doc) == "executive_order":
        events.append(("issued", doc["signed"], f"Signed {doc['signed']:%B %-d, %Y}."))
    events.append(("published", doc["published"], f"Published in the Federal Register, {doc['citation']}."))
    effective = doc["effective"] or next(iter(_dates_in_text(EFFECTIVE_TEXT, dates_text)), None)
    if effective:
        events.append(("effective", effective, dates_text or f"Effective {effective:%B %-d, %Y}."))
    for day in _dates_in_text(COMPLIANCE_TEXT, dates_text):
        events.append(("compliance_date", day, dates_text))
    if doc["comments_close"]:
        events.append(("comment_period_closes", doc["comments_close"], f"Comments close {doc['comments_close']}."))
    for kind, day, quote in events:
        _claim_event(instrument, document, kind, day, quote, report, number)
    if effective and effective < doc["published"]:
        report.warnings.append(f"{number}: effective {effective} is before publication {doc['published']}: "
                               "possible, but check the document")
    return document


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
            for n, doc in enumerate(checked, 1):
                _write(doc, report)
                if progress:
                    progress(n, len(checked))
        if preview:
            transaction.set_rollback(True)
    return report
