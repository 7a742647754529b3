"""Deleting an instrument created by mistake: a superuser's decision, never an editor's; what it
was stays readable at any moment before, on its page as in the API."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from policytrack.timeline.models import Claim, Document, Event, Instrument, InstrumentRelation, StatusPeriod
from policytrack.timeline.periods import tally_differences

from conftest import text

PAGE = "/instruments/ai-diffusion-rule/"


@pytest.fixture
def erin(django_user_model):
    user = django_user_model.objects.create_user("erin", password="erin-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def delete_in_the_admin(client, instrument):
    address = reverse("admin:timeline_instrument_delete", args=[instrument.pk])
    return client.get(address), client.post(address, {"post": "yes"})


def test_a_superuser_deletes_an_instrument_with_its_events_and_claims_but_not_its_documents(demo, client, editor):
    events = list(demo.events.values_list("pk", flat=True))
    documents = Document.objects.count()
    client.force_login(editor)
    confirmation, deleted = delete_in_the_admin(client, demo)
    assert confirmation.status_code == 200
    body = text(confirmation)
    assert "Are you sure you want to delete the instrument" in body
    assert "Event: AI Diffusion Rule: rescission announced 2025-05-13" in body  # listed as going with it
    assert "Claim: " in body
    assert deleted.status_code == 302
    assert not Instrument.objects.filter(slug="ai-diffusion-rule").exists()
    assert not Event.objects.filter(pk__in=events).exists()
    assert not Claim.objects.filter(event_id__in=events).exists()
    assert not StatusPeriod.objects.filter(instrument_id=demo.pk).exists()
    assert not InstrumentRelation.objects.filter(source_id=demo.pk).exists()
    assert not InstrumentRelation.objects.filter(target_id=demo.pk).exists()
    assert Document.objects.count() == documents  # evidence may support other instruments
    assert tally_differences() == []  # the phase counts no longer count it
    assert client.get(PAGE).status_code == 404


def test_an_editor_cannot_delete_an_instrument(demo, client, erin):
    client.force_login(erin)
    confirmation, deleted = delete_in_the_admin(client, demo)
    assert confirmation.status_code == 403
    assert deleted.status_code == 403
    assert Instrument.objects.filter(pk=demo.pk).exists()
    changes = client.get(reverse("admin:timeline_instrument_change", args=[demo.pk])).content.decode()
    assert reverse("admin:timeline_instrument_delete", args=[demo.pk]) not in changes


def test_a_deleted_instrument_is_shown_as_it_was_recorded_before_its_deletion(demo, client, editor):
    before = timezone.now()
    client.force_login(editor)
    _, deleted = delete_in_the_admin(client, demo)
    assert deleted.status_code == 302
    client.logout()
    moment = before.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    api = client.get("/api/instruments/ai-diffusion-rule/status/", {"on": "2025-05-20", "recorded": moment})
    assert api.status_code == 200
    page = client.get(PAGE, {"on": "2025-05-20", "recorded": moment})
    assert page.status_code == 200
    body = text(page)
    assert "AI Diffusion Rule" in body and "Framework for Artificial Intelligence Diffusion" in body
    assert "as this tracker recorded it at" in body
    assert "Bureau of Industry and Security (BIS)" in body and "export controls" in body
    assert api.json()["phase"] == "not_enforced"
    assert "Not enforced" in body or "not enforced" in body
    assert "rescission announced" in body.lower()

    after = client.get(PAGE, {"recorded": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")})
    assert after.status_code == 404
    assert "This tracker held no instrument “ai-diffusion-rule” at" in text(after)
