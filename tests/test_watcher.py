"""The Federal Register watcher, run against recorded API answers served from a local HTTP server
(tests/data/watcher/), never the internet: it files each new document once, stores every answer,
resumes where it stopped, pages within its cap, fails in one line offline, and runs as a
django-tasks task on the database backend."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from werkzeug import Response

from policytrack.review.models import Proposal, WatchCursor, WatchResponse
from policytrack.review.tasks import watch_federal_register
from policytrack.timeline.models import Agency, Instrument

DATA = Path(__file__).parent / "data" / "watcher"


@pytest.fixture
def tracked(db):
    """Two tracked instruments: one by docket and CFR part, one by RIN."""
    Instrument.objects.create(
        slug="feather-river-sip",
        title="Feather River air plan",
        kind="rule",
        docket_ids=["EPA-R09-OAR-2023-0649"],
        cfr_parts=["40 CFR 52"],
    )
    Instrument.objects.create(
        slug="doi-practices",
        title="Practices Before the Department of the Interior",
        kind="interim_final_rule",
        rin="1094-AA57",
    )


@pytest.fixture
def federal_register(httpserver, settings):
    """The recorded answers, by query; every request is kept in ``asked``."""
    asked = []

    def answer(request):
        asked.append(request.args)
        if request.args.get("conditions[agencies][]") == "bis":  # not a Federal Register agency slug
            return Response(
                '{"errors": {"conditions": {"agencies": "bis is not a valid agency"}}}',
                status=400,
                content_type="application/json",
            )
        if request.args.get("conditions[docket_id]"):
            name = "docket-page-2.json" if request.args.get("page") == "2" else "docket-page-1.json"
        elif request.args.get("conditions[regulation_id_number]"):
            name = "rin-page-1.json"
        else:
            name = "empty-page.json"
        body = (DATA / name).read_text(encoding="utf-8").replace("{base}", httpserver.url_for("").rstrip("/"))
        return Response(body, content_type="application/json")

    httpserver.expect_request("/documents.json").respond_with_handler(answer)
    settings.FEDERAL_REGISTER_API = httpserver.url_for("")
    return asked


def filed():
    return sorted(Proposal.objects.values_list("source_ref", flat=True))


def test_run_twice_it_files_each_new_document_once(tracked, federal_register, run):
    code, out, err = run("watch_federal_register", "--since", "2024-12-01")
    assert code == 0, err
    assert filed() == ["fr:2024-31396", "fr:2024-31439", "fr:2024-31440", "fr:2025-02472"]
    assert "4 new proposals" in out
    first_pages = WatchResponse.objects.count()
    assert first_pages == 4  # the docket's two pages, the RIN's, the CFR part's

    code, out, err = run("watch_federal_register")
    assert code == 0, err
    assert filed() == ["fr:2024-31396", "fr:2024-31439", "fr:2024-31440", "fr:2025-02472"]
    assert "0 new proposals" in out
    assert WatchResponse.objects.count() == 2 * first_pages
    assert all(r.retrieved_at is not None and r.status_code == 200 and r.body for r in WatchResponse.objects.all())


def test_a_proposal_carries_its_source_and_classification(tracked, federal_register, run):
    run("watch_federal_register", "--since", "2024-12-01")
    proposal = Proposal.objects.get(source_ref="fr:2024-31396")
    assert proposal.status == "pending" and proposal.origin == "watcher"
    assert proposal.source_publisher == "Federal Register"
    assert proposal.source_title == "Air Plan Revisions; California; Feather River Air Quality Management District"
    assert proposal.source_url.startswith("https://www.federalregister.gov/documents/2024/12/31/2024-31396/")
    assert proposal.classification == "final_rule"
    assert proposal.preview["error"] is None and proposal.preview["instruments"]
    # The Interior document as its source gives it has agencies without a slug: filed, and the
    # queue says the importer would refuse it.
    assert "slug" in Proposal.objects.get(source_ref="fr:2025-02472").preview["error"]


def test_each_query_resumes_from_the_last_publication_date_it_saw(tracked, federal_register, run):
    run("watch_federal_register", "--since", "2024-12-01")
    assert WatchCursor.objects.get(query="rin:1094-AA57").since.isoformat() == "2025-02-10"
    federal_register.clear()
    run("watch_federal_register")
    rin = next(args for args in federal_register if args.get("conditions[regulation_id_number]"))
    assert rin["conditions[publication_date][gte]"] == "2025-02-10"
    assert rin["order"] == "oldest"


def test_it_follows_next_page_url_up_to_its_page_cap(tracked, federal_register, run):
    code, out, err = run("watch_federal_register", "--since", "2024-12-01", "--max-pages", "1")
    assert code == 0, err
    assert "fr:2024-31440" not in filed()  # on the docket's second page
    assert all(int(args.get("per_page", 0)) <= 1000 for args in federal_register if "per_page" in args)
    run("watch_federal_register", "--since", "2024-12-01")
    assert "fr:2024-31440" in filed()


def test_a_query_the_api_refuses_is_named_and_the_others_go_on(tracked, federal_register, run):
    Agency.objects.create(slug="bis", name="Bureau of Industry and Security")
    code, out, err = run("watch_federal_register", "--since", "2024-12-01")
    assert code == 0
    assert "warning: agency:bis: the Federal Register API answered HTTP 400" in err
    assert "4 new proposals, 1 query refused" in out
    assert not WatchCursor.objects.filter(query="agency:bis").exists()


def test_without_a_network_it_fails_in_one_line(tracked, run, settings):
    settings.FEDERAL_REGISTER_API = "http://127.0.0.1:9/api/v1"  # nothing listens on the discard port
    code, out, err = run("watch_federal_register")
    assert code == 1
    assert err.strip().count("\n") == 0 and "cannot reach the Federal Register API" in err
    assert "Traceback" not in err
    assert Proposal.objects.count() == 0


def test_a_bad_date_is_named(db, run):
    code, out, err = run("watch_federal_register", "--since", "2025-13-01")
    assert code == 2 and "--since must be a real date" in err and "Traceback" not in err


@pytest.mark.django_db(transaction=True)
def test_it_runs_as_a_task_through_the_database_backend(tracked, federal_register, run):
    code, out, err = run("watch_federal_register", "--since", "2024-12-01", "--enqueue")
    assert code == 0, err
    assert "enqueued" in out and Proposal.objects.count() == 0
    task = DBTaskResult.objects.get()
    assert task.task_path == "policytrack.review.tasks.watch_federal_register"

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    result = watch_federal_register.get_result(task.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert sorted(result.return_value["filed"]) == ["2024-31396", "2024-31439", "2024-31440", "2025-02472"]
    assert filed() == ["fr:2024-31396", "fr:2024-31439", "fr:2024-31440", "fr:2025-02472"]
