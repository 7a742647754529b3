"""Every endpoint costs a number of queries that does not grow with the portfolio, and answers
the whole of it: exports stream every row, the API pages everything, calendars come from
stored data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policytrack.timeline.models import Instrument

EXPORTS = [
    "/instruments/?format=csv&on=2020-06-01",
    "/instruments/?format=csv&on=2020-06-01&agency=department-of-commerce&sort=-phase",
    "/on/2020-06-01/?format=csv",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv&kind=rule",
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
def test_an_export_costs_the_same_queries_for_5_instruments_as_for_50(db, client, portfolio, address):
    portfolio(5)
    status, _, few = read(client, address)
    assert status == 200
    portfolio(45)
    status, _, many = read(client, address)
    assert status == 200
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


@pytest.mark.parametrize("address", [
    "/changes/?from=2015-01-01&to=2020-12-31",
    "/changes/?from=2015-01-01&to=2020-12-31&format=csv",
    "/changes/?from=2019-01-01",
])
def test_a_window_longer_than_a_year_is_refused_saying_so(db, client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "a window may span at most 366 days: ask for a year at a time" in response.content.decode()


def test_a_window_of_a_leap_year_is_answered(db, client):
    assert client.get("/changes/?from=2020-01-01&to=2020-12-31").status_code == 200
