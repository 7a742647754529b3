"""The hand-written SQL that returns the rows each benchmarked page shows — all of them: its
list, and the filter form, neighbouring dates, agencies and Last-Modified beside it — what the
database itself must do, so that page time ÷ SQL time says what Django, the engine and the
templates add."""

from __future__ import annotations

import datetime

from django.db import connection

from policytrack.timeline import known_tally

ONE_DAY = datetime.timedelta(days=1)

COVERING = "p.valid_from <= %s AND p.valid_to > %s"

# The fastest SQL known for the page: its fifty rows in order from the index on the periods
# covering the date, and the counts by phase from the tallies of years and days.
ON_DATE = f"""
SELECT i.id, i.slug, i.title, i.short_title, i.kind, p.phase, p.valid_from
FROM timeline_statusperiod p JOIN timeline_instrument i ON i.id = p.instrument_id
WHERE {COVERING} ORDER BY p.listing_rank, p.title, p.instrument_id LIMIT 50"""
PHASE_COUNTS = """
SELECT phase, SUM(delta) FROM (
    SELECT phase, delta FROM timeline_phasetallyyear WHERE year < %s
    UNION ALL SELECT phase, delta FROM timeline_phasetally WHERE day >= %s AND day <= %s) AS deltas
GROUP BY phase"""

# The same as known on K, from the store over knowledge time: the fifty rows, the counts from the
# tally over both axes (``known_tally.query``, itself plain SQL), and the neighbouring dates.
KNOWN_COVERING = (
    "p.valid_from <= %s AND p.valid_to > %s AND p.known_from <= %s AND p.known_to > %s AND p.recorded_to IS NULL"
)
ON_DATE_KNOWN = f"""
SELECT i.id, i.slug, i.title, i.short_title, i.kind, p.phase, p.valid_from
FROM timeline_knownperiod p JOIN timeline_instrument i ON i.id = p.instrument_id
WHERE {KNOWN_COVERING} ORDER BY p.listing_rank, p.title, p.instrument_id LIMIT 50"""
KNOWN_NEIGHBOURS = [
    "SELECT valid_from FROM timeline_knownperiod WHERE known_from <= %s AND known_to > %s AND valid_from > %s "
    "AND valid_from < %s AND recorded_to IS NULL ORDER BY valid_from DESC LIMIT 1",
    "SELECT valid_from FROM timeline_knownperiod WHERE known_from <= %s AND known_to > %s AND valid_from > %s "
    "AND recorded_to IS NULL ORDER BY valid_from LIMIT 1",
]

# What every list page shows beside its rows: the filter form's agencies and topics, and the
# agencies of the page's instruments.
FILTER_FORM = [
    "SELECT a.id, a.slug, a.name, a.short_name, a.parent_id FROM timeline_agency a ORDER BY a.name",
    "SELECT t.slug, t.name FROM timeline_topic t ORDER BY t.name",
]
ROW_AGENCIES = """
SELECT ia.instrument_id, a.name, a.short_name FROM timeline_instrument_agencies ia
JOIN timeline_agency a ON a.id = ia.agency_id WHERE ia.instrument_id IN ({ids}) ORDER BY a.name"""
# The previous and next change /on/<date>/ links to.
NEIGHBOURS = [
    "SELECT valid_from FROM timeline_statusperiod WHERE valid_from > %s AND valid_from < %s "
    "ORDER BY valid_from DESC LIMIT 1",
    "SELECT valid_from FROM timeline_statusperiod WHERE valid_from > %s ORDER BY valid_from LIMIT 1",
]
# The moment the record last changed: every JSON and Atom response's Last-Modified and ETag.
LAST_RECORDED = (
    "SELECT MAX(latest) FROM ("
    + " UNION ALL ".join(
        f"SELECT MAX(history_date) AS latest FROM timeline_historical{name}"
        for name in ("agency", "topic", "instrument", "instrumentrelation", "document", "event", "claim")
    )
    + ") AS recorded"
)
# When each event of a feed was last recorded (its entry's <updated>).
FEED_RECORDED = [
    "SELECT id, MAX(history_date) FROM timeline_historicalevent WHERE id IN ({ids}) GROUP BY id",
    "SELECT event_id, MAX(history_date) FROM timeline_historicalclaim WHERE event_id IN ({ids}) GROUP BY event_id",
]

