"""Statements into the queue, the editor's side: an editor pastes (or uploads) a real statement in
the admin and its dated events appear in the review queue, each with its verbatim sentence; the
statement becomes a document when one is accepted, and the status then changes as previewed.
Nothing pending reaches a public page."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from policytrack.ingest.timeline import import_timeline_file
from policytrack.review.models import Proposal
from policytrack.timeline import engine
from policytrack.timeline.models import Claim, Document, Event, Instrument, timeline_input

from conftest import text

STATEMENTS = Path(__file__).parent / "data" / "statements"
PAGE = "/admin/review/proposal/statement/"
QUEUE = "/admin/review/proposal/"


def body_of(name):
    """A collected statement's text as retrieved (after its header)."""
    return (STATEMENTS / name).read_text(encoding="utf-8").split("\n---\n", 1)[1]


WTTL = {
    "publisher": "WTTL (wttlonline.com)",
    "title": "AI Diffusion Rule Officially Scrapped",
    "kind": "news",
    "url": "https://www.wttlonline.com/stories/ai-diffusion-rule-officially-scrapped,13782",
    "published_on": "2025-05-13",
}
HUNTON = {
    "publisher": "Hunton Andrews Kurth",
    "title": "FTC noncompete rule: where things stand",
    "kind": "blog",
    "url": "https://www.hunton.com/insights/ftc-noncompete-2024",
    "published_on": "2024-10-01",
}


@pytest.fixture
def erin(django_user_model, client):
    user = django_user_model.objects.create_user("erin", password="erin-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def noncompete(db, write_json):
    """The FTC's noncompete rule as recorded before the court's ruling: published, and effective
    on 4 September 2024 (unsourced here: only the stay is under test)."""
    import_timeline_file(
        write_json(
            {
                "format": "policytrack-timeline/1",
                "agencies": [],
                "documents": [],
                "instruments": [
                    {
                        "slug": "ftc-noncompete-rule",
                        "title": "Non-Compete Clause Rule",
                        "kind": "rule",
                        "aliases": ["Noncompete Rule"],
                        "events": [
                            {"key": "published", "kind": "published", "date": "2024-05-07", "claims": []},
                            {"key": "effective", "kind": "effective", "date": "2024-09-04", "claims": []},
                        ],
                    }
                ],
            }
        )
    )
    return Instrument.objects.get(slug="ftc-noncompete-rule")


@pytest.fixture
def ai_rule(db, write_json):
    """The AI Diffusion Rule before any statement about its rescission was recorded: issued and
    with its first compliance date (unsourced here)."""
    import_timeline_file(
        write_json(
            {
                "format": "policytrack-timeline/1",
                "agencies": [],
                "documents": [],
                "instruments": [
                    {
                        "slug": "ai-diffusion-rule",
                        "title": "Framework for Artificial Intelligence Diffusion",
                        "kind": "interim_final_rule",
                        "aliases": ["AI Diffusion Rule"],
                        "events": [
                            {"key": "issued", "kind": "issued", "date": "2025-01-13", "claims": []},
                            {"key": "compliance-date", "kind": "compliance_date", "date": "2025-05-15", "claims": []},
                        ],
                    }
                ],
            }
        )
    )


def phase(slug, day):
    return engine.status(timeline_input(Instrument.objects.get(slug=slug).pk)[0], day).phase


def test_a_pasted_statement_files_its_dated_events_with_verbatim_quotes(ai_rule, client, erin):
    statement = body_of("seed-wttl-2025-05-13.txt")
    response = client.post(PAGE, {**WTTL, "text": statement})
    assert response.status_code == 200
    page = text(response)
    assert "3 proposals filed in the review queue" in page
    assert "Tuesday → 13 May 2025" in page  # the relative date, resolved and shown as such
    proposals = Proposal.objects.filter(origin="statement", status="pending")
    assert proposals.count() == 3
    for proposal in proposals:
        claim = proposal.payload.get("claim") or proposal.payload["claims"][0]
        assert claim["quote"] in statement  # verbatim
        assert claim["document"]["url"] == WTTL["url"] and proposal.source_publisher == WTTL["publisher"]
        assert proposal.payload["instrument"] == "ai-diffusion-rule"
    # The undated sentence is shown, not filed.
    assert "Not proposed: no date given" in page and "instructed BIS enforcement officials" in page
    assert not any("enforcement" in p.summary for p in proposals)
    queue = text(client.get(QUEUE + "?status__exact=pending&origin__exact=statement"))
    assert "rescission announced Tuesday → 13 May 2025 — ai-diffusion-rule" in queue
    assert "issued 15 January 2025: a new source for issued — ai-diffusion-rule" in queue
    assert "WTTL (wttlonline.com): AI Diffusion Rule Officially Scrapped" in queue
    assert (
        "Tuesday, the Department of Commerce (DOC) initiated a rescission of the Biden Administration’s AI "
        "Diffusion Rule" in queue
    )  # the verbatim quote, in the queue
    # Nothing written to the timeline yet.
    assert not Document.objects.filter(url=WTTL["url"]).exists()


def test_pasting_the_same_statement_twice_files_nothing_new(ai_rule, client, erin):
    statement = body_of("seed-wttl-2025-05-13.txt")
    client.post(PAGE, {**WTTL, "text": statement})
    again = text(client.post(PAGE, {**WTTL, "text": statement}))
    assert "0 proposals filed" in again and "3 more were filed from this statement before" in again
    assert Proposal.objects.count() == 3


def test_accepting_a_proposed_event_creates_it_with_its_claim_and_changes_the_status_as_previewed(
    noncompete, client, erin
):
    statement = body_of("hunton-ftc-noncompete-2024.txt")
    client.post(PAGE, {**HUNTON, "text": statement})
    stay = Proposal.objects.get(payload__event__kind="stayed")
    assert stay.payload["instrument"] == "ftc-noncompete-rule"
    [change] = stay.preview["instruments"]
    assert change["phases"] == [
        {"from": "2024-08-01", "to": "2024-09-04", "before": "issued", "after": "stayed"},
        {"from": "2024-09-04", "to": None, "before": "in_force", "after": "stayed"},
    ]
    assert phase("ftc-noncompete-rule", datetime.date(2024, 9, 5)) == "in_force"
    assert "In August of this year" not in text(client.get("/instruments/ftc-noncompete-rule/"))

    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [stay.pk]})

    event = Event.objects.get(instrument=noncompete, kind="stayed")
    assert (event.date, event.precision) == (datetime.date(2024, 8, 1), "month")
    [claim] = event.claims.all()
    assert claim.quote.startswith("In August of this year, a Texas federal court blocked") and claim.quote in statement
    assert (claim.document.publisher, claim.document.url, claim.document.kind) == (
        HUNTON["publisher"],
        HUNTON["url"],
        "blog",
    )
    assert phase("ftc-noncompete-rule", datetime.date(2024, 9, 5)) == "stayed"
    assert phase("ftc-noncompete-rule", datetime.date(2024, 7, 31)) == "issued"
    assert phase("ftc-noncompete-rule", datetime.date(2024, 9, 3)) == "stayed"
    assert "In August of this year" in text(client.get("/instruments/ftc-noncompete-rule/"))


