"""One Federal Register API v1 document: read from JSON, checked field by field into a plain
dict (``check``), and what it says — the values of its Document row, and its claims with the
words an editor reads beside them. Plain functions; the importer (``federal_register``) plans
and writes what they return."""

from __future__ import annotations

import datetime
import json
import re

import nh3

from . import fr_classify, fr_dates, fr_follow_on
from .schema import TimelineError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOCUMENT_NUMBER = re.compile(r"^(?:[A-Z]\d-)?\d{2,4}-\d{3,6}$")


class FederalRegisterError(TimelineError):
    """Everything wrong with one file or document number; nothing from it was written."""


def documents_in(text, source):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FederalRegisterError(
            source, [("", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")]
        ) from None
    if (where := _nul(data)) is not None:
        raise FederalRegisterError(source, [(where, "contains a NUL character, which no text can hold")])
    if isinstance(data, dict) and "results" in data:
        if not isinstance(data["results"], list):
            raise FederalRegisterError(source, [("results", "expected a list of documents")])
        return data["results"]
    if isinstance(data, dict) and "document_number" in data:
        return [data]
    raise FederalRegisterError(
        source,
        [("", "expected a Federal Register API v1 document (with document_number) or a search page (with results)")],
    )


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


def _moment(raw, name):
    """The date of an API timestamp ("2025-01-14T08:45:00.000-05:00"), or None."""
    value = raw.get(name)
    try:
        return datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


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
        "type": str(raw.get("type") or ""),
        "action": str(raw.get("action") or ""),
        "subtype": str(raw.get("subtype") or ""),
        "published": _date(raw, "publication_date", problems, where, required=True),
        "effective": _date(raw, "effective_on", problems, where),
        "comments_close": _date(raw, "comments_close_on", problems, where),
        "signed": _date(raw, "signing_date", problems, where),
        "dates_text": raw.get("dates") if isinstance(raw.get("dates"), str) else "",
        "dockets": list(
            dict.fromkeys(fr_follow_on.docket_id(docket) for docket in _strings(raw, "docket_ids", problems, where))
        ),
        "rins": _strings(raw, "regulation_id_numbers", problems, where),
        "url": raw.get("html_url") if isinstance(raw.get("html_url"), str) else "",
        "pdf_url": raw.get("pdf_url") if isinstance(raw.get("pdf_url"), str) else "",
        "abstract": nh3.clean(raw["abstract"], tags=set()) if isinstance(raw.get("abstract"), str) else "",
        "correction_of": raw.get("correction_of") if isinstance(raw.get("correction_of"), str) else "",
        "presidential_type": str(raw.get("presidential_document_type") or ""),
        "filed": _moment(raw, "filed_at"),
        # A public-inspection copy has a filing time and no place in a printed issue yet.
        "public_inspection": bool(raw.get("filed_at")) and not (raw.get("citation") or raw.get("start_page")),
    }
    citation = raw.get("citation")
    if not citation and raw.get("volume") and raw.get("start_page"):
        citation = f"{raw['volume']} FR {raw['start_page']}"
    doc["citation"] = citation if isinstance(citation, str) else ""
    references = raw.get("cfr_references") or []
    if not isinstance(references, list):
        problems.append((f"{where}cfr_references", "expected a list"))
        references = []
    doc["cfr"] = [
        f"{ref.get('title')} CFR {ref.get('part')}"[:50]
        for ref in references
        if isinstance(ref, dict) and ref.get("title") and ref.get("part")
    ]
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
    if not problems:
        doc["class"] = fr_classify.classify(doc)
        # A bare date under an "EFFECTIVE DATE:" heading is the rule's effective date.
        doc["reading"] = fr_dates.read_dates(
            doc["dates_text"],
            published=doc["published"],
            signed=doc["signed"],
            default="effective" if doc["type"].lower() == "rule" else None,
        )
    return (None if problems else doc), problems


def document_values(doc):
    return {
        "kind": "federal_register",
        "title": doc["title"][:1000],
        "publisher": "Federal Register",
        "url": doc["url"],
        "published_on": doc["published"],
        "citation": doc["citation"][:100],
        "excerpt": doc["abstract"],
        "note": "; ".join(
            filter(
                None,
                [
                    doc["type"],
                    doc["action"],
                    f"PDF: {doc['pdf_url']}" if doc["pdf_url"] else "",
                    "CFR: " + ", ".join(doc["cfr"]) if doc["cfr"] else "",
                ],
            )
        ),
        "fr_document_number": doc["number"],
    }


def claims_made(doc):
    """What a document says, as ``fr_classify.Claim``s in the order they are claimed, and the
    warnings an editor should read (sentences not understood, text and fields disagreeing)."""
    claims, warnings = fr_classify.claims_for(doc, doc["class"], doc["reading"])
    warnings += [
        f'a sentence of its DATES text gives a date this importer could not place: "{text}"'
        for text in doc["reading"].not_understood
    ]
    return claims, warnings


def source_words(claim):
    """Where a claim's date comes from, in words for the report."""
    if claim.quote:
        return f'"{claim.quote}"' + (f", {claim.relative}" if claim.relative else "")
    return f"field {claim.field}" + (f", {claim.relative}" if claim.relative else "")


def field_note(claim, number):
    """An event's note when the document that dates it says so in a structured field only:
    the claim's quote stays empty, and the note says where the date came from."""
    if claim.quote:
        return ""
    how = f" ({claim.relative})" if claim.relative else ""
    return (
        f"Dated by the Federal Register API field {claim.field} of {number}{how}; "
        "no sentence of the document states it."
    )
