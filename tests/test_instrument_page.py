"""The instrument page: the timeline with its sources, disputes, and the status on a date."""

import pytest
from django.urls import reverse

from policytrack.timeline.models import Document, Instrument, InstrumentRelation

from conftest import text


def page(client, **params):
    return client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), params)


def test_it_shows_the_status_on_a_date_in_words(demo, client):
    response = page(client, on="2025-05-20")
    assert response.status_code == 200
    body = text(response)
    assert (
        "On 20 May 2025: in force but not enforced since 13 May 2025 (disputed: sources say 12 May to June 2025)"
        " — rescission announced 13 May 2025 (disputed: sources say 8 May to 11 June 2025), formal notice pending"
    ) in body
    assert "Obligations enforced : no" in body


def test_as_known_earlier_it_shows_what_readers_then_expected(demo, client):
    body = text(page(client, on="2025-05-20", known="2025-05-01"))
    assert "On 20 May 2025: in force since 13 January 2025 — compliance obligations apply" in body
    assert "As the public could know it on 1 May 2025" in body
    assert "Rescission announced" not in body  # no source published by 1 May reports it


def test_the_timeline_lists_events_in_date_order_with_their_sources(demo, client):
    body = text(page(client, on="2025-05-20"))
    order = [
        body.index("13 January 2025 Issued"),
        body.index("15 January 2025 Published"),
        body.index("13 May 2025 Rescission announced"),
        body.index("15 January 2026 Second compliance date"),
    ]
    assert order == sorted(order)
    assert "90 FR 4544" in body
    assert "“On June 11, 2025, the U.S. Department of Commerce (DOC) officially rescinded" in body


def test_a_disputed_date_shows_every_claim_and_why_the_canonical_one_won(demo, client):
    html = page(client, on="2025-05-20").content.decode()
    announced = html[html.index('id="event-rescission-announced"') :]
    announced = announced[: announced.index("</li>\n  \n    <li") if "</li>\n  \n    <li" in announced else None]
    assert "disputed" in announced
    for claimed in ("8 May 2025", "12 May 2025", "13 May 2025", "11 June 2025"):
        assert claimed in announced
    assert "canonical: among sources of rank 2, the most recently published gives this date" in announced


def test_a_scheduled_date_is_marked_as_such(demo, client):
    html = page(client, on="2025-02-01").content.decode()
    compliance = html[html.index('id="event-compliance-date"') :][:600]
    assert "scheduled" in compliance


@pytest.mark.parametrize("params", [{"on": "2025-02-30"}, {"on": "tomorrow"}, {"known": "2025-13-01"}])
def test_a_bad_date_gets_a_400_page_that_says_what_was_wrong(demo, client, params):
    response = page(client, **params)
    assert response.status_code == 400
    name, value = next(iter(params.items()))
    assert f"{name} must be a real date written YYYY-MM-DD, not '{value}'" in text(response)


def test_an_unknown_slug_gets_a_404_page_naming_it(db, client):
    response = client.get("/instruments/no-such-rule/")
    assert response.status_code == 404
    assert "No instrument has the slug “no-such-rule”" in response.content.decode()


