"""Record time: what this tracker held at a past moment, rebuilt from the history tables."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from . import engine
from .models import Agency, Claim, Document, Event, Instrument, Topic


def instrument_as_recorded(slug, moment):
    """The instrument with this slug as recorded at ``moment`` (a historical record), or None."""
    return Instrument.history.as_of(moment).filter(slug=slug).first()


def agencies_and_topics_as_recorded(instrument, moment):
    """The agencies and topics of an instrument from ``instrument_as_recorded``, as recorded at
    ``moment``: two lists of the names its page shows, in order."""
    record = instrument._history  # the historical row as_of() read it from
    agencies = Agency.history.as_of(moment).filter(id__in=list(record.agencies.values_list("agency_id", flat=True)))
    topics = Topic.history.as_of(moment).filter(id__in=list(record.topics.values_list("topic_id", flat=True)))
    return sorted(map(str, agencies)), sorted(topic.name for topic in topics)


def snapshot(instrument_id, moment):
    """An instrument's events exactly as the tracker held them at ``moment``.

    Returns ``(rows, documents, events)``: the Event rows (as model instances, in file
    order), the documents they cite by key (as they were then), and the engine's input.
    """
    return snapshots([instrument_id], moment)[instrument_id]


def snapshots(instrument_ids, moment):
    """``snapshot`` of several instruments at once: {instrument id: (rows, documents, events)}
    for each of ``instrument_ids`` (one without events then: empty). Three queries, whatever
    their number."""
    rows = sorted(
        Event.history.as_of(moment).filter(instrument_id__in=list(instrument_ids)), key=lambda e: (e.position, e.id)
    )
    keys = {event.id: event.key for event in rows}
    # A claim retracted by then no longer counted.
    claims = list(Claim.history.as_of(moment).filter(event_id__in=list(keys), retracted_at__isnull=True))
    by_id = {doc.id: doc for doc in Document.history.as_of(moment).filter(id__in={c.document_id for c in claims})}
    claims_by_event = {}
    for claim in sorted(claims, key=lambda c: (c.position, c.id)):
        if (document := by_id.get(claim.document_id)) is not None:
            claims_by_event.setdefault(claim.event_id, []).append((claim, document))
    found = {pk: ([], {}, []) for pk in instrument_ids}
    for event in rows:
        held, documents, events = found[event.instrument_id]
        held.append(event)
        documents.update((document.key, document) for _, document in claims_by_event.get(event.id, ()))
        events.append(
            engine.Event(
                key=event.key,
                kind=event.kind,
                date=event.date,
                precision=event.precision,
                claims=tuple(
                    engine.Claim(
                        document=document.key,
                        date=claim.date,
                        published_on=document.published_on,
                        rank=engine.rank_for(document.kind, document.rank),
                        precision=claim.precision,
                        quote=claim.quote,
                    )
                    for claim, document in claims_by_event.get(event.id, ())
                ),
                target=keys.get(event.target_id),
                new_date=event.new_date,
            )
        )
    return found


def documents_held(known=None, recorded=None):
    """The documents as this tracker held them at ``recorded`` (None: now) — each one's latest
    historical record by then, so that one added later is absent, one edited since has its
    fields then and one deleted since is still there — of those published by ``known`` then
    (None: all). Ordered and filtered by ``id``, the document's own key: a historical row's
    ``pk`` is its record's."""
    held = Document.history.as_of(recorded) if recorded is not None else Document.objects.all()
    return held if known is None else held.filter(published_on__lte=known)


def events_as_recorded(instrument_id, moment):
    """The engine's input for an instrument exactly as the tracker held it at ``moment``."""
    return snapshot(instrument_id, moment)[2]


def historical_links(name):
    """The history table of an instrument's ``name`` ("agencies", "topics"): its links as each
    historical record of the instrument held them (``history_id``)."""
    return apps.get_model("timeline", f"HistoricalInstrument_{name}")


