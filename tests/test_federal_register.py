"""import_federal_register: real Federal Register API v1 documents become sourced events."""

import copy
import datetime
import json
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policytrack.ingest import federal_register
from policytrack.ingest.federal_register import FederalRegisterError, fetch_document, import_documents
from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument

DATA = Path(__file__).parent / "data" / "federal_register"
RULE = DATA / "regulatory-document.json"
ORDER = DATA / "executive-order-document.json"
SEARCH = DATA / "search-results-page.json"
D = datetime.date


def raw(path):
    return json.loads(path.read_text())


def counts():
    return [model.objects.count() for model in (Agency, Document, Instrument, Event, Claim)]


def test_a_rule_becomes_a_document_an_instrument_and_dated_events(db, run):
    code, out, err = run("import_federal_register", RULE)
    assert code == 0, err
    assert "1 document: 1 agency created, 2 claims created, 1 document created, 2 events created" in out

    document = Document.objects.get(fr_document_number="2024-31396")
    assert (document.kind, document.citation, document.published_on) == (
        "federal_register",
        "89 FR 107012",
        D(2024, 12, 31),
    )
    assert document.url.startswith("https://www.federalregister.gov/documents/2024/12/31/2024-31396/")
    assert "Final rule." in document.note and "40 CFR 52" in document.note and "govinfo.gov" in document.note
    assert document.excerpt.startswith("The Environmental Protection Agency (EPA) is taking final action")

    instrument = Instrument.objects.get()
    assert instrument.kind == "rule"
    assert instrument.slug == "air-plan-revisions-california-feather-river-air-quality-management-district"
    assert instrument.docket_ids == ["EPA-R09-OAR-2023-0649", "FRL-11647-02-R9"]
    assert instrument.cfr_parts == ["40 CFR 52"]
    assert [a.slug for a in instrument.agencies.all()] == ["environmental-protection-agency"]
    events = {e.kind: e.date for e in instrument.events.all()}
    assert events == {"published": D(2024, 12, 31), "effective": D(2025, 1, 30)}
    assert instrument.status(D(2025, 1, 29)).phase == "issued"
    assert instrument.status(D(2025, 2, 1)).phase == "in_force"


def test_an_executive_order_is_signed_then_published_and_in_force_from_signing(db, run):
    code, _, err = run("import_federal_register", ORDER)
    assert code == 0 and "before publication" not in err
    order = Instrument.objects.get()
    assert order.kind == "executive_order"
    assert {e.kind: e.date for e in order.events.all()} == {
        "issued": D(2026, 9, 17),
        "published": D(2026, 9, 22),
        "effective": D(2026, 9, 17),
    }
    assert order.status(D(2026, 9, 18)).phase == "in_force"
    effective = order.events.get(kind="effective")
    assert effective.claims.get().quote == ""  # no sentence says it: the note names the field
    assert "signing_date" in effective.note and "in force from signing" in effective.note
    assert order.agencies.get().name == "Executive Office of the President"


def test_a_search_page_imports_every_result_with_agencies_under_their_parents(db, run):
    code, out, _ = run("import_federal_register", SEARCH)
    assert code == 0 and "2 documents" in out
    assert Document.objects.count() == 2
    ferc = Agency.objects.get(slug="federal-energy-regulatory-commission")
    assert ferc.parent.slug == "energy-department"


def test_importing_again_updates_and_never_duplicates(db, run):
    run("import_federal_register", RULE, SEARCH)
    before = counts()
    history = Event.history.count() + Document.history.count()
    code, out, _ = run("import_federal_register", RULE, SEARCH)
    assert code == 0 and out.count("nothing to do") == 2
    assert counts() == before
    assert Event.history.count() + Document.history.count() == history  # no empty edits in the history


def test_a_later_version_updates_the_same_rows(db, run, tmp_path):
    run("import_federal_register", RULE)
    changed = raw(RULE) | {"effective_on": "2025-02-14", "title": "Air Plan Revisions; California (corrected title)"}
    (tmp_path / "v2.json").write_text(json.dumps(changed))
    code, out, _ = run("import_federal_register", tmp_path / "v2.json")
    assert code == 0 and "1 document updated" in out and "1 claim updated" in out
    assert Document.objects.count() == 1
    assert Instrument.objects.get().events.get(kind="effective").date == D(2025, 2, 14)


