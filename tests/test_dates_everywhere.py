"""Every page, the API and the commands read dates through one reader with one range, so a date
at the edge of the calendar is refused with the same clear message everywhere, never a 500."""

import pytest

from policytrack.timeline.dates import EARLIEST, LATEST

from conftest import text

RANGE = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"

OUT_OF_RANGE_URLS = [
    "/changes/?from=0001-01-01&to=2025-01-01",
    "/changes/?from=2025-01-01&to=9999-12-31",
    "/changes/?from=0001-01-01&to=2025-01-01&format=csv",
    "/instruments/ai-diffusion-rule/?on=0001-01-05",
    "/instruments/ai-diffusion-rule/?on=9999-12-30",
    "/instruments/ai-diffusion-rule/?known=0001-01-01",
    "/instruments/ai-diffusion-rule/?recorded=0001-01-01T00:00%2B05:00",
    "/instruments/ai-diffusion-rule/?recorded=9999-12-31T23:00-05:00",
    "/on/9999-12-31/",
    "/on/0001-01-01/",
    "/on/?date=0001-01-01",
    "/instruments/?on=9999-12-31",
    "/instruments/?on=0001-01-01&format=csv",
    # Knowledge dates, on every portfolio view that reads them.
    "/?known=0001-01-01",
    "/changes/?known=9999-12-31",
    "/changes/?known=0001-01-01&format=csv",
    "/on/2025-05-20/?known=0001-01-01&format=csv",
    "/on/?date=2025-05-20&known=0001-01-01",
    "/instruments/?known=0001-01-01&format=csv",
]


@pytest.mark.parametrize("url", OUT_OF_RANGE_URLS)
def test_a_date_out_of_range_is_refused_with_the_range_on_every_page(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert RANGE in text(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/changes/?from=0001-01-01&to=2025-01-01",
        "/api/changes/?known=0001-01-01",
        "/feeds/changes.atom?known=0001-01-01",
        "/instruments/ai-diffusion-rule/changes.atom?known=9999-12-31",
        "/calendar.ics?known=0001-01-01",
        "/instruments/ai-diffusion-rule/calendar.ics?known=0001-01-01",
        "/api/instruments/ai-diffusion-rule/status/?on=9999-12-31",
        "/api/instruments/ai-diffusion-rule/status/?recorded=0001-01-01T00:00%2B05:00",
        "/api/instruments/?on=0001-01-01",
    ],
)
def test_the_api_refuses_the_same_dates_with_the_same_message(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert RANGE in response.content.decode()


def test_a_moment_with_an_offset_is_read_as_the_same_moment_in_utc(client, demo):
    """On SQLite a moment with an offset was compared as text (a 500); it is the same moment."""
    with_offset = client.get("/instruments/ai-diffusion-rule/?recorded=2099-01-01T05:00%2B05:00")
    in_utc = client.get("/instruments/ai-diffusion-rule/?recorded=2099-01-01T00:00Z")
    assert with_offset.status_code == in_utc.status_code == 200
    assert "In force" in text(with_offset) or "in force" in text(with_offset)


def test_the_dates_at_the_edges_of_the_range_are_answered(client, demo):
    for url in (
        f"/on/{EARLIEST.isoformat()}/",
        f"/on/{LATEST.isoformat()}/",
        f"/instruments/ai-diffusion-rule/?on={EARLIEST.isoformat()}",
        f"/instruments/ai-diffusion-rule/?on={LATEST.isoformat()}",
        f"/changes/?from={EARLIEST.isoformat()}&to={EARLIEST.isoformat()}",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "args",
    [
        ["--on", "9999-12-31"],
        ["--on", "2025-05-20", "--known", "0001-01-01"],
        ["--on", "2025-05-20", "--recorded", "0001-01-01T00:00+05:00"],
    ],
)
def test_the_status_command_refuses_out_of_range_dates_in_one_line(demo, run, args):
    code, out, err = run("status", "ai-diffusion-rule", *args)
    assert code == 2
    assert RANGE in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
