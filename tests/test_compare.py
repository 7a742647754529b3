"""Comparing two dates: the portfolio between two valid dates (/compare/, its CSV and API), and
one instrument on one date as known on two knowledge dates."""

import csv
import datetime
import io
import random
from collections import Counter

from django.urls import reverse

from policytrack.timeline import engine
from policytrack.timeline.models import Instrument

from conftest import text

LEARNED = {"on": "2025-05-20", "known_a": "2025-05-01", "known_b": "2025-05-14"}


def test_the_portfolio_compare_lists_what_changed_grouped_by_the_change(demo, client):
    response = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20"})
    assert response.status_code == 200
    body = text(response)
    assert "What changed between 1 May 2025 and 20 May 2025" in body
    assert "in force → in force, not enforced : 1 instrument" in body
    assert "not yet issued → in force : 3 instruments" in body  # the three guidance documents of 13 May
    rows = body[body.index("On 20 May 2025") :]
    assert "AI Diffusion Rule" in rows
    assert 'table class="list all-columns"' in response.content.decode()  # a phone keeps both phases


def test_the_portfolio_compare_takes_the_list_filters_and_either_order(demo, client):
    body = text(client.get("/compare/", {"a": "2025-05-20", "b": "2025-05-01", "kind": "interim_final_rule"}))
    assert "in force, not enforced → in force : 1 instrument" in body
    assert "not yet issued" not in body.split("Changes, by kind")[1]


def test_nothing_changed_says_so(demo, client):
    body = text(client.get("/compare/", {"a": "2025-02-01", "b": "2025-03-01"}))
    assert "No instrument is in a different phase on 1 March 2025 than on 1 February 2025" in body


def test_the_portfolio_compare_refuses_bad_dates_and_moments(demo, client):
    # As recorded at a moment: tests/test_compare_recorded.py.
    refused = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20", "recorded": "2025-05-01T00:00Z"})
    assert refused.status_code == 400 and "too early for the lists" in text(refused)
    bad = client.get("/compare/", {"a": "2025-02-30", "b": "2025-05-20"})
    assert bad.status_code == 400 and "a must be a real date written YYYY-MM-DD, not '2025-02-30'" in text(bad)
    bad = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20", "known": "2025-13-01"})
    assert bad.status_code == 400 and "known" in text(bad)


def test_the_portfolio_compare_as_known_on_a_date_has_no_hindsight(demo, client):
    """On 1 May 2025 nobody knew that enforcement would stop on 13 May: compared as known then,
    the AI Diffusion Rule is in force on 20 May, and the page says which sources it read."""
    query = {"a": "2025-05-01", "b": "2025-05-20", "known": "2025-05-01"}
    body = text(client.get("/compare/", query))
    assert "What changed between 1 May 2025 and 20 May 2025, as known on 1 May 2025" in body
    assert "read from the sources published by 1 May 2025 only" in body
    assert "No instrument is in a different phase on 20 May 2025 than on 1 May 2025 as known on 1 May 2025" in body
    response = client.get("/compare/", {**query, "a": "2025-01-01"})
    body = text(response)
    assert "not yet issued → in force : 1 instrument" in body
    assert "not enforced" not in body.split("Changes, by kind")[1]
    assert [row[1] for row in response.context["rows"]] == [
        "/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01"
    ]
    # As known on 20 May, the suspension announced on 13 May is there.
    later = text(client.get("/compare/", {**query, "known": "2025-05-20"}))
    assert "in force → in force, not enforced : 1 instrument" in later


def test_the_portfolio_compare_as_known_agrees_with_the_engine(client, db, run):
    """On synthetic data, for random dates a, b (in either order) and K: the instruments listed, and the phases
    given for each, are exactly those whose phase on a differs from their phase on b as known on
    K by the engine — in the page's counts, its CSV and the API."""
    run("generate_synthetic", "--instruments", "40", "--seed", "23")
    instruments = {i.slug: i.engine_events() for i in Instrument.objects.all()}
    chance = random.Random(5)
    compared, hindsight = 0, 0
    for _ in range(6):
        a = datetime.date(2000, 1, 1) + datetime.timedelta(days=chance.randint(0, 25 * 365))
        b = a + datetime.timedelta(days=chance.randint(1, 3 * 365))
        known = a + datetime.timedelta(days=chance.randint(-2 * 365, 4 * 365))
        if chance.random() < 0.5:  # either order: a later than b
            a, b = b, a
        expected = {}
        for slug, events in instruments.items():
            before, after = engine.status(events, a, known).phase, engine.status(events, b, known).phase
            if before != after:
                expected[slug] = (before, after)
            hindsight += (engine.status(events, a).phase, engine.status(events, b).phase) != (before, after)
        query = {"a": a.isoformat(), "b": b.isoformat(), "known": known.isoformat()}
        response = client.get("/compare/", {**query, "format": "csv"})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert {row["slug"]: (row["phase_a"], row["phase_b"]) for row in rows} == expected, query
        assert all(row["url"].endswith(f"?on={b}&known={known}") for row in rows)
        answer = client.get("/api/compare/", query).json()
        assert answer["known"] == known.isoformat() and answer["count"] == len(expected)
        assert sum(group["count"] for group in answer["groups"]) == len(expected)
        page = client.get("/compare/", query).context
        assert {(before, after): n for before, after, n in page["groups"]} == dict(Counter(expected.values()))
        compared += len(expected)
    assert compared > 5  # the samples held changes: the comparison could fail
    assert hindsight > 5  # and answers that every source would change: ignoring K would fail


