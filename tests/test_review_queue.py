"""The private review queue: proposals stay out of every public page, feed, API, calendar and
export; editors accept (as is, or edited) or reject them with a reason; accepting changes the
status exactly as the proposal's preview said."""

import datetime
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from policytrack.review.models import Proposal
from policytrack.review.proposals import preview
from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Event, Instrument, timeline_input

from conftest import text

MARKER = "Queued-proposal-marker"
QUEUE = "/admin/review/proposal/"
SHARED_FR = Path(__file__).parent / "data" / "federal_register" / "regulatory-document.json"


def new_document(**extra):
    return {
        "kind": "federal_register",
        "title": f"Rescission of the AI Diffusion Rule ({MARKER})",
        "publisher": "Federal Register",
        "url": "https://example.org/rescission",
        "published_on": "2026-12-01",
        **extra,
    }


def rescission(**event):
    """A proposed formal rescission of the demo rule on 15 January 2027, with its source."""
    return Proposal.objects.create(
        kind="new_event",
        origin="editor",
        summary=f"Rescinded ({MARKER})",
        source_publisher="Federal Register",
        source_title=f"Rescission ({MARKER})",
        source_url="https://example.org/rescission",
        payload={
            "instrument": "ai-diffusion-rule",
            "event": {"kind": "rescinded", "date": "2027-01-15", "note": f"note {MARKER}", **event},
            "claims": [{"document": new_document(), "date": "2027-01-15", "quote": f"rescinded {MARKER}"}],
        },
    )


def later_suspension():
    """A better-ranked source dating the enforcement suspension a week later."""
    return Proposal.objects.create(
        kind="new_claim",
        origin="statement",
        summary=f"Suspension dated 20 May ({MARKER})",
        payload={
            "instrument": "ai-diffusion-rule",
            "event": "enforcement-suspended",
            "claim": {
                "document": new_document(
                    kind="press_release", rank=1, published_on="2025-05-20", title=f"Commerce statement ({MARKER})"
                ),
                "date": "2025-05-20",
                "quote": f"from today {MARKER}",
            },
        },
    )


