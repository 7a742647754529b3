"""What was learned between two knowledge dates about one date, for the portfolio
(/compare/?on=&known_a=&known_b=, its CSV and /api/compare/) and for one instrument
(/instruments/<slug>/compare/): the instruments whose phase on the date as known on one
knowledge date differs from it as known on the other, an instrument nothing had been published
about yet being "not yet public"."""

import csv
import datetime
import io
import random
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policytrack.timeline import engine
from policytrack.timeline.models import Instrument

from conftest import text
from engine_lists import named_as_known

DEMO = {"on": "2025-05-20", "known_a": "2025-05-01", "known_b": "2025-05-14"}
# The guidance and the policy statement whose first sources were published on 13 May.
FIRST_PUBLISHED_13_MAY = {"gp10-guidance", "ai-training-policy-statement", "diversion-red-flags-guidance"}


def csv_rows(response):
    assert response.status_code == 200, text(response)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_says_what_was_learned_about_20_may_between_1_and_14_may(demo, client):
    response = client.get("/compare/", DEMO)
    assert response.status_code == 200
    body = text(response)
    assert "What was learned between 1 May 2025 and 14 May 2025 about 20 May 2025" in body
    assert "read from the sources published by 1 May 2025" in body and "as recorded now" in body
    assert "in force → in force, not enforced : 1 instrument" in body
    assert "not yet public → in force : 3 instruments" in body  # the guidance of 13 May
    assert "not yet issued" not in body.split("What was learned, by kind")[1]
    links = [(row[0].slug, row[1]) for row in response.context["rows"]]
    assert ("ai-diffusion-rule", "/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-14") in links
    # Not yet public first (by title: "BIS Policy Statement…", "Guidance on…", "Industry Guidance…"),
    # then by phase as known on 1 May.
    assert [slug for slug, _ in links] == [
        "ai-training-policy-statement",
        "gp10-guidance",
        "diversion-red-flags-guidance",
        "ai-diffusion-rule",
    ]
    page = response.content.decode()
    assert (
        'href="/instruments/ai-diffusion-rule/compare/?on=2025-05-20&amp;known_a=2025-05-01&amp;known_b=2025-05-14"'
        in page
    )
    # The permalink and the form carry the three dates.
    assert "?on=2025-05-20&amp;known_a=2025-05-01&amp;known_b=2025-05-14" in page
    assert 'name="known_a" value="2025-05-01"' in page and 'name="known_b" value="2025-05-14"' in page


def test_the_page_answers_either_order_and_a_knowledge_date_after_today(demo, client):
    body = text(client.get("/compare/", {**DEMO, "known_a": "2025-05-14", "known_b": "2025-05-01"}))
    assert "What was learned between 14 May 2025 and 1 May 2025 about 20 May 2025" in body
    assert "in force, not enforced → in force : 1 instrument" in body
    assert "in force → not yet public : 3 instruments" in body
    later = datetime.date.today() + datetime.timedelta(days=400)
    body = text(client.get("/compare/", {**DEMO, "known_b": later.isoformat()}))
    assert "in force → in force, not enforced : 1 instrument" in body


def test_a_date_left_out_is_today_or_30_days_before_the_second(demo, client):
    body = text(client.get("/compare/", {"on": "2025-05-20", "known_b": "2025-05-14"}))
    assert "What was learned between 14 April 2025 and 14 May 2025 about 20 May 2025" in body
    assert client.get("/api/compare/", {"known_a": "2025-05-01"}).json()["on"] == timezone.localdate().isoformat()


def test_an_instrument_public_on_neither_date_is_not_listed_and_filters_apply(demo, client):
    body = text(client.get("/compare/", {**DEMO, "known_b": "2025-05-10"}))
    assert "No instrument is in a different phase on 20 May 2025 as known on 10 May 2025 than as known on 1 May" in body
    body = text(client.get("/compare/", {**DEMO, "kind": "interim_final_rule"}))
    assert (
        "in force → in force, not enforced : 1 instrument" in body and "not yet public" not in body.split("by kind")[1]
    )


def test_the_portfolio_compare_links_to_the_question_of_what_was_learned(demo, client):
    page = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20"}).content.decode()
    assert 'href="/compare/?on=2025-05-20&amp;known_a=2025-05-01&amp;known_b=2025-05-20"' in page


