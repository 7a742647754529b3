"""Synthetic portfolios for scale, and the check that stored status periods match the engine."""

import datetime

import pytest
from django.db.models import Count, F

from policytrack.timeline import engine
from policytrack.timeline.models import Agency, Event, Instrument, PhaseTally, StatusPeriod


def test_generate_synthetic_builds_realistic_sourced_timelines(db, run):
    code, out, err = run("generate_synthetic", "--instruments", "120", "--seed", "7", "--batch", "50")
    assert code == 0, err
    assert "Added 120 instruments with" in out
    assert "120/120 instruments" in err  # progress

    assert Instrument.objects.filter(slug__startswith="synthetic-7-").count() == 120
    per_instrument = [row["n"] for row in Event.objects.values("instrument").annotate(n=Count("pk"))]
    assert min(per_instrument) >= 5 and max(per_instrument) <= 15
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"issued", "published", "effective", "compliance_date", "amended"} <= kinds
    assert Agency.objects.filter(parent__isnull=False).exists()
    dates = Event.objects.values_list("date", flat=True)
    assert min(dates) >= datetime.date(1994, 1, 1)
    # every sourced event is dated by its best claim (rule 3), and some claims disagree
    disputed = 0
    for event in Event.objects.prefetch_related("claims__document")[:400]:
        claims = [
            engine.Claim(c.document.key, c.date, c.document.published_on, c.document.effective_rank)
            for c in event.claims.all()
        ]
        assert engine.best_claim(claims).date == event.date
        disputed += len({c.date for c in claims}) > 1
    assert disputed > 0
    assert StatusPeriod.objects.values("instrument").distinct().count() == 120


def test_the_same_seed_twice_is_refused_and_nothing_is_added(db, run):
    run("generate_synthetic", "--instruments", "5", "--seed", "3")
    code, _, err = run("generate_synthetic", "--instruments", "5", "--seed", "3")
    assert code != 0
    assert "synthetic data for seed 3 is already in this database" in err
    assert Instrument.objects.count() == 5


def test_status_periods_are_checked_and_repaired(db, run):
    run("generate_synthetic", "--instruments", "40", "--seed", "1")
    code, out, _ = run("check_status_periods")
    assert out.startswith("Sampled 200 random (instrument, date, known on) from 40 instruments")
    assert (code, "\nAll 40 instruments' status periods agree with the engine" in out) == (0, True)

    broken = list(Instrument.objects.order_by("pk").values_list("slug", flat=True)[:3])
    StatusPeriod.objects.filter(instrument__slug=broken[0]).update(phase="vacated")  # as a bad restore might
    StatusPeriod.objects.filter(instrument__slug=broken[1]).delete()
    Event.objects.filter(instrument__slug=broken[2]).update(instrument_title="An old title")
    code, out, _ = run("check_status_periods")
    assert code == 1
    assert (
        f"3 of 40 instruments have stale status periods (or events with an old copy of their title, of where "
        f"the engine places them or of whether their sources disagree): "
        f"{', '.join(sorted(broken))}"
    ) in out
    assert "Run again with --repair" in out

    code, out, _ = run("check_status_periods", "--repair")
    assert code == 0 and "Rebuilt the status periods of 3 instruments; they now agree." in out
    assert set(Event.objects.filter(instrument__slug=broken[2]).values_list("instrument_title", flat=True)) == {
        Instrument.objects.get(slug=broken[2]).title
    }
    # Periods changed behind its back had left the tally out of step: repaired too.
    assert "Rebuilt the phase tally from the status periods." in out
    assert run("check_status_periods")[0] == 0


def test_check_status_periods_finds_and_repairs_a_wrong_phase_tally(db, run):
    run("generate_synthetic", "--instruments", "20", "--seed", "3")
    day = PhaseTally.objects.order_by("day").values_list("day", flat=True)[5]
    PhaseTally.objects.filter(day=day).update(delta=F("delta") + 7)
    code, out, _ = run("check_status_periods")
    assert code == 1
    # the day, and its year's total (reported as 1 January), no longer add up
    assert (
        f"The phase tally (the counts of the point-in-time pages) disagrees with the stored status periods "
        f"on 2 days, from {day.year}-01-01 to {day}."
    ) in out
    code, out, _ = run("check_status_periods", "--repair")
    assert code == 0 and "Rebuilt the phase tally from the status periods." in out
    assert run("check_status_periods")[0] == 0


def test_check_status_periods_names_an_unknown_slug(db, run):
    code, _, err = run("check_status_periods", "no-such-rule")
    assert code == 2 and "No instrument has the slug 'no-such-rule'." in err


def test_check_status_periods_reports_progress_on_long_runs(db, run, monkeypatch):
    from policytrack.timeline.management.commands import check_status_periods

    monkeypatch.setattr(check_status_periods, "PROGRESS_EVERY", 10)
    run("generate_synthetic", "--instruments", "40", "--seed", "5")
    StatusPeriod.objects.all().delete()  # as a restore that lost them
    code, out, err = run("check_status_periods", "--repair")
    assert code == 0 and "Rebuilt the status periods of 40 instruments; they now agree." in out
    assert "10/40 instruments checked" in err and "40/40 instruments checked" in err
    assert "40/40 instruments rebuilt" in err
    assert "Reindexed" not in out  # inside the test's transaction it cannot run, and does not try


def test_a_repair_of_most_instruments_reindexes_their_periods_on_postgresql(transactional_db, run):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("REINDEX CONCURRENTLY is PostgreSQL's")
    run("generate_synthetic", "--instruments", "20", "--seed", "6")
    StatusPeriod.objects.all().delete()
    code, out, _ = run("check_status_periods", "--repair")
    assert code == 0 and "Reindexed the status periods" in out
    assert run("check_status_periods")[0] == 0
