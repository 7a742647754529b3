"""Views that answer only with everything known, as recorded now, refuse ``known`` and
``recorded`` with a message instead of silently answering with hindsight (issue 18)."""

import pytest

from conftest import text
from policytrack.timeline.models import Document

PAGES = [
    "/",
    "/instruments/",
    "/instruments/?format=csv",
    "/on/2025-05-20/",
    "/on/2025-05-20/?format=csv",
    "/changes/?from=2025-05-01&to=2025-05-31",
    "/changes/?from=2025-05-01&to=2025-05-31&format=csv",
]
# These read ``known`` (tests/test_on_date_known.py, test_changes_known.py, test_portfolio_known.py).
ANSWER_KNOWN = {
    "/",
    "/on/2025-05-20/",
    "/on/2025-05-20/?format=csv",
    "/instruments/",
    "/instruments/?format=csv",
    "/changes/?from=2025-05-01&to=2025-05-31",
    "/changes/?from=2025-05-01&to=2025-05-31&format=csv",
}
# /on/<date>/ and /instruments/, and their CSVs, answer ``recorded`` from the rows' record time
# (tests/test_portfolio_recorded.py, tests/test_instruments_recorded.py, tests/test_csv_recorded.py).
ANSWER_RECORDED = {"/on/2025-05-20/", "/on/2025-05-20/?format=csv", "/instruments/", "/instruments/?format=csv"}
FEEDS = [
    "/feeds/changes.atom",
    "/instruments/ai-diffusion-rule/changes.atom",
    "/calendar.ics",
    "/instruments/ai-diffusion-rule/calendar.ics",
]
API = ["/api/changes/?from=2025-05-01&to=2025-05-31"]


def with_param(url, param):
    return f"{url}{'&' if '?' in url else '?'}{param}"


@pytest.mark.parametrize(
    "url,param",
    [(url, "recorded=2025-05-01T00:00Z") for url in PAGES if url not in ANSWER_RECORDED]
    + [(url, "known=2025-05-01") for url in PAGES if url not in ANSWER_KNOWN],
)
def test_a_page_that_cannot_answer_a_time_says_so(client, demo, url, param):
    response = client.get(with_param(url, param))
    assert response.status_code == 400
    name = param.split("=")[0]
    assert f"cannot answer “{name}” yet" in text(response)
    assert "AI Diffusion Rule" not in text(response)  # no list answered with hindsight


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_and_calendars_answer_known_and_refuse_record_time_in_plain_text(client, demo, url):
    assert client.get(with_param(url, "known=2025-05-01")).status_code == 200
    response = client.get(with_param(url, "known=2025-05-01&recorded=2025-05-01T00:00Z"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "cannot answer “recorded” yet" in response.content.decode()


@pytest.mark.parametrize("url", API)
def test_the_api_lists_answer_known_and_refuse_recorded_naming_it(client, demo, url):
    response = client.get(with_param(url, "known=2025-05-01&recorded=2025-05-01"))
    assert response.status_code == 400
    assert set(response.json()) == {"recorded"}
    assert "cannot answer “recorded” yet" in response.json()["recorded"][0]


def test_an_empty_time_is_no_time(client, demo):
    """Forms send ``known=`` for "leave it out"."""
    assert client.get("/on/2025-05-20/?known=").status_code == 200


def test_the_instrument_page_and_status_still_answer_known(client, demo):
    assert client.get("/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01").status_code == 200
    status = client.get("/api/instruments/ai-diffusion-rule/status/?on=2025-05-20&known=2025-05-01").json()
    assert status["phase"] == "in_force"


# Views that hold no time of their own: asked one, they say so (never a silent answer as now).
NOW_ONLY = [
    ("/api/instruments/ai-diffusion-rule/", "timeline"),
    ("/api/documents/{document}/", "document"),
    ("/api/agencies/", "list"),
    ("/history/", "page"),
    ("/documents/{document}/", "page"),
]


@pytest.mark.parametrize("url,what", NOW_ONLY)
@pytest.mark.parametrize("param", ["known=2025-05-01", "recorded=2025-05-01T00:00Z"])
def test_views_without_times_refuse_them_naming_each(client, demo, url, what, param):
    url = url.format(document=Document.objects.order_by("pk").first().pk)
    response = client.get(with_param(url, param))
    assert response.status_code == 400
    name = param.split("=")[0]
    body = str(response.json()[name]) if url.startswith("/api/") else text(response)
    assert f"This {what} cannot answer “{name}” yet" in body
    assert client.get(url).status_code == 200


def test_the_api_documents_as_known_on_a_date_are_those_published_by_then(client, demo, demo_data):
    held = sorted(d["title"] for d in demo_data["documents"] if d["published_on"] <= "2025-05-01")
    assert 0 < len(held) < len(demo_data["documents"])
    body = client.get("/api/documents/?known=2025-05-01&page_size=500").json()
    assert sorted(row["title"] for row in body["results"]) == held
    assert body["count"] == len(held)
    response = client.get("/api/documents/?known=May")
    assert response.status_code == 400 and set(response.json()) == {"known"}


def test_the_documents_answer_recorded_and_refuse_a_malformed_moment_naming_it(client, demo):
    """/documents/ and /api/documents/ answer ``recorded`` (tests/test_documents_recorded.py): at
    a moment before the demo was recorded, they held no source; a malformed moment is a 400."""
    body = client.get("/api/documents/?known=2025-05-01&recorded=2025-05-01T00:00Z").json()
    assert body["count"] == 0 and body["results"] == []
    assert "No source held then was published by 1 May 2025." in text(
        client.get("/documents/?known=2025-05-01&recorded=2025-05-01T00:00Z")
    )
    response = client.get("/api/documents/?recorded=May")
    assert response.status_code == 400 and set(response.json()) == {"recorded"}
    response = client.get("/documents/?recorded=May")
    assert response.status_code == 400 and "recorded must be a date and time" in text(response)
