"""Words that mean what they say: no internal keys or test vocabulary, counts that agree, and
no two events sharing one name."""

import re

from django.urls import reverse

from conftest import text
from policytrack.timeline.models import Document, Instrument

INTERNAL = re.compile(r"\bseeds?\b|importer|shared/|bis-ai-diffusion-info-page", re.IGNORECASE)


def test_no_page_or_feed_of_the_demo_shows_internal_words(demo, client):
    urls = [
        "/",
        "/instruments/",
        "/on/2025-05-20/",
        "/changes/?from=2025-05-01&to=2025-06-30",
        "/methodology/",
        "/feeds/changes.atom",
        "/instruments/ai-diffusion-rule/changes.atom",
    ]
    urls += [f"{instrument.get_absolute_url()}?on=2025-05-20" for instrument in Instrument.objects.all()]
    urls += [reverse("web:document_detail", args=[pk]) for pk in Document.objects.values_list("pk", flat=True)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        # The edit history's names for what changed are another piece of work (issue 20, item 4).
        found = INTERNAL.findall(text(response).split("Edit history When Who What")[0])
        assert not found, (url, found)


def test_the_copies_of_sources_are_named_by_their_publishers(demo, client):
    body = text(client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20"}))
    assert "news article, Agentic Tribune, published 8 May 2025" in body
    assert "press release, U.S. Department of Commerce (copy of the press release), published 12 May 2025" in body


def test_a_single_match_is_counted_in_the_singular(demo, client):
    assert "1 instrument matches “0694-AJ90”, best match first." in text(
        client.get("/instruments/", {"q": "0694-AJ90"})
    )
    body = text(client.get("/instruments/", {"kind": "guidance"}))
    assert "3 instruments match the filters." in body


def test_two_compliance_dates_have_two_names(demo, client):
    body = text(client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-02-01"}))
    assert "15 May 2025 First compliance date" in body
    assert "15 January 2026 Second compliance date" in body
    assert "Next foreseeable change : first compliance date on 15 May 2025." in body
    assert "Compliance date Compliance date" not in body


def test_a_phase_held_from_the_start_says_there_was_no_earlier_change(demo, client):
    body = text(client.get("/on/2024-12-01/"))
    assert "no earlier change" in body
    assert "always" not in body


def test_lists_of_events_tell_two_of_a_kind_apart(demo, client):
    import datetime

    import time_machine

    with time_machine.travel(datetime.date(2026, 1, 20)):
        home = text(client.get("/"))
    assert "15 January 2026 AI Diffusion Rule : second compliance date" in home
    assert "15 May 2025 AI Diffusion Rule : first compliance date" in home
    changes = text(client.get("/changes/", {"from": "2025-05-14", "to": "2026-01-31"}))
    assert "15 May 2025 First compliance date" in changes and "15 January 2026 Second compliance date" in changes
    assert "15 May 2025 Comment period closes" in changes  # a kind that occurs once keeps its plain name
