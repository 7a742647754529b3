"""/compare/, its CSV and /api/compare/ as recorded at a moment: both phases read from the rows
over knowledge time as recorded then, each instrument under the slug and title it had then,
agreeing with the engine run on each instrument's edit history at that moment (issue 18)."""

import csv
import datetime
import io
import itertools
from collections import Counter

import time_machine
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from policytrack.timeline import engine
from policytrack.timeline.derived import DerivedRules
from policytrack.timeline.models import Instrument
from policytrack.timeline.recorded import events_as_recorded

from conftest import text
from engine_strategies import FIRST_DAY, LAST_DAY, dates_in_range, knowledge_dates, timelines
from test_instruments_recorded import HOUR, START, an_edit, apply, at, edited

EXAMPLES = itertools.count()


def csv_rows(client, query):
    response = client.get("/compare/", {**query, "format": "csv"})
    assert response.status_code == 200, text(response)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# The edits of the list's test, and a change of slug.
changes = st.lists(
    # Leaning to the edits that change what a comparison shows: slugs, sources added and retracted.
    st.one_of(
        st.tuples(st.just("slug"), st.integers(0, 2)),
        st.tuples(st.just("claim"), st.integers(0, 2), dates_in_range(), dates_in_range()),
        st.tuples(st.just("retract"), st.integers(0, 2)),
        an_edit,
    ),
    min_size=1,
    max_size=5,
)


def edit(change, instruments, number, agency):
    if change[0] == "slug":
        instrument = Instrument.objects.get(pk=instruments[change[1]])
        instrument.slug = f"{instrument.slug}-{number}"
        instrument.save()
    else:
        apply(change, instruments, number, agency)


def expected_at(instruments, a, b, known, moment):
    """{slug then: (phase on a, phase on b, title then)} of the instruments whose phases differ,
    from the engine run on each one's edit history at ``moment``."""
    expected = {}
    for pk in instruments:
        held = Instrument.history.as_of(moment).get(id=pk)
        events = events_as_recorded(pk, moment)
        before, after = engine.status(events, a, known).phase, engine.status(events, b, known).phase
        if before != after:
            expected[held.slug] = (before, after, held.title)
    return expected


def test_the_comparison_as_recorded_agrees_with_each_instruments_history_then(db, client):
    seen = Counter()

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a dozen saves and pages
    )
    @given(
        histories=st.lists(timelines(max_events=5), min_size=3, max_size=3),
        edits=changes,
        moments=st.lists(st.integers(0, 3), min_size=1, max_size=3),
        # One date before every event or among them, the other among them: most instruments differ.
        days=st.tuples(
            dates_in_range(FIRST_DAY - datetime.timedelta(days=2), FIRST_DAY + datetime.timedelta(days=10)),
            dates_in_range(FIRST_DAY, LAST_DAY + datetime.timedelta(days=2)),
        ),
        known=st.one_of(st.none(), st.none(), knowledge_dates()),
    )
    def check(histories, edits, moments, days, known):
        start, instruments, _ = edited(histories, edits, edit)
        a, b = days
        last = start + (len(edits) + 1) * HOUR
        with time_machine.travel(last, tick=False):
            now = expected_at(instruments, a, b, known, last)
            for step in moments:
                moment = start + HOUR / 2 + min(step, len(edits)) * HOUR
                expected = expected_at(instruments, a, b, known, moment)
                seen["compared"] += len(expected)
                seen["differs from now"] += {k: v[:2] for k, v in expected.items()} != {
                    k: v[:2] for k, v in now.items()
                }
                query = {"a": a.isoformat(), "b": b.isoformat(), "recorded": moment.isoformat()}
                if known:
                    query["known"] = known.isoformat()
                rows = csv_rows(client, query)
                assert {row["slug"]: (row["phase_a"], row["phase_b"], row["title"]) for row in rows} == expected, query
                assert all(f"recorded={at(moment)}" in row["url"] for row in rows)
                answer = client.get("/api/compare/", query).json()
                assert answer["recorded"] == moment.isoformat() and answer["count"] == len(expected)
                found = {row["instrument"]: (row["phase_a"], row["phase_b"], row["title"]) for row in answer["results"]}
                assert found == expected
                page = client.get("/compare/", query).context
                counted = Counter((before, after) for before, after, _ in expected.values())
                assert {(before, after): count for before, after, count in page["groups"]} == dict(counted)
                assert {row.slug for row, *_ in page["rows"]} == set(expected)

    check()
    assert seen["compared"] > 5, seen  # the samples held changes: the comparison could fail
    assert seen["differs from now"] >= 2, seen  # and answers that the record now would change


def test_a_comparison_as_recorded_before_an_edit_shows_the_rule_as_it_was(demo, client):
    """The suspension of enforcement deleted and the rule renamed, slug and all: compared as
    recorded before, 1 May → 20 May still goes from in force to not enforced, under the old slug,
    whose page opens as recorded then; as recorded after, the rule did not change."""
    DerivedRules.objects.filter(pk=1).update(records_from=START - HOUR)
    with time_machine.travel(START, tick=False):
        rule = Instrument.objects.get(pk=demo.pk)
        rule.events.get(kind="enforcement_suspended").delete()
        rule.slug, rule.title = "diffusion-framework", "A renamed rule"
        rule.save()
    before, after = START - HOUR / 2, START + HOUR
    query = {"a": "2025-05-01", "b": "2025-05-20"}
    with time_machine.travel(START + 2 * HOUR, tick=False):
        then = client.get("/compare/", {**query, "recorded": before.isoformat()})
        assert then.status_code == 200
        body = text(then)
        assert "as recorded at 1 Jan 2032 08:30 UTC" in body and "as recorded now" in body
        rows = {row.slug: (row, link, a, b) for row, link, a, b in then.context["rows"]}
        _, link, phase_a, phase_b = rows["ai-diffusion-rule"]
        assert (phase_a, phase_b) == ("in_force", "not_enforced")
        assert client.get(link).status_code == 200, link
        assert 'name="recorded"' in then.content.decode()  # the filter form keeps the moment
        now = client.get("/compare/", {**query, "recorded": after.isoformat()}).context
        assert "ai-diffusion-rule" not in {row.slug for row, *_ in now["rows"]}
        assert "diffusion-framework" not in {row.slug for row, *_ in now["rows"]}
        api = client.get("/api/compare/", {**query, "recorded": before.isoformat()}).json()
        assert {"instrument": "ai-diffusion-rule", "phase_a": "in_force", "phase_b": "not_enforced"} in [
            {key: row[key] for key in ("instrument", "phase_a", "phase_b")} for row in api["results"]
        ]
        early = client.get("/api/compare/", {**query, "recorded": "2032-01-01T07:00Z"})
        assert early.status_code == 400 and set(early.json()) == {"recorded"}
        early = client.get("/compare/", {**query, "recorded": "2032-01-01T07:00Z"})
        assert early.status_code == 400 and "too early" in text(early)
