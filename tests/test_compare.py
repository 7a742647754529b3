"""Comparing two dates: the portfolio between two valid dates (/compare/, its CSV and API), and
one instrument on one date as known on two knowledge dates."""

import csv
import io

from django.urls import reverse

from conftest import text


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


def test_the_portfolio_compare_refuses_known_and_bad_dates(demo, client):
    refused = client.get("/compare/", {"a": "2025-05-01", "b": "2025-05-20", "known": "2025-05-01"})
    assert refused.status_code == 400 and "cannot answer “known” yet" in text(refused)
    bad = client.get("/compare/", {"a": "2025-02-30", "b": "2025-05-20"})
    assert bad.status_code == 400 and "a must be a real date written YYYY-MM-DD, not '2025-02-30'" in text(bad)


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
    assert client.get("/api/compare/", {"a": "2025-05-01", "known": "2025-05-01"}).status_code == 400
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
