"""Editors at work in the admin: the Federal Register import with its preview, groups and
permissions, validation and warnings, and two editors saving the same event at once."""

import datetime
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from policytrack.ingest import federal_register
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, Topic

from conftest import text

DATA = Path(__file__).parent / "data" / "federal_register"
IMPORT = "/admin/timeline/document/import-federal-register/"


@pytest.fixture
def staff(django_user_model):
    def make(name, group):
        user = django_user_model.objects.create_user(name, password=f"{name}-password-123", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def counts():
    return [model.objects.count() for model in (Document, Instrument, Event, Claim)]


# The import page


def test_an_upload_is_previewed_then_imported_on_confirmation(db, client, staff):
    client.force_login(staff("erin", "Editors"))
    with open(DATA / "regulatory-document.json", "rb") as upload:
        preview = client.post(IMPORT, {"file": upload, "preview": "Preview"})
    body = text(preview)
    assert "Preview: what importing 1 document would do" in body
    assert "1 agency created, 2 claims created, 1 document created, 2 events created, 1 instrument created" in body
    assert "create document 89 FR 107012: Air Plan Revisions; California" in body
    assert (
        "create instrument air-plan-revisions-california-feather-river-air-quality-management-district (rule)" in body
    )
    assert "create event effective 2025-01-30" in body
    assert counts() == [0, 0, 0, 0]  # a preview writes nothing

    payload = preview.context["payload"]
    done = client.post(IMPORT, {"payload": payload, "confirm": "Confirm import"}, follow=True)
    assert "Imported 1 Federal Register document" in text(done)
    assert counts() == [1, 1, 2, 2]
    assert Document.history.latest().history_user.username == "erin"  # attributed


def test_numbers_are_fetched_once_and_the_previewed_documents_imported(db, client, editor, monkeypatch):
    fetched = []

    def fetch(number):
        fetched.append(number)
        return json.loads((DATA / "executive-order-document.json").read_text())

    monkeypatch.setattr(federal_register, "fetch_document", fetch)
    client.force_login(editor)
    preview = client.post(IMPORT, {"numbers": "2026-19417", "preview": "Preview"})
    assert "create instrument restoring-american-saltwater-angling-and-recreation (executive order)" in text(preview)
    client.post(IMPORT, {"payload": preview.context["payload"], "confirm": "Confirm import"})
    assert fetched == ["2026-19417"]
    assert Instrument.objects.get().kind == "executive_order"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"numbers": "not-a-number"}, "not-a-number: not a Federal Register document number like 2025-00636"),
        ({"numbers": ""}, "Paste at least one document number or choose a JSON file."),
    ],
)
def test_bad_input_on_the_import_page_is_named_and_nothing_written(db, client, editor, data, message):
    client.force_login(editor)
    body = text(client.post(IMPORT, {**data, "preview": "Preview"}))
    assert message in body and "Nothing was imported." in body
    assert counts() == [0, 0, 0, 0]


def test_an_offline_fetch_or_an_impossible_date_is_shown_not_thrown(db, client, editor, monkeypatch, tmp_path):
    def offline(number):
        raise federal_register.FederalRegisterError(number, [("", "cannot reach the Federal Register API")])

    monkeypatch.setattr(federal_register, "fetch_document", offline)
    client.force_login(editor)
    assert "2025-00636: cannot reach the Federal Register API" in text(
        client.post(IMPORT, {"numbers": "2025-00636", "preview": "Preview"})
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(json.loads((DATA / "regulatory-document.json").read_text()) | {"publication_date": "2024-02-30"})
    )
    with open(bad, "rb") as upload:
        body = text(client.post(IMPORT, {"file": upload, "preview": "Preview"}))
    assert "publication_date: expected a real date as YYYY-MM-DD, got '2024-02-30'" in body
    assert counts() == [0, 0, 0, 0]


def test_the_document_list_links_to_the_import_page_for_editors_only(db, client, staff):
    client.force_login(staff("erin", "Editors"))
    assert IMPORT in client.get("/admin/timeline/document/").content.decode()
    client.force_login(staff("ann", "Analysts"))
    listing = client.get("/admin/timeline/document/")
    assert listing.status_code == 200 and IMPORT not in listing.content.decode()


# Groups and permissions on every write path


def test_analysts_can_read_the_admin_but_not_write_or_import(demo, client, staff):
    client.force_login(staff("ann", "Analysts"))
    event = demo.events.get(kind="effective")
    assert client.get(reverse("admin:timeline_event_change", args=[event.pk])).status_code == 200  # view only
    assert (
        client.post(reverse("admin:timeline_event_change", args=[event.pk]), {"kind": "rescinded"}).status_code == 403
    )
    assert client.get(reverse("admin:timeline_document_add")).status_code == 403
    assert client.post(IMPORT, {"numbers": "2025-00636"}).status_code == 403
    assert Event.objects.get(pk=event.pk).kind == "effective"


