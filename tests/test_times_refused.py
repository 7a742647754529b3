"""Every portfolio view answers ``known`` and ``recorded``; the views that hold no time of their
own refuse them with a message instead of silently answering with hindsight (issue 18)."""

from urllib.parse import quote

import pytest
from django.utils import timezone

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
# Each answers ``known`` and ``recorded`` (tests/test_portfolio_known.py, test_changes_known.py,
# test_portfolio_recorded.py, test_instruments_recorded.py, test_csv_recorded.py,
# test_changes_recorded.py; what each says: tests/test_every_view_agrees.py).
FEEDS = [
    "/feeds/changes.atom",
    "/instruments/ai-diffusion-rule/changes.atom",
    "/calendar.ics",
    "/instruments/ai-diffusion-rule/calendar.ics",
]
API = ["/api/changes/?from=2025-05-01&to=2025-05-31"]


def with_param(url, param):
    return f"{url}{'&' if '?' in url else '?'}{param}"


@pytest.mark.parametrize("url", PAGES)
def test_every_portfolio_page_and_export_answers_both_times(client, demo, url):
    """No portfolio list refuses a time any more: as known on 1 May 2025, as recorded now, each
    answers (the views with no time of their own refuse them: ``NOW_ONLY`` below)."""
    response = client.get(with_param(url, f"known=2025-05-01&recorded={quote(timezone.now().isoformat())}"))
    assert response.status_code == 200
    assert "cannot answer" not in (text(response) if "format=csv" not in url else "")


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_and_calendars_answer_both_times_and_refuse_a_moment_too_early_in_plain_text(client, demo, url):
    now = quote(timezone.now().isoformat())
    assert client.get(with_param(url, f"known=2025-05-01&recorded={now}")).status_code == 200
    response = client.get(with_param(url, "known=2025-05-01&recorded=2025-05-01T00:00Z"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "recorded 1 May 2025 00:00:00 UTC is too early" in response.content.decode()


@pytest.mark.parametrize("url", [*API, *PAGES])
def test_the_views_answering_recorded_refuse_a_moment_too_early_naming_it(client, demo, url):
    response = client.get(with_param(url, "recorded=2025-05-01T00:00Z"))
    assert response.status_code == 400
    said = " ".join(response.json()["recorded"]) if url.startswith("/api/") else text(response)
    assert "recorded 1 May 2025 00:00:00 UTC is too early" in said
    assert client.get(with_param(url, f"recorded={quote(timezone.now().isoformat())}")).status_code == 200


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
