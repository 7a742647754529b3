"""A wrong claim is retracted, never deleted: it stays in the record, struck through with its
reason, and stops counting — the event takes its next best source's date and the stored
status periods follow."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from policytrack.timeline.models import Claim, Event, StatusPeriod
from policytrack.timeline.periods import find_stale_status_periods

from conftest import text

MAY_12, MAY_13 = datetime.date(2025, 5, 12), datetime.date(2025, 5, 13)


@pytest.fixture
def erin(django_user_model):
    user = django_user_model.objects.create_user("erin", password="erin-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def best_claim(demo):
    """The suspension of enforcement is dated 13 May 2025 by Commerce's press release, its best
    source; another press release, published a day earlier, says 12 May."""
    event = demo.events.get(key="enforcement-suspended")
    assert event.date == MAY_13
    return event.claims.get(document__key="commerce-press-release-2025-05-13")


def retract(client, claim, reason):
    return client.post(reverse("admin:timeline_claim_retract", args=[claim.pk]), {"reason": reason}, follow=True)


def test_retracting_the_best_claim_dates_the_event_by_the_next_best(demo, client, erin, best_claim):
    client.force_login(erin)
    in_force = StatusPeriod.objects.filter(instrument=demo, phase="in_force")
    assert list(in_force.values_list("valid_to", flat=True)) == [MAY_13]

    response = retract(client, best_claim, "Misread: the release announces the suspension made the day before.")

    assert "Retracted: " in text(response) and "The event's date is now 12 May 2025 (was 13 May 2025)" in text(response)
    assert Event.objects.get(pk=best_claim.event_id).date == MAY_12
    # The stored periods follow, in the same save: none left stale.
    assert list(in_force.values_list("valid_to", flat=True)) == [MAY_12]
    assert StatusPeriod.objects.filter(instrument=demo, phase="not_enforced", valid_from=MAY_12).exists()
    assert list(find_stale_status_periods([demo.pk])) == []
    claim = Claim.objects.get(pk=best_claim.pk)  # kept, with who, when and why
    assert claim.retracted_by == erin and claim.retracted_at is not None
    assert claim.retraction_reason.startswith("Misread")
    assert claim.history.latest().history_user == erin


def test_the_page_shows_a_retracted_claim_struck_through_with_its_reason(demo, client, erin, best_claim):
    client.force_login(erin)
    retract(client, best_claim, "Wrong document attached.")
    client.logout()

    page = client.get(reverse("web:instrument_detail", args=[demo.slug]))
    body = page.content.decode()
    title = best_claim.document.title
    assert (
        f'<del><span class="claimed-date">13 May 2025</span> <a href="/documents/{best_claim.document_id}/">'
        f"{title}</a></del>" in body
    )
    assert "Wrong document attached." in text(page)
    event = client.get(reverse("api:instrument-detail", args=[demo.slug])).json()
    claims = next(e for e in event["events"] if e["key"] == "enforcement-suspended")["claims"]
    retracted = [c for c in claims if c["retracted_at"]]
    assert [c["retraction_reason"] for c in retracted] == ["Wrong document attached."]


def test_a_retraction_needs_a_reason(demo, client, erin, best_claim):
    client.force_login(erin)
    response = retract(client, best_claim, "  ")
    assert "Say why the claim is retracted" in text(response)
    assert Claim.objects.get(pk=best_claim.pk).retracted_at is None
    assert Event.objects.get(pk=best_claim.event_id).date == MAY_13


def test_an_analyst_cannot_retract(demo, client, django_user_model, best_claim):
    ann = django_user_model.objects.create_user("ann", password="ann-password-123", is_staff=True)
    ann.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(ann)
    assert retract(client, best_claim, "Because.").status_code == 403
    assert Claim.objects.get(pk=best_claim.pk).retracted_at is None


def test_the_event_page_links_to_the_retraction_and_shows_one(demo, client, erin, best_claim):
    client.force_login(erin)
    change = reverse("admin:timeline_event_change", args=[best_claim.event_id])
    assert reverse("admin:timeline_claim_retract", args=[best_claim.pk]) in client.get(change).content.decode()
    retract(client, best_claim, "Superseded by the Federal Register notice.")
    assert "by erin: Superseded by the Federal Register notice." in text(client.get(change))
