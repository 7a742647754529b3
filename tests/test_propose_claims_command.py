"""``manage.py propose_claims`` as an editor runs it: one JSON list, nothing written, one line
and exit status 2 on bad input."""

import json

import pytest

from policytrack.timeline.models import Claim, Document, Event, Instrument

from statement_collection import HERE, read_statement

WTTL = HERE / "seed-wttl-2025-05-13.txt"


@pytest.fixture
def seed_text(tmp_path):
    path = tmp_path / "wttl.txt"
    path.write_text(read_statement(WTTL)[1], encoding="utf-8")
    return path


def test_it_prints_one_json_list_with_instruments_and_resolved_dates(demo, run, seed_text):
    code, out, err = run("propose_claims", seed_text, "--published-on", "2025-05-13", "--publisher", "WTTL", "--json")
    assert code == 0, err
    proposals = json.loads(out)
    assert proposals[0] == {
        "kind": "rescission_announced",
        "date": "2025-05-13",
        "precision": "day",
        "quote": proposals[0]["quote"],
        "instrument": "ai-diffusion-rule",
        "resolved_from": "Tuesday",
    }
    assert proposals[0]["quote"].startswith("Tuesday, the Department of Commerce (DOC) initiated a rescission")
    kinds = [(p["kind"], p["date"]) for p in proposals]
    assert ("issued", "2025-01-15") in kinds and ("compliance_date", "2025-05-15") in kinds
    assert ("enforcement_suspended", None) in kinds
    text = seed_text.read_text(encoding="utf-8")
    assert all(p["quote"] in text for p in proposals)
    assert all(p["instrument"] == "ai-diffusion-rule" for p in proposals)


def test_a_delay_carries_its_target_and_new_date(db, run, tmp_path):
    path = tmp_path / "delay.txt"
    path.write_text("The new deadline is Dec. 1, 2016, FDA said today in a news release.\n", encoding="utf-8")
    code, out, err = run("propose_claims", path, "--published-on", "2015-07-09", "--json")
    assert code == 0, err
    assert json.loads(out) == [
        {
            "kind": "delayed",
            "date": "2015-07-09",
            "precision": "day",
            "quote": "The new deadline is Dec. 1, 2016, FDA said today in a news release.",
            "instrument": None,
            "target": "compliance_date",
            "new_date": "2016-12-01",
            "resolved_from": "today",
        }
    ]


def test_it_writes_nothing(demo, run, seed_text):
    before = [model.objects.count() for model in (Instrument, Event, Claim, Document)]
    code, _, err = run("propose_claims", seed_text, "--published-on", "2025-05-13", "--json")
    assert code == 0, err
    assert [model.objects.count() for model in (Instrument, Event, Claim, Document)] == before


def test_without_json_it_prints_a_readable_list(demo, run, seed_text):
    code, out, err = run("propose_claims", seed_text, "--published-on", "2025-05-13", "--publisher", "WTTL")
    assert code == 0, err
    assert "(WTTL, published 2025-05-13)" in out
    assert "rescission announced: 2025-05-13, resolved from 'Tuesday' — ai-diffusion-rule" in out


def test_text_with_nothing_to_propose_gives_an_empty_list(db, run, tmp_path):
    path = tmp_path / "opinion.txt"
    path.write_text("The rule would have stifled innovation.\n", encoding="utf-8")
    code, out, _ = run("propose_claims", path, "--published-on", "2025-05-13", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, ("missing.txt",), "no such file"),
        ("dir", (), "is a directory"),
        ("latin1", (), "not UTF-8 text"),
        ("empty", (), "is empty"),
        ("good", ("--published-on", "2025-02-30"), "--published-on must be a real date"),
        ("good", ("--published-on", "13 May 2025"), "--published-on must be a real date"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(db, run, tmp_path, make, args, message):
    path = tmp_path / "statement.txt"
    if make == "dir":
        path.mkdir()
    elif make == "latin1":
        path.write_bytes("Le règlement a été annulé.".encode("latin-1"))
    elif make == "empty":
        path.write_text("  \n\n", encoding="utf-8")
    elif make == "good":
        path.write_text("Tuesday, the rule was rescinded.\n", encoding="utf-8")
    target = tmp_path / args[0] if make is None else path
    code, out, err = run("propose_claims", target, *(args[1:] if make is None else args), "--json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
