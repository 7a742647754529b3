"""/changes/?known=K, its CSV and /api/changes/?known=K: what changed in a window as the sources
published by K told it — the phases as known on K, and only the events known on K, each dated
and sourced as those sources date it (issue 18 item 2)."""

import csv
import datetime
import io
import random


from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Instrument

from conftest import text
from test_status_periods import store

MAY = "from=2025-05-01&to=2025-05-31"


def rule_row(response):
    [row] = [item for item in response.context["page"].object_list if item.instrument.slug == "ai-diffusion-rule"]
    return row


def test_as_known_on_1_may_may_brought_the_compliance_date_and_no_suspension(client, demo):
    response = client.get(f"/changes/?{MAY}&known=2025-05-01")
    assert response.status_code == 200
    page = text(response)
    assert "What changed from 1 May 2025 to 31 May 2025, as known on 1 May 2025" in page
    assert "Read from the sources published by 1 May 2025 only" in page
    row = rule_row(response)
    assert (row.before, row.after) == ("in_force", "in_force")
    kinds = {event.kind_label for event in row.events}
    assert "First compliance date" in kinds
    assert not any("nforcement" in kind or "escission" in kind for kind in kinds), kinds
    # With every source: not enforced by the end of May, and the suspension listed.
    row = rule_row(client.get(f"/changes/?{MAY}"))
    assert row.after == "not_enforced"
    assert any("nforcement suspended" in event.kind_label for event in row.events)


def test_no_source_published_after_the_knowledge_date_is_named(client, demo, demo_data):
    html = client.get(f"/changes/?{MAY}&known=2025-05-01").content.decode()
    later = [d for d in demo_data["documents"] if d["published_on"] > "2025-05-01"]
    assert later
    for document in later:
        assert document["title"] not in html
        if document.get("publisher") and not any(
            d["publisher"] == document["publisher"] for d in demo_data["documents"] if d["published_on"] <= "2025-05-01"
        ):
            assert document["publisher"] not in html, document["publisher"]


def test_its_links_carry_the_knowledge_date(client, demo):
    response = client.get(f"/changes/?{MAY}&known=2025-05-01")
    html = response.content.decode()
    assert "known=2025-05-01" in rule_row(response).link
    assert all("known=2025-05-01" in event.link for event in rule_row(response).events)
    assert 'name="known" value="2025-05-01"' in html  # the filter form keeps it
    assert "/feeds/changes.atom?known=2025-05-01" in html
    for link in ("Permalink", "Download CSV"):
        [href] = [h for h, label in _anchors(html) if label == link]
        assert "known=2025-05-01" in href, (link, href)


def _anchors(html):
    import re

    return [
        (href.replace("&amp;", "&"), label.strip())
        for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)
    ]


def test_a_later_better_source_does_not_move_an_event_known_before_it(client, demo):
    """A source published after K that redates an event is not read as known on K: the event keeps
    the date the earlier sources gave, in the window they put it in."""
    event = demo.events.get(kind="compliance_date", date="2025-05-15")
    notice = Document.objects.create(
        key="fr-moved", kind="federal_register", title="Compliance moved", publisher="Moved", published_on="2025-06-20"
    )
    Claim.objects.create(event=event, document=notice, date="2025-07-01")
    dates = {e.iso_date for e in rule_row(client.get(f"/changes/?{MAY}&known=2025-05-01")).events}
    assert "2025-05-15" in dates
    july = client.get("/changes/?from=2025-07-01&to=2025-07-31&known=2025-05-01")
    assert "ai-diffusion-rule" not in [item.instrument.slug for item in july.context["page"].object_list] or not any(
        e.iso_date == "2025-07-01" for e in rule_row(july).events
    )
    # With the June notice known, the compliance date sits in July.
    july = client.get("/changes/?from=2025-07-01&to=2025-07-31&known=2025-06-20")
    assert "2025-07-01" in {e.iso_date for e in rule_row(july).events}
    assert "Moved" in text(july)
    assert "Moved" not in text(client.get(f"/changes/?{MAY}&known=2025-05-01"))


