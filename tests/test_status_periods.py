"""Stored status periods: always in step with the engine, so a list is one indexed query."""

import datetime
import io
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from policytrack.timeline import engine
from django.db.models import Count

from policytrack.timeline.models import (
    BEGINNING_OF_TIME,
    END_OF_TIME,
    Claim,
    Document,
    Event,
    Instrument,
    StatusPeriod,
)
from policytrack.timeline.periods import phase_counts_on, tally_differences

from engine_strategies import FIRST_DAY, LAST_DAY, timelines

D = datetime.date


def stored_status(instrument, on):
    period = StatusPeriod.objects.covering(on).get(instrument=instrument)
    return (period.phase, period.in_force, period.enforced, period.obligations_apply, period.rescission_pending)


def engine_status(events, on):
    s = engine.status(events, on=on)
    return (s.phase, s.in_force, s.enforced, s.obligations_apply, s.rescission_pending)


def test_the_demo_rule_is_listed_in_force_and_not_enforced_on_20_may(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        in_force = list(Instrument.objects.in_force(on=D(2025, 5, 20)).values_list("slug", flat=True))
    assert "ai-diffusion-rule" in in_force
    assert list(Instrument.objects.in_phase("not_enforced", on=D(2025, 5, 20))) == [demo]
    assert demo not in Instrument.objects.in_force(on=D(2024, 12, 1))


def test_periods_cover_all_time_without_gaps(demo):
    periods = list(demo.status_periods.order_by("valid_from"))
    assert periods[0].valid_from == BEGINNING_OF_TIME
    assert periods[-1].valid_to == END_OF_TIME
    assert all(a.valid_to == b.valid_from for a, b in zip(periods, periods[1:]))
    assert [p.phase for p in periods] == ["not_yet_issued", "in_force", "not_enforced"]


def test_deleting_an_event_rebuilds_the_periods(demo):
    demo.events.get(kind="enforcement_suspended").delete()
    assert stored_status(demo, D(2025, 5, 20))[0] == "in_force"


def test_adding_a_claim_rebuilds_the_periods_and_moves_the_event(demo):
    event = demo.events.get(kind="enforcement_suspended")
    notice = Document.objects.create(
        key="fr-notice", kind="federal_register", title="Notice", published_on=D(2025, 6, 1)
    )
    Claim.objects.create(event=event, document=notice, date=D(2025, 6, 1))
    event.refresh_from_db()
    assert event.date == D(2025, 6, 1)  # the Federal Register outranks the press release
    assert stored_status(demo, D(2025, 5, 20))[0] == "in_force"
    assert stored_status(demo, D(2025, 6, 1))[0] == "not_enforced"


def test_changing_a_documents_rank_rebuilds_every_instrument_it_supports(demo):
    seed = Document.objects.get(key="seed-002")
    seed.rank = 1  # an editor decides the June article is the best source
    seed.save()
    event = demo.events.get(kind="enforcement_suspended")
    event.refresh_from_db()
    assert (event.date, event.precision) == (D(2025, 6, 1), "month")
    assert stored_status(demo, D(2025, 5, 20))[0] == "in_force"


def test_deleting_an_instrument_keeps_its_evidence(demo):
    documents = Document.objects.count()
    demo.delete()
    assert Document.objects.count() == documents
    assert not StatusPeriod.objects.filter(instrument_id=demo.pk).exists()


def test_a_deletion_that_fails_leaves_the_instrument_rebuilt_on_later_changes(demo):
    """A failed delete once left the instrument's id in a per-thread set, and that worker never
    rebuilt it again: its stored status said not enforced while the engine said rescinded."""
    from django.db import transaction
    from django.db.models.signals import post_delete

    def fail(sender, instance, **kwargs):
        raise RuntimeError("the database went away")

    post_delete.connect(fail, sender=Claim)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            demo.delete()
    finally:
        post_delete.disconnect(fail, sender=Claim)

    document = Document.objects.filter(claims__event__instrument=demo).first()
    Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="rescinded-after-failure")
    assert stored_status(demo, D(2025, 7, 2))[0] == "rescinded"
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_an_instrument_inside_a_deferred_block_rebuilds_the_others(demo):
    from policytrack.timeline.periods import deferred_rebuilds

    other = Instrument.objects.create(slug="other", title="Other", kind="rule")
    with deferred_rebuilds():
        Event.objects.create(instrument=demo, kind="rescinded", date=D(2025, 7, 1), key="r")
        Event.objects.create(instrument=other, kind="effective", date=D(2025, 7, 1), key="e")
        demo.delete()
    assert stored_status(other, D(2025, 7, 2))[0] == "in_force"
    assert not StatusPeriod.objects.filter(instrument_id=demo.pk).exists()


