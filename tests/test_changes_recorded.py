"""/changes/, its CSV and /api/changes/ as recorded at a moment: the events, claims and documents
as this tracker held them then, each instrument under the slug and title it had then, as known
on a date when one is given (issue 18: every portfolio view takes on, known and recorded)."""

import csv
import datetime
import io
from urllib.parse import quote

import pytest
import time_machine

from policytrack.timeline.derived import DerivedRules
from policytrack.timeline.models import Claim, Document, Event, Instrument

from conftest import text

D = datetime.date
UTC = datetime.timezone.utc
START = datetime.datetime(2032, 3, 1, 10, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
WINDOW = "from=2025-04-01&to=2025-04-30"


def at(hours):
    """The moment ``hours`` after START, as a parameter."""
    return quote((START + hours * HOUR).isoformat())


def _instrument(slug, title, *events):
    """An instrument saved as an editor saves it, each event (key, kind, date, document) with one
    source, the document (key, title, published on)."""
    instrument = Instrument.objects.create(slug=slug, title=title, kind="rule")
    for position, (key, kind, day, (doc_key, doc_title, published_on)) in enumerate(events):
        event = Event.objects.create(instrument=instrument, key=key, kind=kind, date=day, position=position)
        document, _ = Document.objects.get_or_create(
            key=doc_key, defaults={"kind": "federal_register", "title": doc_title, "published_on": published_on}
        )
        Claim.objects.create(event=event, document=document, date=day)
    return instrument


NOTICE = ("notice", "Interim final rule", D(2025, 3, 1))


@pytest.fixture
def history(db):
    """Edited an hour apart from START: at +0 two rules (the chip rule in force from 10 April, the
    other from 5 April); +2 the chip rule rescinded on 20 April (published then); +3 renamed;
    +4 both rules' notices retitled; +5 its effective date's source retracted for one giving 25 April;
    +6 the rescission deleted; +7 a third rule created with an event in the window."""
    DerivedRules.objects.filter(pk=1).update(records_from=START - HOUR)
    with time_machine.travel(START, tick=False):
        chip = _instrument(
            "chip-rule",
            "Chip Rule",
            ("issued", "issued", D(2025, 3, 1), NOTICE),
            ("eff", "effective", D(2025, 4, 10), NOTICE),
        )
        _instrument(
            "other-rule", "Other Rule", ("eff", "effective", D(2025, 4, 5), ("other", "Other notice", D(2025, 3, 2)))
        )
    with time_machine.travel(START + 2 * HOUR, tick=False):
        rescission = ("rescission", "Rescission notice", D(2025, 4, 20))
        _add(chip, "end", "rescinded", D(2025, 4, 20), rescission, position=5)
    with time_machine.travel(START + 3 * HOUR, tick=False):
        chip.refresh_from_db()
        chip.slug, chip.title = "chip-rule-v2", "Chip Rule (renamed)"
        chip.save()
    with time_machine.travel(START + 4 * HOUR, tick=False):
        for key, title in (("notice", "Retitled notice"), ("other", "Other notice, corrected")):
            notice = Document.objects.get(key=key)
            notice.title = title
            notice.save()
    with time_machine.travel(START + 5 * HOUR, tick=False):
        effective = Event.objects.get(instrument=chip, key="eff")
        Claim.objects.create(
            event=effective,
            document=Document.objects.create(
                key="late", kind="federal_register", title="Late notice", published_on=D(2025, 4, 21)
            ),
            date=D(2025, 4, 25),
            position=1,
        )
        claim = effective.claims.get(document__key="notice")
        claim.retracted_at, claim.retraction_reason = START + 5 * HOUR, "Misread"
        claim.save()
    with time_machine.travel(START + 6 * HOUR, tick=False):
        Event.objects.get(instrument=chip, key="end").delete()
    with time_machine.travel(START + 7 * HOUR, tick=False):
        _instrument("new-rule", "New Rule", ("eff", "effective", D(2025, 4, 15), ("new", "New notice", D(2025, 3, 3))))
    return chip


def _add(instrument, key, kind, day, document, position):
    event = Event.objects.create(instrument=instrument, key=key, kind=kind, date=day, position=position)
    doc_key, title, published_on = document
    source = Document.objects.create(key=doc_key, kind="federal_register", title=title, published_on=published_on)
    Claim.objects.create(event=event, document=source, date=day)


def page(client, query):
    """{slug: (link, badges before → after, [(date, event link, sources)])} of /changes/?query, and the page."""
    with time_machine.travel(START + 8 * HOUR, tick=False):
        response = client.get(f"/changes/?{WINDOW}&{query}")
    assert response.status_code == 200, text(response)
    found = {}
    for change in response.context["page"].object_list:
        events = [(event.iso_date, event.link, [name for _, name, _ in event.sources]) for event in change.events]
        found[change.instrument.slug] = (change.link, change.before, change.after, events)
    return found, text(response)


def test_the_page_as_recorded_shows_the_events_sources_and_names_held_then(client, history):
    found, said = page(client, f"recorded={at(2.5)}")
    assert set(found) == {"chip-rule", "other-rule"}  # under its slug then; the new rule not yet
    link, before, after, events = found["chip-rule"]
    assert (before, after) == ("issued", "rescinded")  # the rescission, deleted since, still there
    assert link == f"/instruments/chip-rule/?on=2025-04-30&recorded={at(2.5)}"
    assert events == [
        ("2025-04-10", f"/instruments/chip-rule/?on=2025-04-10&recorded={at(2.5)}#event-eff", ["Interim final rule"]),
        ("2025-04-20", f"/instruments/chip-rule/?on=2025-04-20&recorded={at(2.5)}#event-end", ["Rescission notice"]),
    ]  # dated by the claim retracted since, under the notice's title then
    other = found["other-rule"]  # its notice retitled since: under its title then
    assert other[3] == [
        ("2025-04-05", f"/instruments/other-rule/?on=2025-04-05&recorded={at(2.5)}#event-eff", ["Other notice"])
    ]
    assert "What changed from 1 April 2025 to 30 April 2025, as recorded at 1 Mar 2032 12:30 UTC" in said
    assert "Chip Rule" in said and "Chip Rule (renamed)" not in said


def test_the_instruments_unchanged_since_are_read_as_now_with_links_carrying_the_moment(client, history):
    found, _ = page(client, f"recorded={at(6.5)}")
    assert set(found) == {"chip-rule-v2", "other-rule"}  # the rule created since is not there
    assert found["chip-rule-v2"][1:] == (
        "issued",
        "in_force",
        [("2025-04-25", f"/instruments/chip-rule-v2/?on=2025-04-25&recorded={at(6.5)}#event-eff", ["Late notice"])],
    )
    assert found["other-rule"][3][0][2] == ["Other notice, corrected"]


def test_before_an_event_was_added_it_is_absent(client, history):
    found, _ = page(client, f"recorded={at(1)}")
    _, before, after, events = found["chip-rule"]
    assert (before, after) == ("issued", "in_force")
    assert [day for day, *_ in events] == ["2025-04-10"]


def test_as_recorded_and_as_known_reads_the_sources_published_by_then_of_the_record_then(client, history):
    found, said = page(client, f"recorded={at(2.5)}&known=2025-04-18")
    link, before, after, events = found["chip-rule"]
    assert after == "in_force"  # the rescission was published on 20 April
    assert [day for day, *_ in events] == ["2025-04-10"]
    assert link == f"/instruments/chip-rule/?on=2025-04-30&known=2025-04-18&recorded={at(2.5)}"
    assert "as known on 18 April 2025, as recorded at 1 Mar 2032 12:30 UTC" in said


def test_now_the_page_shows_the_record_as_it_is(client, history):
    found, said = page(client, "")
    assert set(found) == {"chip-rule-v2", "other-rule", "new-rule"}
    _, _, after, events = found["chip-rule-v2"]
    assert after == "in_force" and [(day, sources) for day, _, sources in events] == [("2025-04-25", ["Late notice"])]
    assert "as recorded at" not in said


def test_the_csv_as_recorded(client, history):
    with time_machine.travel(START + 8 * HOUR, tick=False):
        response = client.get(f"/changes/?{WINDOW}&format=csv&recorded={at(2.5)}&known=2025-04-30")
    assert response.status_code == 200, text(response)
    assert "as-known-on-2025-04-30-recorded-20320301T123000Z" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [
        (r["date"], r["instrument"], r["title"], r["event"], r["phase_before"], r["phase_after"], r["sources"])
        for r in rows
    ] == [
        ("2025-04-05", "other-rule", "Other Rule", "effective", "not_yet_issued", "in_force", "Other notice"),
        ("2025-04-10", "chip-rule", "Chip Rule", "effective", "issued", "rescinded", "Interim final rule"),
        ("2025-04-20", "chip-rule", "Chip Rule", "rescinded", "issued", "rescinded", "Rescission notice"),
    ]
    assert (
        rows[1]["url"]
        == f"http://testserver/instruments/chip-rule/?on=2025-04-10&known=2025-04-30&recorded={at(2.5)}#event-eff"
    )


def test_the_api_as_recorded(client, history):
    with time_machine.travel(START + 8 * HOUR, tick=False):
        response = client.get(f"/api/changes/?{WINDOW}&recorded={at(2.5)}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["recorded"] == (START + 2.5 * HOUR).isoformat()
    assert [(i["slug"], i["title"], i["phase_before"], i["phase_after"], i["events"]) for i in body["instruments"]] == [
        ("chip-rule", "Chip Rule", "issued", "rescinded", ["eff", "end"]),
        ("other-rule", "Other Rule", "not_yet_issued", "in_force", ["eff"]),
    ]
    chip_events = [
        (e["instrument"], e["key"], e["date"], [c["document"]["title"] for c in e["claims"]]) for e in body["events"]
    ]
    assert chip_events == [
        ("other-rule", "eff", "2025-04-05", ["Other notice"]),
        ("chip-rule", "eff", "2025-04-10", ["Interim final rule"]),
        ("chip-rule", "end", "2025-04-20", ["Rescission notice"]),
    ]
    assert (
        body["events"][1]["url"]
        == f"http://testserver/instruments/chip-rule/?on=2025-04-10&recorded={at(2.5)}#event-eff"
    )


def test_a_moment_before_the_rows_kept_is_refused_naming_it(client, history):
    for address in ("/changes/", "/api/changes/"):
        response = client.get(f"{address}?{WINDOW}&recorded={quote((START - 2 * HOUR).isoformat())}")
        assert response.status_code == 400
        assert "recorded" in text(response) and "too early" in text(response)


def home(client, query):
    """The home page's counts, dates coming up and recent changes, each a list of links."""
    with time_machine.travel(START + 8 * HOUR, tick=False):
        response = client.get(f"/?{query}")
    assert response.status_code == 200, text(response)
    context = response.context
    counts = {phase: count for phase, _, count in context["counts"]}
    return counts, text(response), response.content.decode()


def test_the_home_page_as_recorded_counts_and_lists_what_was_held_then(client, history):
    counts, said, html = home(client, f"on=2025-04-22&recorded={at(2.5)}")
    assert counts == {"in_force": 1, "rescinded": 1}  # the new rule not yet; the chip rule's end not yet deleted
    assert f'href="/instruments/chip-rule/?on=2025-04-20&amp;recorded={at(2.5)}#event-end"' in html
    assert f'href="/instruments/other-rule/?on=2025-04-05&amp;recorded={at(2.5)}#event-eff"' in html
    assert "new-rule" not in html and "chip-rule-v2" not in html
    assert "as recorded at 1 Mar 2032 12:30 UTC" in said
    assert f'href="/?on=2025-04-22&amp;recorded={at(2.5)}"' in html  # the permalink


def test_the_home_page_as_recorded_and_known_dates_coming_up_as_then(client, history):
    _, said, html = home(client, f"on=2025-04-05&known=2025-04-18&recorded={at(2.5)}")
    coming = html.split('id="upcoming-heading"')[1].split("</section>")[0]
    assert (
        f'href="/instruments/chip-rule/?on=2025-04-10&amp;known=2025-04-18&amp;recorded={at(2.5)}#event-eff"' in coming
    )
    assert "event-end" not in coming  # the rescission was published on 20 April
    now = home(client, "on=2025-04-05")[2].split('id="upcoming-heading"')[1].split("</section>")[0]
    assert "/instruments/chip-rule-v2/?on=2025-04-25" in now and "/instruments/new-rule/?on=2025-04-15" in now