def test_a_document_joins_the_instrument_with_its_rin(demo, run, tmp_path):
    notice = raw(RULE) | {
        "document_number": "2025-99999",
        "regulation_id_numbers": ["0694-AJ90"],
        "docket_ids": [],
        "publication_date": "2025-01-15",
        "effective_on": "2025-01-13",
        "citation": "90 FR 4544",
        "agencies": [],
        "title": "Framework for AI Diffusion",
    }
    (tmp_path / "n.json").write_text(json.dumps(notice))
    instruments = Instrument.objects.count()
    code, out, err = run("import_federal_register", tmp_path / "n.json")
    assert code == 0
    assert Instrument.objects.count() == instruments
    effective = demo.events.get(kind="effective")
    assert effective.claims.filter(document__fr_document_number="2025-99999").exists()  # a new source, same event
    assert "warning: 2025-99999: effective 2025-01-13 is before publication 2025-01-15" in err


def test_dates_in_the_free_text_become_events(db, run, tmp_path):
    text = raw(RULE) | {
        "effective_on": None,
        "dates": "This rule is effective March 3, 2025. The compliance date "
        "for the reporting requirements is September 2, 2025.",
    }
    (tmp_path / "t.json").write_text(json.dumps(text))
    assert run("import_federal_register", tmp_path / "t.json")[0] == 0
    events = {e.kind: e.date for e in Instrument.objects.get().events.all()}
    assert events["effective"] == D(2025, 3, 3) and events["compliance_date"] == D(2025, 9, 2)


def test_a_correction_marks_the_corrected_instrument(db, run, tmp_path):
    run("import_federal_register", RULE)
    correction = raw(RULE) | {
        "document_number": "2025-00100",
        "correction_of": "2024-31396",
        "publication_date": "2025-01-10",
        "effective_on": None,
        "docket_ids": [],
        "title": "Air Plan Revisions; Correction",
        "dates": None,
    }
    (tmp_path / "c.json").write_text(json.dumps(correction | {"effective_on": "2025-01-10"}))
    assert run("import_federal_register", tmp_path / "c.json")[0] == 0
    instrument = Instrument.objects.get()
    assert instrument.events.get(kind="corrected").date == D(2025, 1, 10)


def test_a_correction_that_gives_no_date_is_evidence_without_a_dated_event(db, run, tmp_path):
    run("import_federal_register", RULE)
    correction = raw(RULE) | {
        "document_number": "2025-00100",
        "correction_of": "2024-31396",
        "publication_date": "2025-01-10",
        "effective_on": None,
        "docket_ids": [],
        "title": "Air Plan Revisions; Correction",
        "dates": None,
    }
    (tmp_path / "c.json").write_text(json.dumps(correction))
    code, out, err = run("import_federal_register", tmp_path / "c.json")
    assert code == 0
    assert "no correction date recorded" in out + err
    assert not Instrument.objects.get().events.filter(kind="corrected").exists()
    assert Document.objects.filter(fr_document_number="2025-00100").exists()


def test_broken_json_is_refused_with_its_place(db, run, tmp_path):
    (tmp_path / "b.json").write_text('{"document_number": "2024-1", ')
    code, _, err = run("import_federal_register", tmp_path / "b.json")
    assert code == 2
    assert (
        f"{tmp_path / 'b.json'}: not valid JSON: Expecting property name enclosed in double quotes at line 1, column 31"
        in err
    )
    assert counts() == [0, 0, 0, 0, 0]


def test_an_impossible_date_anywhere_in_a_page_writes_nothing(db, run, tmp_path):
    page = raw(SEARCH)
    page["results"][1]["publication_date"] = "2024-02-30"
    (tmp_path / "p.json").write_text(json.dumps(page))
    code, _, err = run("import_federal_register", tmp_path / "p.json")
    assert code == 2
    assert "results[1].publication_date: expected a real date as YYYY-MM-DD, got '2024-02-30'" in err
    assert "nothing imported from it" in err
    assert counts() == [0, 0, 0, 0, 0]


def test_many_documents_show_progress(db, run, tmp_path):
    template = raw(SEARCH)["results"][0]
    page = {
        "results": [
            copy.deepcopy(template) | {"document_number": f"2024-{n:05d}", "title": f"Notice {n}"} for n in range(25)
        ]
    }
    (tmp_path / "many.json").write_text(json.dumps(page))
    code, out, err = run("import_federal_register", tmp_path / "many.json")
    assert code == 0 and "25 documents" in out
    assert "25/25 documents" in err


# One page, many documents: planned in order, written in bulk


def rule(number, **changes):
    return raw(RULE) | {"document_number": number, "title": f"Rule {number}", **changes}


