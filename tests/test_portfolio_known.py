"""The home page, the Atom feeds and the calendars as known on K: what a reader could have had on
K — counted from K, read from the sources published by then, saying so, and linking as known on
K (issue 18 item 2)."""

import datetime
import random
import xml.etree.ElementTree as ElementTree
from collections import Counter

import pytest
from icalendar import Calendar

from policytrack.timeline import engine
from policytrack.timeline.changes import CALENDAR_KINDS
from policytrack.timeline.models import Claim, Document, Instrument

from conftest import text
from engine_lists import named_as_known

K = "2025-05-01"
ATOM = "{http://www.w3.org/2005/Atom}"
LATER_WORDS = ("nforcement suspended", "escission", "not enforced", "enforcement_suspended")


def later_titles(demo_data):
    titles = [d["title"] for d in demo_data["documents"] if d["published_on"] > K]
    assert titles
    return titles


def entries(response):
    feed = ElementTree.fromstring(response.content)
    return feed, [
        (
            entry.find(f"{ATOM}title").text,
            entry.find(f"{ATOM}link").get("href"),
            entry.find(f"{ATOM}published").text[:10],
            entry.find(f"{ATOM}summary").text or "",
        )
        for entry in feed.iter(f"{ATOM}entry")
    ]


def calendar_events(response):
    return [
        (str(item["uid"]), item.decoded("dtstart"), str(item["description"]), str(item["url"]))
        for item in Calendar.from_ical(response.content).walk("VEVENT")
    ]


def test_the_home_page_as_known_on_1_may_is_the_one_of_1_may(client, demo, demo_data):
    response = client.get(f"/?known={K}")
    assert response.status_code == 200
    page, html = text(response), response.content.decode()
    assert "As it stood on 1 May 2025, as known on 1 May 2025" in page
    assert "On 1 May 2025, as known on 1 May 2025" in page
    assert dict((phase, n) for phase, _, n in response.context["counts"])["in_force"] >= 1
    assert "not_enforced" not in dict((phase, n) for phase, _, n in response.context["counts"])
    assert [due.date.isoformat() for due in response.context["upcoming"]][:1] == ["2025-05-15"]
    assert all(event.date.isoformat() <= K for event in response.context["recent"])
    for title in later_titles(demo_data):
        assert title not in html
    assert not any(word in page for word in LATER_WORDS)
    for due in response.context["upcoming"]:
        assert f"?on={due.date.isoformat()}&amp;known={K}#event-{due.event.key}" in html
    assert f'href="/?known={K}">Permalink' in html
    assert f"/calendar.ics?known={K}" in html and f"/feeds/changes.atom?known={K}" in html


def test_the_home_page_refuses_a_bad_knowledge_date_and_record_time(client, demo):
    response = client.get("/?known=2025-02-30")
    assert response.status_code == 400
    assert "known must be a real date written YYYY-MM-DD, not '2025-02-30'." in text(response)
    response = client.get(f"/?known={K}&recorded=2025-05-01T00:00Z")  # before the store's first moment
    assert response.status_code == 400 and "recorded 1 May 2025 00:00:00 UTC is too early" in text(response)


def test_the_date_picker_keeps_the_knowledge_date(client, demo):
    response = client.get(f"/on/?date=2025-05-20&known={K}")
    assert response.status_code == 302 and response["Location"] == f"/on/2025-05-20/?known={K}"


@pytest.mark.parametrize("url", ["/feeds/changes.atom", "/instruments/ai-diffusion-rule/changes.atom"])
def test_a_feed_as_known_on_1_may_lists_what_was_known_up_to_then(client, demo, demo_data, url):
    response = client.get(f"{url}?known={K}")
    assert response.status_code == 200
    feed, found = entries(response)
    assert "(as known on 2025-05-01)" in feed.find(f"{ATOM}title").text
    assert f"known={K}" in feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert found and all(published <= K for _, _, published, _ in found)
    assert all(f"?known={K}#event-" in link for _, link, _, _ in found)
    body = response.content.decode()
    for title in later_titles(demo_data):
        assert title not in body
    assert not any(word in body for word in LATER_WORDS)
    # With every source the suspension is there.
    assert "enforcement suspended" in client.get(url).content.decode()


def test_a_later_source_does_not_date_or_source_a_feed_entry(client, demo):
    event = demo.events.get(kind="effective")
    notice = Document.objects.create(
        key="fr-later", kind="federal_register", title="A later notice", publisher="Later", published_on="2025-06-20"
    )
    Claim.objects.create(event=event, document=notice, date="2025-01-14")
    _, found = entries(client.get(f"/feeds/changes.atom?known={K}"))
    [effective] = [
        entry
        for entry in found
        if entry[1].endswith(
            "ai-diffusion-rule/?known=" + entry[1].split("known=")[1].split("#")[0] + "#event-effective"
        )
    ]
    assert effective[2] == "2025-01-13" and "A later notice" not in effective[3]
    _, found = entries(client.get("/feeds/changes.atom?known=2025-06-20"))
    [effective] = [
        entry
        for entry in found
        if entry[1].endswith(
            "ai-diffusion-rule/?known=" + entry[1].split("known=")[1].split("#")[0] + "#event-effective"
        )
    ]
    assert effective[2] == "2025-01-14" and "A later notice" in effective[3]