@pytest.fixture
def staff(django_user_model):
    def make(name, group):
        user = django_user_model.objects.create_user(name, password=f"{name}-password-123", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def phase(day):
    events = timeline_input(Instrument.objects.get(slug="ai-diffusion-rule").pk)[0]
    return engine.status(events, day).phase


def days():
    """Every day the tests look at: each first and fifteenth of a month, 2024 to 2028."""
    return [datetime.date(y, m, d) for y in range(2024, 2029) for m in range(1, 13) for d in (1, 15)]


def inside(change, day):
    start = datetime.date.fromisoformat(change["from"]) if change["from"] else datetime.date.min
    end = datetime.date.fromisoformat(change["to"]) if change["to"] else datetime.date.max
    return start <= day < end


# Private


def test_no_public_page_feed_api_calendar_or_export_shows_a_proposal(demo, client):
    rescission()
    later_suspension()
    Proposal.objects.create(
        kind="federal_register_document",
        origin="watcher",
        source_ref="fr:2024-31396",
        payload=json.loads(SHARED_FR.read_text()),
        summary="2024-31396 Feather River",
    )
    assert Proposal.objects.filter(status="pending").count() == 3
    documents = [f"/documents/{pk}/" for pk in Document.objects.values_list("pk", flat=True)]
    urls = [
        "/",
        "/instruments/",
        "/instruments/?format=csv",
        "/instruments/?q=rescission",
        "/instruments/ai-diffusion-rule/",
        "/instruments/ai-diffusion-rule/?on=2027-02-01",
        "/on/2027-02-01/",
        "/on/2027-02-01/?format=csv",
        "/changes/?from=2027-01-01&to=2027-12-31",
        "/changes/?from=2027-01-01&to=2027-12-31&format=csv",
        "/api/instruments/",
        "/api/instruments/?on=2027-02-01",
        "/api/instruments/ai-diffusion-rule/",
        "/api/instruments/ai-diffusion-rule/status/?on=2027-02-01",
        "/api/changes/?from=2027-01-01&to=2027-12-31",
        "/api/documents/",
        "/api/agencies/",
        "/feeds/changes.atom",
        "/instruments/ai-diffusion-rule/changes.atom",
        "/calendar.ics",
        "/instruments/ai-diffusion-rule/calendar.ics",
        *documents,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        assert MARKER not in body and "Feather River" not in body and "2027-01-15" not in body, url
    assert "not enforced" in text(client.get("/instruments/ai-diffusion-rule/?on=2027-02-01"))


# Previewed, then accepted exactly as previewed


@pytest.mark.parametrize(
    "make, changed",
    [
        (rescission, {"kind": "rescinded", "old": None, "new": "2027-01-15"}),
        (later_suspension, {"kind": "enforcement_suspended", "old": "2025-05-13", "new": "2025-05-20"}),
    ],
)
def test_accepting_changes_the_status_exactly_as_the_preview_said(demo, client, staff, make, changed):
    proposal = make()
    said = preview(proposal)
    assert said["error"] is None
    [instrument] = said["instruments"]
    assert [{k: line[k] for k in ("kind", "old", "new")} for line in instrument["events"]] == [changed]
    assert instrument["phases"]
    before = {day: phase(day) for day in days()}
    for change in instrument["phases"]:
        assert phase(datetime.date.fromisoformat(change["from"])) == change["before"]

    client.force_login(staff("erin", "Editors"))
    listing = client.get(QUEUE + "?status__exact=pending")
    assert f"{changed['old'] or '(new)'} → {changed['new']}" in text(listing)
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [proposal.pk]})

    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by.username == "erin"
    for change in instrument["phases"]:
        assert phase(datetime.date.fromisoformat(change["from"])) == change["after"]
    for day, was in before.items():
        expected = next((c["after"] for c in instrument["phases"] if inside(c, day)), was)
        assert phase(day) == expected, day
    # The stored status periods, which the lists read, were rebuilt in the same transaction.
    on = instrument["phases"][0]["from"]
    listed = {row["slug"]: row["phase"] for row in client.get(f"/api/instruments/?on={on}").json()["results"]}
    assert listed["ai-diffusion-rule"] == instrument["phases"][0]["after"]
    # With its history: who added it.
    claim = Claim.objects.get(quote__contains=MARKER)
    assert claim.history.first().history_user.username == "erin"


def test_the_queue_lists_pending_proposals_newest_first_with_their_source(demo, client, staff):
    older, newer = rescission(), later_suspension()
    done = rescission(key="another")
    Proposal.objects.filter(pk=done.pk).update(status="rejected", decided_at=datetime.datetime.now(datetime.UTC))
    client.force_login(staff("erin", "Editors"))
    response = client.get(QUEUE, follow=True)
    assert response.redirect_chain[0][0].endswith("status__exact=pending")
    assert list(response.context["cl"].result_list) == [newer, older]
    body = text(response)
    assert "Federal Register: Rescission (Queued-proposal-marker)" in body
    assert "2027-01-15 to open end: not enforced → rescinded" in body


# Decisions


def test_an_editor_can_edit_then_accept(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("erin", "Editors"))
    payload = {**proposal.payload, "event": {**proposal.payload["event"], "date": "2027-02-01"}}
    payload["claims"][0]["date"] = "2027-02-01"
    response = client.post(
        reverse("admin:review_proposal_change", args=[proposal.pk]),
        {
            "kind": "new_event",
            "origin": "editor",
            "summary": proposal.summary,
            "payload": json.dumps(payload),
            "source_publisher": "Federal Register",
            "source_title": "Rescission",
            "source_url": "https://example.org/r",
            "reason": "",
            "_accept": "Save and accept",
        },
        follow=True,
    )
    assert "accepted" in text(response)
    assert Event.objects.get(kind="rescinded").date == datetime.date(2027, 2, 1)
    assert phase(datetime.date(2027, 1, 20)) == "not_enforced" and phase(datetime.date(2027, 2, 1)) == "rescinded"


