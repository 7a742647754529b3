"""The stored periods carry the rules version that derived them: a new version rebuilds them on
migrate, a system check warns while they differ, and check_status_periods reports and repairs."""

import datetime

import pytest

from policytrack.timeline import engine
from policytrack.timeline.derived import DerivedRules, stored_rules_version
from policytrack.timeline.models import KnownPeriod, StatusPeriod
from policytrack.timeline.periods import rebuild_tally

D = datetime.date
MAY_20 = D(2025, 5, 20)
# The code's rules, and the next version a change of them would bring.
OLD, NEW = engine.RULES_VERSION, engine.RULES_VERSION + 1


def listed_phase(client):
    """The demo rule's phase as the list of 20 May shows it (read from the stored periods)."""
    rows = client.get("/api/instruments/", {"on": MAY_20.isoformat(), "q": "diffusion"}).json()["results"]
    [row] = [row for row in rows if row["slug"] == "ai-diffusion-rule"]
    return row["phase"]


@pytest.fixture
def derived_by_older_rules(demo):
    """The demo rule stored as rules version OLD derived it, which (say) left enforcement alone;
    the code's rules are to be version NEW."""
    covering = {"valid_from__lte": MAY_20, "valid_to__gt": MAY_20}
    StatusPeriod.objects.filter(instrument=demo, **covering).update(phase="in_force", enforced=True)
    KnownPeriod.objects.filter(instrument=demo, known_to=datetime.date.max, **covering).update(
        phase="in_force", enforced=True
    )
    rebuild_tally()  # counted as those rules had it
    assert stored_rules_version() == OLD
    return demo


def test_migrate_rebuilds_the_periods_when_the_rules_version_changed(derived_by_older_rules, run, client, monkeypatch):
    assert listed_phase(client) == "in_force"
    monkeypatch.setattr(engine, "RULES_VERSION", NEW)
    code, out, _ = run("migrate")
    assert code == 0
    # the demo's four instruments, of which only the rule's periods differed
    assert (
        f"Rebuilt the status periods of 4 instruments: they were derived by rules version {OLD}, this code's is {NEW}."
        in out
    )
    assert listed_phase(client) == "not_enforced"
    assert stored_rules_version() == NEW
    code, out, _ = run("check_status_periods", "--samples", "20")
    assert code == 0 and "All 4 instruments' status periods agree with the engine" in out


def test_migrate_rebuilds_nothing_when_the_rules_version_is_the_same(derived_by_older_rules, run, client):
    code, out, _ = run("migrate")
    assert code == 0 and "Rebuilt" not in out
    assert listed_phase(client) == "in_force"  # left as it was: only check_status_periods finds this
    recorded = DerivedRules.objects.get()
    assert recorded.rules_version == engine.RULES_VERSION


def test_the_system_check_warns_while_the_versions_differ(demo, run, monkeypatch):
    code, out, err = run("check", "--database", "default")
    assert code == 0 and "timeline.W001" not in out + err
    monkeypatch.setattr(engine, "RULES_VERSION", NEW)
    code, out, err = run("check", "--database", "default")
    assert f"(timeline.W001) The stored status periods were derived by rules version {OLD}; the status engine's " in err
    assert "Run manage.py migrate, which rebuilds them" in err
    code, _, err = run("check", "--database", "default", "--fail-level", "WARNING")
    assert code == 1


def test_a_missing_record_counts_as_another_version(demo, run):
    DerivedRules.objects.all().delete()
    code, _, err = run("check", "--database", "default")
    assert "derived by no recorded rules version" in err
    code, out, _ = run("migrate")
    assert "they were derived by rules version (none recorded)" in out
    assert stored_rules_version() == engine.RULES_VERSION


def test_check_status_periods_reports_a_wrong_version_and_repairs_it(derived_by_older_rules, run, monkeypatch, client):
    monkeypatch.setattr(engine, "RULES_VERSION", NEW)
    code, out, _ = run("check_status_periods", "--samples", "0")
    assert code == 1
    assert (
        f"The stored status periods were derived by rules version {OLD}; the engine's rules are version {NEW}." in out
    )
    assert "1 of 4 instruments have stale status periods" in out and "Run again with --repair" in out
    assert "phase tally" not in out

    code, out, err = run("check_status_periods", "--repair", "--samples", "0", "ai-diffusion-rule")
    assert code == 1 and "Rebuilt the status periods of 1 instruments" in out
    assert f"without SLUG to check every instrument and record rules version {NEW}" in err
    assert stored_rules_version() == OLD

    code, out, _ = run("check_status_periods", "--repair", "--samples", "0")
    assert code == 0 and f"Recorded rules version {NEW}: every instrument's periods agree with it." in out
    assert stored_rules_version() == NEW and listed_phase(client) == "not_enforced"
    assert run("check_status_periods")[0] == 0


def test_check_status_periods_says_what_it_sampled_and_what_it_found(demo, run):
    code, out, _ = run("check_status_periods", "--samples", "30")
    assert code == 0
    assert (
        "Sampled 30 random (instrument, date, known on) from 4 instruments, read as the lists read them: "
        "0 disagree with the engine."
    ) in out

    # A bad restore: every row of the rule's status as known on any date lost.
    KnownPeriod.objects.filter(instrument=demo).delete()
    code, out, _ = run("check_status_periods", "--samples", "30", "ai-diffusion-rule")
    assert code == 1
    assert "from 1 instruments, read as the lists read them: 30 disagree with the engine." in out
    assert "30 of 30 random dates (as known on random dates) are stored with a status the engine does not give." in out
    examples = [line for line in out.splitlines() if line.startswith("  ai-diffusion-rule on ")]
    assert len(examples) == 5
    assert all(": nothing stored; the engine says " in line for line in examples)
