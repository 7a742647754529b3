"""The hand-written SQL that returns the rows each benchmarked page shows: what the database
itself must do, so that page time ÷ SQL time says what Django, the engine and the templates add."""

from __future__ import annotations

import datetime

from django.db import connection

ONE_DAY = datetime.timedelta(days=1)

COVERING = "p.valid_from <= %s AND p.valid_to > %s"

ON_DATE = f"""
SELECT i.id, i.slug, i.title, i.short_title, i.kind, p.phase, p.valid_from
FROM timeline_instrument i JOIN timeline_statusperiod p ON p.instrument_id = i.id AND {COVERING}
ORDER BY CASE p.phase WHEN 'in_force' THEN 0 WHEN 'not_enforced' THEN 1 ELSE 2 END, i.title
LIMIT 50"""
PHASE_COUNTS = f"SELECT p.phase, COUNT(*) FROM timeline_statusperiod p WHERE {COVERING} GROUP BY p.phase"

AGENCY_TREE = """
SELECT a.id FROM timeline_agency a LEFT JOIN timeline_agency parent ON parent.id = a.parent_id
WHERE a.slug = %s OR parent.slug = %s"""
LISTED = f"""
FROM timeline_instrument i
WHERE i.kind = %s AND EXISTS (SELECT 1 FROM timeline_instrument_agencies ia
                              WHERE ia.instrument_id = i.id AND ia.agency_id IN ({{agencies}}))"""
LIST_PAGE = f"""
SELECT i.id, i.slug, i.title, i.kind,
       (SELECT p.phase FROM timeline_statusperiod p WHERE p.instrument_id = i.id AND {COVERING}) AS phase
{LISTED} ORDER BY i.title LIMIT 50"""
LIST_COUNT = f"SELECT COUNT(*) {LISTED}"

TIMELINE = """
SELECT e.id, e.key, e.kind, e.date, e.precision, e.target_id, e.new_date,
       c.date, c.precision, c.quote, d.key, d.kind, d.rank, d.published_on, d.title, d.publisher, d.citation
FROM timeline_instrument i JOIN timeline_event e ON e.instrument_id = i.id
LEFT JOIN timeline_claim c ON c.event_id = e.id LEFT JOIN timeline_document d ON d.id = c.document_id
WHERE i.slug = %s ORDER BY e.position, e.id"""

WINDOW_EVENTS = """
SELECT e.id, e.key, e.kind, e.date, i.slug, i.title, d.publisher, d.citation
FROM timeline_event e JOIN timeline_instrument i ON i.id = e.instrument_id
LEFT JOIN timeline_claim c ON c.event_id = e.id LEFT JOIN timeline_document d ON d.id = c.document_id
WHERE e.date >= %s AND e.date <= %s ORDER BY e.date, i.title"""
WINDOW_PHASES = f"""
SELECT i.id, before.phase, after.phase FROM timeline_instrument i
JOIN timeline_statusperiod before ON before.instrument_id = i.id
     AND before.valid_from <= %s AND before.valid_to > %s
JOIN timeline_statusperiod after ON after.instrument_id = i.id AND after.valid_from <= %s AND after.valid_to > %s
WHERE before.phase <> after.phase OR i.id IN (SELECT instrument_id FROM timeline_event WHERE date >= %s AND date <= %s)"""

FEED = """
SELECT e.id, e.key, e.kind, e.date, i.slug, i.title, d.title, d.publisher, d.citation
FROM timeline_event e JOIN timeline_instrument i ON i.id = e.instrument_id
LEFT JOIN timeline_claim c ON c.event_id = e.id LEFT JOIN timeline_document d ON d.id = c.document_id
WHERE EXISTS (SELECT 1 FROM timeline_instrument_agencies ia WHERE ia.instrument_id = i.id
              AND ia.agency_id IN ({agencies}))
ORDER BY e.date DESC, e.id DESC LIMIT 50"""


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _agencies(slug):
    ids = [row[0] for row in _fetch(AGENCY_TREE, [slug, slug])] or [0]
    return ", ".join(str(int(pk)) for pk in ids)


def run(page, address, params):
    if page.startswith("/on/"):
        day = datetime.date.fromisoformat(address.strip("/").split("/")[1])
        _fetch(ON_DATE, [day, day])
        _fetch(PHASE_COUNTS, [day, day])
    elif page.startswith("/instruments/?"):
        day, agencies = datetime.date.fromisoformat(params["on"]), _agencies(params["agency"])
        _fetch(LIST_PAGE.format(agencies=agencies), [day, day, params["kind"]])
        _fetch(LIST_COUNT.format(agencies=agencies), [params["kind"]])
    elif page in ("/instruments/<slug>/", "/api/instruments/<slug>/status/"):
        _fetch(TIMELINE, [address.strip("/").split("/")[-2 if page.startswith("/api") else -1]])
    elif page.startswith("/changes/"):
        start, end = (datetime.date.fromisoformat(params[name]) for name in ("from", "to"))
        _fetch(WINDOW_EVENTS, [start, end])
        _fetch(WINDOW_PHASES, [start - ONE_DAY, start - ONE_DAY, end, end, start, end])
    elif page.startswith("/feeds/"):
        _fetch(FEED.format(agencies=_agencies(params["agency"])), [])
    else:
        raise ValueError(f"no bare SQL for {page}")
