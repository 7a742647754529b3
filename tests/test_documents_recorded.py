"""/documents/ and /api/documents/ as recorded at a moment (issue 18): the sources as this tracker
held them then — one added later is absent, one whose title was edited since shows its title
then, one deleted since is still listed — with ``known`` and the filters too; the page says which
times it shows and its links keep them."""

import datetime
import re
from html import unescape
from urllib.parse import quote

import pytest
import time_machine

from policytrack.timeline.engine import DOCUMENT_KIND_RANKS
from policytrack.timeline.models import Document

from conftest import text

UTC = datetime.timezone.utc
START = datetime.datetime(2034, 1, 1, 9, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
# Before the edits, after two sources were added, after one was retitled and one deleted.
BEFORE, ADDED, EDITED = START - HOUR / 2, START + HOUR / 2, START + 3 * HOUR / 2
OLD_TITLE = (
    "Department of Commerce Announces Rescission of Biden-Era Artificial Intelligence Diffusion Rule, "
    "Strengthens Chip-Related Export Controls"
)


@pytest.fixture
def edited(demo):
    """The demo's ten sources, then two added (a guidance of April 2025 and a statement of March
    2025), then, an hour later, a press release retitled and the statement deleted."""
    with time_machine.travel(START, tick=False):
        Document.objects.create(
            key="april-guidance", kind="guidance", title="April guidance", publisher="BIS", published_on="2025-04-02"
        )
        Document.objects.create(
            key="march-statement",
            kind="statement",
            title="A statement of March",
            publisher="Office of Examples",
            published_on="2025-03-03",
        )
    with time_machine.travel(START + HOUR, tick=False):
        release = Document.objects.get(key="commerce-press-release-2025-05-13")
        release.title = "Commerce rescinds the rule (retitled)"
        release.save()
        Document.objects.get(key="march-statement").delete()
    with time_machine.travel(START + 2 * HOUR, tick=False):
        yield


def listed(client, moment=None, **params):
    """(the page's text, its HTML, the titles it lists in order)."""
    query = {**params, **({"recorded": moment.isoformat()} if moment else {})}
    response = client.get("/documents/", query)
    assert response.status_code == 200, text(response)
    html = response.content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    cells = re.findall(r"<tr>\s*<td>.*?</td>\s*<td>(.*?)<div", rows, re.S)  # each row's second cell
    titles = [" ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split()) for cell in cells]
    return text(response), html, titles


def api_titles(client, moment=None, **params):
    query = {**params, "page_size": 500, **({"recorded": moment.isoformat()} if moment else {})}
    response = client.get("/api/documents/", query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [row["title"] for row in body["results"]]


def test_the_list_as_recorded_holds_the_sources_held_then(edited, client):
    page, _, before = listed(client, BEFORE)
    assert "10 documents." in page and "Sources, as recorded at 1 Jan 2034 08:30 UTC" in page
    assert "April guidance" not in before and "A statement of March" not in before
    assert OLD_TITLE in before

    page, html, added = listed(client, ADDED)
    assert "12 documents." in page
    assert {"April guidance", "A statement of March (deleted since)", OLD_TITLE} <= set(added)
    # The statement deleted since has no page to open; the others open theirs (as they are now).
    assert "(deleted since)" in page
    assert ">A statement of March</a>" not in html
    assert 'href="/documents/' in html

    page, _, edited_ = listed(client, EDITED)
    assert "11 documents." in page
    assert "Commerce rescinds the rule (retitled)" in edited_ and OLD_TITLE not in edited_
    assert not any("March" in title for title in edited_)
    assert listed(client)[2] == edited_  # as recorded after the last edit: as now


def test_newest_first_as_recorded_as_now(edited, client):
    _, _, added = listed(client, ADDED)
    assert added.index("April guidance") < added.index("A statement of March (deleted since)")
    assert added[0] == "Trump Administration Ditches Biden’s AI Export Rules"  # published 12 June 2025


def test_known_and_the_filters_read_the_sources_held_then(edited, client):
    page, _, titles = listed(client, ADDED, known="2025-03-15")
    assert "Sources, as known on 15 March 2025, as recorded at 1 Jan 2034 09:30 UTC" in page
    assert "A statement of March (deleted since)" in titles and "April guidance" not in titles
    assert all(title != OLD_TITLE for title in titles)  # published 13 May
    assert listed(client, ADDED, kind="statement")[2] == ["A statement of March (deleted since)"]
    assert listed(client, EDITED, kind="statement")[2] == []
    assert listed(client, ADDED, publisher="Office of Examples")[2] == ["A statement of March (deleted since)"]
    assert "April guidance" in listed(client, ADDED, year="2025")[2]
    assert "April guidance" not in listed(client, BEFORE, year="2025")[2]
    # The years to choose from are those of the sources held then (and published by K).
    years = re.findall(r'<option value="(\d{4})"', listed(client, ADDED, known="2025-03-15")[1])
    assert years == ["2025"]


def test_the_page_says_its_times_and_its_links_keep_them(edited, client):
    moment = quote(ADDED.isoformat(), safe="")
    page, html, _ = listed(client, ADDED, known="2025-05-01")
    assert "As this tracker recorded them at 1 Jan 2034 09:30 UTC" in page
    assert f'<input type="hidden" name="recorded" value="{ADDED.isoformat()}">' in html
    assert f'href="/documents/?known=2025-05-01&amp;recorded={moment}">Clear' in html
    assert re.search(
        rf'href="\?known=2025-05-01&amp;recorded={re.escape(moment)}&amp;publisher=Federal\+Register"', html
    )
    assert re.search(r'href="\?known=2025-05-01">as recorded now</a>', html)


def test_the_api_lists_the_sources_held_then(edited, client):
    before, added, edited_ = (api_titles(client, moment) for moment in (BEFORE, ADDED, EDITED))
    assert len(before) == 10 and OLD_TITLE in before and "April guidance" not in before
    assert len(added) == 12 and {"April guidance", "A statement of March", OLD_TITLE} <= set(added)
    assert len(edited_) == 11 and "Commerce rescinds the rule (retitled)" in edited_ and OLD_TITLE not in edited_
    assert api_titles(client) == edited_
    assert api_titles(client, ADDED, known="2025-03-15", kind="statement") == ["A statement of March"]
    assert api_titles(client, ADDED, known="2025-03-01", kind="statement") == []
    row = client.get("/api/documents/", {"recorded": ADDED.isoformat(), "kind": "statement"}).json()["results"][0]
    # Its id is the document's (not its history record's), its links open it as it is now.
    assert row["id"] == Document.history.filter(key="march-statement").first().id
    assert row["page_url"] == f"http://testserver/documents/{row['id']}/"
    assert row["rank"] == DOCUMENT_KIND_RANKS["statement"]


def test_the_api_pages_as_recorded_keep_the_moment(edited, client):
    body = client.get("/api/documents/", {"recorded": ADDED.isoformat(), "page_size": 5}).json()
    assert body["count"] == 12
    assert "recorded=" in body["next"]
    second = client.get(body["next"]).json()
    assert [row["title"] for row in second["results"]] == api_titles(client, ADDED)[5:10]


def test_a_document_page_still_refuses_recorded(edited, client):
    pk = Document.objects.get(key="april-guidance").pk
    response = client.get(f"/documents/{pk}/", {"recorded": ADDED.isoformat()})
    assert response.status_code == 400 and "cannot answer “recorded”" in text(response)