def test_the_portfolio_compare_csv(demo, client):
    response = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {(row["slug"], row["phase_a"], row["phase_b"]) for row in rows} >= {
        ("ai-diffusion-rule", "in_force", "not_enforced")
    }
    assert len(rows) == 4


def test_the_api_compare(demo, client):
    answer = client.get("/api/compare/", {"a": "2025-05-01", "b": "2025-05-20"}).json()
    assert {"from": "in_force", "to": "not_enforced", "count": 1} in answer["groups"]
    assert answer["count"] == 4
    assert {"instrument": "ai-diffusion-rule", "phase_a": "in_force", "phase_b": "not_enforced"} in [
        {key: row[key] for key in ("instrument", "phase_a", "phase_b")} for row in answer["results"]
    ]
    assert (
        client.get("/api/compare/", {"a": "2025-05-01", "recorded": "2025-05-01T00:00Z"}).status_code == 400
    )  # too early
    as_known = client.get("/api/compare/", {"a": "2025-05-01", "b": "2025-05-20", "known": "2025-05-01"}).json()
    assert as_known["known"] == "2025-05-01"
    assert "ai-diffusion-rule" not in [row["instrument"] for row in as_known["results"]]
    assert client.get("/api/compare/", {"a": "nope"}).status_code == 400


def test_one_instrument_compared_as_known_on_two_dates(demo, client):
    response = client.get(
        reverse("web:instrument_compare", args=["ai-diffusion-rule"]),
        {"on": "2025-05-20", "known_a": "2025-05-01", "known_b": "2025-05-14"},
    )
    assert response.status_code == 200
    body = text(response)
    assert (
        "As known on 1 May 2025, on 20 May 2025 it would be in force; as known on 14 May 2025, in force, not enforced."
    ) in body
    assert "Department of Commerce Announces Rescission" in body  # learned in between
    assert "Enforced yes no (changed)" in body


def test_one_instrument_not_yet_public_says_so_rather_than_not_yet_issued(demo, client):
    """The guidance first published on 13 May: as known on 1 May nothing about it was public,
    which the engine alone would call "not yet issued" (and the portfolio's comparison calls
    "not yet public")."""
    response = client.get("/instruments/gp10-guidance/compare/", LEARNED)
    body = text(response)
    assert (
        "As known on 1 May 2025, on 20 May 2025 it would be not yet public; as known on 14 May 2025, in force." in body
    )
    assert "Nothing about it had been published by 1 May 2025." in body
    assert "not yet issued" not in body
    # Public on both dates: the engine's phases, as before.
    body = text(client.get("/instruments/ai-diffusion-rule/compare/", LEARNED))
    assert "it would be in force; as known on 14 May 2025, in force, not enforced." in body


def test_one_instrument_compared_refuses_the_times_it_does_not_answer_instead_of_ignoring_them(demo, client):
    page = reverse("web:instrument_compare", args=["ai-diffusion-rule"])
    response = client.get(page, {"on": "2025-05-20", "known": "2025-05-01"})
    assert response.status_code == 400
    assert "give them as known_a and known_b, not known" in text(response)
    response = client.get(page, {"on": "2025-05-20", "recorded": "2026-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert "answers as recorded now only, not recorded" in text(response)


def test_a_phase_or_an_order_is_refused_by_the_page_its_csv_and_the_api_alike(demo, client):
    """A comparison lists the instruments whose phase differs between its two dates, counted by
    both phases and in its own order: "phase" and "sort", which the list takes, would mean
    something else here, so every form of the comparison refuses them rather than one dropping
    them and another applying them."""
    for query in ({"a": "2025-05-01", "b": "2025-05-20"}, LEARNED):
        for extra, named in (({"phase": "in_force"}, "“phase”"), ({"sort": "title"}, "“sort”")):
            for path, form in (("/compare/", {}), ("/compare/", {"format": "csv"}), ("/api/compare/", {})):
                refused = client.get(path, {**query, **extra, **form})
                assert refused.status_code == 400, (path, extra, form)
                said = refused.content.decode()
                assert named in said and "leave out" in said, (path, extra, form, said)
    parameters = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]["/api/compare/"]["get"]
    assert not {"phase", "sort"} & {parameter["name"] for parameter in parameters["parameters"]}