@pytest.mark.parametrize("url", ["/calendar.ics", "/instruments/ai-diffusion-rule/calendar.ics"])
def test_a_calendar_as_known_on_1_may_holds_the_dates_announced_by_then(client, demo, demo_data, url):
    response = client.get(f"{url}?known={K}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "as known on 2025-05-01" in Calendar.from_ical(response.content)["x-wr-calname"]
    found = calendar_events(response)
    assert {start.isoformat() for _, start, _, _ in found if "ai-diffusion-rule" in _} >= {"2025-05-15", "2026-01-15"}
    assert all(f"?known={K}#event-" in link for _, _, _, link in found)
    for title in later_titles(demo_data):
        assert title.replace(",", "\\,")[:40] not in body.replace("\r\n ", "")
    assert "suspend" not in body.lower()


def test_feeds_and_calendars_refuse_a_bad_knowledge_date_in_plain_text(client, demo):
    for url in ("/feeds/changes.atom", "/calendar.ics", "/instruments/ai-diffusion-rule/calendar.ics"):
        response = client.get(f"{url}?known=2025-13-01")
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/plain")
        assert "known must be a real date written YYYY-MM-DD" in response.content.decode()


def test_the_feed_the_calendar_and_the_home_counts_agree_with_the_engine_as_known_then(client, db, run):
    """On synthetic data, for random knowledge dates: the home page's counts are the engine's
    phases on K as known on K; the feed's entries are the latest events known on K, dated as
    known then; the calendar holds exactly the engine's dates (after delays, not pre-empted) from
    30 days before K to two years after, as known on K."""
    run("generate_synthetic", "--instruments", "30", "--seed", "11")
    instruments = {i.slug: i.engine_events() for i in Instrument.objects.all()}
    today = datetime.date.today()
    days = sorted(
        {c.published_on for evs in instruments.values() for e in evs for c in e.claims if c.published_on < today}
    )
    chance = random.Random(18)
    calendared = 0
    for _ in range(5):
        known = chance.choice(days) + datetime.timedelta(days=chance.randint(-2, 2))
        # Counted from the day each was public (its first source), as every list as known on K.
        expected = Counter(
            engine.status(events, known, known).phase
            for events in instruments.values()
            if named_as_known(events, known)
        )
        counts = {phase: n for phase, _, n in client.get(f"/?known={known}").context["counts"]}
        assert counts == dict(expected), known

        dated = sorted(
            (item.claimed_date, slug, item.event.key)
            for slug, events in instruments.items()
            for item in engine.timeline(events, known)
            if item.claimed_date <= known
        )[::-1]
        _, found = entries(client.get(f"/feeds/changes.atom?known={known}"))
        got = [
            (published, link.split("/instruments/")[1].split("/")[0], link.split("#event-")[1])
            for _, link, published, _ in found
        ]
        assert len(got) == min(50, len(dated))
        assert [day for day, _, _ in got] == [day.isoformat() for day, _, _ in dated[: len(got)]], known
        assert {(slug, key) for _, slug, key in got} <= {(slug, key) for _, slug, key in dated}

        window = (known - datetime.timedelta(days=30), known + datetime.timedelta(days=730))
        due = {
            (f"{slug}.{item.event.key}@policytrack", item.date)
            for slug, events in instruments.items()
            for item in engine.timeline(events, known)
            if item.event.kind in CALENDAR_KINDS and item.preempted_by is None and window[0] < item.date <= window[1]
        }
        found = {(uid, start) for uid, start, _, _ in calendar_events(client.get(f"/calendar.ics?known={known}"))}
        assert found == due, known
        calendared += len(due)
    assert calendared > 5  # the samples held dates: the comparison could fail


def test_on_says_which_day_the_home_page_the_feed_and_the_calendar_count_from(client, demo):
    """``on`` is read, never ignored: the home page on a day, a feed up to it, a calendar around it."""
    response = client.get("/?on=2025-05-20")
    assert "On 20 May 2025" in text(response) and "Today," not in text(response)
    assert "not_enforced" in {phase for phase, _, _ in response.context["counts"]}
    response = client.get(f"/?on=2025-05-20&known={K}")
    assert "On 20 May 2025, as known on 1 May 2025" in text(response)
    assert "not_enforced" not in {phase for phase, _, _ in response.context["counts"]}
    assert f'href="/?on=2025-05-20&amp;known={K}">Permalink' in response.content.decode()

    feed, found = entries(client.get("/instruments/ai-diffusion-rule/changes.atom?on=2025-05-12"))
    assert "(up to 2025-05-12)" in feed.find(f"{ATOM}title").text
    assert found and max(published for _, _, published, _ in found) <= "2025-05-12"

    name = "/instruments/ai-diffusion-rule/calendar.ics?on=2025-05-01"
    with_every_source = calendar_events(client.get(name))
    assert "(from 2025-05-01)" in str(Calendar.from_ical(client.get(name).content)["x-wr-calname"])
    assert "ai-diffusion-rule.enforcement-suspended@policytrack" in {uid for uid, _, _, _ in with_every_source}
    as_known = calendar_events(client.get(f"{name}&known={K}"))
    assert "ai-diffusion-rule.enforcement-suspended@policytrack" not in {uid for uid, _, _, _ in as_known}
    for url in ("/?on=2025-02-30", "/feeds/changes.atom?on=2025-02-30", "/calendar.ics?on=2025-02-30"):
        response = client.get(url)
        assert response.status_code == 400 and "on must be a real date" in response.content.decode(), url
