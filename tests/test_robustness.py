"""Bad input never produces a traceback or a partial write, and a backup restores every answer.

The fuzz test mutates a small valid timeline the ways real files go wrong — fields dropped,
values of the wrong type or shape, strings where dates belong, lists truncated — and checks
that every import either succeeds or is refused with a TimelineError, leaving the database
exactly as it was.
"""

import copy
import datetime
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.ingest.federal_register import (
    FederalRegisterError,
    documents_in,
    import_documents,
)
from policytrack.ingest.schema import TimelineError
from policytrack.ingest.timeline import export_timeline, import_timeline_data
from policytrack.timeline import engine
from policytrack.timeline.models import (
    Agency,
    Claim,
    Document,
    Event,
    Instrument,
    StatusPeriod,
    Topic,
)

from conftest import fuzz_examples

BASE = {
    "format": "policytrack-timeline/1",
    "agencies": [{"slug": "bis", "name": "Bureau of Industry and Security", "short_name": "BIS"}],
    "documents": [
        {
            "key": "fr",
            "kind": "federal_register",
            "title": "A rule",
            "published_on": "2025-01-15",
            "fr_document_number": "2025-00001",
            "citation": "90 FR 1",
        },
        {"key": "news", "kind": "news", "title": "A report", "published_on": "2025-01-16"},
    ],
    "instruments": [
        {
            "slug": "a-rule",
            "title": "A rule",
            "kind": "rule",
            "agencies": ["bis"],
            "topics": ["trade"],
            "events": [
                {
                    "key": "published",
                    "kind": "published",
                    "date": "2025-01-15",
                    "claims": [{"document": "fr", "date": "2025-01-15", "quote": "Published."}],
                },
                {
                    "key": "effective",
                    "kind": "effective",
                    "date": "2025-02-14",
                    "claims": [{"document": "fr", "date": "2025-02-14"}, {"document": "news", "date": "2025-02-15"}],
                },
                {
                    "key": "delay",
                    "kind": "delayed",
                    "target": "effective",
                    "new_date": "2025-03-14",
                    "date": "2025-02-01",
                    "claims": [{"document": "fr", "date": "2025-02-01"}],
                },
            ],
        }
    ],
}

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2025-02-30",
            "2025-13-01",
            "0000-01-01",
            "9999-12-31",
            "25-1-1",
            "2025-01-15T10:00",
            "",
            " ",
            "a-rule",
            "fr",
            "effective",
            "day",
            "month",
            "x" * 2000,
            "policytrack-timeline/2",
            "-1",
        ]
    ),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(value, prefix=()):
    """Every place in a JSON value that a mutation can touch."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


ALL_PATHS = [path for path in _paths(BASE) if path]


@st.composite
def broken_timelines(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                parent[path[-1]] = draw(ODD_VALUES)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed or replaced this place
    return data


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Agency, Topic, Document, Instrument, Event, Claim, StatusPeriod)
    ]


@settings(
    max_examples=fuzz_examples(1000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=broken_timelines())
def test_broken_timeline_files_are_refused_cleanly_and_write_nothing(db, data):
    before = snapshot()
    try:
        import_timeline_data(json.loads(json.dumps(data, default=str)), "fuzz.json")
    except TimelineError as error:
        message = str(error)
        assert message.startswith("fuzz.json") and "\n" not in message.split(":", 1)[0]
        assert snapshot() == before  # nothing written
    else:
        Instrument.objects.all().delete()  # a valid variant: start the next example clean
        Event.objects.all().delete()
        Document.objects.all().delete()


def answers(extra=()):
    """Every instrument's full status on every date that matters to it — the day before, of and
    after each of its event dates and delays' new dates, plus ``extra`` — read from the database.
    Between those days nothing can change, so this is its status on every date."""
    result = {}
    for instrument in Instrument.objects.order_by("slug"):
        events = instrument.engine_events()
        days = set(extra)
        for event in events:
            for day in filter(None, (event.date, event.new_date, *(claim.date for claim in event.claims))):
                days |= {day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)}
        result[instrument.slug] = {day: engine.status(events, day).as_dict() for day in sorted(days)}
    return result


def restore_into_an_empty_database(backup):
    Instrument.objects.all().delete()
    Document.objects.all().delete()
    Topic.objects.all().delete()
    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()
    assert not Event.objects.exists() and not Claim.objects.exists()
    import_timeline_data(backup, "backup.json")


def test_a_backup_of_the_demo_restores_every_answer_on_every_date(demo):
    before = answers(extra=[datetime.date(2024, 12, 1), datetime.date(2025, 5, 20)])
    backup = json.loads(json.dumps(export_timeline()))
    restore_into_an_empty_database(backup)
    assert answers(extra=[datetime.date(2024, 12, 1), datetime.date(2025, 5, 20)]) == before
    assert json.loads(json.dumps(export_timeline())) == backup


def test_a_backup_of_synthetic_data_restores_every_answer_on_every_date(db, run):
    assert run("generate_synthetic", "--instruments", "40", "--seed", "11")[0] == 0
    before = answers()
    backup = json.loads(json.dumps(export_timeline()))
    restore_into_an_empty_database(backup)
    assert answers() == before
    assert run("check_status_periods")[0] == 0


# Federal Register documents

FR_BASE = json.loads((Path(__file__).parent / "data" / "federal_register" / "regulatory-document.json").read_text())
FR_FIELDS = [
    "document_number",
    "title",
    "type",
    "action",
    "publication_date",
    "effective_on",
    "comments_close_on",
    "signing_date",
    "dates",
    "docket_ids",
    "regulation_id_numbers",
    "agencies",
    "citation",
    "abstract",
    "correction_of",
    "cfr_references",
    "html_url",
    "volume",
    "start_page",
    "subtype",
]


@st.composite
def broken_fr_documents(draw):
    document = copy.deepcopy(FR_BASE)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(FR_FIELDS))
        if draw(st.booleans()):
            document.pop(name, None)
        else:
            document[name] = draw(ODD_VALUES)
    if draw(st.booleans()):
        return {"results": [document, copy.deepcopy(FR_BASE) | {"document_number": "2024-99999"}]}
    return document


@settings(
    max_examples=fuzz_examples(1000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=broken_fr_documents())
def test_broken_federal_register_documents_are_refused_cleanly_and_write_nothing(db, data):
    before = snapshot()
    try:
        raws = documents_in(json.dumps(data, default=str), "fuzz.json")
        import_documents(raws, "fuzz.json")
    except FederalRegisterError as error:
        assert str(error).startswith("fuzz.json")
        assert snapshot() == before
    else:
        Instrument.objects.all().delete()
        Event.objects.all().delete()
        Document.objects.all().delete()
        Agency.objects.all().delete()


class Killed(Exception):
    """The process dying half-way through an import."""


def kill_after(monkeypatch, model, creates, method="create"):
    """Let ``model``'s manager run ``method`` ``creates`` times, then die on the next call."""
    manager = model._default_manager
    original = getattr(manager, method)
    calls = []

    def create(*args, **kwargs):
        calls.append(1)
        if len(calls) > creates:
            raise Killed
        return original(*args, **kwargs)

    monkeypatch.setattr(manager, method, create)


def test_a_timeline_import_killed_half_way_leaves_nothing(db, monkeypatch, demo_data):
    kill_after(monkeypatch, Claim, 10)
    with pytest.raises(Killed):
        import_timeline_data(demo_data, "demo.json")
    assert snapshot() == [[]] * 7


def test_a_federal_register_import_killed_half_way_leaves_nothing(db, monkeypatch):
    page = json.loads((Path(__file__).parent / "data" / "federal_register" / "search-results-page.json").read_text())
    # The importer writes in bulk: die when the claims are written, after the documents,
    # instruments and events of the first batch.
    kill_after(monkeypatch, Claim, 0, method="bulk_create")
    with pytest.raises(Killed):
        import_documents(page["results"], "page.json")
    assert snapshot() == [[]] * 7