def test_a_proposal_that_does_not_fit_is_named_not_thrown(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("erin", "Editors"))
    payload = {**proposal.payload, "event": {**proposal.payload["event"], "date": "2027-02-30"}}
    response = client.post(
        reverse("admin:review_proposal_change", args=[proposal.pk]),
        {
            "kind": "new_event",
            "origin": "editor",
            "summary": "x",
            "payload": json.dumps(payload),
            "reason": "",
            "_accept": "Save and accept",
        },
    )
    assert response.status_code == 200
    assert "This would be refused: event.date must be a real date written YYYY-MM-DD, not '2027-02-30'" in text(
        response
    )
    assert not Event.objects.filter(kind="rescinded").exists()
    assert Proposal.objects.get().status == "pending"


def test_a_rejection_needs_a_reason_and_keeps_it(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("erin", "Editors"))
    url = reverse("admin:review_proposal_change", args=[proposal.pk])
    form = {
        "kind": "new_event",
        "origin": "editor",
        "summary": proposal.summary,
        "payload": json.dumps(proposal.payload),
        "source_publisher": "",
        "source_title": "",
        "source_url": "",
    }
    response = client.post(url, {**form, "reason": "", "_reject": "Reject"}, follow=True)
    assert "a rejection needs a reason" in text(response)
    assert Proposal.objects.get().status == "pending"
    client.post(url, {**form, "reason": "No rescission was published; this is a rumour.", "_reject": "Reject"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by.username) == (
        "rejected",
        "No rescission was published; this is a rumour.",
        "erin",
    )
    assert not Event.objects.filter(kind="rescinded").exists()


def test_only_editors_accept(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("ann", "Analysts"))
    assert client.get(QUEUE + "?status__exact=pending").status_code == 200  # analysts may look
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [proposal.pk]})
    response = client.post(
        reverse("admin:review_proposal_change", args=[proposal.pk]),
        {"kind": "new_event", "payload": json.dumps(proposal.payload), "_accept": "1"},
    )
    assert response.status_code == 403
    assert Proposal.objects.get().status == "pending"
    assert not Event.objects.filter(kind="rescinded").exists()


def test_a_proposal_is_decided_once(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("erin", "Editors"))
    for _ in range(2):
        client.post(QUEUE, {"action": "accept_selected", "_selected_action": [proposal.pk]})
    assert Event.objects.filter(kind="rescinded").count() == 1


def test_a_proposal_page_shows_its_preview_and_the_decision_buttons(demo, client, staff):
    proposal = rescission()
    client.force_login(staff("erin", "Editors"))
    page = client.get(reverse("admin:review_proposal_change", args=[proposal.pk]))
    assert page.status_code == 200
    body = text(page)
    assert "(new) → 2027-01-15" in body and "not enforced → rescinded" in body
    assert 'name="_accept"' in page.content.decode() and 'name="_reject"' in page.content.decode()
    assert client.get(reverse("admin:review_proposal_add")).status_code == 200
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [proposal.pk]})
    decided = client.get(reverse("admin:review_proposal_change", args=[proposal.pk]))
    assert decided.status_code == 200 and 'name="_accept"' not in decided.content.decode()


def test_proposals_can_be_rejected_from_the_queue_with_one_reason(demo, client, staff):
    first, second = rescission(), later_suspension()
    client.force_login(staff("erin", "Editors"))
    chosen = {"action": "reject_selected", "_selected_action": [first.pk, second.pk]}
    asked = client.post(QUEUE, chosen)
    assert asked.status_code == 200 and "Why (kept with each proposal)" in text(asked)
    refused = client.post(QUEUE, {**chosen, "apply": "Reject", "reason": " "})
    assert "A rejection needs a reason" in text(refused)
    assert Proposal.objects.filter(status="pending").count() == 2
    client.post(QUEUE, {**chosen, "apply": "Reject", "reason": "Duplicates of what the record holds."})
    assert set(Proposal.objects.values_list("status", "reason")) == {
        ("rejected", "Duplicates of what the record holds.")
    }
