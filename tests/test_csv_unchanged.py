"""The CSV exports say, byte for byte, what they said before they were made fast (issue 17): the
files in tests/data/csv_golden/ were written by the exports as they were then, from the demo
timeline (two of its claims retracted), an instrument with hostile names and 120 synthetic
instruments.

To write them again after a change meant to alter an export, run this file with
POLICYTRACK_WRITE_GOLDEN=1 and read the difference before committing it."""

import datetime
import os
import re
from pathlib import Path

import pytest
import time_machine

from policytrack.ingest.timeline import import_timeline_data
from policytrack.timeline.models import Claim

from test_csv_injection import TIMELINE as HOSTILE

GOLDEN = Path(__file__).parent / "data" / "csv_golden"

EXPORTS = [
    "/instruments/?format=csv&on=2020-06-01",
    "/instruments/?format=csv&on=2020-06-01&known=2019-06-01",
    "/instruments/?format=csv&on=2020-06-01&agency=department-of-commerce&sort=-title",
    "/instruments/?format=csv&on=2025-05-20&known=2025-05-01",
    "/on/2020-06-01/?format=csv",
    "/on/2020-06-01/?format=csv&known=2019-06-01",
    "/on/2025-05-20/?format=csv",
    "/on/2025-05-20/?format=csv&known=2025-05-14",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv&known=2019-06-01",
    "/changes/?from=2019-01-01&to=2019-12-31&format=csv&kind=rule",
    "/changes/?from=2025-01-01&to=2025-06-30&format=csv",
    "/changes/?from=2025-01-01&to=2025-06-30&format=csv&known=2025-05-14",
]


def golden_name(address):
    return re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-") + ".csv"


@pytest.fixture
def portfolio(demo, run, editor):
    import_timeline_data(HOSTILE, "evil.json")
    # Retracted claims are no sources: one ends a dispute, one narrows another.
    demo_claims = Claim.objects.filter(document__key="seed-000", event__instrument__slug="gp10-guidance")
    demo_claims.get(event__kind="effective").retract(editor, "Misread.")
    Claim.objects.get(document__key="seed-004", event__key="rescission-announced").retract(editor, "Misdated.")
    code, _, err = run("generate_synthetic", "--instruments", 120, "--seed", 3)
    assert code == 0, err


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.timezone.utc))
def test_every_export_says_what_it_said_before_it_was_made_fast(portfolio, client):
    # One portfolio for every export: building it is most of the test's time.
    differ = []
    for address in EXPORTS:
        response = client.get(address)
        assert response.status_code == 200, address
        body = b"".join(response.streaming_content)
        path = GOLDEN / golden_name(address)
        if os.environ.get("POLICYTRACK_WRITE_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        assert body.count(b"\n") > 3, address
        if body != path.read_bytes():
            differ.append(address)
    assert differ == []