AGENCY_TREE = """
SELECT a.id FROM timeline_agency a LEFT JOIN timeline_agency parent ON parent.id = a.parent_id
WHERE a.slug = %s OR parent.slug = %s"""
LISTED = """
FROM timeline_instrument i
WHERE i.kind = %s AND EXISTS (SELECT 1 FROM timeline_instrument_agencies ia
                              WHERE ia.instrument_id = i.id AND ia.agency_id IN ({agencies}))"""
LIST_PAGE = f"""
SELECT i.id, i.slug, i.title, i.kind,
       (SELECT p.phase FROM timeline_statusperiod p WHERE p.instrument_id = i.id AND {COVERING}) AS phase
{LISTED} ORDER BY i.title LIMIT 50"""
LIST_COUNT = f"SELECT COUNT(*) {LISTED}"
LIST_PAGE_KNOWN = f"""
SELECT i.id, i.slug, i.title, i.kind,
       (SELECT p.phase FROM timeline_knownperiod p WHERE p.instrument_id = i.id AND {KNOWN_COVERING}) AS phase
{LISTED} ORDER BY i.title LIMIT 50"""

TIMELINE = """
SELECT e.id, e.key, e.kind, e.date, e.precision, e.target_id, e.new_date,
       c.date, c.precision, c.quote, d.key, d.kind, d.rank, d.published_on, d.title, d.publisher, d.citation
FROM timeline_instrument i JOIN timeline_event e ON e.instrument_id = i.id
LEFT JOIN timeline_claim c ON c.event_id = e.id LEFT JOIN timeline_document d ON d.id = c.document_id
WHERE i.slug = %s ORDER BY e.position, e.id"""

# Everything else the instrument page shows: its agencies and topics, related instruments both
# ways, and the latest fifteen recorded changes to it, its events and their claims.
INSTRUMENT_PAGE = [
    "SELECT i.* FROM timeline_instrument i WHERE i.slug = %s",
    """SELECT a.* FROM timeline_agency a JOIN timeline_instrument_agencies ia ON ia.agency_id = a.id
       JOIN timeline_instrument i ON i.id = ia.instrument_id WHERE i.slug = %s""",
    """SELECT t.* FROM timeline_topic t JOIN timeline_instrument_topics it ON it.topic_id = t.id
       JOIN timeline_instrument i ON i.id = it.instrument_id WHERE i.slug = %s""",
    """SELECT r.kind, o.slug, o.title FROM timeline_instrumentrelation r JOIN timeline_instrument i ON i.slug = %s
       JOIN timeline_instrument o ON o.id = CASE WHEN r.source_id = i.id THEN r.target_id ELSE r.source_id END
       WHERE r.source_id = i.id OR r.target_id = i.id""",
    """SELECT h.history_date, h.history_type, h.history_user_id FROM timeline_historicalinstrument h
       JOIN timeline_instrument i ON i.id = h.id WHERE i.slug = %s ORDER BY h.history_date DESC LIMIT 15""",
    """SELECT h.history_date, h.history_type, h.key, h.kind, h.date FROM timeline_historicalevent h
       JOIN timeline_instrument i ON i.id = h.instrument_id WHERE i.slug = %s
       ORDER BY h.history_date DESC LIMIT 15""",
    """SELECT h.history_date, h.history_type, h.date, d.key FROM timeline_historicalclaim h
       JOIN timeline_event e ON e.id = h.event_id JOIN timeline_instrument i ON i.id = e.instrument_id
       LEFT JOIN timeline_document d ON d.id = h.document_id WHERE i.slug = %s
       ORDER BY h.history_date DESC LIMIT 15""",
]

