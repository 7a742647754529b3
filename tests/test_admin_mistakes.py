"""Mistakes an editor can make in the admin, and what they are told: a typed date is kept or
refused with the reason, a delay dated on its own new date is questioned, and no constraint's
name reaches a page."""

import datetime

from django.apps import apps
from django.db.models import BaseConstraint
from django.urls import reverse

from policytrack.timeline.models import Document, Event, InstrumentRelation

from conftest import text


def sent_back(response, **changes):
    """Every field of the admin page's form and inline rows, as opened, with ``changes``."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or ():
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value is not None and value is not False:
                data[field.html_name] = value
    return data | changes


def edit(client, obj, **changes):
    page = reverse(f"admin:timeline_{obj._meta.model_name}_change", args=[obj.pk])
    return client.post(page, sent_back(client.get(page), **changes), follow=True)


# Dates typed by an editor


def test_a_date_typed_over_the_best_sources_is_refused_with_the_reason(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(key="effective")
    response = edit(client, event, date="2025-02-01")
    assert (
        "This event's date is its best source's: the best source, 90 FR 4544: Framework for Artificial "
        "Intelligence Diffusion, says 13 January 2025. To change the date, correct that claim's date, change the "
        "source's rank, or retract its claim."
    ) in text(response)
    assert "changed successfully" not in text(response)
    assert Event.objects.get(pk=event.pk).date == datetime.date(2025, 1, 13)


def test_a_date_typed_on_an_event_without_sources_is_kept(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(key="effective")
    event.claims.all().delete()
    response = edit(client, Event.objects.get(pk=event.pk), date="2025-02-01")
    assert "changed successfully" in text(response)
    assert Event.objects.get(pk=event.pk).date == datetime.date(2025, 2, 1)


def test_the_same_date_is_refused_on_the_instrument_page(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(key="effective")
    page = reverse("admin:timeline_instrument_change", args=[demo.pk])
    opened = client.get(page)
    prefix = next(
        form.prefix for form in opened.context["inline_admin_formsets"][0].formset.forms if form.instance == event
    )
    response = client.post(page, sent_back(opened, **{f"{prefix}-date": "2025-02-01"}))
    assert "the best source, 90 FR 4544: Framework for Artificial Intelligence Diffusion, says 13 January 2025" in text(
        response
    )
    assert Event.objects.get(pk=event.pk).date == datetime.date(2025, 1, 13)


def test_a_delay_dated_on_its_own_new_date_gets_a_warning(demo, client, editor):
    client.force_login(editor)
    target = demo.events.get(key="compliance-date")
    page = reverse("admin:timeline_event_add")
    response = client.post(
        page,
        {
            "instrument": demo.pk,
            "kind": "delayed",
            "date": "2025-09-01",
            "precision": "day",
            "position": "20",
            "target": target.pk,
            "new_date": "2025-09-01",
            "note": "",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert "was added successfully" in text(response)
    assert (
        "the delay “delayed-2025-09-01” is dated 1 September 2025, the same day as its new date. A delay's date "
        "is the day it was decided or published"
    ) in text(response)


# Constraints in plain words


def test_no_constraint_name_reaches_an_editor(demo, client, editor):
    client.force_login(editor)
    relations = InstrumentRelation.objects.count()
    relation = client.post(
        reverse("admin:timeline_instrumentrelation_add"), {"source": demo.pk, "kind": "related", "target": demo.pk}
    )
    assert "An instrument cannot be related to itself." in text(relation)
    assert InstrumentRelation.objects.count() == relations

    taken = Document.objects.exclude(fr_document_number="").first()
    document = client.post(
        reverse("admin:timeline_document_add"),
        {
            "kind": "federal_register",
            "title": "A copy",
            "published_on": "2025-01-15",
            "fr_document_number": taken.fr_document_number,
        },
    )
    assert "Another document already has this FR document number." in text(document)

    event = edit(client, demo.events.get(key="effective"), new_date="2025-09-01")
    assert "Only a delay has a new date; leave this empty." in text(event)
    for response in (relation, document, event):
        assert "Constraint “" not in text(response) and "is violated" not in text(response)


def test_every_constraint_has_words_for_editors():
    named = [
        constraint for model in apps.get_app_config("timeline").get_models() for constraint in model._meta.constraints
    ]
    assert len(named) >= 11
    assert [c.name for c in named if c.violation_error_message == BaseConstraint.default_violation_error_message] == []


def test_a_new_events_typed_date_overridden_by_its_source_is_said(demo, client, editor):
    client.force_login(editor)
    document = demo.events.get(key="effective").claims.get().document
    response = client.post(
        reverse("admin:timeline_event_add"),
        {
            "instrument": demo.pk,
            "kind": "compliance_date",
            "date": "2026-03-01",
            "precision": "day",
            "position": "30",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
            "claims-0-document": document.pk,
            "claims-0-date": "2026-04-01",
            "claims-0-precision": "day",
            "claims-0-position": "0",
            "claims-0-quote": "Comply by April 1, 2026.",
        },
        follow=True,
    )
    assert (
        "the date typed, 1 March 2026, is not the one saved: 1 April 2026, the date the best source, 90 FR 4544: "
        "Framework for Artificial Intelligence Diffusion, gives."
    ) in text(response)
    assert demo.events.get(position=30).date == datetime.date(2026, 4, 1)
