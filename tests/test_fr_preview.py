"""The admin's Federal Register preview shows what an editor must judge — the DATES text with
each date marked, what was not understood, the instrument joined and why, old → new for each
change, public-inspection copies for what they are — and re-imports keep what editors wrote."""

import io
import json

from policytrack.ingest.federal_register import import_documents
from policytrack.timeline.models import Document, Event, Instrument
from test_fr_import import DELAY, DELAY_AGAIN, FINAL, PROPOSAL

from conftest import text

IMPORT = "/admin/timeline/document/import-federal-register/"


def preview(client, *docs):
    upload = io.BytesIO(json.dumps({"results": list(docs)}).encode())
    upload.name = "page.json"
    response = client.post(IMPORT, {"file": upload, "preview": "Preview"})
    assert response.status_code == 200
    return response.content.decode(), text(response)


def test_the_preview_marks_each_date_of_the_dates_text_and_says_what_it_dates(db, client, editor):
    client.force_login(editor)
    import_documents([FINAL], "final")
    html, _ = preview(client, DELAY)
    assert (
        'The effective date of the rule published <mark title="another document&#x27;s date" '
        'data-dates="another document&#x27;s date">December 31, 2024</mark>'
    ) in html
    assert (
        'is delayed until <mark title="new effective date (delay)" data-dates="new effective date (delay)">'
        "March 21, 2025</mark>"
    ) in html


def test_the_preview_says_which_instrument_it_joins_and_why_and_old_to_new(db, client, editor):
    client.force_login(editor)
    import_documents([PROPOSAL, FINAL, DELAY], "earlier")
    rule = Instrument.objects.get()
    _, body = preview(client, DELAY_AGAIN)
    assert f"Joins: {rule.slug}: its DATES text names 89 FR 107012, 90 FR 8000, a document of this instrument" in body
    assert "effective: 2025-03-21 → 2025-05-20 (delayed, from 2025-03-20)" in body  # from the first delay's date


def test_the_preview_shows_a_proposal_becoming_a_rule_and_a_later_comment_deadline(db, client, editor):
    client.force_login(editor)
    import_documents([PROPOSAL], "proposal")
    _, body = preview(client, FINAL)
    assert "instrument kind: proposed rule → rule" in body
    extension = PROPOSAL | {
        "document_number": "2024-16000",
        "publication_date": "2024-07-15",
        "action": "Proposed rule; extension of comment period.",
        "citation": "89 FR 58000",
        "dates": "The comment period for the proposed rule published June 3, 2024 (89 FR 47000) "
        "is extended until September 3, 2024.",
    }
    _, body = preview(client, extension)
    assert "comment period closes: 2024-08-02 → 2024-09-03 (a later source; the earlier one's claim is kept)" in body


def test_the_preview_lists_the_sentences_not_understood(db, client, editor):
    client.force_login(editor)
    odd = FINAL | {"dates": "This rule is effective January 30, 2025. Sunset review follows February 30, 2025."}
    _, body = preview(client, odd)
    assert "Sentences not understood: “Sunset review follows February 30, 2025.”" in body


def test_the_preview_names_a_follow_on_left_for_an_editor(db, client, editor):
    client.force_login(editor)
    _, body = preview(client, DELAY | {"regulation_id_numbers": [], "docket_ids": []})
    assert (
        "Needs an editor: a delay whose instrument was not found (looked for the documents its DATES text names "
        "(89 FR 107012))" in body
    )


def test_the_preview_shows_a_public_inspection_copy_for_what_it_is(db, client, editor):
    client.force_login(editor)
    inspection = {
        "document_number": "2024-31396",
        "title": FINAL["title"],
        "type": "Rule",
        "publication_date": "2024-12-31",
        "filed_at": "2024-12-30T08:45:00.000-05:00",
        "agencies": [],
    }
    _, body = preview(client, inspection)
    assert (
        "Public inspection: a public-inspection copy, filed 2024-12-30: the day the public could first know it. "
        "It is not the published document and never overwrites it." in body
    )


def test_a_re_import_keeps_what_editors_wrote(db, editor):
    import_documents([FINAL], "final")
    document = Document.objects.get()
    document.note, document.title, document.excerpt, document.rank = (
        "Checked against the PDF.",
        "Feather River rule (editor's title)",
        "An editor's summary.",
        2,
    )
    document._history_user = editor
    document.save()
    event = Event.objects.get(kind="effective")
    event.note = "Confirmed by the agency's press office."
    event._history_user = editor
    event.save()

    import_documents(
        [FINAL | {"effective_on": "2025-02-03", "dates": "This rule is effective February 3, 2025."}], "again"
    )

    document.refresh_from_db()
    assert (document.note, document.title, document.excerpt, document.rank) == (
        "Checked against the PDF.",
        "Feather River rule (editor's title)",
        "An editor's summary.",
        2,
    )
    event.refresh_from_db()
    assert event.note == "Confirmed by the agency's press office."
    assert str(event.claims.get().date) == "2025-02-03"  # the Federal Register's own record is updated
