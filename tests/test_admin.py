"""The Django admin: every model listed, each with its history."""

import pytest
from django.urls import reverse

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, Topic

MODELS = [Agency, Topic, Instrument, InstrumentRelation, Document, Event, Claim]


def test_the_admin_index_lists_every_model(demo, client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    for model in MODELS:
        assert reverse(f"admin:timeline_{model._meta.model_name}_changelist") in html


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_list_and_a_history_page(demo, client, editor, model):
    client.force_login(editor)
    name = model._meta.model_name
    assert client.get(reverse(f"admin:timeline_{name}_changelist")).status_code == 200
    obj = model.objects.first()
    response = client.get(reverse(f"admin:timeline_{name}_history", args=[obj.pk]))
    assert response.status_code == 200


def test_the_instrument_page_shows_events_and_derived_periods(demo, client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:timeline_instrument_change", args=[demo.pk])).content.decode()
    assert "rescission-announced" in html
    assert "status periods (derived from the events; read-only)" in html.lower()


def test_an_edit_in_the_admin_records_who_made_it(demo, client, editor):
    client.force_login(editor)
    document = Document.objects.get(key="seed-002")
    data = {
        field: getattr(document, field) or ""
        for field in ("key", "kind", "title", "publisher", "url", "fr_document_number", "citation", "excerpt", "note")
    }
    data.update(published_on="2025-06-12", rank="1", opened_version=document.version)
    response = client.post(reverse("admin:timeline_document_change", args=[document.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert document.history.latest().history_user == editor
    event = demo.events.get(kind="enforcement_suspended")
    assert event.precision == "month"  # rebuilt in the same request


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    response = client.get(reverse("admin:timeline_event_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
