"""Importing timeline files: idempotent, all or nothing, and clear about what is wrong."""

import copy
import datetime

import pytest

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, StatusPeriod


def counts():
    return {model.__name__: model.objects.count() for model in (Agency, Document, Instrument, Event, Claim)}


def test_it_imports_the_demo_timeline_with_every_source(db, run):
    code, out, err = run("import_timeline", "fixtures/ai-diffusion-rule.json")
    assert code == 0, err
    assert "instruments: 4 created" in out
    rule = Instrument.objects.get(slug="ai-diffusion-rule")
    announced = rule.events.get(kind="rescission_announced")
    assert announced.claims.count() == 5
    assert {c.document.key for c in announced.claims.all()} >= {"seed-000", "seed-001", "seed-002", "seed-004"}
    assert StatusPeriod.objects.filter(instrument=rule).exists()


def test_it_warns_but_accepts_a_rule_effective_before_publication(db, run):
    code, _, err = run("import_timeline", "fixtures/ai-diffusion-rule.json")
    assert code == 0
    assert "effective 2025-01-13 is before publication 2025-01-15" in err
    assert "ai-diffusion-rule" in err


def test_a_second_import_changes_nothing_and_writes_no_history(demo, run):
    history_before = Event.history.count() + Claim.history.count() + Document.history.count()
    before = counts()
    code, out, _ = run("import_timeline", "fixtures/ai-diffusion-rule.json")
    assert code == 0
    assert "created" not in out and "updated" not in out
    assert counts() == before
    assert Event.history.count() + Claim.history.count() + Document.history.count() == history_before


def test_reimporting_an_edited_file_updates_in_place(demo, demo_data, write_json, run):
    rule = demo_data["instruments"][0]
    rule["summary"] = "A new summary."
    rule["events"] = [e for e in rule["events"] if e["kind"] != "rescission_planned"]
    code, out, err = run("import_timeline", write_json(demo_data))
    assert code == 0, err
    assert "instruments: 1 updated" in out
    assert "1 deleted" in out.split("events:")[1].split(";")[0]
    assert Instrument.objects.get(slug="ai-diffusion-rule").summary == "A new summary."
    assert not Event.objects.filter(instrument__slug="ai-diffusion-rule", kind="rescission_planned").exists()


def test_it_reads_yaml_too(db, demo_data, tmp_path, run):
    import yaml

    path = tmp_path / "timeline.yaml"
    path.write_text(yaml.safe_dump(demo_data, allow_unicode=True), encoding="utf-8")
    code, _, err = run("import_timeline", path)
    assert code == 0, err
    assert Instrument.objects.filter(slug="ai-diffusion-rule").exists()