def test_a_later_document_joins_the_instrument_an_earlier_one_started_by_docket(db, run):
    report = import_documents(
        [
            rule("2025-00001", docket_ids=["EPA-1"]),
            rule("2025-00002", docket_ids=["EPA-1", "EPA-2"], effective_on="2025-03-01"),
            rule("2025-00003", docket_ids=["EPA-2"], regulation_id_numbers=[]),
        ],
        "page.json",
    )
    instrument = Instrument.objects.get()
    assert instrument.docket_ids == ["EPA-1", "EPA-2"]  # new in the batch, so saved once, with both
    joined = f"attach to instrument {instrument.slug}: it shares docket"
    assert sum(line.startswith(joined) for line in report.lines) == 2
    published = instrument.events.get(kind="published")  # happens once: later documents are new sources
    assert sorted(published.claims.values_list("document__fr_document_number", flat=True)) == [
        "2025-00001",
        "2025-00002",
        "2025-00003",
    ]
    assert instrument.events.get(kind="effective").claims.count() == 3
    assert report.summary() == (
        "1 agency created, 6 claims created, 3 documents created, 2 events created, 1 instrument created"
    )
    assert run("check_status_periods")[0] == 0  # rebuilt although bulk writes send no signals


def test_a_correction_in_the_same_page_marks_the_instrument_of_the_document_it_corrects(db, run):
    correction = rule(
        "2025-00101",
        correction_of="https://www.federalregister.gov/d/2025-00100/",
        docket_ids=[],
        publication_date="2025-01-20",
        effective_on="2025-01-20",
        dates=None,
    )
    report = import_documents([rule("2025-00100", docket_ids=["EPA-9"]), correction], "page.json")
    instrument = Instrument.objects.get()
    assert instrument.events.get(kind="corrected").claims.get().document.fr_document_number == "2025-00101"
    assert "create event corrected 2025-01-20 on Rule 2025-00100" in report.lines
    assert run("check_status_periods")[0] == 0


def test_the_same_number_twice_in_a_page_is_one_document_updated(db):
    report = import_documents([rule("2025-00200"), rule("2025-00200", title="Rule, corrected title")], "page.json")
    document = Document.objects.get()
    assert (document.title, document.version) == ("Rule, corrected title", 0)  # written once
    assert "update document 89 FR 107012: Rule, corrected title (title)" in report.lines
    assert Instrument.objects.count() == 1


def test_new_instruments_take_free_slugs(db):
    Instrument.objects.create(slug="same-title", title="Same title", kind="rule")
    import_documents([rule(f"2025-0030{n}", title="Same title", docket_ids=[f"D-{n}"]) for n in range(3)], "page.json")
    assert sorted(Instrument.objects.values_list("slug", flat=True)) == [
        "same-title",
        "same-title-2",
        "same-title-3",
        "same-title-4",
    ]


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(db):
    def queries(numbers):
        # One event each, so that SQLite's limit of 999 parameters a statement splits no insert.
        page = [rule(f"2025-{n:05d}", docket_ids=[f"D-{n}"], effective_on=None, dates=None) for n in numbers]
        with CaptureQueriesContext(connection) as captured:
            import_documents(page, "page.json")
        return len(captured)

    queries(range(900, 901))  # the agency exists from now on
    assert queries(range(5)) == queries(range(100, 150))
    assert (Instrument.objects.count(), Claim.objects.count()) == (56, 56)


def test_imported_rows_have_history_and_importing_again_adds_none(db):
    import_documents([raw(RULE)], "rule.json")
    instrument = Instrument.objects.get()
    (record,) = instrument.history.all()
    assert record.history_type == "+"
    assert set(Event.objects.values_list("instrument_title", flat=True)) == {instrument.title}  # changes' order
    assert [row.agency.slug for row in record.agencies.all()] == ["environmental-protection-agency"]
    assert [model.history.count() for model in (Agency, Document, Instrument, Event, Claim)] == [1, 1, 1, 2, 2]
    # Each record holds the row as it was stored (the database copies it).
    assert (record.slug, record.title, record.docket_ids) == (instrument.slug, instrument.title, instrument.docket_ids)
    for model in (Document, Event, Claim):
        for row in model.objects.all():
            (copy,) = row.history.all()
            assert copy.instance == row and copy.history_type == "+" and copy.history_user is None
            tracked = [field.attname for field in model.history.model.tracked_fields]
            assert [getattr(copy, name) for name in tracked] == [getattr(row, name) for name in tracked]

    import_documents([raw(RULE)], "rule.json")
    assert [model.history.count() for model in (Agency, Document, Instrument, Event, Claim)] == [1, 1, 1, 2, 2]

    import_documents(
        [
            raw(RULE)
            | {
                "effective_on": "2025-02-14",
                "title": "Air Plan Revisions (corrected)",
                "docket_ids": ["EPA-R09-OAR-2023-0649", "NEW-1"],
            }
        ],
        "v2.json",
    )
    assert Document.objects.get().version == 1
    assert [model.history.filter(history_type="~").count() for model in (Document, Instrument, Claim)] == [1, 1, 1]
    instrument.refresh_from_db()
    assert instrument.version == 1 and instrument.docket_ids[-1] == "NEW-1"
    latest = instrument.history.first()
    assert latest.history_type == "~" and latest.agencies.count() == 1


