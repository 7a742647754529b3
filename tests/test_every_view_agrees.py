"""Every portfolio view that states an instrument's phase, status or dates agrees with the engine
(issue 18: "for random (instrument, V, K, T) on synthetic data, every list, CSV, API answer and
feed agrees with the engine's status for that instrument").

The data: three instruments with random timelines (``engine_strategies.timelines``), saved as an
editor saves them, then edited an hour apart (a new event that changes the phase, a source
disputing its date, a new slug, then more new events, renames, kinds, agencies, sources added and
retracted), so that each moment T between the edits has its own record. The oracle: the engine
run on each instrument's events as this tracker recorded them at T (``recorded.snapshot``; now,
when T is absent) as known on K (every source when K is absent); a list, count or comparison as
known on K names only the instruments public by K (a source of theirs published by then, or an
event with no source).

Each random (instrument, V, K, T) — with a second date W after V for the views of two dates — is
asked of every view in ``VIEWS`` with each combination of the times it is given (none, ``known``
alone, ``recorded`` alone, both). A view answering those times is read as a user reads it — the
page's text and links, a CSV's columns, the JSON fields, the Atom entries, the calendar's events —
and must say what the oracle says, for every instrument it lists; a view that does not answer one
of them must refuse it with a 400 naming it. ``answers`` in each row of the table is the one line
to change when a view starts answering a time.

The views, and how each is read:

- ``/on/V/``: each phase section's heading badge, each row's instrument (its link) and "since"
  cell, and the counts by phase at the top.
- ``/on/V/?format=csv``: the ``slug``, ``phase``, ``since`` and ``disputed`` columns (the events
  known on K, dated by V by their best source known then, whose sources known then disagree, with
  the days they claim: ``engine.claimed_span``).
- ``/instruments/?on=V`` (page): each row's link and the badge in its status column.
- ``/instruments/?on=V&format=csv``: ``slug``, ``phase`` and ``disputed``.
- ``/api/instruments/?on=V``: each result's ``slug`` and ``phase``, and the list's ``on``, ``known``
  and ``recorded``.
- ``/api/instruments/<slug>/status/?on=V``: ``phase`` and the four flags.
- ``/instruments/<slug>/?on=V``: the status box's badge and its flags ("In force: yes").
- ``/instruments/<slug>/compare/?on=V&known_a=K&known_b=W``: the two badges of its status row,
  "not yet public" as known before its first source (it takes its knowledge dates as ``known_a``
  and ``known_b``: ``known`` and ``recorded`` are refused).
- ``/changes/?from=V+1&to=W`` (page): each instrument's section (its link, and the badges before →
  after: the phase on V, the day before ``from``, and on W); every instrument whose phase differs
  must be there, and any other listed must show its unchanged phase.
- its CSV: ``instrument``, ``phase_before``, ``phase_after`` of every row; ``/api/changes/``: each of
  ``instruments``' ``slug``, ``phase_before``, ``phase_after``.
- ``/compare/?a=V&b=W`` (page): each row's link and two badges, and the groups' counts; its CSV:
  ``slug``, ``phase_a``, ``phase_b``; ``/api/compare/``: ``results`` and ``groups``.
- ``/compare/?on=V&known_a=K&known_b=W`` (what was learned about V between K and W), read as the
  comparison of two dates is: each instrument public on K or W whose phase on V as known on K
  differs from it as known on W, "not yet public" where nothing about it was published by then
  (it takes its knowledge dates as ``known_a`` and ``known_b``: ``known`` and ``recorded`` are
  refused); likewise its CSV and ``/api/compare/``.
- ``/feeds/changes.atom?on=V`` and ``/instruments/<slug>/changes.atom?on=V``: each entry's
  instrument and event (its categories and its link's ``#event-`` anchor) and its published date:
  the events known on K dated (their best source known on K, before delays) up to V, newest
  first, at most 50.
- ``/calendar.ics?on=V`` and ``/instruments/<slug>/calendar.ics?on=V``: each VEVENT's UID
  (``slug.event``) and DTSTART: the dates the engine places the calendars' kinds on as known on
  K (after delays, pre-empted ones left out), from 30 days before V to two years after.
- ``/?on=V`` (home): the counts by phase on V, the dates coming up after V (90 days, the first
  20) and the recent changes up to V (the newest 12), read from their links and ``<time>``.

Not covered, as they state no phase or date of an instrument's status: ``/documents/`` and its
API (sources: ``tests/test_documents_recorded.py`` reads them as recorded), ``/documents/<id>/``,
``/history/`` (edits), ``/methodology/``, ``/api/instruments/<slug>/`` (the timeline as stored
now), ``/api/agencies/``; ``tests/test_times_refused.py`` checks that those refuse the times they do not answer.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import quote, urlencode

import time_machine
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from policytrack.timeline import engine
from policytrack.timeline.compare import NOT_YET_PUBLIC
from policytrack.timeline.models import Claim, Document, Event, Instrument
from policytrack.timeline.placed import CALENDAR_KINDS
from policytrack.timeline.recorded import snapshot
from policytrack.timeline.wording import FLAG_LABELS, PHASE_LABELS, human_date

from conftest import text
from engine_lists import named_as_known
from engine_strategies import FIRST_DAY, LAST_DAY, dates_in_range, timelines
from test_compare_recorded import edit
from test_instruments_recorded import HOUR, an_edit, edited

DAY = datetime.timedelta(days=1)
PHASE_OF_LABEL = {label: phase for phase, label in PHASE_LABELS.items()} | {"not yet public": NOT_YET_PUBLIC}
ATOM = "{http://www.w3.org/2005/Atom}"
SEEN = Counter()


@dataclass(frozen=True)
class Ask:
    """One random question: an instrument, V, W after V, K and T."""

    instrument: int  # its id
    on: datetime.date  # V
    to: datetime.date  # W, the second date of the views of two dates
    known: datetime.date  # K
    recorded: datetime.datetime  # T


# The engine's answers.


@dataclass
class Oracle:
    """The engine run on each instrument's record at a moment (``recorded``: None is now)."""

    instruments: list  # ids
    now: datetime.datetime
    _events: dict = field(default_factory=dict)
    _slugs: dict = field(default_factory=dict)
    _statuses: dict = field(default_factory=dict)

    def events(self, pk, recorded):
        moment = recorded or self.now
        if (pk, moment) not in self._events:
            self._events[pk, moment] = snapshot(pk, moment)[2]
        return self._events[pk, moment]

    def slug(self, pk, recorded):
        """The slug the instrument had at ``recorded``: the one a view as recorded then shows."""
        moment = recorded or self.now
        if (pk, moment) not in self._slugs:
            self._slugs[pk, moment] = Instrument.history.as_of(moment).get(id=pk).slug
        return self._slugs[pk, moment]

    def status(self, pk, on, known, recorded):
        if (pk, on, known, recorded) not in self._statuses:
            self._statuses[pk, on, known, recorded] = engine.status(self.events(pk, recorded), on=on, known=known)
        return self._statuses[pk, on, known, recorded]

    def listed(self, known, recorded):
        """The instruments a list as known on ``known`` names: those public by then (one of their
        sources published by then, or an event with no source, known on every date), so that a
        list does not tell that an instrument was coming."""
        if known is None:
            return self.instruments
        return [
            pk
            for pk in self.instruments
            if not (events := self.events(pk, recorded))
            or any(not event.claims for event in events)
            or any(claim.published_on <= known for event in events for claim in event.claims)
        ]

    def known_phase(self, pk, on, known):
        """Its phase on ``on`` as known on ``known`` as a comparison of two knowledge dates says it:
        not yet public before its first source."""
        if not named_as_known(self.events(pk, None), known):
            return NOT_YET_PUBLIC
        return self.status(pk, on, known, None).phase

    def phases(self, on, known, recorded):
        """{slug: phase on ``on``} of every instrument a list names."""
        return {
            self.slug(pk, recorded): self.status(pk, on, known, recorded).phase for pk in self.listed(known, recorded)
        }

    def since(self, pk, on, known, recorded):
        """The first day of the period covering ``on`` (None: since before its first event)."""
        for period in engine.periods(self.events(pk, recorded), known):
            if (period.valid_from is None or period.valid_from <= on) and (
                period.valid_to is None or on < period.valid_to
            ):
                return period.valid_from

    def disputed(self, pk, on, known, recorded):
        """The CSVs' ``disputed`` cells of an instrument, sorted: each event known on ``known`` and
        dated by ``on`` (by its best source known then) whose sources known then disagree, with
        the days they claim between them."""
        return sorted(
            f"{item.event.kind}: {span.start.isoformat()} to {span.end.isoformat()}"
            for item in engine.timeline(self.events(pk, recorded), known)
            if item.claimed_date <= on and (span := engine.claimed_span(item.event.claims, known))
        )

    def dated(self, pks, known, recorded, up_to):
        """{(slug, event key, date)} of the events known on ``known`` dated up to ``up_to``, each by
        its best source known then (before any delay): what the feeds and "recent changes" list."""
        return {
            (self.slug(pk, recorded), item.event.key, item.claimed_date)
            for pk in pks
            for item in engine.timeline(self.events(pk, recorded), known)
            if item.claimed_date <= up_to
        }

    def placed(self, pks, known, recorded, after, until):
        """{(slug, event key, date)} of the calendars' events the engine places after ``after`` and
        up to ``until`` as known on ``known``: after delays, pre-empted ones left out."""
        return {
            (self.slug(pk, recorded), item.event.key, item.date)
            for pk in pks
            for item in engine.timeline(self.events(pk, recorded), known)
            if item.event.kind in CALENDAR_KINDS and item.preempted_by is None and after < item.date <= until
        }


