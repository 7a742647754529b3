"""/on/<date>/ as recorded at a moment: read from the rows over knowledge time open then, and
agreeing with each instrument's status rebuilt from the edit history at the same moment."""

import datetime
import itertools
from urllib.parse import quote

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.timeline.derived import DerivedRules, forget_records_before
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument
from policytrack.timeline.recorded import events_as_recorded

from conftest import text
from engine_lists import named_as_known

D = datetime.date
UTC = datetime.timezone.utc
START = datetime.datetime(2031, 1, 1, 9, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
EXAMPLES = itertools.count()
KINDS = ["issued", "effective", "enforcement_suspended", "enforcement_resumed", "suspended", "rescinded"]


def at(moment):
    return quote(moment.isoformat())


def listed(client, on, recorded, known=None):
    """{slug: (phase, title)} of every page of /on/<on>/ as recorded at ``recorded``."""
    found, page = {}, 1
    while True:
        query = f"?recorded={at(recorded)}" + (f"&known={known.isoformat()}" if known else "") + f"&page={page}"
        response = client.get(f"/on/{on.isoformat()}/{query}")
        assert response.status_code == 200, text(response)
        for row in response.context["page"].object_list:
            found[row.slug] = (row.phase_on, row.title)
        if not response.context["page"].has_next():
            return found
        page += 1


def status_as_recorded(client, slug, on, recorded, known=None):
    query = f"?on={on.isoformat()}&recorded={at(recorded)}" + (f"&known={known.isoformat()}" if known else "")
    response = client.get(f"/api/instruments/{slug}/status/{query}")
    return response.json()["phase"] if response.status_code == 200 else None


edits = st.lists(
    st.tuples(
        st.integers(0, 2),  # which instrument
        st.sampled_from(KINDS),
        st.integers(0, 400),  # its date, in days from 1 Jan 2025
        st.integers(0, 60),  # its source published this many days before it
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_the_list_as_recorded_at_a_moment_agrees_with_each_instruments_history(db, client, edits):
    # Each example a day after the last, its predecessors deleted just before (which moves the
    # first moment the lists answer for to then): the edit history is never rolled back.
    n = next(EXAMPLES)
    start = START + datetime.timedelta(days=n)
    with time_machine.travel(start - HOUR, tick=False):
        Instrument.objects.all().delete()
    with time_machine.travel(start, tick=False):
        instruments = [Instrument.objects.create(slug=f"i{n}-{i}", title=f"I{i}", kind="rule") for i in range(3)]
    moments = [start + HOUR / 2]
    for number, (which, kind, day, lead) in enumerate(edits, start=1):
        moment = start + number * HOUR
        with time_machine.travel(moment, tick=False):
            date = D(2025, 1, 1) + datetime.timedelta(days=day)
            event = Event.objects.create(instrument=instruments[which], key=f"e{number}", kind=kind, date=date)
            source = Document.objects.create(
                key=f"d{n}-{number}",
                kind="federal_register",
                title=f"D{number}",
                published_on=date - datetime.timedelta(days=lead),
            )
            Claim.objects.create(event=event, document=source, date=date)
        moments.append(moment + HOUR / 2)
    days = sorted({D(2025, 1, 1) + datetime.timedelta(days=day) for _, _, day, _ in edits})
    with time_machine.travel(start + (len(edits) + 1) * HOUR, tick=False):
        for recorded in moments:
            for on in [D(2024, 12, 31), *days]:
                for known in [None, days[0]]:
                    found = listed(client, on, recorded, known)
                    # As known on a date, each is listed from the day it was public (as recorded then).
                    assert set(found) == {
                        instrument.slug
                        for instrument in instruments
                        if named_as_known(events_as_recorded(instrument.pk, recorded), known)
                    }
                    for slug, (phase, _) in found.items():
                        assert phase == status_as_recorded(client, slug, on, recorded, known), (
                            slug,
                            on,
                            recorded,
                            known,
                        )


def test_an_edit_changes_the_list_from_its_moment_on_and_not_before(demo, client):
    DerivedRules.objects.filter(pk=1).update(records_from=START - HOUR)
    with time_machine.travel(START, tick=False):
        Instrument.objects.filter(pk=demo.pk).first().save()  # nothing changes: nothing is written
        demo.events.get(kind="enforcement_suspended").delete()
        renamed = Instrument.objects.get(pk=demo.pk)
        renamed.title = "A renamed rule"
        renamed.save()
    before, after = START - HOUR / 2, START + HOUR
    with time_machine.travel(START + 2 * HOUR, tick=False):
        assert listed(client, D(2025, 5, 20), before)["ai-diffusion-rule"] == (
            "not_enforced",
            "Framework for Artificial Intelligence Diffusion",
        )
        assert listed(client, D(2025, 5, 20), after)["ai-diffusion-rule"] == ("in_force", "A renamed rule")
        response = client.get(f"/on/2025-05-20/?recorded={at(before)}&known=2025-05-01")
        page = text(response)
        assert "as recorded at 1 Jan 2031 08:30 UTC" in page
        assert f"recorded={at(before)}" in response.content.decode()  # the rows' links carry it
        assert "as recorded now" in page


def test_a_row_as_recorded_links_the_page_under_the_slug_it_had_with_its_agencies_then(demo, client):
    """A slug changed since: the row as recorded before shows the slug of then, and its link opens
    the instrument's page as recorded then (today's slug was not held then: a 404)."""
    DerivedRules.objects.filter(pk=1).update(records_from=START - HOUR)
    commerce = Agency.objects.create(slug="commerce-2", name="Department of Commerce (new)")
    with time_machine.travel(START, tick=False):
        renamed = Instrument.objects.get(pk=demo.pk)
        renamed.slug = "diffusion-framework"
        renamed.save()
        renamed.agencies.add(commerce)
    before, after = START - HOUR / 2, START + HOUR
    with time_machine.travel(START + 2 * HOUR, tick=False):
        for moment, slug, agencies in (
            (before, "ai-diffusion-rule", ["BIS"]),
            (after, "diffusion-framework", ["BIS", "Department of Commerce (new)"]),
        ):
            response = client.get(f"/on/2025-05-20/?recorded={at(moment)}")
            rows = {row.slug: row for row in response.context["page"].object_list}
            assert slug in rows, sorted(rows)
            assert sorted(short for _, short in rows[slug].agency_names) == agencies
            assert client.get(rows[slug].link).status_code == 200, rows[slug].link
        assert client.get(f"/instruments/diffusion-framework/?on=2025-05-20&recorded={at(before)}").status_code == 404


def test_a_moment_before_the_store_kept_record_time_is_refused_naming_its_start(demo, client):
    forget_records_before(START)
    response = client.get("/on/2025-05-20/?recorded=2031-01-01T08:00")
    assert response.status_code == 400
    assert "1 Jan 2031 09:00:00 UTC" in text(response)
    assert "instrument's own page" in text(response)


def test_a_malformed_moment_is_refused(demo, client):
    for bad in ["yesterday", "2025-13-01", "0999-01-01", "2025-05-20T25:00"]:
        response = client.get(f"/on/2025-05-20/?recorded={bad}")
        assert response.status_code == 400, bad
        assert "recorded must be" in text(response)
