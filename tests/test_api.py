"""The JSON API, read as a notebook or a script would: real JSON, the demo timeline."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from conftest import DEMO
from policytrack.ingest.timeline import import_timeline_file
from policytrack.timeline.models import Agency, Event, Instrument, InstrumentRelation, Topic

UTC = datetime.timezone.utc


def get_json(client, url, status=200, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def instrument_url(name, slug="ai-diffusion-rule"):
    return reverse(f"api:{name}", args=[slug])


# Instruments


def test_the_list_gives_each_instrument_with_its_phase_on_the_date(demo, client):
    page = get_json(client, reverse("api:instrument-list"), on="2025-05-20")
    assert page["on"] == "2025-05-20"
    assert page["count"] == 4
    rows = {row["slug"]: row for row in page["results"]}
    rule = rows["ai-diffusion-rule"]
    assert rule["phase"] == "not_enforced"
    assert rule["short_title"] == "AI Diffusion Rule"
    assert rule["kind"] == "interim_final_rule"
    assert rule["rin"] == "0694-AJ90"
    assert [agency["slug"] for agency in rule["agencies"]] == ["bis"]
    assert "export controls" in [topic["name"] for topic in rule["topics"]]
    assert rule["url"] == "http://testserver/instruments/ai-diffusion-rule/"
    assert rule["api_url"] == "http://testserver/api/instruments/ai-diffusion-rule/"
    assert rows["gp10-guidance"]["phase"] == "in_force"


def test_the_list_reads_the_phase_on_today_by_default(demo, client):
    with time_machine.travel(datetime.datetime(2025, 2, 1, 12, tzinfo=UTC), tick=False):
        page = get_json(client, reverse("api:instrument-list"))
    assert page["on"] == "2025-02-01"
    phases = {row["slug"]: row["phase"] for row in page["results"]}
    assert phases == {
        "ai-diffusion-rule": "in_force",
        "gp10-guidance": "not_yet_issued",
        "ai-training-policy-statement": "not_yet_issued",
        "diversion-red-flags-guidance": "not_yet_issued",
    }


@pytest.mark.parametrize(
    "params, slugs",
    [
        ({"kind": "interim_final_rule"}, {"ai-diffusion-rule"}),
        ({"phase": "not_enforced", "on": "2025-05-20"}, {"ai-diffusion-rule"}),
        ({"phase": "in_force", "on": "2025-02-01"}, {"ai-diffusion-rule"}),
        ({"q": "90 FR 4544"}, {"ai-diffusion-rule"}),
        (
            {"agency": "commerce", "kind": "guidance"},
            {"gp10-guidance", "ai-training-policy-statement", "diversion-red-flags-guidance"},
        ),
    ],
)
def test_the_list_takes_the_same_filters_as_the_page(demo, client, params, slugs):
    page = get_json(client, reverse("api:instrument-list"), **params)
    assert {row["slug"] for row in page["results"]} == slugs


def test_the_list_is_paginated(demo, client):
    page = get_json(client, reverse("api:instrument-list"), page_size=3, sort="title")
    assert page["count"] == 4 and len(page["results"]) == 3
    assert page["next"].endswith("page=2&page_size=3&sort=title")
    rest = get_json(client, page["next"])
    assert len(rest["results"]) == 1


@pytest.mark.parametrize(
    "params, name, message",
    [
        ({"on": "2025-13-01"}, "on", "on must be a real date written YYYY-MM-DD, not '2025-13-01'."),
        ({"on": "20 May 2025"}, "on", "on must be a real date written YYYY-MM-DD, not '20 May 2025'."),
        ({"on": "100%"}, "on", "on must be a real date written YYYY-MM-DD, not '100%'."),
        ({"kind": "law"}, "kind", "law"),
        ({"agency": "nasa"}, "agency", "nasa"),
        ({"phase": "sleeping"}, "phase", "sleeping"),
    ],
)
def test_a_bad_filter_gives_400_naming_the_parameter(demo, client, params, name, message):
    errors = get_json(client, reverse("api:instrument-list"), status=400, **params)
    assert list(errors) == [name]
    assert message in errors[name][0]


def test_the_detail_gives_events_with_their_claims_and_documents(demo, client):
    detail = get_json(client, instrument_url("instrument-detail"))
    assert detail["title"] == "Framework for Artificial Intelligence Diffusion"
    assert detail["docket_ids"] == ["250107-0007"]
    assert "15 CFR 734" in detail["cfr_parts"]
    events = {event["key"]: event for event in detail["events"]}
    suspended = events["enforcement-suspended"]
    assert suspended["kind"] == "enforcement_suspended"
    assert suspended["date"] == "2025-05-13"
    assert suspended["url"] == "http://testserver/instruments/ai-diffusion-rule/#event-enforcement-suspended"
    sources = {claim["document"]["key"]: claim for claim in suspended["claims"]}
    press = sources["commerce-press-release-2025-05-13"]
    assert press["date"] == "2025-05-13"
    assert press["document"]["kind"] == "press_release"
    assert press["document"]["rank"] == 2
    assert press["document"]["api_url"].startswith("http://testserver/api/documents/")
    assert sources["seed-002"]["date"] == "2025-06-01"
    published = next(c for c in events["published"]["claims"] if c["document"]["key"] == "fr-2025-00636")
    assert published["document"]["citation"] == "90 FR 4544"
    assert [event["date"] for event in detail["events"]] == sorted(event["date"] for event in detail["events"])
    assert {"kind": "related", "direction": "outgoing", "slug": "gp10-guidance"} in [
        {"kind": r["kind"], "direction": r["direction"], "slug": r["instrument"]["slug"]} for r in detail["relations"]
    ]
    assert detail["status_url"] == "http://testserver/api/instruments/ai-diffusion-rule/status/"


def test_relations_are_shown_from_the_other_side_too(demo, client):
    InstrumentRelation.objects.filter(source__slug="gp10-guidance").delete()
    detail = get_json(client, instrument_url("instrument-detail", "gp10-guidance"))
    assert [(r["kind"], r["direction"], r["instrument"]["slug"]) for r in detail["relations"]] == [
        ("related", "incoming", "ai-diffusion-rule")
    ]


def test_an_unknown_instrument_is_a_404_in_json(demo, client):
    body = get_json(client, instrument_url("instrument-detail", "no-such-rule"), status=404)
    assert body == {"detail": "No instrument has the slug 'no-such-rule'."}
    assert get_json(client, instrument_url("instrument-status", "no-such-rule"), status=404)["detail"]


# Status


def test_an_instrument_without_events_yet_is_not_yet_issued(db, client):
    Instrument.objects.create(slug="draft-rule", title="A draft rule", kind="rule")
    body = get_json(client, instrument_url("instrument-status", "draft-rule"), on="2025-05-20")
    assert (body["instrument"], body["phase"], body["applied"], body["upcoming"]) == (
        "draft-rule",
        "not_yet_issued",
        [],
        None,
    )


def test_status_on_20_may_2025_is_not_enforced(demo, client):
    status = get_json(client, instrument_url("instrument-status"), on="2025-05-20")
    assert status["phase"] == "not_enforced"
    assert (status["in_force"], status["enforced"], status["obligations_apply"]) == (True, False, False)
    assert status["rescission_pending"] is True


def test_status_as_known_on_1_may_is_in_force_with_obligations(demo, client):
    status = get_json(client, instrument_url("instrument-status"), on="2025-05-20", known="2025-05-01")
    assert status["known"] == "2025-05-01"
    assert status["phase"] == "in_force"
    assert (status["enforced"], status["obligations_apply"], status["rescission_pending"]) == (True, True, False)


@pytest.mark.parametrize(
    "args", [("--on", "2025-05-20"), ("--on", "2025-02-01", "--known", "2025-01-14"), ("--on", "2024-12-01")]
)
def test_status_is_exactly_what_the_status_command_prints(demo, client, run, args):
    code, out, err = run("status", "ai-diffusion-rule", *args, "--json")
    assert code == 0, err
    params = dict(zip((a.lstrip("-") for a in args[::2]), args[1::2]))
    api = get_json(client, instrument_url("instrument-status"), **params)
    assert api == json.loads(out)
    assert list(api) == list(json.loads(out))


def test_status_is_read_on_today_by_default(demo, client):
    with time_machine.travel(datetime.datetime(2025, 2, 1, 12, tzinfo=UTC), tick=False):
        status = get_json(client, instrument_url("instrument-status"))
    assert status["on"] == "2025-02-01"
    assert status["upcoming"] == {"kind": "compliance_date", "date": "2025-05-15"}


def test_status_as_recorded_reads_the_history(db, client):
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, tzinfo=UTC), tick=False):
        Event.objects.filter(instrument__slug="ai-diffusion-rule", key="enforcement-suspended").delete()

    then = get_json(client, instrument_url("instrument-status"), on="2025-05-20", recorded="2025-04-01T00:00Z")
    assert then["phase"] == "not_enforced"
    assert get_json(client, instrument_url("instrument-status"), on="2025-05-20")["phase"] == "in_force"
    before = get_json(client, instrument_url("instrument-status"), status=404, recorded="2025-01-01")
    assert "was recorded" in before["detail"]


@pytest.mark.parametrize(
    "params, name",
    [
        ({"on": "2025-02-30"}, "on"),
        ({"known": "yesterday"}, "known"),
        ({"recorded": "last week"}, "recorded"),
        ({"recorded": "0001-01-01T00:00+01:00"}, "recorded"),
    ],
)
def test_status_with_a_bad_date_is_a_400_naming_it(demo, client, params, name):
    errors = get_json(client, instrument_url("instrument-status"), status=400, **params)
    assert list(errors) == [name]
    assert errors[name][0].startswith(f"{name} must be")


def test_every_bad_date_is_named_at_once(demo, client):
    errors = get_json(client, instrument_url("instrument-status"), status=400, on="x", known="y")
    assert set(errors) == {"on", "known"}


# Changes


def test_changes_in_may_2025(demo, client):
    changes = get_json(client, reverse("api:changes"), **{"from": "2025-05-01", "to": "2025-05-31"})
    assert (changes["from"], changes["to"]) == ("2025-05-01", "2025-05-31")
    assert list(changes) == ["from", "to", "known", "recorded", "count", "next", "previous", "events", "instruments"]
    assert changes["known"] is None
    kinds = [(event["instrument"], event["kind"], event["date"]) for event in changes["events"]]
    assert ("ai-diffusion-rule", "enforcement_suspended", "2025-05-13") in kinds
    assert [event["date"] for event in changes["events"]] == sorted(event["date"] for event in changes["events"])
    suspended = next(e for e in changes["events"] if e["kind"] == "enforcement_suspended")
    assert "commerce-press-release-2025-05-13" in [claim["document"]["key"] for claim in suspended["claims"]]
    rows = {row["slug"]: row for row in changes["instruments"]}
    assert (rows["ai-diffusion-rule"]["phase_before"], rows["ai-diffusion-rule"]["phase_after"]) == (
        "in_force",
        "not_enforced",
    )
    assert rows["ai-diffusion-rule"]["changed"] is True
    assert "enforcement-suspended" in rows["ai-diffusion-rule"]["events"]
    assert (rows["gp10-guidance"]["phase_before"], rows["gp10-guidance"]["phase_after"]) == (
        "not_yet_issued",
        "in_force",
    )


def test_changes_take_the_instrument_filters(demo, client):
    changes = get_json(client, reverse("api:changes"), **{"from": "2025-05-01", "to": "2025-05-31", "kind": "guidance"})
    assert {row["slug"] for row in changes["instruments"]} == {
        "gp10-guidance",
        "ai-training-policy-statement",
        "diversion-red-flags-guidance",
    }
    assert {event["instrument"] for event in changes["events"]} == {row["slug"] for row in changes["instruments"]}


def test_changes_default_to_the_last_30_days(demo, client):
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=UTC), tick=False):
        changes = get_json(client, reverse("api:changes"))
    assert (changes["from"], changes["to"]) == ("2025-05-02", "2025-06-01")


@pytest.mark.parametrize(
    "params, name",
    [
        ({"from": "2025-05-32"}, "from"),
        ({"to": "May"}, "to"),
        ({"from": "2025-06-01", "to": "2025-05-01"}, "to"),
        ({"from": "2025-05-01", "on": "soon"}, "on"),
        ({"from": "0001-01-01", "to": "2025-01-02"}, "from"),
        ({"to": "0001-01-01"}, "to"),
    ],
)
def test_bad_changes_parameters_give_400_naming_them(demo, client, params, name):
    errors = get_json(client, reverse("api:changes"), status=400, **params)
    assert list(errors) == [name]


# Documents and agencies


def test_documents_list_and_detail(demo, client):
    page = get_json(client, reverse("api:document-list"))
    assert page["count"] == 10
    assert [doc["published_on"] for doc in page["results"]] == sorted(
        (doc["published_on"] for doc in page["results"]), reverse=True
    )
    press = next(doc for doc in page["results"] if doc["key"] == "commerce-press-release-2025-05-13")
    detail = get_json(client, press["api_url"])
    assert detail["publisher"] == "Bureau of Industry and Security, U.S. Department of Commerce"
    assert detail["page_url"] == f"http://testserver/documents/{detail['id']}/"
    supported = {(claim["instrument"]["slug"], claim["event"], claim["date"]) for claim in detail["claims"]}
    assert ("ai-diffusion-rule", "enforcement-suspended", "2025-05-13") in supported
    assert ("ai-diffusion-rule", "rescission-announced", "2025-05-13") in supported


def test_documents_filter_by_kind(demo, client):
    page = get_json(client, reverse("api:document-list"), kind="federal_register")
    assert [doc["citation"] for doc in page["results"]] == ["90 FR 4544"]
    assert "kind" in get_json(client, reverse("api:document-list"), status=400, kind="tweet")


def test_an_unknown_document_is_a_404_in_json(demo, client):
    assert get_json(client, reverse("api:document-detail", args=[999999]), status=404) == {
        "detail": "No document has the id 999999."
    }


def test_agencies_with_their_parent(demo, client):
    page = get_json(client, reverse("api:agency-list"))
    agencies = {agency["slug"]: agency for agency in page["results"]}
    assert agencies["bis"] == {
        "slug": "bis",
        "name": "Bureau of Industry and Security",
        "short_name": "BIS",
        "parent": "commerce",
    }
    assert agencies["commerce"]["parent"] is None


def test_the_root_lists_the_endpoints_and_anything_else_is_a_json_404(db, client):
    root = get_json(client, "/api/")
    assert root["instruments"] == "http://testserver/api/instruments/"
    assert root["docs"] == "http://testserver/api/docs/"
    assert "nothing at /api/nowhere/" in get_json(client, "/api/nowhere/", status=404)["detail"]


def test_the_api_is_read_only(demo, client):
    response = client.post(reverse("api:instrument-list"), {"slug": "x"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 405


def test_the_browsable_api_renders_for_a_browser(demo, client):
    response = client.get(reverse("api:instrument-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"AI Diffusion Rule" in response.content


# Polling cheaply


@pytest.mark.parametrize(
    "name, args",
    [
        ("api:instrument-list", []),
        ("api:instrument-detail", ["ai-diffusion-rule"]),
        ("api:changes", []),
        ("api:agency-list", []),
    ],
)
def test_an_unchanged_resource_answers_304(demo, client, name, args):
    url = reverse(name, args=args)
    first = client.get(url, HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_an_edit_makes_the_old_copy_stale(demo, client):
    url = instrument_url("instrument-detail")
    first = client.get(url, HTTP_ACCEPT="application/json")
    with time_machine.travel(datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)):
        Instrument.objects.get(slug="gp10-guidance").events.filter(key="effective").update(note="x")
        event = Event.objects.get(instrument__slug="ai-diffusion-rule", key="published")
        event.note = "Corrected."
        event.save()
        again = client.get(
            url,
            HTTP_ACCEPT="application/json",
            HTTP_IF_NONE_MATCH=first["ETag"],
            HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
        )
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Corrected." in again.content.decode()


def test_other_query_strings_are_other_resources(demo, client):
    url = reverse("api:instrument-list")
    first = client.get(url, {"on": "2025-05-20"}, HTTP_ACCEPT="application/json")
    other = client.get(url, {"on": "2025-02-01"}, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


# Cost


def add_instruments(count):
    """``count`` more instruments, each with agencies, topics and a sourced event, imported as a user would."""
    bis, topic = Agency.objects.get(slug="bis"), Topic.objects.first()
    for number in range(count):
        instrument = Instrument.objects.create(slug=f"extra-{number}", title=f"Extra rule {number}", kind="rule")
        instrument.agencies.add(bis)
        instrument.topics.add(topic)
        Event.objects.create(instrument=instrument, key="effective", kind="effective", date=datetime.date(2025, 5, 2))


@pytest.mark.parametrize(
    "name, params",
    [
        ("api:instrument-list", {"on": "2025-05-20", "agency": "commerce", "topic": "export-controls"}),
        ("api:changes", {"from": "2025-05-01", "to": "2025-05-31", "agency": "bis"}),
        ("api:document-list", {}),
        ("api:agency-list", {}),
    ],
)
def test_queries_do_not_grow_with_the_number_of_instruments(demo, client, django_assert_max_num_queries, name, params):
    url = reverse(name)
    if "topic" in params:
        params["topic"] = Topic.objects.get(name="export controls").slug
    with django_assert_max_num_queries(12) as few:
        get_json(client, url, **params)
    add_instruments(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        get_json(client, url, **params)


def test_the_detail_costs_the_same_however_many_events(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        get_json(client, instrument_url("instrument-detail", "gp10-guidance"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        get_json(client, instrument_url("instrument-detail"))