# Reading a page as a reader sees it: its elements, their classes, links and text.


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def text(self):
        return " ".join(
            " ".join((child if isinstance(child, str) else child.text()) for child in self.children).split()
        )

    def all(self, tag=None, cls=None):
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.attrs.get("class", "").split()):
                    yield child
                yield from child.all(tag, cls)

    def first(self, tag=None, cls=None):
        return next(self.all(tag, cls), None)


class _Tree(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack = [Node("document", {})]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if any(node.tag == tag for node in self.stack[1:]):
            while self.stack.pop().tag != tag:
                pass

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def page(response):
    assert response.status_code == 200, text(response)
    parser = _Tree()
    parser.feed(response.content.decode())
    return parser.stack[0]


def badge(node):
    """The phase a badge names, read from its words."""
    return PHASE_OF_LABEL[node.first("a", "badge").text()]


def badges(node):
    return [PHASE_OF_LABEL[found.text()] for found in node.all("a", "badge")]


def linked_slug(node):
    return re.match(r"/instruments/([^/?#]+)/", node.first("a").attrs["href"]).group(1)


def counts(node):
    """{phase: how many} of a list of counts by phase ("In force 3 instruments")."""
    found = {}
    for item in node.first("ul", "phase-counts").all("li") if node.first("ul", "phase-counts") else ():
        found[badge(item)] = int(re.search(r"([\d,]+) instruments?$", item.text()).group(1).replace(",", ""))
    return found


def dated_links(section):
    """{(slug, event key, date)} of a list of dated links (the home page's columns)."""
    found = set()
    for item in section.first("ul").all("li"):
        if item.first("time") is None:
            continue
        href = item.first("a").attrs["href"]
        slug, key = re.match(r"/instruments/([^/?#]+)/.*#event-(.+)$", href).groups()
        found.add((slug, key, datetime.date.fromisoformat(item.first("time").attrs["datetime"])))
    return found


def csv_rows(response):
    assert response.status_code == 200, text(response)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def json(response):
    assert response.status_code == 200, response.content
    return response.json()


# The views: what each says, read from the response, and what the engine says.


def on_page(response):
    html = page(response)
    rows = {}
    for section in html.all("section", "phase-group"):
        phase = badge(section.first("h2"))
        for row in section.first("tbody").all("tr"):
            rows[linked_slug(row)] = (phase, list(row.all("td"))[3].text())
    return rows, counts(html)


def on_expected(oracle, ask, known, recorded):
    rows = {}
    for pk in oracle.listed(known, recorded):
        since = oracle.since(pk, ask.on, known, recorded)
        rows[oracle.slug(pk, recorded)] = (
            oracle.status(pk, ask.on, known, recorded).phase,
            human_date(since) if since else "no earlier change",
        )
    return rows, dict(Counter(phase for phase, _ in rows.values()))


def disputes(row):
    """A CSV row's ``disputed`` cell as its disputes, sorted."""
    return sorted(row["disputed"].split("; ")) if row["disputed"] else []


def on_csv(response):
    return {row["slug"]: (row["phase"], row["since"], disputes(row)) for row in csv_rows(response)}


def on_csv_expected(oracle, ask, known, recorded):
    rows = {}
    for pk in oracle.listed(known, recorded):
        since = oracle.since(pk, ask.on, known, recorded)
        rows[oracle.slug(pk, recorded)] = (
            oracle.status(pk, ask.on, known, recorded).phase,
            since.isoformat() if since else "",
            oracle.disputed(pk, ask.on, known, recorded),
        )
    SEEN["a CSV shows a dispute"] += any(row[2] for row in rows.values())
    if recorded is not None:  # the sources as recorded then: the disputes of some instrument differ from now
        SEEN["T changes a CSV's disputes"] += any(
            oracle.disputed(pk, ask.on, known, recorded) != oracle.disputed(pk, ask.on, known, None)
            for pk in oracle.listed(known, recorded)
        )
    return rows


def list_page(response):
    return {linked_slug(row): badge(list(row.all("td"))[3]) for row in page(response).first("tbody").all("tr")}


def list_csv(response):
    return {row["slug"]: (row["phase"], disputes(row)) for row in csv_rows(response)}


def list_csv_expected(oracle, ask, known, recorded):
    return {
        oracle.slug(pk, recorded): (
            oracle.status(pk, ask.on, known, recorded).phase,
            oracle.disputed(pk, ask.on, known, recorded),
        )
        for pk in oracle.listed(known, recorded)
    }


def api_list(response):
    body = json(response)
    return (body["on"], body["known"], body["recorded"]), {row["slug"]: row["phase"] for row in body["results"]}


def api_list_expected(oracle, ask, known, recorded):
    times = (ask.on.isoformat(), known and known.isoformat(), recorded and recorded.isoformat())
    return times, oracle.phases(ask.on, known, recorded)


def phases_on(oracle, ask, known, recorded):
    return oracle.phases(ask.on, known, recorded)


FLAGS = ("in_force", "enforced", "obligations_apply", "rescission_pending")


def api_status(response):
    body = json(response)
    return body["phase"], {name: body[name] for name in FLAGS}


def status_expected(oracle, ask, known, recorded):
    status = oracle.status(ask.instrument, ask.on, known, recorded)
    return status.phase, {name: getattr(status, name) for name in FLAGS}


def instrument_page(response):
    box = page(response).first("section", "status-box")
    flags = {}
    for item in box.first("ul", "flags").all("li"):
        label, value = item.text().rsplit(":", 1)
        flags[label.strip()] = value.strip()
    return badge(box.first("p", "status-sentence")), flags


def instrument_page_expected(oracle, ask, known, recorded):
    status = oracle.status(ask.instrument, ask.on, known, recorded)
    # Rescission pending is shown only when it is so.
    flags = {
        label: "yes" if getattr(status, name) else "no"
        for name, label in FLAG_LABELS.items()
        if name != "rescission_pending" or status.rescission_pending
    }
    return status.phase, flags


def instrument_compare(response):
    row = page(response).first("table").first("tbody").first("tr")
    return tuple(badges(row))


def instrument_compare_expected(oracle, ask, known, recorded):
    return tuple(oracle.known_phase(ask.instrument, ask.on, day) for day in (ask.known, ask.to))


def both_dates(oracle, ask, known, recorded):
    """{slug: (phase on V, phase on W)} of every instrument."""
    return {
        oracle.slug(pk, recorded): (
            oracle.status(pk, ask.on, known, recorded).phase,
            oracle.status(pk, ask.to, known, recorded).phase,
        )
        for pk in oracle.listed(known, recorded)
    }


def changed(oracle, ask, known, recorded):
    return {slug: pair for slug, pair in both_dates(oracle, ask, known, recorded).items() if pair[0] != pair[1]}


def changes_page(response):
    return {
        linked_slug(section.first("h2")): tuple(badges(section.first("p", "transition")))
        for section in page(response).all("section", "change")
    }


def changes_csv(response):
    found = {}
    for row in csv_rows(response):
        pair = (row["phase_before"], row["phase_after"])
        assert found.setdefault(row["instrument"], pair) == pair, row  # each event's row says the same
    return found


def api_changes(response):
    return {row["slug"]: (row["phase_before"], row["phase_after"]) for row in json(response)["instruments"]}


def agree_with_changes(found, expected):
    """Every instrument whose phase changed is listed, each listed one with its phases then (one
    listed for an event in the window shows its phase unchanged)."""
    assert {slug: found[slug] for slug in expected["changed"] if slug in found} == expected["changed"]
    assert set(expected["changed"]) <= set(found)
    for slug, pair in found.items():
        assert pair == expected["all"][slug], slug


def changes_expected(oracle, ask, known, recorded):
    return {"all": both_dates(oracle, ask, known, recorded), "changed": changed(oracle, ask, known, recorded)}


def compare_page(response):
    html = page(response)
    groups = {}
    for item in html.first("ul", "compare-groups").all("li") if html.first("ul", "compare-groups") else ():
        groups[tuple(badges(item))] = int(re.search(r": ([\d,]+) instruments?$", item.text()).group(1))
    rows = {}
    for row in html.first("table").first("tbody").all("tr") if html.first("table") else ():
        rows[linked_slug(row)] = tuple(badges(row))
    return rows, groups


def compare_expected(oracle, ask, known, recorded):
    rows = changed(oracle, ask, known, recorded)
    return rows, dict(Counter(rows.values()))


def learned(oracle, ask, known, recorded):
    """{slug: (phase on V as known on K, as known on W)} of every instrument whose two differ."""
    pairs = {
        oracle.slug(pk, None): tuple(oracle.known_phase(pk, ask.on, day) for day in (ask.known, ask.to))
        for pk in oracle.instruments
    }
    return {slug: pair for slug, pair in pairs.items() if pair[0] != pair[1]}


def learned_expected(oracle, ask, known, recorded):
    rows = learned(oracle, ask, known, recorded)
    return rows, dict(Counter(rows.values()))


def compare_csv(response):
    return {row["slug"]: (row["phase_a"], row["phase_b"]) for row in csv_rows(response)}


def api_compare(response):
    body = json(response)
    groups = {(group["from"], group["to"]): group["count"] for group in body["groups"]}
    return {row["instrument"]: (row["phase_a"], row["phase_b"]) for row in body["results"]}, groups


def feed(response):
    assert response.status_code == 200, response.content
    found = []
    for entry in ElementTree.fromstring(response.content).iter(f"{ATOM}entry"):
        kind, slug = [category.get("term") for category in entry.iter(f"{ATOM}category")]
        key = entry.find(f"{ATOM}link").get("href").rsplit("#event-", 1)[1]
        found.append((slug, key, datetime.date.fromisoformat(entry.find(f"{ATOM}published").text[:10])))
    assert len(found) == len(set(found))
    return set(found)


FEED_LIMIT = 50


def newest(limit):
    """The newest ``limit`` of what the engine dates: all of them when there are no more; else
    ``limit`` of them, every one dated after the earliest shown among them."""

    def agree(found, expected):
        assert found <= expected, sorted(found - expected)
        assert len(found) == min(limit, len(expected))
        if found:
            earliest = min(day for *_, day in found)
            assert {item for item in expected if item[2] > earliest} <= found

    return agree


def feed_expected(pks):
    def expected(oracle, ask, known, recorded):
        return oracle.dated(pks(oracle, ask), known, recorded, ask.on)

    return expected


def calendar(response):
    assert response.status_code == 200, response.content
    found = set()
    for item in Calendar.from_ical(response.content).walk("VEVENT"):
        slug, key = str(item["uid"]).removesuffix("@policytrack").split(".", 1)
        found.add((slug, key, item.decoded("dtstart")))
    return found


def calendar_expected(pks):
    def expected(oracle, ask, known, recorded):
        return oracle.placed(pks(oracle, ask), known, recorded, ask.on - 30 * DAY, ask.on + 730 * DAY)

    return expected


def home(response):
    html = page(response)
    sections = {section.attrs.get("aria-labelledby"): section for section in html.all("section")}
    return counts(html), dated_links(sections["upcoming-heading"]), dated_links(sections["recent-heading"])


def home_expected(oracle, ask, known, recorded):
    everyone = oracle.instruments
    return (
        dict(Counter(oracle.phases(ask.on, known, recorded).values())),
        oracle.placed(everyone, known, recorded, ask.on, ask.on + 90 * DAY),
        oracle.dated(everyone, known, recorded, ask.on),
    )


def agree_with_home(found, expected):
    assert found[0] == expected[0]
    newest(20)({(s, k, -d.toordinal()) for s, k, d in found[1]}, {(s, k, -d.toordinal()) for s, k, d in expected[1]})
    newest(12)(found[2], expected[2])


def everyone(oracle, ask):
    return oracle.instruments


def the_instrument(oracle, ask):
    return [ask.instrument]


def equal(found, expected):
    assert found == expected


@dataclass(frozen=True)
class View:
    name: str
    address: Callable  # (ask, slug) -> the path and its own parameters, without the times
    read: Callable  # response -> what it says
    expected: Callable  # (oracle, ask, known, recorded) -> what the engine says
    answers: frozenset  # the times it answers, of "known" and "recorded"
    agree: Callable = equal


BOTH = frozenset({"known", "recorded"})
KNOWN = frozenset({"known"})
NONE = frozenset()


def _q(**values):
    return urlencode({name: value.isoformat() for name, value in values.items()})


def _window(asked):
    """The changes' window: from the day after ``on`` to ``to`` (so "before" is ``on``)."""
    return _q(**{"from": asked.on + DAY, "to": asked.to})


VIEWS = [
    View("/on/V/", lambda a, s: f"/on/{a.on}/?", on_page, on_expected, BOTH),
    View("/on/V/ CSV", lambda a, s: f"/on/{a.on}/?format=csv", on_csv, on_csv_expected, BOTH),
    View("/instruments/", lambda a, s: f"/instruments/?{_q(on=a.on)}", list_page, phases_on, BOTH),
    View(
        "/instruments/ CSV", lambda a, s: f"/instruments/?format=csv&{_q(on=a.on)}", list_csv, list_csv_expected, BOTH
    ),
    View("/api/instruments/", lambda a, s: f"/api/instruments/?{_q(on=a.on)}", api_list, api_list_expected, BOTH),
    View(
        "/api/instruments/<slug>/status/",
        lambda a, s: f"/api/instruments/{s}/status/?{_q(on=a.on)}",
        api_status,
        status_expected,
        BOTH,
    ),
    View(
        "/instruments/<slug>/",
        lambda a, s: f"/instruments/{s}/?{_q(on=a.on)}",
        instrument_page,
        instrument_page_expected,
        BOTH,
    ),
    View(
        "/instruments/<slug>/compare/",
        lambda a, s: f"/instruments/{s}/compare/?{_q(on=a.on, known_a=a.known, known_b=a.to)}",
        instrument_compare,
        instrument_compare_expected,
        NONE,
    ),
    View(
        "/changes/",
        lambda a, s: f"/changes/?{_window(a)}",
        changes_page,
        changes_expected,
        BOTH,
        agree_with_changes,
    ),
    View(
        "/changes/ CSV",
        lambda a, s: f"/changes/?format=csv&{_window(a)}",
        changes_csv,
        changes_expected,
        BOTH,
        agree_with_changes,
    ),
    View(
        "/api/changes/",
        lambda a, s: f"/api/changes/?{_window(a)}",
        api_changes,
        changes_expected,
        BOTH,
        agree_with_changes,
    ),
    View("/compare/", lambda a, s: f"/compare/?{_q(a=a.on, b=a.to)}", compare_page, compare_expected, BOTH),
    View("/compare/ CSV", lambda a, s: f"/compare/?format=csv&{_q(a=a.on, b=a.to)}", compare_csv, changed, BOTH),
    View("/api/compare/", lambda a, s: f"/api/compare/?{_q(a=a.on, b=a.to)}", api_compare, compare_expected, BOTH),
    View(
        "/compare/ learned",
        lambda a, s: f"/compare/?{_q(on=a.on, known_a=a.known, known_b=a.to)}",
        compare_page,
        learned_expected,
        NONE,
    ),
    View(
        "/compare/ learned CSV",
        lambda a, s: f"/compare/?format=csv&{_q(on=a.on, known_a=a.known, known_b=a.to)}",
        compare_csv,
        learned,
        NONE,
    ),
    View(
        "/api/compare/ learned",
        lambda a, s: f"/api/compare/?{_q(on=a.on, known_a=a.known, known_b=a.to)}",
        api_compare,
        learned_expected,
        NONE,
    ),
    View(
        "/feeds/changes.atom",
        lambda a, s: f"/feeds/changes.atom?{_q(on=a.on)}",
        feed,
        feed_expected(everyone),
        BOTH,
        newest(FEED_LIMIT),
    ),
    View(
        "/instruments/<slug>/changes.atom",
        lambda a, s: f"/instruments/{s}/changes.atom?{_q(on=a.on)}",
        feed,
        feed_expected(the_instrument),
        BOTH,
        newest(FEED_LIMIT),
    ),
    View("/calendar.ics", lambda a, s: f"/calendar.ics?{_q(on=a.on)}", calendar, calendar_expected(everyone), BOTH),
    View(
        "/instruments/<slug>/calendar.ics",
        lambda a, s: f"/instruments/{s}/calendar.ics?{_q(on=a.on)}",
        calendar,
        calendar_expected(the_instrument),
        BOTH,
    ),
    View("/ (home)", lambda a, s: f"/?{_q(on=a.on)}", home, home_expected, BOTH, agree_with_home),
]


def refused(response, name):
    """A 400 naming ``name``, in the view's own format."""
    assert response.status_code == 400, (response.status_code, name)
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert name in body, body
        said = " ".join(map(str, body[name]))
    else:
        said = text(response)
    assert f"“{name}”" in said or re.search(rf"\b{name}\b", said), said


def ask_every_view(client, oracle, ask):
    for view in VIEWS:
        answers = {}
        for times in ((), ("known",), ("recorded",), ("known", "recorded")):
            known = ask.known if "known" in times else None
            recorded = ask.recorded if "recorded" in times else None
            # The instrument's slug as recorded at T where the view answers T (today's may not have
            # existed then); else today's, the address a reader has.
            address = view.address(ask, oracle.slug(ask.instrument, recorded if "recorded" in view.answers else None))
            if known:
                address += f"&known={known.isoformat()}"
            if recorded:
                address += f"&recorded={quote(recorded.isoformat())}"
            response = client.get(address)
            unanswered = [name for name in times if name not in view.answers]
            question = (
                f"{address}\ninstrument {oracle.slug(ask.instrument, recorded)}, V {ask.on}, W {ask.to}, "
                f"K {known}, T {recorded}"
            )
            if unanswered:
                try:
                    refused(response, unanswered[0])
                except AssertionError as error:
                    raise AssertionError(f"{view.name} does not refuse {unanswered[0]}: {question}") from error
                SEEN["refused"] += 1
                continue
            found, expected = view.read(response), view.expected(oracle, ask, known, recorded)
            # What the times change: the examples must hold answers that a view ignoring one would get wrong.
            answers[times] = expected
            for name in times:
                without = tuple(other for other in times if other != name)
                SEEN[f"answers {name} changes"] += without in answers and answers[without] != expected
            try:
                view.agree(found, expected)
            except AssertionError as error:
                raise AssertionError(
                    f"{view.name} disagrees with the engine: {question}\nshown: {found}\nengine: {expected}"
                ) from error
            SEEN[view.name] += 1


# The edits of the recorded lists' tests (renames, slugs, kinds, agencies, sources added and
# retracted), and often a new event that changes the phase from its date on: so that a view read
# as now where it should be read as recorded at T says something else.
new_event = st.tuples(
    st.just("event"),
    st.integers(0, 2),
    st.sampled_from(["rescinded", "effective", "enforcement_suspended", "stayed", "withdrawn"]),
    dates_in_range(),  # its date
    dates_in_range(),  # its source's publication
)
# The first edit: an end or a change of effect early in the range, known early (by every V and
# most K), which changes the phase of most timelines from its date on.
early = dates_in_range(FIRST_DAY, FIRST_DAY + 9 * DAY)
first_event = st.tuples(
    st.just("event"), st.integers(0, 2), st.sampled_from(["rescinded", "withdrawn", "effective"]), early, early
)
edits = st.lists(
    st.one_of(new_event, new_event, new_event, st.tuples(st.just("slug"), st.integers(0, 2)), an_edit),
    min_size=1,
    max_size=4,
)


def edit_or_add(change, instruments, number, agency):
    if change[0] == "dispute":  # a news report dating the newest event three days later
        event = Event.objects.filter(instrument_id=instruments[change[1]]).latest("pk")
        published_on = event.claims.order_by("pk").values_list("document__published_on", flat=True).first()
        source = Document.objects.create(
            key=f"d{instruments[change[1]]}-{number}", kind="news", title="Report", published_on=published_on
        )
        Claim.objects.create(event=event, document=source, date=event.date + 3 * DAY)
        return
    if change[0] != "event":
        return edit(change, instruments, number, agency)
    _, which, kind, day, published_on = change
    event = Event.objects.create(
        instrument_id=instruments[which], key=f"n{number}", kind=kind, date=day, position=90 + number
    )
    source = Document.objects.create(
        key=f"n{instruments[which]}-{number}", kind="federal_register", title="Notice", published_on=published_on
    )
    Claim.objects.create(event=event, document=source, date=day)


asks = st.lists(
    st.tuples(
        st.integers(0, 2),  # which instrument
        # V: among the events (the simplest example hypothesis tries first is then not before them all)
        dates_in_range(FIRST_DAY + 10 * DAY, LAST_DAY - 5 * DAY),
        st.integers(1, 40),  # W: this many days after V
        dates_in_range(FIRST_DAY + 5 * DAY, LAST_DAY),  # K, among the sources' publications
        st.sampled_from([0, 0, 0, 1, 2, 5]),  # T: after this many of the edits (often before them all)
    ),
    min_size=2,
    max_size=2,
)


def test_every_view_agrees_with_the_engine_for_random_instruments_dates_and_moments(db, client):
    SEEN.clear()

    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a dozen saves and ~150 pages
    )
    @given(
        histories=st.lists(timelines(max_events=5).filter(lambda events: len(events) >= 2), min_size=3, max_size=3),
        first=first_event,
        edits=edits,
        asks=asks,
    )
    def check(histories, first, edits, asks):
        # A new event first (T before it: the phase changes from its date on), a source disputing
        # its date (the CSVs' disputes as recorded before it have none), and a slug changed: the
        # views as recorded then must name the instrument as it was.
        edits = [first, ("dispute", first[1]), ("slug", 0), *edits]
        start, instruments, _ = edited(histories, edits, edit_or_add)
        now = start + (len(edits) + 1) * HOUR
        with time_machine.travel(now, tick=False):
            oracle = Oracle(instruments, now)
            for which, on, gap, known, step in asks:
                moment = start + HOUR / 2 + min(step, len(edits)) * HOUR
                ask = Ask(instruments[which], on, on + gap * DAY, known, moment)
                phases = {
                    times: oracle.phases(on, *times) for times in itertools.product((None, known), (None, moment))
                }
                SEEN["K changes a phase"] += phases[None, None] != phases[known, None]
                SEEN["T changes a phase"] += list(phases[None, None].values()) != list(phases[None, moment].values())
                ask_every_view(client, oracle, ask)

    check()
    # Every view was read, and answers that K or T change were among them.
    assert all(SEEN[view.name] for view in VIEWS), SEEN
    assert SEEN["answers known changes"] >= 20 and SEEN["answers recorded changes"] >= 10, SEEN
    assert SEEN["K changes a phase"] >= 2 and SEEN["T changes a phase"] >= 2, SEEN
    assert SEEN["a CSV shows a dispute"] >= 5 and SEEN["T changes a CSV's disputes"] >= 3, SEEN
