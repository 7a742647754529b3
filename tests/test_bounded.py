"""Every endpoint costs a number of queries that does not grow with the portfolio, and answers
the whole of it: exports stream every row, the API pages everything, calendars come from
stored data."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policytrack.timeline.changes import ChangeList
from policytrack.timeline.models import Instrument
from policytrack.web import exports

EXPORTS = [
    "/instruments/?format=csv&on=2020-06-01",
    "/instruments/?format=csv&on=2020-06-01&agency=department-of-commerce&sort=-phase",
    "/on/2020-06-01/?format=csv",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv&kind=rule",
    "/instruments/?format=csv&on=2020-06-01&known=2019-06-01",
    "/on/2020-06-01/?format=csv&known=2019-06-01",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv&known=2019-06-01",
    "/api/changes/?from=2019-01-01&to=2019-12-31&page_size=500",
    "/api/instruments/?on=2020-06-01&page_size=500",
    "/calendar.ics",
]


def read(client, address):
    """The status and the whole body, streamed or not, with the queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode(), len(captured)


@pytest.fixture
def portfolio(run):
    """A synthetic portfolio that grows: ``portfolio(n)`` adds n instruments."""
    seeds = iter(range(1, 100))

    def grow(count):
        code, _, err = run("generate_synthetic", "--instruments", count, "--seed", next(seeds))
        assert code == 0, err

    return grow


@pytest.mark.parametrize("address", EXPORTS)
@time_machine.travel(datetime.datetime(2020, 6, 1, 12, tzinfo=datetime.timezone.utc))
def test_an_export_or_a_whole_answer_costs_the_same_queries_for_5_instruments_as_for_50(db, client, portfolio, address):
    # On a day with dates ahead of the synthetic instruments, so the calendar has some to show.
    portfolio(5)
    status, _, few = read(client, address)
    assert status == 200
    portfolio(45)
    status, _, many = read(client, address)
    assert status == 200
    assert many == few


@pytest.mark.parametrize("address", [address for address in EXPORTS if "format=csv" in address])
def test_a_csv_costs_the_same_queries_however_many_chunks_it_is_read_in(db, client, portfolio, monkeypatch, address):
    # Rows are fetched CHUNK at a time: two at a time, 50 instruments are many chunks.
    monkeypatch.setattr(exports, "CHUNK", 2)
    portfolio(5)
    status, few_body, few = read(client, address)
    assert status == 200
    portfolio(45)
    status, body, many = read(client, address)
    assert status == 200
    assert body.count("\n") > few_body.count("\n") + 2 * exports.CHUNK
    assert many == few


def test_a_csv_has_a_row_for_every_instrument(db, client, portfolio):
    portfolio(50)
    status, body, _ = read(client, "/instruments/?format=csv&on=2020-06-01")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == Instrument.objects.count() == 50
    assert {row["slug"] for row in rows} == set(Instrument.objects.values_list("slug", flat=True))
    assert all(row["agencies"] for row in rows)
    status, body, _ = read(client, "/on/2020-06-01/?format=csv")
    assert len(list(csv.DictReader(io.StringIO(body)))) == 50