def broken(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


def set_in(path, value):
    def change(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def delete(path):
    def change(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


CASES = [
    (
        "an impossible date",
        set_in(["instruments", 0, "events", 3, "claims", 0, "date"], "2025-02-30"),
        "instruments[0].events[3].claims[0].date: expected a date as YYYY-MM-DD, got '2025-02-30', which does not exist",
    ),
    (
        "a malformed date",
        set_in(["documents", 0, "published_on"], "15/01/2025"),
        "documents[0].published_on: expected a date as YYYY-MM-DD, got '15/01/2025'",
    ),
    (
        "an unknown event kind",
        set_in(["instruments", 0, "events", 3, "kind"], "repealed"),
        "instruments[0].events[3].kind: expected one of proposed, comment_period_closes",
    ),
    (
        "a claim naming a missing document",
        set_in(["instruments", 0, "events", 1, "claims", 0, "document"], "no-such-doc"),
        "instruments[0].events[1].claims[0].document: unknown document 'no-such-doc'",
    ),
    (
        "a wrong format tag",
        set_in(["format"], "policytrack-timeline/2"),
        "format: expected \"policytrack-timeline/1\", got 'policytrack-timeline/2'",
    ),
    ("a missing title", delete(["instruments", 0, "title"]), "instruments[0].title: is required"),
    (
        "an unknown agency",
        set_in(["instruments", 0, "agencies"], ["nasa"]),
        "instruments[0].agencies[0]: unknown agency 'nasa'",
    ),
    (
        "a misspelt field",
        set_in(["documents", 0, "publised_on"], "2025-01-15"),
        "documents[0].publised_on: unknown field",
    ),
    (
        "an event date typed over its best source",
        set_in(["instruments", 0, "events", 1, "date"], "2025-01-20"),
        "instruments[0].events[1].date: 2025-01-20 differs from 2025-01-13, the date its best source",
    ),
]


@pytest.mark.parametrize("label, change, message", CASES, ids=[c[0] for c in CASES])
def test_it_refuses_bad_input_naming_file_path_and_expectation(db, demo_data, write_json, run, label, change, message):
    path = write_json(broken(demo_data, change))
    code, out, err = run("import_timeline", path)
    assert code == 2
    assert f"{path}: {message}" in err
    assert "Traceback" not in err
    assert "nothing imported from this file" in err
    assert all(n == 0 for n in counts().values())


def test_it_refuses_truncated_json_with_line_and_column(db, demo_data, write_json, run):
    import json

    text = json.dumps(demo_data, indent=2)
    path = write_json(text[: len(text) // 2])
    code, _, err = run("import_timeline", path)
    assert code == 2
    assert f"{path}: not valid JSON:" in err and "line" in err and "column" in err
    assert all(n == 0 for n in counts().values())


def test_it_refuses_a_missing_file(db, run):
    code, _, err = run("import_timeline", "no/such/file.json")
    assert code == 2
    assert "no/such/file.json: no such file" in err


def test_a_refused_change_leaves_the_previous_timeline_untouched(demo, demo_data, write_json, run):
    data = broken(demo_data, set_in(["instruments", 0, "summary"], "Changed"))
    data["instruments"][0]["events"][0]["kind"] = "nonsense"
    code, _, _ = run("import_timeline", write_json(data))
    assert code == 2
    assert Instrument.objects.get(slug="ai-diffusion-rule").summary != "Changed"


def test_each_file_is_all_or_nothing_on_its_own(db, demo_data, write_json, run):
    good = write_json(demo_data, "good.json")
    bad = write_json(broken(demo_data, set_in(["format"], "nope")), "bad.json")
    code, out, err = run("import_timeline", bad, good)
    assert code == 2
    assert f"{good}: " in out
    assert "1 of 2 file(s) refused" in err
    assert Instrument.objects.count() == 4


def test_it_lists_every_problem_at_once(db, demo_data, write_json, run):
    data = broken(demo_data, delete(["instruments", 0, "title"]))
    data["documents"][1]["kind"] = "tweet"
    code, _, err = run("import_timeline", write_json(data))
    assert code == 2
    assert "instruments[0].title: is required" in err
    assert "documents[1].kind: expected one of federal_register" in err


def test_a_delay_moves_its_target_and_needs_one(db, write_json, run):
    data = {
        "format": "policytrack-timeline/1",
        "instruments": [
            {
                "slug": "example-rule",
                "title": "Example rule",
                "kind": "rule",
                "events": [
                    {"kind": "delayed", "date": "2025-02-10", "target": "effective", "new_date": "2025-03-01"},
                    {"key": "effective", "kind": "effective", "date": "2025-02-01"},
                    {"kind": "issued", "date": "2025-01-15"},
                ],
            }
        ],
    }
    code, _, err = run("import_timeline", write_json(data))
    assert code == 0, err
    assert "no source" in err  # unsourced events are accepted with a warning
    delay = Event.objects.get(kind="delayed")
    assert delay.key == "delayed" and delay.target.key == "effective"
    rule = Instrument.objects.get(slug="example-rule")
    assert rule.status(on=datetime.date(2025, 2, 20)).phase == "issued"
    assert rule.status(on=datetime.date(2025, 3, 1)).phase == "in_force"

    del data["instruments"][0]["events"][0]["target"]
    code, _, err = run("import_timeline", write_json(data, "again.json"))
    assert code == 2
    assert "instruments[0].events[0].target: a delayed event needs the key of the event it moves" in err
