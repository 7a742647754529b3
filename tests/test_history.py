"""The edit history tells the story: what changed, in words, by whom and when, a page at a time,
per instrument and site-wide, each entry opening the page as it was."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test.utils import CaptureQueriesContext
from django.db import connection

from conftest import text
from policytrack.timeline.models import Claim, Event
from policytrack.web import history


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("jdoe-login", first_name="Jane", last_name="Doe")


@pytest.fixture
def edited_claim(demo, editor):
    claim = (
        Claim.objects.filter(event__instrument=demo, date=datetime.date(2025, 5, 12)).select_related("document").first()
    )
    claim.date = datetime.date(2025, 5, 13)
    claim._history_user = editor
    claim.save()
    return claim


def test_an_edit_of_a_claims_date_says_from_what_to_what_and_who(client, demo, edited_claim):
    page = text(client.get(f"/instruments/{demo.slug}/"))
    document = edited_claim.document
    said = (
        f"Changed the date of the claim by {document.publisher}: “{document.title}” for the "
        f"“{edited_claim.event.get_kind_display()}” event from 12 May 2025 to 13 May 2025"
    )
    assert said in page
    assert "Jane Doe" in page and "jdoe-login" not in page
    site = text(client.get("/history/"))
    assert said in site and "AI Diffusion Rule" in site and "jdoe-login" not in site


def test_no_internal_key_appears(client, demo, edited_claim):
    event = demo.events.get(kind="effective")
    event.date = datetime.date(2025, 1, 14)
    event.save()
    keys = set(Event.objects.exclude(key="").values_list("key", flat=True))
    keys |= set(Claim.objects.values_list("document__key", flat=True))
    keys = {key for key in keys if re.search(r"[-_\d]", key)}  # not those that are plain words ("effective")
    assert "seed-001" in keys
    for address in (f"/instruments/{demo.slug}/", "/history/", f"/history/?instrument={demo.slug}"):
        page = text(client.get(address))
        assert "Moved the “effective” event from 13 January 2025 to 14 January 2025" in page
        assert not [key for key in keys if re.search(rf"\b{re.escape(key)}\b", page)], address


def test_the_link_reproduces_the_page_as_it_was(client, demo, edited_claim):
    response = client.get(f"/history/?instrument={demo.slug}")
    link = re.search(
        r'<a href="(/instruments/ai-diffusion-rule/\?recorded=[^"]+)">as it was then</a>', response.content.decode()
    )[1].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["recorded"]
    after = text(client.get(link))
    before_link = re.findall(
        r'<a href="(/instruments/ai-diffusion-rule/\?recorded=[^"]+)">as it was then</a>', response.content.decode()
    )[1].replace("&amp;", "&")
    before = text(client.get(before_link))
    # The claim shows 13 May just after the edit, 12 May just before it.
    assert "13 May 2025" in after
    assert after != before
    assert text(client.get(f"/instruments/{demo.slug}/")).count("13 May 2025") == after.count("13 May 2025")


def test_the_history_is_paginated_with_a_count_and_older_edits(client, demo, edited_claim, monkeypatch):
    monkeypatch.setattr(history, "PAGE_SIZE", 5)
    seen, address = [], "/history/"
    while address:
        response = client.get(address)
        assert response.status_code == 200
        page = response.content.decode()
        rows = re.findall(r"<li><p>(.*?)</p>\s*<p class=\"muted\">(.*?) UTC", page)
        assert len(rows) <= 5
        seen += rows
        older = re.search(r'<a href="([^"]*)" rel="next">Older edits', page)
        address = "/history/" + older[1].replace("&amp;", "&") if older else None
    count = int(re.search(r"(\d+) recorded edits", text(client.get("/history/")))[1])
    assert len(seen) == count > 5
    assert len({words for words, _ in seen}) > 5


def test_a_page_of_history_costs_a_fixed_number_of_queries(client, demo, edited_claim):
    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            history.page(None, None, size=size)
        return len(captured)

    # Three tables, the records before the changed ones, events, documents, instruments, users.
    assert queries(5) <= 9 and queries(40) <= 9


@pytest.mark.parametrize("query", ["older=nonsense", "older=2025-01-01T00:00~x~1", "instrument=no-such-thing"])
def test_bad_history_addresses_get_a_message(client, demo, query):
    response = client.get(f"/history/?{query}")
    assert response.status_code in (400, 404)
    assert "older" in text(response) or "no-such-thing" in text(response)
    assert client.get(f"/instruments/{demo.slug}/?older=nonsense").status_code == 400
