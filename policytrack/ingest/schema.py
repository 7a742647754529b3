"""Reading and checking ``policytrack-timeline/1`` files, before anything is written.

``parse_timeline`` turns the text of a file into plain, checked dictionaries, or raises
``TimelineError`` listing every problem with its place in the file
(``instruments[0].events[3].date``) and what was expected. Cross-references to records
already in the database (an agency or document defined by an earlier file) are resolved
through the ``existing`` lookups the caller passes in, so this module needs no database.

What a value may be is not defined here: kinds, lengths, key patterns, addresses, ranks and
dates come from the models' fields and ``timeline.validators``, so that anything the admin
accepts can be exported and imported again.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError

from policytrack.timeline import engine, validators
from policytrack.timeline.models import Agency, Document, Event, Instrument, InstrumentRelation, Precision, Topic

FORMAT = "policytrack-timeline/1"
INSTRUMENT_KINDS = tuple(Instrument.Kind.values)
RELATION_KINDS = tuple(InstrumentRelation.Kind.values)
DOCUMENT_KINDS = tuple(Document.Kind.values)
EVENT_KINDS = tuple(Event.Kind.values)
PRECISIONS = tuple(Precision.values)
SLUG_RE = re.compile(validators.KEY_PATTERN)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


class TimelineError(Exception):
    """Everything wrong with one file; nothing from it was written."""

    def __init__(self, source, problems):
        self.source = source
        self.problems = problems
        super().__init__(str(self))

    def __str__(self):
        return "\n".join(
            f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
            for path, message in self.problems
        )


@dataclass
class Existing:
    """What the database already holds, for references a file does not define itself."""

    agencies: set = field(default_factory=set)
    instruments: set = field(default_factory=set)
    # document key -> (kind, rank override, published_on, fr_document_number)
    documents: dict = field(default_factory=dict)


@dataclass
class Timeline:
    agencies: list
    documents: list
    instruments: list
    warnings: list


# --- values -------------------------------------------------------------------------------


class _Invalid(Exception):
    pass


def _text(max_length=None):
    def check(value):
        if not isinstance(value, str):
            raise _Invalid(f"expected text, got {_describe(value)}")
        if "\x00" in value:
            raise _Invalid("contains a NUL character, which no text can hold")
        value = value.strip()
        if max_length and len(value) > max_length:
            raise _Invalid(f"expected at most {max_length} characters, got {len(value)}")
        return value

    return check


def _required_text(max_length=None):
    plain = _text(max_length)

    def check(value):
        value = plain(value)
        if not value:
            raise _Invalid("must not be empty")
        return value

    return check


def _length(model, name):
    return model._meta.get_field(name).max_length


def _slug(max_length):
    def check(value):
        if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
            raise _Invalid(f"expected a slug of {validators.KEY_RULE}, got {_describe(value)}")
        if len(value) > max_length:
            raise _Invalid(f"expected a slug of at most {max_length} characters, got {len(value)}")
        return value

    return check


def _optional(check):
    return lambda value: None if value is None else check(value)


def _date(value):
    value = _any_date(value)
    if not validators.EARLIEST_DATE <= value <= validators.LATEST_DATE:
        raise _Invalid(f"expected a date {validators.DATE_RULE}, got {value.isoformat()}")
    return value


def _any_date(value):
    if isinstance(value, datetime.datetime):
        raise _Invalid(f"expected a date as YYYY-MM-DD, got a date and time {value.isoformat()!r}")
    if isinstance(value, datetime.date):  # YAML reads unquoted dates as dates
        return value
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise _Invalid(f"expected a date as YYYY-MM-DD, got {_describe(value)}")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise _Invalid(f"expected a date as YYYY-MM-DD, got {value!r}, which does not exist ({error})") from None


def _choice(choices):
    def check(value):
        if value not in choices:
            raise _Invalid(f"expected one of {', '.join(choices)}; got {_describe(value)}")
        return value

    return check


def _text_list(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid(f"expected a list of text, got {_describe(value)}")
    if any("\x00" in item for item in value):
        raise _Invalid("contains a NUL character, which no text can hold")
    return [item.strip() for item in value if item.strip()]


def _topic_list(value):
    topics = _text_list(value)
    longest = _length(Topic, "name")
    for topic in topics:
        if len(topic) > longest:
            raise _Invalid(f"expected topics of at most {longest} characters, got one of {len(topic)}")
    return topics


def _rank(value):
    if isinstance(value, bool) or not isinstance(value, int) or not validators.RANK_MIN <= value <= validators.RANK_MAX:
        raise _Invalid(f"expected {validators.RANK_RULE}, got {_describe(value)}")
    return value


def _url(value):
    value = _text(_length(Document, "url"))(value)
    if value:
        try:
            validators.validate_web_url(value)
        except ValidationError:
            raise _Invalid(f"expected a web address starting http:// or https://, got {_describe(value)}") from None
    return value


def _describe(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# (checker, default or _MISSING when required); lengths are the model fields'.
_agency_slug, _document_key = _slug(_length(Agency, "slug")), _slug(_length(Document, "key"))
_instrument_slug, _event_key = _slug(_length(Instrument, "slug")), _slug(_length(Event, "key"))
AGENCY_FIELDS = {
    "slug": (_agency_slug, _MISSING),
    "name": (_required_text(_length(Agency, "name")), _MISSING),
    "short_name": (_text(_length(Agency, "short_name")), ""),
    "parent": (_optional(_agency_slug), None),
}
DOCUMENT_FIELDS = {
    "key": (_document_key, _MISSING),
    "kind": (_choice(DOCUMENT_KINDS), _MISSING),
    "title": (_required_text(_length(Document, "title")), _MISSING),
    "publisher": (_text(_length(Document, "publisher")), ""),
    "url": (_url, ""),
    "published_on": (_date, _MISSING),
    "retrieved_on": (_optional(_date), None),
    "fr_document_number": (_text(_length(Document, "fr_document_number")), ""),
    "citation": (_text(_length(Document, "citation")), ""),
    "excerpt": (_text(), ""),
    "rank": (_optional(_rank), None),
    "note": (_text(), ""),
}
INSTRUMENT_FIELDS = {
    "slug": (_instrument_slug, _MISSING),
    "title": (_required_text(_length(Instrument, "title")), _MISSING),
    "short_title": (_text(_length(Instrument, "short_title")), ""),
    "aliases": (_text_list, []),
    "kind": (_choice(INSTRUMENT_KINDS), _MISSING),
    "agencies": (_text_list, []),
    "rin": (_text(_length(Instrument, "rin")), ""),
    "docket_ids": (_text_list, []),
    "cfr_parts": (_text_list, []),
    "topics": (_topic_list, []),
    "summary": (_text(), ""),
    "relations": (None, []),
    "events": (None, []),
}
RELATION_FIELDS = {"kind": (_choice(RELATION_KINDS), _MISSING), "instrument": (_instrument_slug, _MISSING)}
EVENT_FIELDS = {
    "key": (_optional(_event_key), None),
    "kind": (_choice(EVENT_KINDS), _MISSING),
    "date": (_optional(_date), None),
    "precision": (_optional(_choice(PRECISIONS)), None),
    "note": (_text(), ""),
    "claims": (None, []),
    "target": (_optional(_event_key), None),
    "new_date": (_optional(_date), None),
}
CLAIM_FIELDS = {
    "document": (_document_key, _MISSING),
    "date": (_date, _MISSING),
    "precision": (_choice(PRECISIONS), "day"),
    "quote": (_text(), ""),
}


# --- the file ------------------------------------------------------------------------------


class _Reader:
    def __init__(self):
        self.problems = []
        self.warnings = []

    def error(self, path, message):
        self.problems.append((path, message))

    def record(self, value, path, fields):
        """Check one object against its fields; returns the cleaned dict or None."""
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {_describe(value)}")
            return None
        unknown = sorted(set(value) - set(fields))
        for name in unknown:
            self.error(f"{path}.{name}", f"unknown field (expected one of {', '.join(fields)})")
        cleaned = {}
        for name, (check, default) in fields.items():
            if name not in value or (value[name] is None and default is not _MISSING):
                if default is _MISSING:
                    self.error(f"{path}.{name}", "is required")
                    cleaned[name] = None  # reported; later checks skip what is None
                    continue
                cleaned[name] = list(default) if isinstance(default, list) else default
                continue
            if check is None:
                cleaned[name] = value[name]
                continue
            try:
                cleaned[name] = check(value[name])
            except _Invalid as problem:
                self.error(f"{path}.{name}", str(problem))
                cleaned[name] = [] if isinstance(default, list) else None  # reported; checks skip it
        return cleaned

    def records(self, value, path, fields):
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {_describe(value)}")
            return []
        return [(f"{path}[{i}]", self.record(item, f"{path}[{i}]", fields)) for i, item in enumerate(value)]


def load_text(text, source):
    """Decode JSON (or YAML, for .yaml/.yml files) into Python values."""
    if source.lower().endswith((".yaml", ".yml")):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise TimelineError(source, [("", f"not valid YAML: {where}{getattr(error, 'problem', error)}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TimelineError(
            source, [("", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")]
        ) from None


def parse_timeline(data, source, existing=None):
    """Check a decoded timeline; returns a ``Timeline`` or raises ``TimelineError``."""
    existing = existing or Existing()
    reader = _Reader()
    if not isinstance(data, dict):
        raise TimelineError(source, [("", f'expected a JSON object with "format": "{FORMAT}", got {_describe(data)}')])
    if data.get("format") != FORMAT:
        raise TimelineError(source, [("format", f'expected "{FORMAT}", got {_describe(data.get("format"))}')])
    for name in sorted(set(data) - {"format", "agencies", "documents", "instruments"}):
        reader.error(name, "unknown field (expected format, agencies, documents, instruments)")

    agencies = reader.records(data.get("agencies", []), "agencies", AGENCY_FIELDS)
    documents = reader.records(data.get("documents", []), "documents", DOCUMENT_FIELDS)
    instruments = reader.records(data.get("instruments", []), "instruments", INSTRUMENT_FIELDS)

    agency_slugs = _unique(reader, agencies, "slug")
    document_keys = _unique(reader, documents, "key")
    instrument_slugs = _unique(reader, instruments, "slug")
    _check_agencies(reader, agencies, agency_slugs | existing.agencies)
    doc_facts = dict(existing.documents)
    _check_documents(reader, documents, existing)
    for _, doc in documents:
        if doc and doc["key"] and doc["kind"] and doc["published_on"]:
            doc_facts[doc["key"]] = (doc["kind"], doc["rank"], doc["published_on"], doc["fr_document_number"])

    for path, instrument in instruments:
        if instrument is None:
            continue
        for i, slug in enumerate(instrument["agencies"]):
            if slug not in agency_slugs and slug not in existing.agencies:
                reader.error(f"{path}.agencies[{i}]", f'unknown agency {slug!r} (define it under "agencies")')
        relations = reader.records(instrument["relations"], f"{path}.relations", RELATION_FIELDS)
        instrument["relations"] = []
        for rpath, relation in relations:
            if relation is None or relation["instrument"] is None:
                continue
            target = relation["instrument"]
            if target == instrument["slug"]:
                reader.error(f"{rpath}.instrument", "an instrument cannot relate to itself")
            elif target not in instrument_slugs and target not in existing.instruments:
                reader.error(f"{rpath}.instrument", f"unknown instrument {target!r}")
            instrument["relations"].append(relation)
        instrument["events"] = _check_events(reader, instrument, path, document_keys, doc_facts)

    if reader.problems:
        raise TimelineError(source, reader.problems)
    return Timeline(
        agencies=[a for _, a in agencies],
        documents=[d for _, d in documents],
        instruments=[i for _, i in instruments],
        warnings=[f"{source}: {path}: {message}" for path, message in reader.warnings],
    )


def _unique(reader, items, name):
    seen = set()
    for path, item in items:
        if item is None or item.get(name) is None:
            continue
        if item[name] in seen:
            reader.error(f"{path}.{name}", f"{item[name]!r} appears twice in this file")
        seen.add(item[name])
    return seen


def _check_agencies(reader, agencies, known):
    parents = {a["slug"]: a["parent"] for _, a in agencies if a and a["slug"]}
    for path, agency in agencies:
        if agency is None or agency["parent"] is None:
            continue
        if agency["parent"] not in known:
            reader.error(f"{path}.parent", f"unknown agency {agency['parent']!r}")
            continue
        seen, slug = {agency["slug"]}, agency["parent"]
        while slug in parents:
            if slug in seen:
                reader.error(f"{path}.parent", f"{agency['slug']!r} would be its own ancestor")
                break
            seen.add(slug)
            slug = parents[slug]


def _check_documents(reader, documents, existing):
    numbers = {}
    for key, (_, _, _, number) in existing.documents.items():
        if number:
            numbers[number] = key
    for path, doc in documents:
        if doc is None or not doc["fr_document_number"]:
            continue
        owner = numbers.get(doc["fr_document_number"])
        if owner is not None and owner != doc["key"]:
            reader.error(
                f"{path}.fr_document_number",
                f"{doc['fr_document_number']} is already document {owner!r}; one document per FR number",
            )
        numbers[doc["fr_document_number"]] = doc["key"]


_period_start = validators.period_start


def _check_events(reader, instrument, path, document_keys, doc_facts):
    events = reader.records(instrument["events"], f"{path}.events", EVENT_FIELDS)
    keys, cleaned = set(), []
    counters = {}
    for epath, event in events:
        if event is None:
            continue
        if event["key"] is None and event["kind"]:
            counters[event["kind"]] = counters.get(event["kind"], 0) + 1
            n = counters[event["kind"]]
            event["key"] = event["kind"].replace("_", "-") + (f"-{n}" if n > 1 else "")
        if event["key"] in keys:
            reader.error(f"{epath}.key", f"{event['key']!r} appears twice in this instrument")
        keys.add(event["key"])
        claims = reader.records(event["claims"], f"{epath}.claims", CLAIM_FIELDS)
        event["claims"] = []
        cited = set()
        for cpath, claim in claims:
            if claim is None:
                continue
            if claim["document"] and claim["document"] not in document_keys and claim["document"] not in doc_facts:
                reader.error(
                    f"{cpath}.document", f'unknown document {claim["document"]!r} (define it under "documents")'
                )
            elif claim["document"] in cited:
                reader.error(f"{cpath}.document", f"{claim['document']!r} already makes a claim for this event")
            cited.add(claim["document"])
            if (
                claim["date"]
                and claim["precision"]
                and claim["date"] != _period_start(claim["date"], claim["precision"])
            ):
                reader.error(
                    f"{cpath}.date",
                    f"with precision {claim['precision']!r} the date must be the first day "
                    f"of its {claim['precision']} ({_period_start(claim['date'], claim['precision'])})",
                )
            event["claims"].append(claim)
        cleaned.append((epath, event))

    for epath, event in cleaned:
        _check_event_dates(reader, event, epath, keys, doc_facts)
    _check_delay_cycles(reader, cleaned)
    _warn_about_dates(reader, [e for _, e in cleaned], f"{path} ({instrument['slug']})")
    return [event for _, event in cleaned]


def _check_delay_cycles(reader, events):
    targets = {e["key"]: e["target"] for _, e in events if e["kind"] == "delayed" and e["target"]}
    for path, event in events:
        seen, key = set(), event["key"]
        while key in targets:
            if key in seen:
                reader.error(f"{path}.target", "delays that move each other in a circle")
                break
            seen.add(key)
            key = targets[key]


def _check_event_dates(reader, event, path, keys, doc_facts):
    if event["kind"] == "delayed":
        if event["target"] is None:
            reader.error(f"{path}.target", "a delayed event needs the key of the event it moves")
        elif event["target"] not in keys:
            reader.error(f"{path}.target", f"no event with key {event['target']!r} in this instrument")
        elif event["target"] == event["key"]:
            reader.error(f"{path}.target", "a delay cannot move itself")
        if event["new_date"] is None:
            reader.error(f"{path}.new_date", "a delayed event needs the date it moves its target to")
    else:
        for name in ("target", "new_date"):
            if event[name] is not None:
                reader.error(f"{path}.{name}", "only a delayed event has a target and a new date")

    claims = [c for c in event["claims"] if c["date"] and c["document"] in doc_facts]
    if len(claims) != len(event["claims"]):
        return  # already reported
    if not claims:
        if event["date"] is None:
            reader.error(f"{path}.date", "is required for an event without claims")
        else:
            event["precision"] = event["precision"] or "day"
            if event["date"] != _period_start(event["date"], event["precision"]):
                reader.error(
                    f"{path}.date",
                    f"with precision {event['precision']!r} the date must be the first day of its {event['precision']}",
                )
            reader.warnings.append(
                (path, f"{event['kind']} on {event['date']} has no source; it is shown as unsourced")
            )
        return
    best = engine.best_claim(
        [
            engine.Claim(
                document=c["document"],
                date=c["date"],
                published_on=doc_facts[c["document"]][2],
                rank=engine.rank_for(doc_facts[c["document"]][0], doc_facts[c["document"]][1]),
                precision=c["precision"],
            )
            for c in claims
        ],
        None,
    )
    if event["date"] is not None and event["date"] != best.date:
        reader.error(
            f"{path}.date",
            f"{event['date']} differs from {best.date}, the date its best source "
            f"({best.document}) gives; choose between sources with a document's rank",
        )
    if event["precision"] is not None and event["precision"] != best.precision:
        reader.error(
            f"{path}.precision",
            f"{event['precision']!r} differs from {best.precision!r}, "
            f"the precision its best source ({best.document}) gives",
        )
    event["date"], event["precision"] = best.date, best.precision


def _warn_about_dates(reader, events, path):
    first = {}
    for event in events:
        if event["date"] is not None:
            first[event["kind"]] = min(event["date"], first.get(event["kind"], event["date"]))
    effective, published = first.get("effective"), first.get("published")
    if effective and published and effective < published:
        reader.warnings.append(
            (
                path,
                f"effective {effective} is before publication {published}: "
                "possible (the rule applied before it was printed), but check the sources",
            )
        )
    compliance = first.get("compliance_date")
    if compliance and effective and compliance < effective:
        reader.warnings.append((path, f"compliance date {compliance} is before the effective date {effective}"))
