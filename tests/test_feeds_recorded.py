"""The Atom feeds and the calendars as recorded at a moment: their entries are the events, claims
and documents as this tracker held them then (as known on a date when one is given), each
instrument under the slug and title it had then; their titles name the times (issue 18)."""

import datetime
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote

import pytest
import time_machine
from icalendar import Calendar

from test_changes_recorded import HOUR, START, at, history  # noqa: F401 (``history`` is a fixture)

ATOM = "{http://www.w3.org/2005/Atom}"


def get(client, address):
    with time_machine.travel(START + 8 * HOUR, tick=False):
        return client.get(address)


def feed(client, address):
    """The feed's title, and each entry's (slug, event key, published day, updated, link, description)."""
    response = get(client, address)
    assert response.status_code == 200, response.content
    root = ElementTree.fromstring(response.content)
    entries = [
        (
            [category.get("term") for category in entry.iter(f"{ATOM}category")][1],
            entry.find(f"{ATOM}link").get("href").rsplit("#event-", 1)[1],
            entry.find(f"{ATOM}published").text[:10],
            entry.find(f"{ATOM}updated").text,
            entry.find(f"{ATOM}link").get("href"),
            entry.find(f"{ATOM}summary").text,
        )
        for entry in root.iter(f"{ATOM}entry")
    ]
    return root.find(f"{ATOM}title").text, entries


def calendar(client, address):
    """The calendar's name, and {(UID, DTSTART)} of its events."""
    response = get(client, address)
    assert response.status_code == 200, response.content
    parsed = Calendar.from_ical(response.content)
    events = {(str(item["uid"]), item.decoded("dtstart")) for item in parsed.walk("VEVENT")}
    return str(parsed["x-wr-calname"]), events


@pytest.mark.usefixtures("history")
def test_the_feed_as_recorded_lists_the_events_held_then(client):
    title, entries = feed(client, f"/feeds/changes.atom?on=2025-04-30&recorded={at(2.5)}")
    assert title == "policytrack: changes (up to 2025-04-30, as recorded at 2032-03-01 12:30 UTC)"
    assert [entry[:3] for entry in entries] == [
        ("chip-rule", "end", "2025-04-20"),  # deleted since
        ("chip-rule", "eff", "2025-04-10"),  # dated by the claim retracted since
        ("other-rule", "eff", "2025-04-05"),
        ("chip-rule", "issued", "2025-03-01"),
    ]  # the rule created since is not there
    end, eff = entries[0], entries[1]
    assert end[4] == f"http://testserver/instruments/chip-rule/?recorded={at(2.5)}#event-end"
    assert "Interim final rule" in eff[5] and "Late notice" not in eff[5]  # the notice's title then
    assert eff[3].startswith("2032-03-01T10:00:00")  # updated: the edits recorded by then only


@pytest.mark.usefixtures("history")
def test_the_feed_now_lists_the_record_as_it_is(client):
    title, entries = feed(client, "/feeds/changes.atom?on=2025-04-30")
    assert title == "policytrack: changes (up to 2025-04-30)"
    assert [entry[:3] for entry in entries] == [
        ("chip-rule-v2", "eff", "2025-04-25"),
        ("new-rule", "eff", "2025-04-15"),
        ("other-rule", "eff", "2025-04-05"),
        ("chip-rule-v2", "issued", "2025-03-01"),
    ]
    assert entries[0][3].startswith("2032-03-01T15:00:00")


@pytest.mark.usefixtures("history")
def test_an_instruments_feed_as_recorded_answers_at_the_slug_it_had_then(client):
    title, entries = feed(
        client, f"/instruments/chip-rule/changes.atom?on=2025-04-30&known=2025-04-18&recorded={at(2.5)}"
    )
    assert (
        title
        == "policytrack: Chip Rule (up to 2025-04-30, as known on 2025-04-18, as recorded at 2032-03-01 12:30 UTC)"
    )
    assert [entry[:3] for entry in entries] == [
        ("chip-rule", "eff", "2025-04-10"),
        ("chip-rule", "issued", "2025-03-01"),
    ]
    assert get(client, "/instruments/chip-rule/changes.atom").status_code == 404  # its slug now is chip-rule-v2


@pytest.mark.usefixtures("history")
def test_the_calendar_as_recorded_holds_the_dates_placed_then(client):
    name, events = calendar(client, f"/calendar.ics?on=2025-04-05&recorded={at(2.5)}")
    assert name == "policytrack: upcoming dates (from 2025-04-05, as recorded at 2032-03-01 12:30 UTC)"
    assert events == {
        ("chip-rule.eff@policytrack", datetime.date(2025, 4, 10)),
        ("chip-rule.end@policytrack", datetime.date(2025, 4, 20)),  # deleted since
        ("other-rule.eff@policytrack", datetime.date(2025, 4, 5)),
    }
    _, now = calendar(client, "/calendar.ics?on=2025-04-05")
    assert now == {
        ("chip-rule-v2.eff@policytrack", datetime.date(2025, 4, 25)),
        ("new-rule.eff@policytrack", datetime.date(2025, 4, 15)),
        ("other-rule.eff@policytrack", datetime.date(2025, 4, 5)),
    }


@pytest.mark.usefixtures("history")
def test_an_instruments_calendar_as_recorded_and_known(client):
    name, events = calendar(
        client, f"/instruments/chip-rule/calendar.ics?on=2025-04-05&known=2025-04-18&recorded={at(1)}"
    )
    assert (
        name == "policytrack: Chip Rule (from 2025-04-05, as known on 2025-04-18, as recorded at 2032-03-01 11:00 UTC)"
    )
    assert events == {("chip-rule.eff@policytrack", datetime.date(2025, 4, 10))}


@pytest.mark.usefixtures("history")
def test_a_moment_before_the_rows_kept_is_refused_in_plain_text(client):
    early = quote((START - 2 * HOUR).isoformat())
    for address in (
        "/feeds/changes.atom",
        "/instruments/chip-rule-v2/changes.atom",
        "/calendar.ics",
        "/instruments/chip-rule-v2/calendar.ics",
    ):
        response = get(client, f"{address}?recorded={early}")
        assert response.status_code == 400, address
        assert response["Content-Type"].startswith("text/plain")
        assert "recorded" in response.content.decode() and "too early" in response.content.decode()
