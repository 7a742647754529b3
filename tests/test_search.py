"""Search finds what analysts type: citations, CFR references, dockets and RINs in any common
form, and words anywhere in an instrument's text or its sources' — ranked, highlighted, counted."""

import re

import pytest

from conftest import text
from policytrack.timeline.models import Document, Event, Instrument

ANY_FORM = [
    "90 FR 4544",
    "90 FR 4,544",
    "90FR4544",
    "90 F.R. 4544",
    "FR Doc. 2025-00636",
    "2025-00636",
    "15 CFR 748",
    "15 CFR part 748",
    "part 748",
    "BIS-2025-0001",
    "250107-0007",
    "0694-AJ90",
    "Framework for Artificial Intelligence Diffusion",
    "diffusion framework",
]


def found(client, query, **params):
    response = client.get("/instruments/", {"q": query, **params})
    assert response.status_code == 200, (query, response.content[:300])
    return response, re.findall(r'<td><a href="/instruments/([\w-]+)/', response.content.decode())


@pytest.mark.parametrize("query", ANY_FORM)
def test_every_form_of_its_identifiers_finds_the_ai_diffusion_rule(demo, client, query):
    response, slugs = found(client, query)
    assert slugs[0] == "ai-diffusion-rule"
    assert re.search(r"\d+ instruments? match", text(response))


def test_a_phrase_from_a_sources_text_finds_its_instrument(demo, client):
    # "Huawei Ascend" is only in the notes of documents the AI Diffusion Rule's claims cite.
    assert "Huawei" not in " ".join([demo.title, demo.short_title, demo.summary, *demo.aliases])
    assert "ai-diffusion-rule" in found(client, "Huawei Ascend")[1]
    # Words from an excerpt (a news report's), not in any title.
    response, slugs = found(client, "revocation restricted export")
    assert slugs == ["ai-diffusion-rule"]
    assert "<mark>revocation</mark>" in response.content.decode()


def test_the_matching_words_are_marked_in_a_snippet_and_counted(demo, client):
    response, slugs = found(client, "90 FR 4,544")
    page = response.content.decode()
    assert '<p class="snippet">' in page and "<mark>90 FR 4544</mark>" in page
    assert "1 instrument matches “90 FR 4,544”, best match first." in text(response)


def test_the_exact_citation_match_comes_first(demo, client):
    # Another instrument that only mentions the citation in its summary ranks below the rule
    # whose own Federal Register document it is, whatever the titles' order.
    Instrument.objects.create(
        slug="aaa-mention",
        title="AAA note on export rules",
        kind="guidance",
        summary="Refers to the rule at 90 FR 4544 and to FR Doc. 2025-00636.",
    )
    for query in ("90 FR 4544", "2025-00636"):
        assert found(client, query)[1] == ["ai-diffusion-rule", "aaa-mention"]
    # An explicit sort still wins over relevance.
    assert found(client, "90 FR 4544", sort="title")[1] == ["aaa-mention", "ai-diffusion-rule"]


def test_a_search_matching_too_many_to_rank_is_listed_by_title_and_says_so(demo, client, monkeypatch):
    from policytrack.timeline import search

    for n, (title, kind) in enumerate(
        [("Zulu quokka rule", "rule"), ("Alpha quokka rule", "guidance"), ("Mike quokka rule", "rule")]
    ):
        Instrument.objects.create(slug=f"quokka-{n}", title=title, kind=kind, summary="About quokkas.")
    monkeypatch.setattr(search, "RANKED_AT_MOST", 2)
    response, slugs = found(client, "quokka")
    # The first two recorded (Zulu, Alpha), by title; Mike, recorded last, is left out.
    assert slugs == ["quokka-1", "quokka-0"]
    assert (
        "More than 2 instruments match “quokka”: the first 2 recorded are listed by title, as there are "
        "too many to rank — add a word or a filter to narrow the search." in text(response)
    )
    # A sort chosen sorts those.
    response, slugs = found(client, "quokka", sort="-title")
    assert slugs == ["quokka-0", "quokka-1"]
    assert "the first 2 recorded are listed — add a word or a filter to narrow the search." in text(response)
    # A filter narrowing the list to the limit or below shows the exact count, still by title.
    response, slugs = found(client, "quokka", kind="rule")
    assert slugs == ["quokka-2", "quokka-0"]
    assert (
        "2 instruments match “quokka” and the filters, listed by title: the words alone match more than "
        "2 instruments, too many to rank." in text(response)
    )
    # Few enough to rank: best match first, counted exactly.
    monkeypatch.setattr(search, "RANKED_AT_MOST", 3)
    response, slugs = found(client, "quokka")
    assert "3 instruments match “quokka”, best match first." in text(response)