def held_record(moment, field="history_id"):
    """For a query of instruments: ``field`` of each one's historical record current at
    ``moment`` (the latest written by then), as a subquery on ``OuterRef("pk")``. The history
    table's index on the instrument's id finds an instrument's few records; the latest is taken
    of those."""
    from django.db.models import OuterRef, Subquery

    records = Instrument.history.filter(id=OuterRef("pk"), history_date__lte=moment)
    return Subquery(records.order_by("-history_date", "-history_id").values(field)[:1])


def agency_tree_as_recorded(moment):
    """{agency id: parent id} of the agencies as recorded at ``moment``: the tree the agency
    filter walks ("includes the agencies under it") as it stood then. The table is small."""
    return dict(Agency.history.as_of(moment).values_list("id", "parent_id"))


def agencies_under(chosen, tree):
    """The ids of the agencies ``chosen`` and of every agency below them in ``tree``
    ({id: parent id})."""
    children = {}
    for pk, parent in tree.items():
        children.setdefault(parent, []).append(pk)
    found, stack = set(), [pk for pk in chosen if pk in tree]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return found


def rows_as_recorded(history_ids, moment):
    """What a list shows of instruments as recorded at ``moment``, from their historical
    records ``history_ids`` (those ``held_record`` found): {instrument id: (slug, title,
    short_title, kind, rin, agencies)}, agencies as (name, abbreviation) pairs of the agencies
    linked then, named as they were then, by name. Three queries, whatever the number of rows."""
    return {
        pk: (*fields[:5], sorted((name, short_name or name) for _, name, short_name in fields[5]))
        for pk, fields in held_rows(history_ids, moment).items()
    }


def rows_held_at(pks, moment):
    """``rows_as_recorded`` for the instruments ``pks``: {instrument id: (slug, title, short
    title, kind, RIN, agencies)} as their edit history held them at ``moment``. An instrument
    with no record then (written without history, not saved since) is left out: it is as it is
    now. Four queries, whatever the number of rows."""
    records = Instrument.objects.filter(pk__in=pks).annotate(held=held_record(moment)).values_list("held", flat=True)
    return rows_as_recorded([history_id for history_id in records if history_id], moment)


def held_rows(history_ids, moment, topics=False):
    """{instrument id: (slug, title, short_title, kind, rin, agencies[, topics])} of the
    historical records ``history_ids`` (ids, or a query of them: a whole export's, read in the
    database), as recorded at ``moment``: agencies as (slug, name, short name) and topics as
    (slug, name), each as they were then, in the order the lists give them now (agencies by
    name, short name and slug; topics by name). Three queries, five with the topics, whatever
    the number of rows."""
    if not isinstance(history_ids, QuerySet):
        history_ids = list(history_ids)
    # By record: of two records of one instrument (written at one instant), the later is kept.
    records = Instrument.history.filter(history_id__in=history_ids).order_by("history_id")
    held = {
        history_id: [pk, slug, title, short_title, kind, rin]
        for history_id, pk, slug, title, short_title, kind, rin in records.values_list(
            "history_id", "id", "slug", "title", "short_title", "kind", "rin"
        )
    }
    linked = [("agencies", Agency, "agency_id", ("slug", "name", "short_name"))]
    if topics:
        linked.append(("topics", Topic, "topic_id", ("slug", "name")))
    for name, model, column, fields in linked:
        links = list(
            historical_links(name).objects.filter(history_id__in=history_ids).values_list("history_id", column)
        )
        then = model.history.as_of(moment).filter(id__in={pk for _, pk in links})
        named = {pk: tuple(values) for pk, *values in then.values_list("id", *fields)}
        found = {history_id: [] for history_id in held}
        for history_id, pk in links:
            if pk in named:
                found[history_id].append(named[pk])
        for history_id, row in held.items():
            row.append(sorted(found[history_id], key=_LIST_ORDER[name]))
    return {row[0]: tuple(row[1:]) for row in held.values()}


# The lists' order of linked agencies and topics (their models' ``ordering``).
_LIST_ORDER = {
    "agencies": lambda agency: (agency[1], agency[2], agency[0]),
    "topics": lambda topic: topic[1],
}
