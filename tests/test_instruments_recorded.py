"""The instrument list (and its API) as recorded at a moment: each instrument as this tracker
recorded it then — its phase from the rows over knowledge time open then, its title, kind and
agencies from the edit history — agreeing with the engine run on the instrument's edit history
at the same moment (issue 18: every portfolio view takes on, known and recorded)."""

import datetime
import itertools
from urllib.parse import quote

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from policytrack.timeline import engine
from policytrack.timeline.derived import DerivedRules, forget_records_before
from policytrack.timeline.models import Agency, Claim, Document, Instrument, Topic
from policytrack.timeline.recorded import events_as_recorded, instrument_as_recorded

from conftest import text
from engine_strategies import FIRST_DAY, LAST_DAY, dates_in_range, knowledge_dates, timelines
from test_status_periods import storable_documents, store
from engine_lists import named_as_known

D = datetime.date
UTC = datetime.timezone.utc
START = datetime.datetime(2032, 1, 1, 9, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
EXAMPLES = itertools.count()


def at(moment):
    return quote(moment.isoformat())


def html_list(client, query):
    """{slug: (phase, title, kind)} of every page of /instruments/?query."""
    found, page = {}, 1
    while True:
        response = client.get(f"/instruments/?{query}&page={page}")
        assert response.status_code == 200, text(response)
        for row in response.context["page"].object_list:
            found[row.slug] = (row.phase_on, row.title, row.kind)
        if not response.context["page"].has_next():
            return found
        page += 1


def api_list(client, query):
    """{slug: (phase, title, kind)} of every page of /api/instruments/?query, and the rows."""
    found, rows, page = {}, [], 1
    while True:
        response = client.get(f"/api/instruments/?{query}&page={page}&page_size=2")
        assert response.status_code == 200, response.content
        body = response.json()
        for row in body["results"]:
            found[row["slug"]] = (row["phase"], row["title"], row["kind"])
            rows.append(row)
        if body["next"] is None:
            return found, rows
        page += 1


def engine_says(instrument_id, on, known, moment):
    """(slug, (phase, title, kind)) of an instrument as recorded at ``moment``, from its edit
    history; None when as known on ``known`` it was not yet public (a list does not name it)."""
    held = Instrument.history.as_of(moment).get(id=instrument_id)
    events = events_as_recorded(instrument_id, moment)
    if not named_as_known(events, known):
        return None
    phase = engine.status(events, on=on, known=known).phase
    return held.slug, (phase, held.title, held.kind)


an_edit = st.one_of(
    st.tuples(st.just("rename"), st.integers(0, 2)),
    st.tuples(st.just("kind"), st.integers(0, 2)),
    st.tuples(st.just("agency"), st.integers(0, 2)),
    st.tuples(st.just("claim"), st.integers(0, 2), dates_in_range(), dates_in_range()),
    st.tuples(st.just("retract"), st.integers(0, 2)),
)
edits = st.lists(an_edit, min_size=1, max_size=5)


def apply(edit, instruments, number, agency):
    """One editor's save: a rename, a change of kind, an agency linked, a claim added to an
    event (a new source, which may move its date) or the best live claim of an event retracted."""
    what, which, *rest = edit
    instrument = Instrument.objects.get(pk=instruments[which])
    if what == "rename":
        instrument.title = f"Renamed {number}"
        instrument.save()
    elif what == "kind":
        instrument.kind = "guidance" if instrument.kind == "rule" else "rule"
        instrument.save()
    elif what == "agency":
        instrument.agencies.add(agency)
    elif (event := instrument.events.order_by("position", "pk").first()) is None:
        return
    elif what == "claim":
        date, published_on = rest
        source = Document.objects.create(
            key=f"r{instrument.pk}-{number}", kind="federal_register", title="Notice", published_on=published_on
        )
        Claim.objects.create(event=event, document=source, date=date, position=99)
    elif claim := event.claims.filter(retracted_at__isnull=True).order_by("position", "pk").first():
        claim.retract(None, "Misread.")


def edited(histories, edits, edit=None):
    """Instruments with the ``histories`` stored, then ``edits`` saved an hour apart (by
    ``edit``, ``apply`` by default): (start, their ids, the agency the edits link).

    Each example a day after the last, its predecessors deleted just before (which moves the
    first moment the lists answer for to then): the edit history is never rolled back."""
    n = next(EXAMPLES)
    start = START + datetime.timedelta(days=n)
    with time_machine.travel(start - HOUR, tick=False):
        Instrument.objects.all().delete()
        agency = Agency.objects.create(slug=f"a{n}", name=f"Agency {n}")
    # The clock ticks while writing: two records of one row at one instant would tie in the
    # history (a claim's save moves its event's date).
    with time_machine.travel(start):
        instruments = []
        for i, events in enumerate(histories):
            instrument = Instrument.objects.create(slug=f"i{n}-{i}", title=f"I{i}", kind="rule")
            store(instrument, storable_documents(events))
            instruments.append(instrument.pk)
    for number, change in enumerate(edits, start=1):
        with time_machine.travel(start + number * HOUR):
            (edit or apply)(change, instruments, number, agency)
    return start, instruments, agency


def renamed_at_start(demo, **changes):
    """The store keeping record time from an hour before START; at START the demo rule takes
    ``changes`` (title, slug, kind), a new agency and a new topic: (the agency, the topic)."""
    DerivedRules.objects.filter(pk=1).update(records_from=START - HOUR)
    commerce = Agency.objects.create(slug="commerce-2", name="Department of Commerce (new)")
    topic = Topic.objects.create(slug="chips", name="Chips")
    with time_machine.travel(START, tick=False):
        rule = Instrument.objects.get(pk=demo.pk)
        for name, value in changes.items():
            setattr(rule, name, value)
        rule.save()
        rule.agencies.add(commerce)
        rule.topics.add(topic)
    return commerce, topic


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a dozen saves and pages
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    histories=st.lists(timelines(max_events=5), min_size=3, max_size=3),
    edits=edits,
    moments=st.lists(st.integers(0, 10), min_size=1, max_size=3),
    days=st.lists(
        dates_in_range(FIRST_DAY - datetime.timedelta(days=2), LAST_DAY + datetime.timedelta(days=2)),
        min_size=1,
        max_size=2,
    ),
    known=knowledge_dates(),
)
def test_the_list_as_recorded_agrees_with_each_instruments_history_then(
    db, client, histories, edits, moments, days, known
):
    start, instruments, agency = edited(histories, edits)
    last = start + len(edits) * HOUR
    with time_machine.travel(last + HOUR, tick=False):
        for step in moments:  # between the edits, and after the last
            moment = start + HOUR / 2 + min(step, len(edits)) * HOUR
            for on in days:
                expected = dict(said for pk in instruments if (said := engine_says(pk, on, known, moment)))
                query = f"on={on.isoformat()}&recorded={at(moment)}" + (f"&known={known.isoformat()}" if known else "")
                assert html_list(client, query) == expected, (on, known, moment)
                assert api_list(client, query)[0] == expected, (on, known, moment)
                # Each phase filter keeps exactly the instruments in that phase then.
                for phase in {found for found, _, _ in expected.values()}:
                    assert set(html_list(client, f"{query}&phase={phase}")) == {
                        slug for slug, (found, _, _) in expected.items() if found == phase
                    }
                linked = {
                    slug
                    for slug in expected
                    if agency.pk
                    in instrument_as_recorded(slug, moment)._history.agencies.values_list("agency_id", flat=True)
                }
                assert set(html_list(client, f"{query}&agency={agency.slug}")) == linked
                assert set(api_list(client, f"{query}&agency={agency.slug}")[0]) == linked
                assert set(html_list(client, f"{query}&kind=guidance")) == {
                    slug for slug, (_, _, kind) in expected.items() if kind == "guidance"
                }