WINDOW_EVENTS = """
SELECT e.id, e.key, e.kind, e.date, i.slug, i.title, d.publisher, d.citation
FROM timeline_event e JOIN timeline_instrument i ON i.id = e.instrument_id
LEFT JOIN timeline_claim c ON c.event_id = e.id LEFT JOIN timeline_document d ON d.id = c.document_id
WHERE e.date >= %s AND e.date <= %s AND e.instrument_id IN ({ids}) ORDER BY e.date, i.title"""
WINDOW_PHASES = """
SELECT instrument_id FROM (
  SELECT c.instrument_id, MAX(c.touched) AS touched, MAX(c.title) AS title,
    CASE WHEN MAX(c.touched) = 1 THEN NULL ELSE (SELECT p.phase FROM timeline_statusperiod p WHERE p.instrument_id = c.instrument_id AND p.valid_from <= %s AND p.valid_to > %s) END AS phase_before,
    CASE WHEN MAX(c.touched) = 1 THEN NULL ELSE (SELECT p.phase FROM timeline_statusperiod p WHERE p.instrument_id = c.instrument_id AND p.valid_from <= %s AND p.valid_to > %s) END AS phase_after
  FROM (SELECT instrument_id, 1 AS touched, instrument_title AS title FROM timeline_event WHERE date >= %s AND date <= %s
        UNION ALL SELECT instrument_id, 0, title FROM timeline_statusperiod WHERE valid_from >= %s AND valid_from <= %s) c
  GROUP BY c.instrument_id) listed
WHERE touched = 1 OR COALESCE(phase_before, '') <> COALESCE(phase_after, '')
ORDER BY title, instrument_id"""

# As known on K: the events whose stored date as known on K falls in the window (one range of
# ``known_event_date_idx``); the instruments whose rows known on K start in the window, with
# their phases before and after.
WINDOW_KNOWN_EVENTS = """
SELECT event_id, instrument_id, title, position, date, precision, kind FROM timeline_knowneventdate
WHERE date >= %s AND date <= %s AND known_from <= %s AND known_to > %s"""
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


def _ids(rows):
    return ", ".join(str(int(row[0])) for row in rows) or "0"


def _beside_rows(rows):
    """The filter form and the agencies of the listed rows."""
    for sql in FILTER_FORM:
        _fetch(sql, [])
    _fetch(ROW_AGENCIES.format(ids=_ids(rows)), [])