def test_a_new_agency_joins_an_instrument_that_already_has_others(db):
    import_documents([raw(RULE)], "rule.json")
    import_documents(
        [
            raw(RULE)
            | {
                "document_number": "2025-00400",
                "agencies": [{"id": 9, "slug": "department-of-energy", "name": "Department of Energy"}],
            }
        ],
        "joint.json",
    )
    instrument = Instrument.objects.get()
    assert sorted(instrument.agencies.values_list("slug", flat=True)) == [
        "department-of-energy",
        "environmental-protection-agency",
    ]
    assert instrument.version == 0  # links are not fields: the row was not saved
    assert sorted(row.agency.slug for row in instrument.history.first().agencies.all()) == [
        "department-of-energy",
        "environmental-protection-agency",
    ]


def test_an_import_failing_half_way_through_its_writes_leaves_nothing(db, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Claim.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        import_documents(raw(SEARCH)["results"], "page.json")
    assert counts() == [0, 0, 0, 0, 0]


# Fetching by number, never touching the network


def mock(handler):
    return httpx.MockTransport(handler)


def test_a_document_number_is_fetched_from_the_configured_api(db, settings):
    settings.FEDERAL_REGISTER_API = "https://fr.example/api/v1/"
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, text=RULE.read_text())

    document = fetch_document("2024-31396", transport=mock(handler))
    assert seen == ["https://fr.example/api/v1/documents/2024-31396.json"]
    assert document["citation"] == "89 FR 107012"


@pytest.mark.parametrize(
    "handler, message",
    [
        (
            lambda request: (_ for _ in ()).throw(httpx.ConnectError("Name or service not known")),
            "2025-00636: cannot reach the Federal Register API at https://fr.example (Name or service not known); "
            "check the network, or import a saved JSON file",
        ),
        (
            lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("timed out")),
            "2025-00636: the Federal Register API at https://fr.example did not answer within 15 s",
        ),
        (lambda request: httpx.Response(404), "2025-00636: the Federal Register has no document with this number"),
        (lambda request: httpx.Response(503), "2025-00636: the Federal Register API answered HTTP 503"),
    ],
)
def test_network_failures_get_a_clear_message(db, handler, message):
    with pytest.raises(FederalRegisterError) as raised:
        fetch_document("2025-00636", base_url="https://fr.example", transport=mock(handler))
    assert str(raised.value).startswith(message)


def test_the_command_fetches_numbers_and_fails_clearly_offline(db, run, monkeypatch):
    monkeypatch.setattr(federal_register, "fetch_document", lambda number: raw(ORDER))
    code, out, _ = run("import_federal_register", "2026-19417")
    assert code == 0 and "2026-19417: 1 document" in out

    def offline(number):
        raise FederalRegisterError(number, [("", "cannot reach the Federal Register API")])

    monkeypatch.setattr(federal_register, "fetch_document", offline)
    code, _, err = run("import_federal_register", "2025-00636")
    assert code == 2 and "2025-00636: cannot reach the Federal Register API" in err


def test_documents_find_their_instruments_by_docket_past_one_lookups_worth(db):
    # Docket ids are looked up a hundred at a time (PostgreSQL's index takes no more): 150 later
    # documents, each naming the docket of an earlier one, join those instruments, none is new.
    import_documents([rule(f"2025-{n:05d}", docket_ids=[f"D-{n}"]) for n in range(150)], "first.json")
    report = import_documents(
        [rule(f"2026-{n:05d}", docket_ids=[f"D-{n}"], regulation_id_numbers=[]) for n in range(150)], "second.json"
    )
    assert Instrument.objects.count() == 150
    assert "instruments created" not in report.counts
    instrument = Document.objects.get(fr_document_number="2025-00149").claims.first().event.instrument
    assert sorted(
        instrument.events.get(kind="published").claims.values_list("document__fr_document_number", flat=True)
    ) == ["2025-00149", "2026-00149"]


def test_every_row_of_a_page_larger_than_a_chunk_gets_its_history(db):
    # History is copied by the database 500 rows a statement: 1,200 documents cross two bounds.
    import_documents([rule(f"2025-{n:05d}", docket_ids=[f"D-{n}"]) for n in range(1200)], "big.json")
    for model in (Document, Instrument, Event, Claim):
        assert model.history.filter(history_type="+").count() == model.objects.count() > 0
    records = Instrument.history.model.objects.all()
    assert all(
        list(record.agencies.values_list("agency__slug", flat=True)) == ["environmental-protection-agency"]
        for record in records.order_by("?")[:50]
    )
    assert Instrument.history.model.agencies.model.objects.count() == 1200