def test_a_rename_a_new_agency_and_a_change_of_kind_show_from_their_moment_on(demo, client):
    renamed_at_start(demo, title="A renamed rule", kind="guidance")
    with time_machine.travel(START, tick=False):
        demo.events.get(kind="enforcement_suspended").delete()
    before, after = START - HOUR / 2, START + HOUR
    with time_machine.travel(START + 2 * HOUR, tick=False):
        then = f"on=2025-05-20&recorded={at(before)}"
        assert html_list(client, then)["ai-diffusion-rule"] == (
            "not_enforced",
            "Framework for Artificial Intelligence Diffusion",
            "interim_final_rule",
        )
        assert html_list(client, f"on=2025-05-20&recorded={at(after)}")["ai-diffusion-rule"] == (
            "in_force",
            "A renamed rule",
            "guidance",
        )
        # The filters read the links and kinds as recorded then.
        assert html_list(client, f"{then}&agency=commerce-2") == {}
        assert html_list(client, f"{then}&topic=chips") == {}
        assert "ai-diffusion-rule" not in html_list(client, f"{then}&kind=guidance")
        assert "ai-diffusion-rule" in html_list(client, f"{then}&kind=interim_final_rule")
        assert set(html_list(client, f"on=2025-05-20&recorded={at(after)}&topic=chips")) == {"ai-diffusion-rule"}
        assert set(html_list(client, f"on=2025-05-20&recorded={at(after)}&agency=commerce-2")) == {"ai-diffusion-rule"}
        # Sorted by each column as recorded then.
        for sort in ["title", "-title", "kind", "-kind", "rin", "phase", "-phase"]:
            assert "ai-diffusion-rule" in html_list(client, f"{then}&sort={sort}")
        response = client.get(f"/instruments/?{then}&known=2025-05-01")
        page = text(response)
        assert "as recorded at 1 Jan 2032 08:30 UTC" in page
        assert "as recorded now" in page
        html = response.content.decode()
        assert f"recorded={at(before)}" in html  # the rows' links, the permalink and the form carry it
        assert 'name="recorded"' in html
        assert f"recorded={at(before)}&amp;known=2025-05-01&amp;format=csv" in html  # its CSV answers it too


