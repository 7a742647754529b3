"""What every page says about itself: its description, its icon, its feed."""

import re

from django.urls import reverse

from conftest import ROOT
from policytrack.timeline.models import Document

FEED = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">')


def pages(demo):
    document = Document.objects.get(kind="federal_register")
    return [
        "/",
        "/instruments/",
        "/on/2025-05-20/",
        "/changes/",
        "/methodology/",
        reverse("web:instrument_detail", args=["ai-diffusion-rule"]),
        reverse("web:document_detail", args=[document.pk]),
    ]


def test_every_page_has_its_own_description_and_the_icon(demo, client):
    descriptions = set()
    for url in pages(demo):
        html = client.get(url).content.decode()
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert description and len(description.group(1)) > 40, url
        descriptions.add(description.group(1))
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert len(descriptions) == len(pages(demo))
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


def test_the_instrument_page_describes_its_status(demo, client):
    html = client.get(
        reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20"}
    ).content.decode()
    assert (
        '<meta name="description" content="Framework for Artificial Intelligence Diffusion: On 20 May 2025: '
        "in force but not enforced since 13 May 2025"
    ) in html


def test_pages_with_a_feed_announce_it_with_their_filters(demo, client):
    assert FEED.search(client.get("/").content.decode()).groups() == ("All changes", "/feeds/changes.atom")
    html = client.get("/changes/", {"agency": "bis", "topic": "export-controls", "kind": "rule"}).content.decode()
    assert FEED.search(html).groups() == (
        "Changes for this agency or topic",
        "/feeds/changes.atom?agency=bis&amp;topic=export-controls",
    )
    assert (
        FEED.search(client.get("/instruments/", {"agency": "bis"}).content.decode()).group(2)
        == "/feeds/changes.atom?agency=bis"
    )
    assert (
        FEED.search(client.get("/on/2025-05-20/", {"topic": "semiconductors"}).content.decode()).group(2)
        == "/feeds/changes.atom?topic=semiconductors"
    )
    detail = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"])).content.decode()
    assert FEED.search(detail).groups() == (
        "Changes to AI Diffusion Rule",
        "/instruments/ai-diffusion-rule/changes.atom",
    )


def test_the_visible_feed_links_carry_the_filters_too(demo, client):
    html = client.get("/changes/", {"agency": "bis"}).content.decode()
    assert '<a href="/feeds/changes.atom?agency=bis">Atom feed of changes for this agency or topic</a>' in html
    html = client.get("/instruments/", {"agency": "bis", "kind": "rule"}).content.decode()
    assert '<a href="/feeds/changes.atom?agency=bis">Atom feed of changes for this agency or topic</a>' in html
    assert "/feeds/calendar.ics?agency=bis&amp;kind=rule" in html or "calendar.ics?agency=bis&amp;kind=rule" in html


def test_the_home_page_search_landmarks_have_different_names(demo, client):
    html = client.get("/").content.decode()
    labels = re.findall(r'role="search" aria-label="([^"]+)"', html)
    assert sorted(labels) == ["Instrument search", "Site search"]
