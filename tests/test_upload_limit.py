"""The upload limit is one number (POLICYTRACK_UPLOAD_LIMIT_MB), honoured end to end: what can
be uploaded to the Federal Register import can be previewed and confirmed, and past the limit
the editor is told the limit rather than shown a bare 400."""

import json
from io import BytesIO
from pathlib import Path

from policytrack.timeline.models import Document

from conftest import text

DATA = Path(__file__).parent / "data" / "federal_register"
IMPORT = "/admin/timeline/document/import-federal-register/"


def padded_document(size):
    """A Federal Register document of about ``size`` bytes, as the API may send (long texts)."""
    document = json.loads((DATA / "regulatory-document.json").read_text())
    document["raw_text"] = "Lorem ipsum dolor sit amet. " * (size // 28)
    return json.dumps(document).encode()


def test_a_three_megabyte_upload_is_previewed_and_confirmed(db, client, editor):
    client.force_login(editor)
    upload = BytesIO(padded_document(3 * 1024 * 1024))
    upload.name = "large.json"
    preview = client.post(IMPORT, {"file": upload, "preview": "Preview"})
    assert "Preview: what importing 1 document would do" in text(preview)
    payload = preview.context["payload"]
    assert len(payload.encode()) > 3 * 1024 * 1024
    # Sent back as the page's form sends it: multipart.
    done = client.post(IMPORT, {"payload": payload, "confirm": "Confirm import"}, follow=True)
    assert done.status_code == 200
    assert "Imported 1 Federal Register document" in text(done)
    assert Document.objects.count() == 1


def test_over_the_limit_the_editor_is_told_the_limit(db, client, editor, settings):
    settings.POLICYTRACK_UPLOAD_LIMIT_MB = 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = (1024 + 64) * 1024
    client.force_login(editor)
    upload = BytesIO(padded_document(3 * 1024 * 1024))
    upload.name = "large.json"
    refused = client.post(IMPORT, {"file": upload, "preview": "Preview"})
    assert "large.json: larger than 1 MB, the upload limit (POLICYTRACK_UPLOAD_LIMIT_MB)" in text(refused)
    too_big = client.post(IMPORT, {"payload": "x" * (2 * 1024 * 1024), "confirm": "Confirm import"})
    assert too_big.status_code == 413
    assert (
        "What was sent is larger than 1 MB, the upload limit (POLICYTRACK_UPLOAD_LIMIT_MB). Nothing was saved."
        in text(too_big)
    )
    assert Document.objects.count() == 0