def test_the_index_follows_edits(demo, client):
    assert found(client, "zeppelin")[1] == []
    event = demo.events.first()
    event.note = "A zeppelin was seen."
    event.save()
    assert found(client, "zeppelin")[1] == ["ai-diffusion-rule"]
    document = Document.objects.get(citation="90 FR 4544")
    document.excerpt = "<p>An <b>airship</b> excerpt.</p>"
    document.save()
    assert found(client, "airship")[1] == ["ai-diffusion-rule"]
    demo.summary = "Now about blimps."
    demo.save()
    assert found(client, "blimps")[1] == ["ai-diffusion-rule"]
    Event.objects.filter(pk=event.pk).delete()  # a bulk delete sends the signals too
    assert found(client, "zeppelin")[1] == []


@pytest.mark.parametrize(
    "query",
    [
        '"Huawei',
        'Huawei"',
        '""',
        "AND",
        "Huawei AND OR NOT",
        "NEAR(Huawei Ascend)",
        "Hua*",
        "*",
        "-Huawei",
        "Huawei:*",
        "'; DROP TABLE x; --",
        "(((",
        "^Huawei",
        "title:Huawei",
        "!&|<->",
        "Ascend \\",
        "é ü 中文",
    ],
)
def test_no_search_is_an_error(demo, client, query):
    response, slugs = found(client, query)  # a page, never a 500
    if query in ('"Huawei', 'Huawei"', "-Huawei", "Huawei:*", "^Huawei"):  # the punctuation is ignored
        assert "ai-diffusion-rule" in slugs


def test_a_nul_character_is_refused_with_a_message(demo, client):
    response = client.get("/instruments/", {"q": "Huawei\x00Ascend"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in text(response)


@pytest.mark.parametrize("address", ["/api/instruments/", "/instruments/"])
def test_the_api_and_csv_search_the_same_way(demo, client, address):
    params = {"q": "FR Doc. 2025-00636", **({"format": "csv"} if address == "/instruments/" else {})}
    response = client.get(address, params)  # the API refuses a parameter given empty
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    assert b"ai-diffusion-rule" in body or b"Framework for Artificial Intelligence Diffusion" in body


@pytest.mark.parametrize(
    "url",
    [
        "/on/2025-05-20/?q=rule",
        "/on/2025-05-20/?q=rule&known=2025-05-01",
        "/changes/?from=2025-05-01&to=2025-05-31&q=rule",
        "/changes/?from=2025-05-01&to=2025-05-31&q=rule&format=csv",
        "/api/changes/?from=2025-05-01&to=2025-05-31&q=rule",
        "/compare/?a=2025-01-01&b=2025-06-01&q=rule",
        "/calendar.ics?q=rule",
    ],
)
def test_a_search_narrows_every_page_that_takes_the_filters(demo, client, url):
    """/on/ and /changes/ read the search inside subqueries of their own: on SQLite a join with
    the FTS table written by hand failed there ("no such column"), found by schemathesis."""
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"ai-diffusion-rule" in body or b"AI Diffusion Rule" in body or url.startswith(("/calendar", "/compare"))


@pytest.mark.parametrize(
    "url",
    [
        "/changes/?from=2025-05-01&to=2025-05-31",
        "/api/changes/?from=2025-05-01&to=2025-05-31",
        "/compare/?a=2025-01-01&b=2025-06-01",
        "/api/compare/?a=2025-01-01&b=2025-06-01",
        "/on/2025-05-20/",
        "/instruments/",
        "/api/instruments/",
    ],
)
def test_a_search_of_no_word_finds_nothing_everywhere(demo, client, url):
    """ " & " holds no letter or digit: it matches nothing, which /changes/ and /compare/ once
    failed to write into their own SQL (schemathesis: /api/changes/?q=+%26+)."""
    response = client.get(url + "&q=+%26+" if "?" in url else url + "?q=+%26+")
    assert response.status_code == 200
    assert b"ai-diffusion-rule" not in response.content