def test_what_the_record_already_holds_from_a_statement_is_not_proposed_again(demo, client, erin):
    # The demo holds this very article (seed-001) as a source of the rescission announcement
    # and of the compliance date; only its "issued on January 15" is new.
    response = text(client.post(PAGE, {**WTTL, "kind": "blog", "text": body_of("seed-wttl-2025-05-13.txt")}))
    assert "1 proposal filed" in response and "Already in the record from this statement" in response
    [proposal] = Proposal.objects.all()
    assert proposal.payload["event"] == "issued" and proposal.payload["claim"]["document"]["url"] == WTTL["url"]
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [proposal.pk]})
    assert Document.objects.filter(url=WTTL["url"]).count() == 1  # the held document, reused


def test_the_proposals_of_one_statement_share_one_document(ai_rule, client, erin):
    client.post(PAGE, {**WTTL, "text": body_of("seed-wttl-2025-05-13.txt")})
    pks = list(Proposal.objects.values_list("pk", flat=True))
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": pks})
    assert Proposal.objects.filter(status="accepted").count() == 3
    [document] = Document.objects.filter(url=WTTL["url"])
    assert Claim.objects.filter(document=document).count() == 3
    assert document.published_on == datetime.date(2025, 5, 13) and document.kind == "news"


def test_nothing_pending_from_a_statement_is_public(noncompete, client, erin):
    client.post(PAGE, {**HUNTON, "text": body_of("hunton-ftc-noncompete-2024.txt")})
    assert Proposal.objects.filter(status="pending").count() >= 1
    client.logout()
    for url in [
        "/instruments/ftc-noncompete-rule/",
        "/instruments/ftc-noncompete-rule/?on=2024-09-05",
        "/api/instruments/ftc-noncompete-rule/status/?on=2024-09-05",
        "/documents/",
        "/api/documents/",
        "/feeds/changes.atom",
        "/changes/?from=2024-01-01&to=2024-12-31",
    ]:
        body = client.get(url).content.decode()
        assert "Texas federal court" not in body and "Hunton" not in body, url
    assert client.get("/api/instruments/ftc-noncompete-rule/status/?on=2024-09-05").json()["phase"] == "in_force"