def test_imported_text_is_escaped(demo, client):
    Document.objects.filter(key="seed-002").update(excerpt="<script>alert(1)</script>")
    claim = demo.events.get(kind="rescission_announced").claims.get(document__key="seed-002")
    claim.quote = "<script>alert(2)</script>"
    claim.save()
    html = page(client, on="2025-05-20").content.decode()
    assert "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)" in html
    doc = client.get(Document.objects.get(key="seed-002").get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in doc


def test_the_document_page_lists_the_events_it_supports(demo, client):
    response = client.get(Document.objects.get(key="seed-002").get_absolute_url())
    body = text(response)
    assert response.status_code == 200
    assert "Rescission announced — this source says 11 June 2025 (canonical date: 13 May 2025)" in body


def test_the_query_count_does_not_grow_with_events(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page(client, on="2025-05-20")


def test_the_home_page_lists_instruments_with_status_today(demo, client):
    body = text(client.get("/"))
    assert "AI Diffusion Rule" in body
    assert "in force, not enforced" in body


def test_it_lists_its_relations_and_those_others_have_to_it_once(demo, client):
    diffusion = Instrument.objects.get(slug="ai-diffusion-rule")
    gp10 = Instrument.objects.get(slug="gp10-guidance")
    InstrumentRelation.objects.create(
        source=Instrument.objects.create(slug="later", title="A later rule", kind="rule"),
        kind="amends",
        target=diffusion,
    )
    body = text(page(client))
    related = body[body.index("Related instruments") :]
    assert f"related to: {gp10}" in related  # both ways in the record, shown once
    assert related.count(str(gp10)) == 1
    assert "amends (from the other side): A later rule" in related


def newest_change(client, instrument):
    page = client.get(instrument.get_absolute_url()).content.decode()
    history = page[page.index("Edit history") :]
    body = history.index('<ol class="history">')
    return page, history, history[body : history.index("</li>", body)]


def test_the_edit_history_names_who_made_each_change_by_full_name(demo, client, django_user_model):
    erin = django_user_model.objects.create_user(
        "erin-login", password="a long enough password", first_name="Erin", last_name="Example"
    )
    event = demo.events.get(key="enforcement-suspended")
    event._history_user, event.note = erin, "Checked against the BIS statement."
    event.save()
    page, history, newest = newest_change(client, demo)
    assert "Erin Example" in newest and "Changed the note of the “enforcement suspended” event" in newest
    assert "imported, not typed by an editor" in history  # the demo itself was imported by no one
    assert "erin-login" not in page  # the login name is half of what a password guesser needs


def test_an_editor_without_a_name_is_shown_as_an_editor(demo, client, django_user_model):
    frank = django_user_model.objects.create_user("frank-login", password="a long enough password")
    demo._history_user, demo.summary = frank, "Checked."
    demo.save()
    page, _, newest = newest_change(client, demo)
    assert "an editor" in newest and "Changed the summary of the instrument" in newest
    assert "frank-login" not in page


def test_changes_recorded_at_the_same_moment_are_listed_newest_record_first(db, client):
    # An import records all its events at one moment: they are listed newest record first.
    import json
    from pathlib import Path

    from policytrack.ingest.federal_register import import_documents

    rule = json.loads((Path(__file__).parent / "data" / "federal_register" / "regulatory-document.json").read_text())
    import_documents([rule], "rule.json")
    instrument = Instrument.objects.get()
    body = text(client.get(instrument.get_absolute_url()))
    history = body[body.index("Edit history") :]
    events = [f"Added the “{event.get_kind_display()}” event" for event in instrument.events.order_by("-pk")]
    places = [history.index(line) for line in events]
    assert places == sorted(places) and len(places) == 2


def test_the_facts_name_every_agency_and_topic_once_even_agencies_sharing_a_name(demo, client):
    from policytrack.timeline.models import Agency, Topic

    diffusion = Instrument.objects.get(slug="ai-diffusion-rule")
    for slug, short in (("office-a", "OA"), ("office-b", "OB")):
        diffusion.agencies.add(Agency.objects.create(slug=slug, name="Office of Exports", short_name=short))
    for slug, name in (("chips", "Chips"), ("exports", "Exports")):
        diffusion.topics.add(Topic.objects.create(slug=slug, name=name))
    body = text(page(client))
    facts = body[body.index("Agency") : body.index("Timeline")]
    assert "Office of Exports (OA); Office of Exports (OB)" in facts
    assert facts.count("Office of Exports (OA)") == 1
    assert "Chips, Exports" in facts


def test_a_federal_register_abstract_reads_as_written_on_the_instrument_and_document_pages(db, client):
    import json

    from policytrack.ingest.federal_register import import_documents

    from conftest import ROOT

    document = json.loads((ROOT / "tests" / "data" / "federal_register" / "regulatory-document.json").read_text())
    import_documents([document | {"abstract": "Limits of 5 < 10 ppm for Q&A, <b>in bold</b>."}], "page.json")
    instrument, imported = Instrument.objects.get(), Document.objects.get()
    written = "Limits of 5 < 10 ppm for Q&A, in bold."
    for page in (instrument.get_absolute_url(), f"/documents/{imported.pk}/"):
        shown = text(client.get(page))
        assert written in shown, page
        assert "&lt;" not in shown and "&amp;" not in shown, page  # not escaped twice
