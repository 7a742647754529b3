"""The CSVs of /on/<date>/ and /instruments/ as recorded at a moment (issue 18): exactly the rows
their pages show as recorded then, in the same order, each instrument with the slug, title, kind
and agencies its edit history held then and the disputes its sources held then (as known on K
too), the file named for its times, and a moment before the store's first one refused as the
page refuses it."""

import csv
import datetime
import io
import re
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policytrack.timeline.derived import forget_records_before
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument

from conftest import text

UTC = datetime.timezone.utc
START = datetime.datetime(2033, 1, 1, 9, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
# Before the edits, after the sources changed, after the instrument was renamed.
BEFORE, SOURCED, RENAMED = START - HOUR / 2, START + HOUR / 2, START + 3 * HOUR / 2

OLD_DISPUTES = "enforcement_suspended: 2025-05-12 to 2025-06-30; rescission_announced: 2025-05-08 to 2025-06-11"
NEW_DISPUTES = (
    "effective: 2025-01-13 to 2025-01-20; enforcement_suspended: 2025-05-12 to 2025-06-30; "
    "rescission_announced: 2025-05-12 to 2025-06-11"
)


def at(moment):
    return quote(moment.isoformat())


def rows_of(response):
    assert response.status_code == 200, text(response)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def filename(response):
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


@pytest.fixture
def edited(demo, django_user_model):
    """The demo, then two edits an hour apart: first its sources (a news report giving another
    date for the rule's effect, a report of 8 May retracted), then the rule itself (renamed,
    another slug and kind, one more agency)."""
    forget_records_before(START - HOUR)
    editor = django_user_model.objects.create(username="editor")
    with time_machine.travel(START, tick=False):
        report = Document.objects.create(
            key="late-report", kind="news", title="A late report", publisher="Wire", published_on="2025-01-21"
        )
        Claim.objects.create(event=demo.events.get(key="effective"), document=report, date="2025-01-20")
        Claim.objects.get(event__key="rescission-announced", document__key="seed-004").retract(editor, "misread")
    with time_machine.travel(START + HOUR, tick=False):
        rule = Instrument.objects.get(pk=demo.pk)
        rule.title, rule.slug, rule.kind = "A renamed framework", "diffusion-framework", "rule"
        rule.save()
        rule.agencies.add(Agency.objects.create(slug="oex", name="Office of Examples", short_name="OEX"))
    with time_machine.travel(START + 2 * HOUR, tick=False):
        yield demo


def on_csv(client, moment, known=None, **params):
    query = {"format": "csv", "recorded": moment.isoformat(), **({"known": known} if known else {}), **params}
    return client.get("/on/2025-05-20/", query)


def page_rows(client, path, query):
    """(slug, title, phase, since) of every row of every page of an HTML list, in order."""
    found, page = [], 1
    while True:
        response = client.get(path, {**query, "page": page})
        assert response.status_code == 200, text(response)
        for row in response.context["page"].object_list:
            since = getattr(row, "since", None)
            found.append((row.slug, row.title, row.phase_on, since.isoformat() if since else ""))
        if not response.context["page"].has_next():
            return found
        page += 1


@pytest.mark.parametrize("known", [None, "2025-05-14", "2025-01-14"])
@pytest.mark.parametrize("moment", [BEFORE, SOURCED, RENAMED])
@pytest.mark.parametrize("params", [{}, {"phase": "in_force"}, {"kind": "interim_final_rule"}])
def test_the_on_date_csv_lists_the_rows_of_its_page_as_recorded_in_its_order(edited, client, known, moment, params):
    query = {"recorded": moment.isoformat(), **({"known": known} if known else {}), **params}
    rows = rows_of(client.get("/on/2025-05-20/", {**query, "format": "csv"}))
    shown = page_rows(client, "/on/2025-05-20/", query)
    assert [(row["slug"], row["title"], row["phase"], row["since"]) for row in rows] == shown
    assert rows or params  # the unfiltered list is never empty


@pytest.mark.parametrize("known", [None, "2025-05-14"])
@pytest.mark.parametrize("moment", [BEFORE, SOURCED, RENAMED])
@pytest.mark.parametrize("params", [{}, {"sort": "-title"}, {"sort": "kind"}, {"kind": "interim_final_rule"}])
def test_the_instrument_csv_lists_the_rows_of_its_page_as_recorded_in_its_order(edited, client, known, moment, params):
    query = {"on": "2025-05-20", "recorded": moment.isoformat(), **({"known": known} if known else {}), **params}
    rows = rows_of(client.get("/instruments/", {**query, "format": "csv"}))
    shown = [(slug, title, phase) for slug, title, phase, _ in page_rows(client, "/instruments/", query)]
    assert [(row["slug"], row["title"], row["phase"]) for row in rows] == shown
    assert "since" not in rows[0] if rows else params


def test_each_row_is_the_instrument_as_its_edit_history_held_it_then(edited, client):
    for moment, slug, title, kind, agencies in (
        (BEFORE, "ai-diffusion-rule", "Framework for Artificial Intelligence Diffusion", "interim_final_rule", "BIS"),
        (SOURCED, "ai-diffusion-rule", "Framework for Artificial Intelligence Diffusion", "interim_final_rule", "BIS"),
        (RENAMED, "diffusion-framework", "A renamed framework", "rule", "BIS; OEX"),
    ):
        for response in (
            on_csv(client, moment),
            client.get("/instruments/", {"format": "csv", "on": "2025-05-20", "recorded": moment.isoformat()}),
        ):
            row = next(row for row in rows_of(response) if row["slug"] == slug)
            assert (row["title"], row["kind"], row["agencies"], row["phase"]) == (title, kind, agencies, "not_enforced")
            # Its link opens its page as recorded then, under the slug it had.
            assert row["url"] == f"http://testserver/instruments/{slug}/?on=2025-05-20&recorded={at(moment)}"
            assert client.get(row["url"]).status_code == 200
    assert "diffusion-framework" not in {row["slug"] for row in rows_of(on_csv(client, BEFORE))}
    assert "ai-diffusion-rule" not in {row["slug"] for row in rows_of(on_csv(client, RENAMED))}


def test_the_disputed_column_says_what_the_sources_held_then_said(edited, client):
    def disputed(moment, known=None):
        rows = rows_of(on_csv(client, moment, known))
        return next(row["disputed"] for row in rows if row["title"].startswith(("Framework", "A renamed")))

    assert disputed(BEFORE) == OLD_DISPUTES
    assert disputed(SOURCED) == disputed(RENAMED) == NEW_DISPUTES
    now = rows_of(client.get("/on/2025-05-20/", {"format": "csv"}))
    assert next(row["disputed"] for row in now if row["slug"] == "diffusion-framework") == NEW_DISPUTES
    # As known on 10 May 2025: only the report of 8 May dates the announcement (no dispute), and
    # the late report of 21 January disputes the effective date only once it was recorded.
    assert disputed(BEFORE, "2025-05-10") == ""
    assert disputed(SOURCED, "2025-05-10") == "effective: 2025-01-13 to 2025-01-20"
    rows = rows_of(client.get("/instruments/", {"format": "csv", "on": "2025-05-20", "recorded": BEFORE.isoformat()}))
    assert next(row["disputed"] for row in rows if row["slug"] == "ai-diffusion-rule") == OLD_DISPUTES


def test_an_event_deleted_since_still_disputes_as_recorded_before(edited, client):
    with time_machine.travel(START + 3 * HOUR, tick=False):
        Event.objects.get(instrument=edited, key="enforcement-suspended").delete()
    with time_machine.travel(START + 4 * HOUR, tick=False):
        later = rows_of(on_csv(client, START + 3.5 * HOUR))
        assert next(row for row in later if row["slug"] == "diffusion-framework")["disputed"] == (
            "effective: 2025-01-13 to 2025-01-20; rescission_announced: 2025-05-12 to 2025-06-11"
        )
        assert (
            next(row for row in rows_of(on_csv(client, SOURCED)) if row["slug"] == "ai-diffusion-rule")["disputed"]
            == NEW_DISPUTES
        )


def test_the_file_is_named_for_its_times(edited, client):
    assert filename(on_csv(client, SOURCED, "2025-05-01")) == (
        "status-on-2025-05-20-as-known-on-2025-05-01-as-recorded-at-2033-01-01T09-30-00Z.csv"
    )
    response = client.get(
        "/instruments/", {"format": "csv", "on": "2025-05-20", "recorded": "2033-01-01T10:30:00.25+01:00"}
    )
    assert filename(response) == "instruments-on-2025-05-20-as-recorded-at-2033-01-01T09-30-00.250000Z.csv"


def test_a_moment_before_the_store_kept_record_time_is_refused_as_the_page_refuses_it(edited, client):
    early = "2032-12-31T12:00Z"
    for path, query in (("/on/2025-05-20/", {}), ("/instruments/", {"on": "2025-05-20"})):
        page = client.get(path, {**query, "recorded": early})
        exported = client.get(path, {**query, "recorded": early, "format": "csv"})
        assert page.status_code == exported.status_code == 400
        assert "too early for the lists" in text(page)
        assert text(exported) == text(page)


def test_the_pages_as_recorded_offer_their_csv(edited, client):
    for path, query in (("/on/2025-05-20/", {}), ("/instruments/", {"on": "2025-05-20"})):
        html = client.get(path, {**query, "recorded": SOURCED.isoformat()}).content.decode()
        link = re.search(r'<a href="([^"]*format=csv[^"]*)" download>Download CSV</a>', html).group(1)
        assert "recorded=" in link
        assert link.startswith("?")
        assert rows_of(client.get(path + link.replace("&amp;", "&")))


def test_the_csvs_as_recorded_take_a_fixed_number_of_queries(edited, client):
    def queries():
        counts = []
        for path, query in (("/on/2025-05-20/", {}), ("/instruments/", {"on": "2025-05-20"})):
            with CaptureQueriesContext(connection) as captured:
                rows_of(
                    client.get(path, {**query, "format": "csv", "recorded": RENAMED.isoformat(), "known": "2025-05-14"})
                )
            counts.append(len(captured))
        return counts

    before = queries()
    with time_machine.travel(START + HOUR / 2, tick=False):  # recorded before RENAMED
        for n in range(5):
            instrument = Instrument.objects.create(slug=f"extra-{n}", title=f"Extra {n}", kind="rule")
            event = Event.objects.create(instrument=instrument, key="effective", kind="effective", date="2025-02-01")
            for day in ("2025-02-01", "2025-02-03"):
                source = Document.objects.create(
                    key=f"extra-{n}-{day}", kind="news", title="Report", published_on="2025-02-04"
                )
                Claim.objects.create(event=event, document=source, date=day)
    rows = rows_of(on_csv(client, RENAMED, "2025-05-14"))
    assert next(row for row in rows if row["slug"] == "extra-4")["disputed"] == "effective: 2025-02-01 to 2025-02-03"
    assert queries() == before


def test_a_dispute_settled_since_is_still_shown_as_recorded_before(edited, client, django_user_model):
    """The late report retracted: the effective date is no longer disputed now, but was between
    the report and its retraction."""
    with time_machine.travel(START + 3 * HOUR, tick=False):
        Claim.objects.get(document__key="late-report").retract(django_user_model.objects.get(), "wrong rule")
    with time_machine.travel(START + 4 * HOUR, tick=False):
        now = rows_of(client.get("/on/2025-05-20/", {"format": "csv"}))
        assert not next(row for row in now if row["slug"] == "diffusion-framework")["disputed"].startswith("effective")
        for known in (None, "2025-05-14"):
            rows = rows_of(on_csv(client, RENAMED, known))
            disputed = next(row for row in rows if row["slug"] == "diffusion-framework")["disputed"]
            assert disputed.startswith("effective: 2025-01-13 to 2025-01-20; "), disputed