def counted_from_periods(on):
    return dict(StatusPeriod.objects.covering(on).values_list("phase").order_by().annotate(n=Count("pk")))


TALLY_DAYS = [D(2024, 12, 31), D(2025, 1, 13), D(2025, 5, 12), D(2025, 5, 14), D(2025, 5, 15), D(2025, 7, 1)]


def test_the_phase_tally_counts_like_the_periods_through_edits_renames_and_deletions(demo):
    def agree():
        assert tally_differences() == []
        for day in TALLY_DAYS:
            assert phase_counts_on(day) == counted_from_periods(day), day

    agree()
    before = {day: Counter(phase_counts_on(day)) for day in TALLY_DAYS}
    other = Instrument.objects.create(slug="other", title="Another rule", kind="rule")
    published = Document.objects.create(
        key="other-fr", kind="federal_register", title="Another rule", published_on=D(2025, 1, 2)
    )
    effective = Event.objects.create(instrument=other, key="effective", kind="effective", date=D(2025, 5, 13))
    Claim.objects.create(event=effective, document=published, date=D(2025, 5, 13))
    agree()
    assert phase_counts_on(D(2025, 5, 14)) == before[D(2025, 5, 14)] + Counter(in_force=1)
    assert phase_counts_on(D(2025, 5, 12)) == before[D(2025, 5, 12)] + Counter(not_yet_issued=1)

    effective.claims.update(date=D(2025, 5, 20))  # behind the signals' back: the tally follows the periods
    effective.claims.first().save()
    agree()
    other.title = "A renamed rule"
    other.save()
    assert set(StatusPeriod.objects.filter(instrument=other).values_list("title", flat=True)) == {"A renamed rule"}
    assert phase_counts_on(D(2025, 5, 14)) == before[D(2025, 5, 14)] + Counter(not_yet_issued=1)
    demo.delete()
    agree()
    Instrument.objects.all().delete()
    assert phase_counts_on(D(2025, 5, 14)) == {}


def test_events_keep_a_copy_of_their_instruments_title_for_the_changes_pages_order(db):
    rule = Instrument.objects.create(slug="copied", title="A rule", kind="rule")
    Event.objects.create(instrument=rule, key="proposed", kind="proposed", date=D(2024, 1, 1))
    Event.objects.create(instrument_id=rule.pk, key="issued", kind="issued", date=D(2024, 6, 1))  # not at hand

    def copies():
        return set(Event.objects.filter(instrument=rule).values_list("instrument_title", flat=True))

    assert copies() == {"A rule"}
    rule.title = "A renamed rule"
    rule.save()
    assert copies() == {"A renamed rule"}


def store(instrument, events):
    """Write engine events as rows, as an editor would, one save at a time."""
    rows = {}
    for position, event in enumerate(events):
        rows[event.key] = Event(
            instrument=instrument,
            key=event.key,
            kind=event.kind,
            date=event.date,
            precision=event.precision,
            position=position,
        )
    for event in events:
        if event.kind == "delayed":
            rows[event.key].target = rows[event.target]
            rows[event.key].new_date = event.new_date
    saved = set()
    while len(saved) < len(rows):  # targets before the delays that move them
        for event in events:
            if event.key not in saved and (event.kind != "delayed" or event.target in saved):
                rows[event.key].save()
                saved.add(event.key)
    for event in events:
        for position, claim in enumerate(event.claims):
            document, _ = Document.objects.get_or_create(
                key=claim.document,
                defaults={
                    "kind": "other",
                    "title": claim.document,
                    "published_on": claim.published_on,
                    "rank": claim.rank,
                },
            )
            Claim.objects.create(
                event=rows[event.key], document=document, date=claim.date, precision=claim.precision, position=position
            )


def storable(events):
    """Drop delays the importer would refuse (no target, themselves, a cycle), and then those
    whose target was dropped, until every delay's target is kept."""
    while True:
        keys = {e.key for e in events}
        kept = [
            e
            for e in events
            if e.kind != "delayed" or (e.target in keys and e.target != e.key and _no_cycle(events, e))
        ]
        if len(kept) == len(events):
            return kept
        events = kept


def storable_documents(events):
    """``storable(events)`` with one document per document key: every claim of a key given the
    first such claim's publication date and rank, as a stored document has one of each."""
    facts = {}
    return [
        engine.Event(
            e.key,
            e.kind,
            e.date,
            e.precision,
            tuple(
                engine.Claim(c.document, c.date, *facts.setdefault(c.document, (c.published_on, c.rank)), c.precision)
                for c in e.claims
            ),
            e.target,
            e.new_date,
        )
        for e in storable(events)
    ]