def test_the_csv_and_the_api(demo, client):
    rows = csv_rows(client.get("/compare/", {**DEMO, "format": "csv"}))
    found = {row["slug"]: (row["phase_a"], row["phase_b"]) for row in rows}
    assert found == {"ai-diffusion-rule": ("in_force", "not_enforced")} | {
        slug: ("not_yet_public", "in_force") for slug in FIRST_PUBLISHED_13_MAY
    }
    rule = next(row for row in rows if row["slug"] == "ai-diffusion-rule")
    assert (rule["on"], rule["known_a"], rule["known_b"]) == ("2025-05-20", "2025-05-01", "2025-05-14")
    assert rule["url"] == "http://testserver/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-14"
    assert rule["compare_url"].endswith(
        "/instruments/ai-diffusion-rule/compare/?" + "&".join(f"{name}={value}" for name, value in DEMO.items())
    )
    answer = client.get("/api/compare/", DEMO).json()
    assert (answer["on"], answer["known_a"], answer["known_b"]) == ("2025-05-20", "2025-05-01", "2025-05-14")
    assert answer["count"] == 4
    assert {"from": "not_yet_public", "to": "in_force", "count": 3} in answer["groups"]
    assert {row["instrument"]: (row["phase_a"], row["phase_b"]) for row in answer["results"]} == found


def test_bad_dates_and_mixed_parameters_are_refused_naming_them(demo, client):
    for page in ("/compare/", "/api/compare/"):
        for name in ("on", "known_a", "known_b"):
            response = client.get(page, {**DEMO, name: "2025-02-30"})
            assert response.status_code == 400
            said = str(response.json()[name]) if page.startswith("/api/") else text(response)
            assert f"{name} must be a real date written YYYY-MM-DD, not '2025-02-30'" in said
        response = client.get(page, {**DEMO, "a": "2025-05-01"})
        assert response.status_code == 400
        said = str(response.json()["a"]) if page.startswith("/api/") else text(response)
        assert "Give either “a” and “b”" in said and "leave out “a”" in said
        for times in ({"known": "2025-05-01"}, {"recorded": "2026-01-01T00:00Z"}):
            response = client.get(page, {**DEMO, **times})
            assert response.status_code == 400
            (name,) = times
            said = str(response.json()[name]) if page.startswith("/api/") else text(response)
            assert f"takes them as “known_a” and “known_b”, as recorded now: leave out “{name}”" in said
    response = client.get("/compare/", {"known_b": "2025-05-14", "b": "2025-05-20", "known": "2025-05-01"})
    assert "leave out “b”" in text(response) and "leave out “known”" in text(response)


def test_the_number_of_queries_does_not_grow_with_the_instruments(client, db, run):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/compare/", {"on": "2015-01-01", "known_a": "2010-01-01", "known_b": "2020-01-01"})
        return len(captured)

    run("generate_synthetic", "--instruments", "10", "--seed", "3")
    few = queries()
    run("generate_synthetic", "--instruments", "60", "--seed", "4")
    assert queries() == few


def expected_phase(events, on, known):
    """The phase the comparison gives: the engine's, or "not_yet_public" before any source."""
    return engine.status(events, on, known).phase if named_as_known(events, known) else "not_yet_public"


def test_what_was_learned_agrees_with_the_engine(client, db, run):
    """On synthetic data, for random D, K1 and K2 in either order: the instruments listed and
    their two phases are exactly those whose phase on D as known on K1 differs from it as known
    on K2 by the engine ("not yet public" before the instrument's first source) — in the page's
    counts, its CSV and the API."""
    run("generate_synthetic", "--instruments", "40", "--seed", "29")
    instruments = {i.slug: i.engine_events() for i in Instrument.objects.all()}
    chance = random.Random(7)
    compared, not_public, reversed_order = 0, 0, 0
    for _ in range(8):
        on = datetime.date(2000, 1, 1) + datetime.timedelta(days=chance.randint(0, 25 * 365))
        known_a = on + datetime.timedelta(days=chance.randint(-5 * 365, 5 * 365))
        known_b = known_a + datetime.timedelta(days=chance.choice([-1, 1]) * chance.randint(1, 4 * 365))
        expected = {}
        for slug, events in instruments.items():
            pair = (expected_phase(events, on, known_a), expected_phase(events, on, known_b))
            if pair[0] != pair[1]:
                expected[slug] = pair
        query = {"on": on.isoformat(), "known_a": known_a.isoformat(), "known_b": known_b.isoformat()}
        rows = csv_rows(client.get("/compare/", {**query, "format": "csv"}))
        assert {row["slug"]: (row["phase_a"], row["phase_b"]) for row in rows} == expected, query
        assert all(row["url"].endswith(f"?on={on}&known={known_b}") for row in rows)
        answer = client.get("/api/compare/", query).json()
        assert answer["count"] == len(expected)
        assert {(group["from"], group["to"]): group["count"] for group in answer["groups"]} == dict(
            Counter(expected.values())
        )
        assert all(expected[row["instrument"]] == (row["phase_a"], row["phase_b"]) for row in answer["results"])
        page = client.get("/compare/", query).context
        assert {(before, after): n for before, after, n in page["groups"]} == dict(Counter(expected.values()))
        compared += len(expected)
        not_public += sum("not_yet_public" in pair for pair in expected.values())
        reversed_order += known_b < known_a and bool(expected)
    assert compared > 10 and not_public > 2 and reversed_order  # the samples could fail