def test_an_uploaded_html_page_is_read_as_its_text(ai_rule, client, erin):
    paragraphs = body_of("seed-wttl-2025-05-13.txt").split("\n\n")
    page = (
        "<html><head><style>p {color: red}</style></head><body>"
        + "".join(f"<p>{p.replace('&', '&amp;')}</p>" for p in paragraphs)
        + "<script>var x = 'issued on May 1, 2025.'</script>"
    )
    upload = SimpleUploadedFile("wttl.html", page.encode(), content_type="text/html")
    response = client.post(PAGE, {**WTTL, "text": "", "file": upload})
    assert "3 proposals filed" in text(response)
    quotes = [(p.payload.get("claim") or p.payload["claims"][0])["quote"] for p in Proposal.objects.all()]
    assert not any("issued on May 1," in quote or "<" in quote for quote in quotes)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text": "", "file": ""}, "Paste the statement's text or choose a file."),
        ({"published_on": "2025-02-30"}, "Enter a valid date."),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"publisher": ""}, "This field is required."),
        ({"file": SimpleUploadedFile("statement.pdf", b"%PDF-1.4")}, "statement.pdf: choose a .txt or .html file."),
        ({"file": SimpleUploadedFile("statement.txt", b"\xff\xfe\x00bad")}, "statement.txt: not UTF-8 text."),
    ],
)
def test_bad_input_is_named_not_thrown(demo, client, erin, change, message):
    response = client.post(PAGE, {**WTTL, "text": "On May 13, 2025, the rule was rescinded.", **change})
    assert response.status_code == 200
    assert message in text(response)
    assert not Proposal.objects.exists()


def test_only_editors_may_file_statements(demo, client, django_user_model):
    analyst = django_user_model.objects.create_user("ann", password="ann-password-123", is_staff=True)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {**WTTL, "text": body_of("seed-wttl-2025-05-13.txt")}).status_code == 403
    assert not Proposal.objects.exists()


def test_the_queue_links_to_the_statement_page(demo, client, erin):
    queue = client.get(QUEUE + "?status__exact=pending")
    assert PAGE in queue.content.decode() and "Propose from a statement" in text(queue)


# The door for code: file_for_review


def test_file_for_review_files_once_with_its_preview_and_never_publishes(demo, client, erin):
    from policytrack.review.services import file_for_review

    payload = {
        "instrument": "ai-diffusion-rule",
        "event": {"kind": "rescinded", "date": "2027-01-15"},
        "claims": [{"document": {"key": "fr-2025-00636"}, "date": "2027-01-15", "quote": ""}],
    }
    source = {
        "publisher": "Federal Register",
        "title": "Rescission notice",
        "url": "https://example.org/r",
        "ref": "fr:2027-00001",
    }
    why = "rescission of 90 FR 4544: the notice names no RIN; matched by citation only"
    proposal = file_for_review("importer", source, payload, why)
    assert (proposal.kind, proposal.origin, proposal.status, proposal.summary) == (
        "new_event",
        "importer",
        "pending",
        why,
    )
    assert proposal.preview["instruments"][0]["phases"][-1]["after"] == "rescinded"
    assert file_for_review("importer", source, payload, why) is None  # filed once per source
    refused = file_for_review("importer", {}, {**payload, "instrument": "no-such-rule"}, "unsure")
    assert refused.preview["error"] == "instrument: no instrument with the slug 'no-such-rule'"
    queue = text(client.get(QUEUE + "?status__exact=pending"))
    assert why in queue and "Would be refused: instrument: no instrument" in queue
    assert "2027-01-15" not in client.get("/instruments/ai-diffusion-rule/").content.decode()
    assert not Event.objects.filter(kind="rescinded").exists()


def test_the_queue_costs_the_same_queries_for_three_statements_as_for_one(ai_rule, client, erin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queue_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE + "?status__exact=pending").status_code == 200
        return len(queries)

    client.post(PAGE, {**WTTL, "text": body_of("seed-wttl-2025-05-13.txt")})
    one = queue_queries()
    for n in (2, 3):
        client.post(PAGE, {**WTTL, "url": f"{WTTL['url']}-{n}", "text": body_of("seed-wttl-2025-05-13.txt")})
    assert Proposal.objects.count() == 9
    assert queue_queries() == one


def test_reading_only_the_instruments_a_text_names_matches_as_reading_them_all(demo):
    """The page reads only the instruments a statement names (so that pasting stays fast with
    many thousands); on every collected text it finds what the full list finds."""
    from policytrack.ingest.statement_instruments import instrument_refs
    from policytrack.ingest.statements import propose
    from policytrack.review.services import mentioned_refs

    everything = instrument_refs()
    checked = 0
    for path in sorted(STATEMENTS.glob("*.txt")):
        header, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        day = datetime.date.fromisoformat(header.split("published_on:", 1)[1].split()[0])
        full = [p.as_dict() for p in propose(body, day, everything)]
        assert [p.as_dict() for p in propose(body, day, mentioned_refs(body))] == full, path.name
        checked += any(p["instrument"] for p in full)
    assert checked >= 10  # the texts about the AI Diffusion Rule matched it