def run(page, address, params):
    if page.startswith("/on/") and "known" in params:
        day, known = (
            datetime.date.fromisoformat(value) for value in (address.strip("/").split("/")[1], params["known"])
        )
        rows = _fetch(ON_DATE_KNOWN, [day, day, known, known])
        _fetch(*known_tally.query(connection, day, known))
        _fetch(KNOWN_NEIGHBOURS[0], [known, known, datetime.date.min, day])
        _fetch(KNOWN_NEIGHBOURS[1], [known, known, day])
        _beside_rows(rows)
    elif page.startswith("/on/"):
        day = datetime.date.fromisoformat(address.strip("/").split("/")[1])
        rows = _fetch(ON_DATE, [day, day])
        _fetch(PHASE_COUNTS, [day.year, datetime.date(day.year, 1, 1), day])
        _fetch(NEIGHBOURS[0], [datetime.date.min, day])
        _fetch(NEIGHBOURS[1], [day])
        _beside_rows(rows)
    elif page.startswith("/instruments/?on="):
        day, agencies = datetime.date.fromisoformat(params["on"]), _agencies(params["agency"])
        if "known" in params:
            known = datetime.date.fromisoformat(params["known"])
            rows = _fetch(LIST_PAGE_KNOWN.format(agencies=agencies), [day, day, known, known, params["kind"]])
        else:
            rows = _fetch(LIST_PAGE.format(agencies=agencies), [day, day, params["kind"]])
        _fetch(LIST_COUNT.format(agencies=agencies), [params["kind"]])
        _beside_rows(rows)
    elif page == "/instruments/<slug>/":
        slug = address.strip("/").split("/")[-1]
        _fetch(TIMELINE, [slug])
        for sql in INSTRUMENT_PAGE:
            _fetch(sql, [slug])
    elif page == "/api/instruments/<slug>/status/":
        _fetch(LAST_RECORDED, [])
        _fetch(TIMELINE, [address.strip("/").split("/")[-2]])
    elif page.startswith("/changes/?known="):
        start, end, known = (datetime.date.fromisoformat(params[name]) for name in ("from", "to", "known"))
        before = start - ONE_DAY
        events = _fetch(WINDOW_KNOWN_EVENTS, [start, end, known, known])
        from policytrack.timeline.compare import PhaseComparison

        _fetch(*PhaseComparison(before, end, known=known).statement("titles"))
        _fetch(WINDOW_EVENTS.format(ids=_ids(sorted({(row[1],) for row in events})[:50])), [start, end])
        for sql in FILTER_FORM:
            _fetch(sql, [])
    elif page.startswith("/changes/"):
        start, end = (datetime.date.fromisoformat(params[name]) for name in ("from", "to"))
        listed = _fetch(WINDOW_PHASES, [start - ONE_DAY, start - ONE_DAY, end, end, start, end, start, end])
        _fetch(WINDOW_EVENTS.format(ids=_ids(listed[:50])), [start, end])  # the page's fifty
        for sql in FILTER_FORM:
            _fetch(sql, [])
    elif page.startswith("/compare/?known_a="):
        from policytrack.timeline.compare import LearnedComparison

        comparison = LearnedComparison(
            *(datetime.date.fromisoformat(params[name]) for name in ("on", "known_a", "known_b"))
        )
        _fetch(*comparison.statement("groups"))
        _fetch(*comparison.statement("rows", [50, 0]))
        for sql in FILTER_FORM:
            _fetch(sql, [])
    elif page.startswith("/compare/"):
        from policytrack.timeline.compare import PhaseComparison

        a, b = (datetime.date.fromisoformat(params[name]) for name in ("a", "b"))
        known = datetime.date.fromisoformat(params["known"]) if "known" in params else None
        comparison = PhaseComparison(a, b, known=known)
        _fetch(*comparison.statement("groups"))
        _fetch(*comparison.statement("rows", [50, 0]))
        for sql in FILTER_FORM:
            _fetch(sql, [])
    elif page.startswith("/feeds/"):
        _fetch(LAST_RECORDED, [])
        events = _fetch(FEED.format(agencies=_agencies(params["agency"])), [])
        for sql in FEED_RECORDED:
            _fetch(sql.format(ids=_ids(events)), [])
    elif page.startswith("/instruments/?q="):
        from policytrack.timeline.search import FTS_TABLE, query_terms

        terms = query_terms(params["q"])
        if connection.vendor == "postgresql":
            query = " & ".join(f"'{term}'" for term in terms)
            _fetch(
                "SELECT instrument_id FROM timeline_searchdocument WHERE vector @@ to_tsquery('english', %s) "
                "ORDER BY ts_rank(vector, to_tsquery('english', %s)) DESC LIMIT 50",
                [query, query],
            )
            _fetch("SELECT COUNT(*) FROM timeline_searchdocument WHERE vector @@ to_tsquery('english', %s)", [query])
        else:
            match = " ".join(f'"{term}"' for term in terms)
            _fetch(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}) LIMIT 50", [match]
            )
            _fetch(f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    elif page.startswith("/history/"):
        moment = datetime.datetime.fromisoformat(params["older"].split("~")[0] or "9999-12-31T00:00+00:00")
        for table in ("instrument", "event", "claim"):
            _fetch(
                f"SELECT * FROM timeline_historical{table} WHERE history_date < %s "
                "ORDER BY history_date DESC, history_id DESC LIMIT 26",
                [moment],
            )
    else:
        raise ValueError(f"no bare SQL for {page}")
