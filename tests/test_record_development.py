"""The guided "Record a development" form: from a held document, a Federal Register number
(fetched from a local server standing in for the API, or refused in one line offline) or no
document; the instruments the document concerns with why each matched; the event asked once;
warnings about likely mistakes before filing; a proposal filed for review, or accepted at once by
an editor who may decide."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group

from policytrack.review.models import Proposal
from policytrack.timeline import engine
from policytrack.timeline.models import Document, Event, Instrument, timeline_input

from conftest import text

PAGE = "/admin/review/proposal/record/"

# A delay notice built for this test (not a real document): it names the rule by its citation,
# its RIN, its docket and its title.
DELAY_NOTICE = {
    "document_number": "2025-99901",
    "type": "Rule",
    "action": "Interim final rule; delay of compliance date.",
    "title": "Framework for Artificial Intelligence Diffusion; Delay of Compliance Date",
    "publication_date": "2025-05-14",
    "docket_ids": ["250107-0007"],
    "regulation_id_numbers": ["0694-AJ90"],
    "dates": "The compliance date of the interim final rule published January 15, 2025 (90 FR 4544) is delayed "
    "to January 15, 2026.",
    "html_url": "https://www.federalregister.gov/d/2025-99901",
    "citation": "90 FR 20000",
    "agencies": [{"slug": "industry-and-security-bureau", "name": "Industry and Security Bureau"}],
}


@pytest.fixture
def erin(django_user_model, client):
    user = django_user_model.objects.create_user("erin", password="erin-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def federal_register(httpserver, settings):
    httpserver.expect_request("/documents/2025-99901.json").respond_with_json(DELAY_NOTICE)
    httpserver.expect_request("/documents/2025-99999.json").respond_with_data("{}", status=404)
    settings.FEDERAL_REGISTER_API = httpserver.url_for("")


def held(key):
    return Document.objects.get(key=key).pk


def record(client, source, **event):
    """The second step, as the form posts it."""
    data = {
        "step": "record",
        "held": "",
        "fetched": "",
        "instrument": "ai-diffusion-rule",
        "precision": "day",
        "quote": "",
        "note": "",
        "target": "",
        "new_date": "",
        **source,
        **event,
    }
    return client.post(PAGE, data)


def phase(day):
    return engine.status(timeline_input(Instrument.objects.get(slug="ai-diffusion-rule").pk)[0], day).phase


# Starting


def test_a_held_document_is_chosen_by_autocomplete(demo, client, erin):
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "admin/js/autocomplete.js" in page.content.decode()
    found = client.get(
        "/admin/autocomplete/",
        {"term": "Diffusion", "app_label": "timeline", "model_name": "claim", "field_name": "document"},
    ).json()
    assert str(held("fr-2025-00636")) in [row["id"] for row in found["results"]]


def test_a_held_document_shows_the_instruments_it_concerns_and_why(demo, client, erin):
    page = text(client.post(PAGE, {"step": "start", "document": held("fr-2025-00636")}))
    assert "From Federal Register: Framework for Artificial Intelligence Diffusion (published 15 January 2025)" in page
    assert (
        "Framework for Artificial Intelligence Diffusion (ai-diffusion-rule) — matched by it already cites this "
        "document; title “Framework for Artificial Intelligence Diffusion”"
    ) in page
    assert "compliance-date (compliance date)" in page  # its events, for a delay's target
    # A statement held as a document leads to the instruments it is already a source for.
    page = text(client.post(PAGE, {"step": "start", "document": held("seed-001")}))
    assert "(ai-diffusion-rule) — matched by it already cites this document" in page


def test_a_federal_register_number_is_fetched_and_matched_by_docket_rin_citation_and_title(
    demo, client, erin, federal_register
):
    page = text(client.post(PAGE, {"step": "start", "fr_number": "2025-99901"}))
    assert (
        "From Federal Register 2025-99901: Framework for Artificial Intelligence Diffusion; Delay of "
        "Compliance Date (published 14 May 2025)" in page
    )
    assert (
        "(ai-diffusion-rule) — matched by a document it holds is 90 FR 4544; docket 250107-0007; RIN 0694-AJ90; "
        "title “Framework for Artificial Intelligence Diffusion”"
    ) in page


def test_without_a_network_a_number_gets_one_clear_message(demo, client, erin, settings):
    settings.FEDERAL_REGISTER_API = "http://127.0.0.1:9/api/v1"  # nothing listens on the discard port
    response = client.post(PAGE, {"step": "start", "fr_number": "2025-99901"})
    assert response.status_code == 200
    assert "cannot reach the Federal Register API at http://127.0.0.1:9/api/v1" in text(response)


@pytest.mark.parametrize(
    "start, message",
    [
        ({"fr_number": "90 FR 4544"}, "90 FR 4544: not a Federal Register document number like 2025-00636."),
        ({"fr_number": "2025-99999"}, "the Federal Register has no document with this number"),
        ({}, "Choose a held document, give a Federal Register document number, or paste a statement"),
        ({"fr_number": "2025-99901", "unsourced": "on"}, "Start from one document"),
        ({"document": "999999"}, "Select a valid choice."),
    ],
)
def test_a_bad_start_is_named(demo, client, erin, federal_register, start, message):
    response = client.post(PAGE, {"step": "start", **start})
    assert response.status_code == 200 and message in text(response)


# Filing


def test_it_files_a_proposal_for_a_second_pair_of_eyes(demo, client, erin, federal_register):
    fetched = json.dumps(DELAY_NOTICE)
    response = record(
        client,
        {"fetched": fetched},
        kind="delayed",
        date="2025-05-14",
        target="compliance-date",
        new_date="2026-01-15",
        quote=DELAY_NOTICE["dates"],
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == f"/admin/review/proposal/{proposal.pk}/change/"
    assert (proposal.status, proposal.origin, proposal.source_publisher) == ("pending", "editor", "Federal Register")
    assert proposal.payload["event"] == {
        "kind": "delayed",
        "date": "2025-05-14",
        "precision": "day",
        "note": "",
        "target": "compliance-date",
        "new_date": "2026-01-15",
    }
    assert proposal.payload["claims"][0]["document"]["fr_document_number"] == "2025-99901"
    assert not Event.objects.filter(kind="delayed").exists()
    assert "compliance date: 2025-05-15 → 2026-01-15" in text(client.get(response.url))


def test_an_editor_may_accept_at_once(demo, client, erin):
    assert phase(datetime.date(2025, 6, 1)) == "not_enforced"
    response = record(
        client,
        {"held": held("commerce-press-release-2025-05-13")},
        kind="rescinded",
        date="2025-05-20",
        accept_now="on",
    )
    instrument = Instrument.objects.get(slug="ai-diffusion-rule")
    assert response.status_code == 302 and response.url == f"/admin/timeline/instrument/{instrument.pk}/change/"
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.decided_by.username) == ("accepted", "erin")
    event = Event.objects.get(kind="rescinded")
    assert [c.document.key for c in event.claims.all()] == ["commerce-press-release-2025-05-13"]
    assert phase(datetime.date(2025, 6, 1)) == "rescinded"


def test_an_analyst_may_not_record(demo, client, django_user_model):
    analyst = django_user_model.objects.create_user("ann", password="ann-password-123", is_staff=True)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    assert client.get(PAGE).status_code == 403
    assert record(client, {"unsourced": "on"}, kind="rescinded", date="2025-05-20").status_code == 403
    assert not Proposal.objects.exists()


def test_an_unknown_instrument_or_target_is_named(demo, client, erin):
    page = text(
        record(
            client,
            {"held": held("fr-2025-00636")},
            instrument="-other-",
            other_instrument="no-such-rule",
            kind="rescinded",
            date="2025-05-20",
        )
    )
    assert "No instrument with the slug “no-such-rule”." in page
    page = text(
        record(
            client,
            {"held": held("fr-2025-00636")},
            kind="delayed",
            date="2025-05-20",
            target="nonesuch",
            new_date="2026-01-01",
        )
    )
    assert "ai-diffusion-rule has no event with the key “nonesuch”" in page
    assert not Proposal.objects.exists()


def test_a_tampered_step_starts_again_with_a_message(demo, client, erin):
    for source in ({"held": "abc"}, {"held": "99999"}, {"fetched": "{not json"}, {"fetched": "[1, 2]"}):
        response = record(client, source, kind="rescinded", date="2025-05-20")
        assert response.status_code == 302 and response.url == PAGE, source
        assert "could not be read back; start again" in text(client.get(PAGE))
    assert not Proposal.objects.exists()


# Warnings


def test_a_delay_whose_new_date_is_its_own_date_is_questioned(demo, client, erin):
    source = {"held": held("commerce-press-release-2025-05-13")}
    event = {"kind": "delayed", "date": "2026-01-15", "target": "compliance-date", "new_date": "2026-01-15"}
    page = record(client, source, **event)
    assert "The delay's new date (15 January 2026) is the delay's own date" in text(page)
    assert not Proposal.objects.exists()
    warned = page.context["warned"]
    record(client, source, **event, warned=warned, confirm="File anyway")
    assert Proposal.objects.get().payload["event"]["new_date"] == "2026-01-15"


def test_an_event_with_no_source_is_questioned(demo, client, erin):
    start = text(client.post(PAGE, {"step": "start", "unsourced": "on"}))
    assert "From no document: an unsourced event" in start
    page = text(record(client, {}, kind="rescinded", date="2025-05-20"))
    assert "The event has no source" in page
    assert not Proposal.objects.exists()


def test_a_date_before_the_document_is_questioned_unless_a_retroactive_effective_date(demo, client, erin):
    source = {"held": held("commerce-press-release-2025-05-13")}
    page = text(record(client, source, kind="rescinded", date="2025-05-01"))
    assert "1 May 2025 is before the document's publication (13 May 2025)" in page
    assert not Proposal.objects.exists()
    # The AI Diffusion Rule took effect two days before it was printed: no warning, filed at once.
    response = record(client, {"held": held("fr-2025-00636")}, kind="effective", date="2025-01-13")
    assert response.status_code == 302 and Proposal.objects.count() == 1


def test_confirming_one_warning_does_not_confirm_another(demo, client, erin):
    source = {"held": held("commerce-press-release-2025-05-13")}
    warned = record(client, source, kind="rescinded", date="2025-05-01").context["warned"]
    page = record(
        client,
        source,
        kind="delayed",
        date="2026-01-15",
        target="compliance-date",
        new_date="2026-01-15",
        warned=warned,
        confirm="File anyway",
    )
    assert "is the delay's own date" in text(page) and not Proposal.objects.exists()