@pytest.mark.parametrize(
    "address",
    [
        "/changes/?from=2015-01-01&to=2020-12-31",
        "/changes/?from=2015-01-01&to=2020-12-31&format=csv",
        "/changes/?from=2019-01-01",
    ],
)
def test_a_window_longer_than_a_year_is_refused_saying_so(db, client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "a window may span at most 366 days: ask for a year at a time" in response.content.decode()


def test_a_window_of_a_leap_year_is_answered(db, client):
    assert client.get("/changes/?from=2020-01-01&to=2020-12-31").status_code == 200


# Parameters: one rule for each kind, the same everywhere.


@pytest.mark.parametrize(
    "address, name, message",
    [
        ("/api/instruments/?page=0", "page", "page must be a whole number from 1 up, not '0'."),
        ("/api/instruments/?page=-3", "page", "page must be a whole number from 1 up, not '-3'."),
        ("/api/documents/?page=two", "page", "page must be a whole number from 1 up, not 'two'."),
        (
            "/api/instruments/?page_size=null",
            "page_size",
            "page_size must be a whole number from 1 to 500, not 'null'.",
        ),
        ("/api/agencies/?page_size=0", "page_size", "page_size must be a whole number from 1 to 500, not '0'."),
        ("/api/instruments/?page_size=501", "page_size", "page_size must be a whole number from 1 to 500, not '501'."),
        ("/api/changes/?page_size=1e3", "page_size", "page_size must be a whole number from 1 to 500, not '1e3'."),
        ("/api/instruments/?recorded=", "recorded", "recorded is empty: give it a value, or leave it out."),
        (
            "/api/instruments/ai-diffusion-rule/status/?recorded=",
            "recorded",
            "recorded is empty: give it a value, or leave it out.",
        ),
        ("/api/instruments/?sort=", "sort", "sort is empty: give it a value, or leave it out."),
        ("/api/changes/?sort=,", "sort", "sort is empty: give it a value, or leave it out."),
        ("/api/instruments/?on=", "on", "on is empty: give it a value, or leave it out."),
        ("/api/changes/?agency=", "agency", "agency is empty: give it a value, or leave it out."),
        (
            "/api/changes/?from=2015-01-01&to=2020-12-31",
            "to",
            "from 2015-01-01 to 2020-12-31 is 2,192 days; a window may span at most 366 days: ask for a year at a time.",
        ),
    ],
)
def test_the_api_refuses_a_bad_or_empty_parameter_naming_it(demo, client, address, name, message):
    response = client.get(address)
    assert response.status_code == 400
    assert response.json() == {name: [message]}


def test_a_page_past_the_last_is_not_found_saying_so(demo, client):
    response = client.get("/api/instruments/?page=99")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 99: That page contains no results."}


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/changes.atom?agency=nope",
        "/calendar.ics?agency=nope",
        "/api/instruments/?agency=nope",
        "/feeds/changes.atom?topic=nope",
    ],
)
def test_an_unknown_agency_or_topic_is_a_bad_request_everywhere(demo, client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "nope is not one of the available choices" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/changes.atom?agency=",
        "/calendar.ics?agency=&topic=",
        "/instruments/?agency=&kind=",
        "/changes/?from=&to=",
    ],
)
def test_pages_feeds_and_calendars_drop_blanks_as_forms_send_them(demo, client, address):
    assert client.get(address).status_code == 200


def test_the_api_pages_changes_by_instrument(demo, client):
    first = client.get("/api/changes/?from=2025-01-01&to=2025-12-31&page_size=1").json()
    assert first["count"] > 1 and len(first["instruments"]) == 1
    assert {event["instrument"] for event in first["events"]} <= {first["instruments"][0]["slug"]}
    assert first["previous"] is None and "page=2" in first["next"]
    seen = [first["instruments"][0]["slug"]]
    address = first["next"]
    while address:
        page = client.get(address).json()
        seen += [row["slug"] for row in page["instruments"]]
        address = page["next"]
    whole = client.get("/api/changes/?from=2025-01-01&to=2025-12-31&page_size=500").json()
    assert seen == [row["slug"] for row in whole["instruments"]] and len(seen) == first["count"]


@pytest.mark.parametrize("known", [None, datetime.date(2019, 6, 1)])
def test_the_changes_csvs_read_the_listed_phases_in_one_query_as_read_gives_them(
    db, client, portfolio, monkeypatch, known
):
    portfolio(30)
    listed = ChangeList(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), Instrument.objects.all(), known)
    expected = {
        change.instrument.pk: [change.instrument.slug, change.instrument.title, change.before, change.after]
        for change in listed.read(listed.listed)
    }
    assert expected and listed.phases() == expected
    # The export never asks for them 500 ids at a time.
    monkeypatch.setattr(ChangeList, "read", lambda *args, **kwargs: pytest.fail("read in chunks"))
    address = "/changes/?from=2019-01-01&to=2019-12-31&format=csv" + (f"&known={known}" if known else "")
    assert read(client, address)[0] == 200
