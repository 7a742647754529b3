"""The worked example of DESIGN.md, asked through ``manage.py status`` as an analyst would."""

import json

import pytest


def status_json(run, *args):
    code, out, err = run("status", "ai-diffusion-rule", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_before_issue_it_is_not_yet_issued(demo, run):
    answer = status_json(run, "--on", "2024-12-01")
    assert answer["phase"] == "not_yet_issued"
    assert answer["in_force"] is False
    assert answer["applied"] == []


def test_in_february_it_is_in_force_with_compliance_still_ahead(demo, run):
    answer = status_json(run, "--on", "2025-02-01")
    assert answer["phase"] == "in_force"
    assert (answer["in_force"], answer["enforced"], answer["obligations_apply"]) == (True, True, False)
    assert answer["upcoming"] == {"kind": "compliance_date", "date": "2025-05-15"}


def test_after_the_announcement_it_is_in_force_but_not_enforced(demo, run):
    answer = status_json(run, "--on", "2025-05-20")
    assert answer["phase"] == "not_enforced"
    assert (answer["in_force"], answer["enforced"], answer["obligations_apply"]) == (True, False, False)
    assert answer["rescission_pending"] is True
    assert {"kind": "enforcement_suspended", "date": "2025-05-13"} in answer["applied"]


def test_as_known_on_1_may_the_obligations_of_20_may_apply(demo, run):
    answer = status_json(run, "--on", "2025-05-20", "--known", "2025-05-01")
    assert answer["known"] == "2025-05-01"
    assert answer["phase"] == "in_force"
    assert (answer["enforced"], answer["obligations_apply"], answer["rescission_pending"]) == (True, True, False)


def test_the_rescission_announcement_is_disputed_with_every_claimed_date(demo, run):
    answer = status_json(run, "--on", "2025-05-20")
    assert {"kind": "rescission_announced", "dates": ["2025-05-08", "2025-05-12", "2025-05-13", "2025-06-11"]} in (
        answer["disputed"]
    )


def test_json_has_exactly_the_documented_fields(demo, run):
    answer = status_json(run, "--on", "2025-05-20")
    assert list(answer) == [
        "instrument",
        "on",
        "known",
        "phase",
        "in_force",
        "enforced",
        "obligations_apply",
        "rescission_pending",
        "applied",
        "upcoming",
        "disputed",
        "since_disputed",
    ]
    assert answer["instrument"] == "ai-diffusion-rule"
    assert answer["known"] is None


def test_plain_output_says_the_status_in_words(demo, run):
    code, out, _ = run("status", "ai-diffusion-rule", "--on", "2025-05-20")
    assert code == 0
    assert "in force but not enforced since 13 May 2025" in out
    assert (
        "rescission announced 13 May 2025 (disputed: sources say 8 May to 11 June 2025), formal notice pending" in out
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-rule", "--on", "2025-05-20"], "no instrument with slug 'no-such-rule'"),
        (["ai-diffusion-rule", "--on", "2025-02-30"], "--on must be a real date written YYYY-MM-DD, not '2025-02-30'"),
        (["ai-diffusion-rule", "--on", "20 May"], "--on must be a real date"),
        (["ai-diffusion-rule", "--on", "2025-05-20", "--known", "yesterday"], "--known must be a real date"),
        (["ai-diffusion-rule", "--on", "2025-05-20", "--recorded", "soon"], "--recorded must be a date and time"),
    ],
)
def test_it_refuses_unknown_slugs_and_bad_dates_with_one_line_and_status_2(demo, run, args, message):
    code, out, err = run("status", *args, "--json")
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