def test_editors_may_change_but_never_delete_evidence(demo, client, staff):
    client.force_login(staff("erin", "Editors"))
    document = Document.objects.get(key="seed-002")
    assert client.get(reverse("admin:timeline_document_change", args=[document.pk])).status_code == 200
    assert (
        client.post(reverse("admin:timeline_document_delete", args=[document.pk]), {"post": "yes"}).status_code == 403
    )
    claim = Claim.objects.first()
    assert client.post(reverse("admin:timeline_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists() and Claim.objects.filter(pk=claim.pk).exists()


def test_anonymous_visitors_cannot_import(db, client):
    response = client.post(IMPORT, {"numbers": "2025-00636"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_whole_site_can_be_made_login_only(demo, client, settings, analyst):
    settings.POLICYTRACK_LOGIN_REQUIRED = True
    for address in ("/", "/instruments/ai-diffusion-rule/", "/api/instruments/"):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=")
    assert client.get("/admin/login/").status_code == 200
    client.force_login(analyst)
    assert client.get("/").status_code == 200


# Validation and warnings


def event_form(event, **changes):
    data = {
        "instrument": event.instrument_id,
        "key": event.key,
        "kind": event.kind,
        "date": event.date,
        "precision": event.precision,
        "position": event.position,
        "note": event.note,
        "target": event.target_id or "",
        "new_date": event.new_date or "",
        "opened_version": event.version,
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {key: ("" if value is None else value) for key, value in data.items()}


def test_a_delay_needs_its_target_and_new_date(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(kind="compliance_date", date=datetime.date(2025, 5, 15))
    response = client.post(reverse("admin:timeline_event_change", args=[event.pk]), event_form(event, kind="delayed"))
    assert response.status_code == 200
    body = text(response)
    assert "A delay needs the event it moves." in body and "A delay needs the date it moves its target to." in body
    other = client.post(
        reverse("admin:timeline_event_change", args=[event.pk]), event_form(event, new_date="2025-09-01")
    )
    assert "Only a delay has a new date; leave this empty." in text(other)
    assert Event.objects.get(pk=event.pk).kind == "compliance_date"


def test_a_claim_must_name_a_document(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(kind="effective")
    data = event_form(
        event,
        **{
            "claims-TOTAL_FORMS": "1",
            "claims-0-date": "2025-01-13",
            "claims-0-precision": "day",
            "claims-0-position": "0",
            "claims-0-document": "",
            "claims-0-quote": "Effective.",
        },
    )
    response = client.post(reverse("admin:timeline_event_change", args=[event.pk]), data)
    assert response.status_code == 200 and "This field is required." in text(response)


def test_an_effective_date_before_publication_is_a_warning_not_an_error(demo, client, editor):
    client.force_login(editor)
    event = demo.events.get(kind="comment_period_closes")
    response = client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        event_form(event, note="Comments closed as scheduled."),
        follow=True,
    )
    assert response.status_code == 200
    assert "effective 2025-01-13 is before publication 2025-01-15 — possible" in text(response)
    assert Event.objects.get(pk=event.pk).note == "Comments closed as scheduled."


# Two editors at once


def test_the_second_of_two_simultaneous_saves_is_refused_and_loses_nothing(
    demo, client, editor, staff, django_user_model
):
    other = staff("erin", "Editors")
    event = demo.events.get(kind="comment_period_closes")
    first, second = event_form(event, note="Bob's note."), event_form(event, note="Erin's note.")  # both opened now

    client.force_login(editor)
    assert client.post(reverse("admin:timeline_event_change", args=[event.pk]), first).status_code == 302
    client.force_login(other)
    refused = client.post(reverse("admin:timeline_event_change", args=[event.pk]), second)
    assert refused.status_code == 200
    assert "Someone else changed this event since you opened it; nothing was saved." in text(refused)
    assert Event.objects.get(pk=event.pk).note == "Bob's note."

    reopened = event_form(Event.objects.get(pk=event.pk), note="Erin's note.")
    assert client.post(reverse("admin:timeline_event_change", args=[event.pk]), reopened).status_code == 302
    assert Event.objects.get(pk=event.pk).note == "Erin's note."


# Revert from the history page


def sent_back(response, **changes):
    """What the browser sends back from an admin form page: every field of the form and of its
    inline rows as opened, with ``changes``."""
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


# Each history-tracked model, with a field a revert would change back.
REVERTIBLE = [
    (Agency, "name"),
    (Topic, "name"),
    (Instrument, "title"),
    (Document, "title"),
    (Event, "note"),
    (Claim, "quote"),
    (InstrumentRelation, "kind"),
]


def changed_since_first_record(model, field):
    """An object whose first history record says ``field`` was something else."""
    obj = model.objects.first()
    obj.save()  # a first record, should the import have made none
    before = getattr(obj, field)
    setattr(obj, field, "related" if model is InstrumentRelation else f"{before} (changed)")
    obj.save()
    return obj, before, obj.history.earliest().history_id


def history_page(model, obj, history_id):
    return reverse(f"admin:timeline_{model._meta.model_name}_simple_history", args=[obj.pk, history_id])


@pytest.mark.parametrize("model, field", REVERTIBLE, ids=lambda m: getattr(m, "__name__", ""))
def test_an_analyst_can_view_an_old_version_but_not_revert_to_it(demo, client, staff, model, field):
    obj, before, first = changed_since_first_record(model, field)
    now = getattr(obj, field)
    client.force_login(staff("ann", "Analysts"))
    page = client.get(history_page(model, obj, first))
    assert page.status_code == 200
    assert client.post(history_page(model, obj, first), sent_back(page)).status_code == 403
    assert getattr(model.objects.get(pk=obj.pk), field) == now
    assert obj.history.latest().history_user is None  # nothing recorded in the analyst's name


@pytest.mark.parametrize("model, field", REVERTIBLE, ids=lambda m: getattr(m, "__name__", ""))
def test_an_editor_can_revert_to_an_old_version(demo, client, staff, model, field):
    obj, before, first = changed_since_first_record(model, field)
    client.force_login(staff("erin", "Editors"))
    page = client.get(history_page(model, obj, first))
    reverted = client.post(history_page(model, obj, first), sent_back(page))
    assert reverted.status_code == 302, text(reverted)[:3000]
    assert getattr(model.objects.get(pk=obj.pk), field) == before
    assert obj.history.latest().history_user.username == "erin"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("model, field", [(Instrument, "title"), (Event, "note")], ids=["Instrument", "Event"])
def test_a_revert_saves_in_its_own_transaction(demo, client, staff, model, field):
    """Outside a test's transaction, as in production: the version check locks the row, which
    PostgreSQL allows only in a transaction."""
    obj, before, first = changed_since_first_record(model, field)
    client.force_login(staff("erin", "Editors"))
    page = client.get(history_page(model, obj, first))
    assert client.post(history_page(model, obj, first), sent_back(page)).status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), field) == before


def test_a_deleted_record_is_brought_back_only_by_someone_who_may_add_it(demo, client, staff):
    topic = Topic.objects.create(slug="export-controls-2", name="Export controls, again")
    first = topic.history.latest().history_id
    Topic.objects.get(pk=topic.pk).delete()
    client.force_login(staff("ann", "Analysts"))
    page = client.get(history_page(Topic, topic, first))
    assert page.status_code == 200
    assert client.post(history_page(Topic, topic, first), sent_back(page)).status_code == 403
    assert not Topic.objects.filter(pk=topic.pk).exists()
    client.force_login(staff("erin", "Editors"))
    assert client.post(history_page(Topic, topic, first), sent_back(page)).status_code == 302
    assert Topic.objects.get(pk=topic.pk).name == "Export controls, again"


def test_a_history_page_with_a_malformed_address_is_not_found(demo, client, staff):
    client.force_login(staff("erin", "Editors"))
    assert client.get("/admin/timeline/instrument/abc/history/1/").status_code == 404
    assert client.post(f"/admin/timeline/instrument/{demo.pk}/history/x/", {"title": "x"}).status_code == 404


# Evidence is never deleted by an editor


def test_an_editor_cannot_delete_an_event_or_its_claims_through_an_inline_row(demo, client, staff):
    client.force_login(staff("erin", "Editors"))
    event = demo.events.get(kind="effective")
    claims = set(event.claims.values_list("pk", flat=True))
    assert claims
    for page_name, obj, row in (("instrument", demo, event), ("event", event, event.claims.first())):
        change = reverse(f"admin:timeline_{page_name}_change", args=[obj.pk])
        page = client.get(change)
        prefix = next(
            form.prefix
            for inline in page.context["inline_admin_formsets"]
            for form in inline.formset.forms
            if form.instance == row
        )
        assert f'name="{prefix}-DELETE"' not in page.content.decode()  # no Delete box
        saved = client.post(change, sent_back(page, **{f"{prefix}-DELETE": "on"}), follow=True)
        assert saved.status_code == 200 and "was changed successfully" in text(saved)
        assert Event.objects.filter(pk=event.pk).exists()
        assert set(Claim.objects.filter(event=event).values_list("pk", flat=True)) == claims


def test_an_editor_cannot_delete_even_an_event_without_claims(demo, client, staff):
    event = Event.objects.create(instrument=demo, key="hearing", kind="proposed", date=datetime.date(2024, 1, 2))
    client.force_login(staff("erin", "Editors"))
    assert client.post(reverse("admin:timeline_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    listing = client.get(reverse("admin:timeline_event_changelist"))
    assert "Delete selected events" not in text(listing)
    assert Event.objects.filter(pk=event.pk).exists()


# Every change form is checked against the version it was opened at


def test_the_second_of_two_editors_saving_one_claim_is_refused(demo, client, staff):
    claim = demo.events.get(kind="effective").claims.first()
    change = reverse("admin:timeline_claim_change", args=[claim.pk])
    bob, erin = client, Client()
    bob.force_login(staff("bob", "Editors"))
    erin.force_login(staff("erin", "Editors"))
    bobs, erins = bob.get(change), erin.get(change)  # both open the claim
    assert bob.post(change, sent_back(bobs, quote="Bob's quote.")).status_code == 302
    refused = erin.post(change, sent_back(erins, quote="Erin's quote."))
    assert refused.status_code == 200
    assert "Someone else changed this claim since you opened it; nothing was saved." in text(refused)
    assert Claim.objects.get(pk=claim.pk).quote == "Bob's quote."


@pytest.mark.parametrize("page_name, row_name, field", [("event", "claim", "quote"), ("instrument", "event", "note")])
def test_a_row_saved_through_an_inline_is_checked_too(demo, client, staff, page_name, row_name, field):
    event = demo.events.get(kind="effective")
    obj, row = (event, event.claims.first()) if page_name == "event" else (demo, event)
    page_address = reverse(f"admin:timeline_{page_name}_change", args=[obj.pk])
    row_address = reverse(f"admin:timeline_{row_name}_change", args=[row.pk])
    bob, erin = client, Client()
    bob.force_login(staff("bob", "Editors"))
    erin.force_login(staff("erin", "Editors"))
    erins = erin.get(page_address)  # Erin opens the page with the row inline
    assert bob.post(row_address, sent_back(bob.get(row_address), **{field: "Bob's text."})).status_code == 302
    prefix = next(
        form.prefix
        for inline in erins.context["inline_admin_formsets"]
        for form in inline.formset.forms
        if form.instance == row
    )
    refused = erin.post(page_address, sent_back(erins, **{f"{prefix}-{field}": "Erin's text."}))
    assert refused.status_code == 200
    assert f"Someone else changed this {row_name} since you opened it; nothing was saved." in text(refused)
    assert getattr(type(row).objects.get(pk=row.pk), field) == "Bob's text."


def test_an_untouched_inline_row_is_left_alone(demo, client, staff):
    event = demo.events.get(kind="effective")
    change = reverse("admin:timeline_instrument_change", args=[demo.pk])
    client.force_login(staff("erin", "Editors"))
    opened = Event.objects.get(pk=event.pk).version
    assert client.post(change, sent_back(client.get(change), summary="Erin's summary.")).status_code == 302
    assert Instrument.objects.get(pk=demo.pk).summary == "Erin's summary."
    assert Event.objects.get(pk=event.pk).version == opened


@pytest.mark.parametrize(
    "model, field",
    [(Instrument, "title"), (Document, "title"), (Event, "note"), (Claim, "quote")],
    ids=lambda m: getattr(m, "__name__", ""),
)
def test_a_change_sent_without_the_version_it_was_opened_at_is_refused(demo, client, staff, model, field):
    obj = model.objects.first()
    before = getattr(obj, field)
    change = reverse(f"admin:timeline_{model._meta.model_name}_change", args=[obj.pk])
    client.force_login(staff("erin", "Editors"))
    data = sent_back(client.get(change), **{field: "Changed blind."})
    del data["opened_version"]
    refused = client.post(change, data)
    assert refused.status_code == 200
    assert (
        f"This form did not say which version of the {model._meta.verbose_name} it was opened at; nothing was saved."
    ) in text(refused)
    assert getattr(model.objects.get(pk=obj.pk), field) == before


def test_an_inline_row_sent_without_its_version_is_refused(demo, client, staff):
    event = demo.events.get(kind="effective")
    change = reverse("admin:timeline_instrument_change", args=[demo.pk])
    client.force_login(staff("erin", "Editors"))
    page = client.get(change)
    prefix = next(
        form.prefix for form in page.context["inline_admin_formsets"][0].formset.forms if form.instance == event
    )
    data = sent_back(page, **{f"{prefix}-note": "Changed blind."})
    del data[f"{prefix}-opened_version"]
    refused = client.post(change, data)
    assert refused.status_code == 200
    assert "This form did not say which version of the event it was opened at; nothing was saved." in text(refused)
    assert Event.objects.get(pk=event.pk).note != "Changed blind."