def test_the_csv_as_known_lists_what_was_known(client, demo):
    response = client.get(f"/changes/?{MAY}&known=2025-05-01&format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    mine = [row for row in rows if row["instrument"] == "ai-diffusion-rule"]
    assert mine and {row["phase_after"] for row in mine} == {"in_force"}
    assert "enforcement_suspended" not in {row["event"] for row in mine}
    assert all("known=2025-05-01" in row["url"] for row in mine)
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows if row["date"]) + [
        "" for row in rows if not row["date"]
    ]


def test_the_api_answers_known_and_still_refuses_recorded(client, demo):
    body = client.get(f"/api/changes/?{MAY}&known=2025-05-01&q=diffusion").json()
    assert body["known"] == "2025-05-01"
    [rule] = [row for row in body["instruments"] if row["slug"] == "ai-diffusion-rule"]
    assert (rule["phase_before"], rule["phase_after"]) == ("in_force", "in_force")
    kinds = {event["kind"] for event in body["events"] if event["instrument"] == "ai-diffusion-rule"}
    assert "compliance_date" in kinds and "enforcement_suspended" not in kinds
    assert all(f"&known=2025-05-01#event-{event['key']}" in event["url"] for event in body["events"])
    published = [claim["document"]["published_on"] for event in body["events"] for claim in event["claims"]]
    assert published and max(published) <= "2025-05-01"
    assert client.get(f"/api/changes/?{MAY}").json()["known"] is None
    response = client.get(f"/api/changes/?{MAY}&known=2025-05-01&recorded=2025-05-01T00:00Z")
    assert response.status_code == 400 and set(response.json()) == {"recorded"}
    response = client.get(f"/api/changes/?{MAY}&known=2025-05-32")
    assert response.status_code == 400 and "known" in response.json()


def test_a_bad_knowledge_date_is_refused_naming_it(client, demo):
    response = client.get(f"/changes/?{MAY}&known=2025-13-01")
    assert response.status_code == 400
    assert "known must be a real date written YYYY-MM-DD, not '2025-13-01'." in text(response)


def test_every_change_listed_is_the_engines_as_known_then(client, db, run):
    """On synthetic data, for random windows and knowledge dates: the page, its CSV and the API list
    exactly the instruments whose phase as known on K differs between the day before the window
    and its last day, or with an event known on K dated (as known on K) in it — with the
    engine's phases and those events' dates."""
    run("generate_synthetic", "--instruments", "30", "--seed", "7")
    instruments = {i.slug: i.engine_events() for i in Instrument.objects.all()}
    days = sorted({claim.published_on for evs in instruments.values() for e in evs for claim in e.claims})
    chance = random.Random(18)
    seen = set()
    for _ in range(8):
        start = chance.choice(days) + datetime.timedelta(days=chance.randint(-40, 0))
        end = start + datetime.timedelta(days=chance.randint(0, 365))
        known = chance.choice(days) + datetime.timedelta(days=chance.randint(-2, 2))
        before = start - datetime.timedelta(days=1)
        expected, dated = {}, set()
        for slug, events in instruments.items():
            phases = (engine.status(events, before, known).phase, engine.status(events, end, known).phase)
            mine = {
                (slug, item.event.key, item.claimed_date.isoformat())
                for item in engine.timeline(events, known)
                if start <= item.claimed_date <= end
            }
            if mine or phases[0] != phases[1]:
                expected[slug] = phases
                dated |= mine
        query = f"from={start}&to={end}&known={known}"
        response = client.get(f"/changes/?{query}")
        listed = {item.instrument.slug: (item.before, item.after) for item in response.context["page"].object_list}
        assert listed == expected, (start, end, known)
        shown = {
            (item.instrument.slug, e.link.split("#event-")[1], e.iso_date)
            for item in response.context["page"].object_list
            for e in item.events
        }
        assert shown == dated, (start, end, known)
        body = client.get(f"/api/changes/?{query}&page_size=500").json()
        assert {row["slug"]: (row["phase_before"], row["phase_after"]) for row in body["instruments"]} == expected
        assert {(e["instrument"], e["key"], e["date"]) for e in body["events"]} == dated
        rows = list(
            csv.DictReader(
                io.StringIO(b"".join(client.get(f"/changes/?{query}&format=csv").streaming_content).decode())
            )
        )
        assert {(r["instrument"], r["url"].split("#event-")[1], r["date"]) for r in rows if r["event"]} == dated
        assert {r["instrument"]: (r["phase_before"], r["phase_after"]) for r in rows} == expected
        seen |= dated
        seen |= {("changed", slug) for slug, (a, b) in expected.items() if a != b}
    # The samples did list events and changes of phase (the test could fail).
    assert len([s for s in seen if s[0] != "changed"]) > 10 and len([s for s in seen if s[0] == "changed"]) > 3


