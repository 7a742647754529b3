"""The edit history in words: per instrument (on its page) and site-wide (``/history/``).

Read from django-simple-history's records of instruments, events and claims, newest first,
a page at a time by keyset (the moment, then which table, then the record's id), so that an
older page costs what the first does however long the history. Each change is the difference
between a record and the one before it of the same row (``diff_against``), read for the whole
page at once: a fixed number of queries per page, none per entry.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from policytrack.timeline.dates import BadDate, parse_datetime
from policytrack.timeline.models import Claim, Document, Event, Instrument
from policytrack.timeline.wording import EVENT_KIND_LABELS, human_date

from .paths import path_maker
from .views import bad_request, not_found

PAGE_SIZE = 25
COUNT_BOUND = 10_000  # counted exactly up to here, "more than" beyond: a count stays cheap
TABLES = ((0, Instrument), (1, Event), (2, Claim))  # the order of records made at one moment
VERBS = {"+": "added", "~": "changed", "-": "deleted"}
NOT_COMPARED = {"version", "agencies", "topics", "position", "instrument_title"}
FIELD_NAMES = {
    "short_title": "short title",
    "rin": "RIN",
    "docket_ids": "docket ids",
    "cfr_parts": "CFR parts",
    "new_date": "new date",
    "target": "event it delays",
}
LONG_TEXT = {"summary", "note", "quote"}


@dataclasses.dataclass
class Entry:
    when: datetime.datetime
    part: int
    history_id: int
    who: str
    instrument_id: int
    words: str
    instrument: str = ""
    slug: str = ""

    @property
    def cursor(self):
        return f"{self.when.isoformat()}~{self.part}~{self.history_id}"


class BadCursor(ValueError):
    pass


def read_cursor(value):
    """``older`` as (moment, part, history id), or BadCursor naming what was wrong."""
    try:
        moment, part, history_id = value.split("~")
        return parse_datetime(moment, "older"), int(part), int(history_id)
    except (ValueError, BadDate):
        raise BadCursor(f"“older” must be a link from this page's “Older edits”, not “{value[:60]}”.") from None


def _records(model, instrument_id):
    records = model.history.all()
    if instrument_id is None:
        return records
    if model is Instrument:
        return records.filter(id=instrument_id)
    if model is Event:
        return records.filter(instrument_id=instrument_id)
    # Claims through every event the instrument ever had, deleted ones included.
    return records.filter(event_id__in=Event.history.filter(instrument_id=instrument_id).values("id"))


def _after(part, cursor):
    """The records of table ``part`` that come after ``cursor`` in newest-first order."""
    moment, cursor_part, history_id = cursor
    if part > cursor_part:
        return Q(history_date__lte=moment)
    if part == cursor_part:
        return Q(history_date__lt=moment) | Q(history_date=moment, history_id__lt=history_id)
    return Q(history_date__lt=moment)


def count(instrument_id=None, until=None):
    """How many recorded edits (by ``until`` if given), and whether there are more than that
    (counted up to a bound)."""
    if instrument_id is not None:  # an instrument's history is short: one query, counted whole
        first, *others = (
            _records(model, instrument_id)
            .filter(**({"history_date__lte": until} if until else {}))
            .order_by()
            .values_list("history_id")
            for _, model in TABLES
        )
        total = first.union(*others, all=True).count()
        return total, False
    total = sum(_records(model, instrument_id).order_by()[:COUNT_BOUND].count() for _, model in TABLES)
    return min(total, COUNT_BOUND), total > COUNT_BOUND


def page(instrument_id=None, cursor=None, size=None, until=None):
    """One page of entries, newest first (recorded by ``until`` if given), and the cursor of the
    next (older) page or None."""
    size = size or PAGE_SIZE
    found = []
    for part, model in TABLES:
        records = _records(model, instrument_id)
        if until is not None:
            records = records.filter(history_date__lte=until)
        if cursor:
            records = records.filter(_after(part, cursor))
        found += [
            (record.history_date, part, record)
            for record in records.order_by("-history_date", "-history_id")[: size + 1]
        ]
    found.sort(key=lambda item: (-item[0].timestamp(), item[1], -item[2].history_id))
    more = len(found) > size
    entries = _describe(found[:size])
    return entries, (entries[-1].cursor if more and entries else None)


def _previous(records, model):
    """Each changed record's predecessor (the same row's record just before it): one query."""
    changed = [record for record in records if record.history_type == "~"]
    if not changed:
        return {}
    latest = max(record.history_date for record in changed)
    versions = defaultdict(list)
    for version in model.history.filter(id__in={record.id for record in changed}, history_date__lte=latest).order_by(
        "history_date", "history_id"
    ):
        versions[version.id].append(version)
    previous = {}
    for record in changed:
        earlier = [
            v for v in versions[record.id] if (v.history_date, v.history_id) < (record.history_date, record.history_id)
        ]
        if earlier:
            previous[record.history_id] = earlier[-1]
    return previous


def _latest_of(model, ids, fields):
    """Rows by id as they are now, or as last recorded if deleted since."""
    rows = {row["id"]: row for row in model.objects.filter(pk__in=ids).values("id", *fields)}
    if missing := set(ids) - set(rows):
        for row in model.history.filter(id__in=missing).order_by("id", "history_date").values("id", *fields):
            rows[row["id"]] = row
    return rows


def _describe(found):
    by_part = defaultdict(list)
    for _, part, record in found:
        by_part[part].append(record)
    previous = {part: _previous(records, model) for part, model in TABLES if (records := by_part.get(part))}
    events = _latest_of(Event, {record.event_id for record in by_part[2]}, ("kind", "date", "instrument_id"))
    documents = {
        row["id"]: row
        for row in Document.objects.filter(pk__in={record.document_id for record in by_part[2]}).values(
            "id", "publisher", "title"
        )
    }
    instrument_ids = (
        {record.id for record in by_part[0]}
        | {record.instrument_id for record in by_part[1]}
        | {events[record.event_id]["instrument_id"] for record in by_part[2] if record.event_id in events}
    )
    instruments = _latest_of(Instrument, instrument_ids, ("slug", "title", "short_title"))
    users = {
        user.pk: (f"{user.first_name} {user.last_name}".strip() or "an editor")
        for user in get_user_model().objects.filter(pk__in={record.history_user_id for _, _, record in found} - {None})
    }

    def claim_name(record):
        document = documents.get(record.document_id) or {"publisher": "", "title": "a source"}
        event = events.get(record.event_id)
        by = f"{document['publisher']}: “{document['title']}”" if document["publisher"] else f"“{document['title']}”"
        about = f" for the “{EVENT_KIND_LABELS.get(event['kind'], event['kind'])}” event" if event else ""
        return by, about

    entries = []
    for when, part, record in found:
        old = previous.get(part, {}).get(record.history_id)
        if part == 0:
            instrument_id, thing = record.id, "the instrument"
            words = {
                "+": f"added the instrument “{record.short_title or record.title}”",
                "-": f"deleted the instrument “{record.short_title or record.title}”",
            }.get(record.history_type)
        elif part == 1:
            instrument_id = record.instrument_id
            label = EVENT_KIND_LABELS.get(record.kind, record.kind)
            thing = f"the “{label}” event"
            words = {
                "+": f"added the “{label}” event, on {human_date(record.date, record.precision)}",
                "-": f"deleted the “{label}” event (it was on {human_date(record.date, record.precision)})",
            }.get(record.history_type)
        else:
            instrument_id = events.get(record.event_id, {}).get("instrument_id")
            by, about = claim_name(record)
            thing = f"the claim by {by}{about}"
            words = {
                "+": f"added a claim by {by}{about}, dating it {human_date(record.date, record.precision)}",
                "-": f"removed the claim by {by}{about} (it dated it {human_date(record.date, record.precision)})",
            }.get(record.history_type)
        if words is None:
            words = _changes(record, old, thing, part, documents)
        instrument = instruments.get(instrument_id, {})
        entries.append(
            Entry(
                when=when,
                part=part,
                history_id=record.history_id,
                instrument_id=instrument_id,
                words=words,
                who=users.get(record.history_user_id) if record.history_user_id else None,
                instrument=instrument.get("short_title") or instrument.get("title", ""),
                slug=instrument.get("slug", ""),
            )
        )
    return entries


def _shown(field, value, record):
    if value in (None, "", []):
        return "nothing"
    if isinstance(value, datetime.date):
        return human_date(value, getattr(record, "precision", "day") if field == "date" else "day")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if field == "kind":
        return EVENT_KIND_LABELS.get(value, str(value).replace("_", " "))
    return f"“{value}”"


def _changes(record, old, thing, part, documents):
    """What a change changed, in words; "changed <thing>" when the record before it is gone."""
    if old is None:
        return f"changed {thing}"
    excluded = [name for name in NOT_COMPARED if name in {f.name for f in record.instance_type._meta.get_fields()}]
    delta = record.diff_against(old, excluded_fields=excluded)
    said = []
    for change in delta.changes:
        field = change.field
        name = FIELD_NAMES.get(field, field.replace("_", " "))
        if field == "date" and part == 1:
            said.append(f"moved {thing} from {_shown(field, change.old, old)} to {_shown(field, change.new, record)}")
        elif field in LONG_TEXT:
            said.append(f"changed the {name} of {thing}")
        elif field == "document":
            said.append(f"changed the source of {thing}")
        elif field in ("event", "target", "instrument"):
            said.append(f"changed the {name} of {thing}")
        else:
            said.append(
                f"changed the {name} of {thing} from {_shown(field, change.old, old)} "
                f"to {_shown(field, change.new, record)}"
            )
    return "; ".join(said) or f"saved {thing} again, with no change shown here"


@require_safe
def site_history(request):
    """Every recorded edit, newest first, optionally of one instrument (``instrument=<slug>``)."""
    slug = request.GET.get("instrument", "").strip()
    instrument_id = None
    if slug:
        instrument_id = (
            Instrument.objects.filter(slug=slug).values_list("pk", flat=True).first()
            or Instrument.history.filter(slug=slug).values_list("id", flat=True).first()
        )
        if instrument_id is None:
            return not_found(request, message=f"No instrument has the slug “{slug[:100]}”.")
    try:
        cursor = read_cursor(request.GET["older"]) if request.GET.get("older") else None
    except BadCursor as error:
        return bad_request(request, message=str(error))
    entries, older = page(instrument_id, cursor)
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    for entry in entries:
        entry.link = instrument_path(entry.slug) if entry.slug else ""
    total, more = count(instrument_id)
    return render(
        request,
        "web/history.html",
        {
            "entries": entries,
            "older": older,
            "total": total,
            "more": more,
            "slug": slug,
            "first": cursor is None,
            "instrument_name": entries[0].instrument if entries and slug else slug,
        },
    )