def test_the_api_lists_each_instrument_with_its_slug_agencies_and_topics_as_recorded(demo, client):
    renamed_at_start(demo, slug="diffusion-framework", title="A renamed rule")
    before, after = START - HOUR / 2, START + HOUR
    with time_machine.travel(START + 2 * HOUR, tick=False):
        then = {row["slug"]: row for row in api_list(client, f"on=2025-05-20&recorded={at(before)}")[1]}
        now = {row["slug"]: row for row in api_list(client, f"on=2025-05-20&recorded={at(after)}")[1]}
        old, new = then["ai-diffusion-rule"], now["diffusion-framework"]
        assert "diffusion-framework" not in then and "ai-diffusion-rule" not in now
        assert (old["title"], old["phase"]) == ("Framework for Artificial Intelligence Diffusion", "not_enforced")
        assert [a["slug"] for a in old["agencies"]] == ["bis"]
        assert "chips" not in [t["slug"] for t in old["topics"]]
        assert new["title"] == "A renamed rule"
        assert [a["slug"] for a in new["agencies"]] == ["bis", "commerce-2"]  # by name, as the list orders them
        assert "chips" in [t["slug"] for t in new["topics"]]
        # Its page link opens the page as recorded then, under the slug it had; its API link is today's.
        assert old["url"].endswith(f"/instruments/ai-diffusion-rule/?on=2025-05-20&recorded={at(before)}")
        assert client.get(old["url"]).status_code == 200
        assert old["api_url"].endswith("/api/instruments/diffusion-framework/")
        response = client.get(f"/api/instruments/?on=2025-05-20&known=2025-05-01&recorded={at(before)}")
        body = response.json()
        assert (body["on"], body["known"], body["recorded"]) == ("2025-05-20", "2025-05-01", before.isoformat())
        assert {row["slug"]: row["phase"] for row in body["results"]}["ai-diffusion-rule"] == "in_force"
        assert client.get("/api/instruments/").json()["recorded"] is None
        # A fixed number of queries, whatever the page's size.
        counts = []
        for size in (1, 20):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/instruments/?recorded={at(after)}&page_size={size}").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts


def test_the_api_refuses_a_search_as_recorded_and_a_moment_before_the_store_naming_each(demo, client):
    response = client.get(f"/api/instruments/?q=diffusion&recorded={at(datetime.datetime.now(UTC))}")
    assert response.status_code == 400 and set(response.json()) == {"q"}
    forget_records_before(START)
    response = client.get("/api/instruments/?recorded=2032-01-01T08:00Z")
    assert response.status_code == 400 and set(response.json()) == {"recorded"}
    assert "1 Jan 2032 09:00:00 UTC" in response.json()["recorded"][0]
    response = client.get("/api/instruments/?recorded=yesterday")
    assert response.status_code == 400 and set(response.json()) == {"recorded"}


def test_the_search_cannot_answer_recorded_and_says_so(demo, client):
    response = client.get(f"/instruments/?q=diffusion&recorded={at(datetime.datetime.now(UTC))}")
    assert response.status_code == 400
    assert "cannot answer “recorded”" in text(response)
    assert "q: " in text(response)


def test_a_moment_before_the_store_kept_record_time_is_refused_naming_its_start(demo, client):
    forget_records_before(START)
    for path in ["/instruments/?recorded=2032-01-01T08:00", "/instruments/?recorded=yesterday"]:
        response = client.get(path)
        assert response.status_code == 400, path
    assert "1 Jan 2032 09:00:00 UTC" in text(client.get("/instruments/?recorded=2032-01-01T08:00"))


def test_the_csv_answers_recorded_and_refuses_a_search_as_the_page_does(demo, client):
    """Its rows are the page's (tests/test_csv_recorded.py)."""
    moment = at(datetime.datetime.now(UTC))
    response = client.get(f"/instruments/?format=csv&recorded={moment}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    response = client.get(f"/instruments/?format=csv&q=diffusion&recorded={moment}")
    assert response.status_code == 400 and "q: " in text(response)