def test_a_search_of_no_word_as_known_matches_nothing_without_a_500(client, demo):
    for url in (f"/changes/?{MAY}&known=2025-05-01&q=%20%26%20", f"/api/changes/?{MAY}&known=2025-05-01&q=%20%26%20"):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(f"/changes/?{MAY}&known=2025-05-01&q=diffusion&agency=bis")
    assert response.status_code == 200
    assert [item.instrument.slug for item in response.context["page"].object_list] == ["ai-diffusion-rule"]


def test_a_single_on_date_is_refused_with_a_message_never_ignored(client, demo):
    """The changes take their valid time as a window; ``on`` would otherwise be silently dropped."""
    for url in (f"/changes/?{MAY}&on=2025-05-20", f"/changes/?{MAY}&on=2025-05-20&format=csv"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "take “from” and “to” (both days included), not “on”" in text(response)
    response = client.get(f"/api/changes/?{MAY}&on=2025-05-20")
    assert response.status_code == 400 and "not “on”" in response.json()["on"][0]


def test_a_phase_changed_by_a_delay_is_listed_though_no_event_known_then_is_dated_in_the_window(client, db):
    """An effective date of 1 March 2025 delayed to 10 June by a notice of 20 February: as known
    on 1 July, the rule comes into force in June, yet none of its events is dated in June (the
    effective date its sources give is in March, the delay's own in February). The changes of
    June must list it; as known on 1 February, before the delay, June changed nothing."""
    D = datetime.date
    rule = Instrument.objects.create(slug="delayed-rule", title="A delayed rule", kind="rule")
    final, delay = D(2025, 1, 10), D(2025, 2, 20)  # the rule's notice, and the delay's

    def said(key, day, published_on, **moved):
        return engine.Event(key, key, day, claims=(engine.Claim(f"fr-{key}", day, published_on, rank=1),), **moved)

    store(
        rule,
        [
            said("issued", final, final),
            said("effective", D(2025, 3, 1), final),
            said("delayed", delay, delay, target="effective", new_date=D(2025, 6, 10)),
        ],
    )
    events = rule.engine_events()
    assert (
        engine.status(events, D(2025, 5, 31), D(2025, 7, 1)).phase
        != engine.status(events, D(2025, 6, 30), D(2025, 7, 1)).phase
    )

    june = "from=2025-06-01&to=2025-06-30"
    listed = [
        item.instrument.slug for item in client.get(f"/changes/?{june}&known=2025-07-01").context["page"].object_list
    ]
    assert listed == ["delayed-rule"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(f"/changes/?{june}&known=2025-07-01&format=csv").streaming_content).decode()
            )
        )
    )
    assert {row["instrument"] for row in rows} == {"delayed-rule"}
    before_the_delay = client.get(f"/changes/?{june}&known=2025-02-01").context["page"].object_list
    assert not list(before_the_delay)