def _no_cycle(events, event):
    targets = {e.key: e.target for e in events if e.kind == "delayed"}
    seen, key = set(), event.key
    while key in targets:
        if key in seen:
            return False
        seen.add(key)
        key = targets[key]
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines(max_events=8))
def test_stored_periods_agree_with_the_engine_on_every_date(db, events):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    events = storable_documents(events)
    instrument = Instrument.objects.create(slug="random", title="Random", kind="rule")
    store(instrument, events)
    stored = list(instrument.status_periods.all())
    day = FIRST_DAY - datetime.timedelta(days=1)
    while day <= LAST_DAY + datetime.timedelta(days=1):
        [period] = [p for p in stored if p.valid_from <= day < p.valid_to]
        flags = (period.phase, period.in_force, period.enforced, period.obligations_apply, period.rescission_pending)
        assert flags == engine_status(events, day), day
        assert phase_counts_on(day) == {period.phase: 1}, day
        day += datetime.timedelta(days=1)
    assert tally_differences() == []


def test_a_rebuild_inside_a_transaction_leaves_the_planners_settings_as_it_found_them(demo):
    """PostgreSQL only: a rebuild lowers random_page_cost for its own reads (SET LOCAL); the rest
    of the caller's transaction — an import's later queries — must plan as before."""
    from django.db import connection, transaction

    from policytrack.timeline.periods import rebuild_status_periods

    if connection.vendor != "postgresql":
        pytest.skip("random_page_cost is PostgreSQL's")

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 3.5")
        rebuild_status_periods([demo.pk])
        assert setting() == "3.5"  # not the 1.1 of the rebuild's reads


def test_a_csv_export_reads_disputes_by_index_and_leaves_the_planner_as_it_found_it(demo, client):
    """PostgreSQL only: each chunk of an export reads its claims with random_page_cost lowered
    (else every claim is scanned per chunk: 0.4 s a chunk at 100,000 instruments), and only there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("random_page_cost is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        before = cursor.fetchone()[0]
    response = client.get("/instruments/", {"format": "csv", "on": "2025-05-20"})
    body = b"".join(response.streaming_content).decode()
    # The AI Diffusion Rule's disputed rescission announcement (8 May to 11 June) is in its row.
    assert "2025-05-08 to 2025-06-11" in body
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == before


def _record_pid(rebuild, into):
    """``rebuild`` (a batch's rebuild) that first writes its process's id to the file ``into``."""

    def rebuild_and_record(batch):
        with open(into, "a") as file:
            file.write(f"{os.getpid()}\n")
        return rebuild(batch)

    return rebuild_and_record


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_several_processes_writes_what_one_process_writes(tmp_path, monkeypatch):
    """After a restore that lost the status periods, their tallies and the search documents,
    a rebuild in two processes at once (PostgreSQL; elsewhere in this one, one batch after the
    other) writes every row back as it was, and leaves nothing stale."""
    from django.core.management import call_command
    from django.db import connection

    from policytrack.timeline import periods
    from policytrack.timeline.models import PhaseTally, PhaseTallyYear
    from policytrack.timeline.search import SearchDocument

    call_command("generate_synthetic", "--instruments", "24", "--seed", "9", stdout=io.StringIO())
    columns = ("instrument_id", "phase", "in_force", "enforced", "valid_from", "valid_to", "title")
    before = list(StatusPeriod.objects.order_by("instrument_id", "valid_from").values_list(*columns))
    documents = list(SearchDocument.objects.order_by("instrument_id").values_list("instrument_id", "titles", "body"))
    for model in (StatusPeriod, PhaseTally, PhaseTallyYear, SearchDocument):
        model.objects.all().delete()
    pids = tmp_path / "pids"
    monkeypatch.setattr(periods, "_rebuild_batch", _record_pid(periods._rebuild_batch, pids))

    assert periods.rebuild_status_periods(batch_size=3, jobs=2) == Instrument.objects.count()

    assert list(StatusPeriod.objects.order_by("instrument_id", "valid_from").values_list(*columns)) == before
    assert list(SearchDocument.objects.order_by("instrument_id").values_list("instrument_id", "titles", "body")) == (
        documents
    )
    assert not tally_differences() and not list(periods.find_stale_status_periods())
    worked = set(pids.read_text().split())
    assert len(worked) == (2 if connection.vendor == "postgresql" else 1)
    assert (str(os.getpid()) in worked) == (connection.vendor != "postgresql")
