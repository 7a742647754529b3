"""The methodology page, and the links to it from every badge, flag and rank."""

import re

from django.urls import reverse

from conftest import text


def test_it_explains_every_phase_flag_rank_and_time(client, db):
    response = client.get("/methodology/")
    assert response.status_code == 200
    body = text(response)
    for words in (
        "As known on a date",
        "As recorded at a moment",
        "Why a date wins",
        "lower is better",
        "in force, not enforced",
        "stayed by a court",
        "Obligations enforced",
        "Rescission pending",
        "it is not legal advice",
    ):
        assert words in body
    html = response.content.decode()
    for anchor in (
        "phase-in_force",
        "phase-not_enforced",
        "phase-withdrawn",
        "flag-in_force",
        "flag-enforced",
        "flag-obligations_apply",
        "flag-rescission_pending",
        "ranks",
        "known",
        "recorded",
        "disputed",
        "preempted",
        "scheduled",
        "unsourced",
    ):
        assert f'id="{anchor}"' in html
    assert "1 Federal register document" in body or "1 Federal Register document" in body


def test_the_instrument_page_links_its_badge_flags_tags_and_ranks_to_it(demo, client):
    response = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20"})
    html = response.content.decode()
    assert '<a class="badge phase-not_enforced" href="/methodology/#phase-not_enforced">' in html
    assert '<a href="/methodology/#flag-obligations_apply">Obligations enforced</a>' in html
    assert '<a class="tag tag-disputed" href="/methodology/#disputed">disputed</a>' in html
    assert re.search(r'<a href="/methodology/#ranks">source rank 1</a>', html)
    body = text(response)
    assert "Obligations enforced : no" in body
    assert "Compliance obligations apply" not in body


def test_lists_link_their_badges_to_it(demo, client):
    for url in ("/", "/instruments/?on=2025-05-20", "/on/2025-05-20/", "/changes/?from=2025-05-01&to=2025-05-31"):
        html = client.get(url).content.decode()
        assert 'href="/methodology/#phase-' in html, url
    body = text(client.get("/on/2025-05-20/"))
    assert "in force, not enforced 1 instrument" in body


def test_document_pages_link_their_rank_to_it(demo, client):
    from policytrack.timeline.models import Document

    document = Document.objects.get(kind="federal_register")
    html = client.get(reverse("web:document_detail", args=[document.pk])).content.decode()
    assert '<a href="/methodology/#ranks">source rank 1</a>' in html


def test_the_year_one_is_written_in_full():
    import datetime

    from policytrack.timeline.wording import human_date

    assert human_date(datetime.date(1, 1, 1)) == "1 January 0001"
    assert human_date(datetime.date(1, 1, 1), "year") == "0001"
