"""In a real browser (Debian's Chromium, headless): the analyst's first question, answered.

Skipped when Chromium is missing, except in CI (POLICYTRACK_REQUIRE_BROWSER=1), where a
missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from policytrack.ingest.timeline import import_timeline_file

from conftest import DEMO, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        if os.environ.get("POLICYTRACK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs beside the ORM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


@pytest.fixture
def demo_server(live_server, transactional_db):
    import_timeline_file(DEMO)
    return live_server


def test_two_clicks_from_home_answer_what_was_in_force_on_20_may_2025_and_why(demo_server, page):
    page.goto(f"{demo_server.url}/")
    page.get_by_label("What was in force on").fill("2025-05-20")
    page.get_by_role("button", name="Show").click()  # first click

    assert page.url.endswith("/on/2025-05-20/")
    expect(page.get_by_role("heading", name="Everything as it stood on 20 May 2025")).to_be_visible()
    not_enforced = page.locator("section.phase-group", has_text="in force, not enforced")
    assert "AI Diffusion Rule" in not_enforced.inner_text()
    not_enforced.get_by_role("link", name="AI Diffusion Rule").click()  # second click

    assert "on=2025-05-20" in page.url
    status = page.locator(".status-box").inner_text()
    assert "in force but not enforced since 13 May 2025" in status
    source = page.locator("#event-enforcement-suspended li.best").inner_text()
    assert "Department of Commerce Announces Rescission of Biden-Era Artificial Intelligence Diffusion Rule" in source


def test_the_instrument_page_draws_the_timeline_and_takes_a_date(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/")
    page.get_by_label("Status on").fill("2025-05-20")
    page.get_by_role("button", name="Show").click()

    assert "on=2025-05-20" in page.url
    drawing = page.locator(".drawing-wide svg")
    expect(drawing).to_be_visible()
    assert drawing.locator("text.on-label").text_content() == "20 May 2025"
    assert [band.text_content().strip() for band in drawing.locator("g.band title").all()][-2:] == [
        "in force: from 13 January 2025 to 12 May 2025",
        "in force, not enforced: from 13 May 2025 onwards",
    ]
    announced = page.locator("#event-rescission-announced")
    assert "disputed" in announced.inner_text()
    assert "11 June 2025" in announced.inner_text()


def test_the_permalink_reproduces_the_knowledge_date(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01")
    page.get_by_role("link", name="Permalink to this view").click()
    assert page.url.endswith("?on=2025-05-20&known=2025-05-01")
    assert "compliance obligations apply" in page.locator(".status-box").inner_text()


def test_the_list_filters_by_kind_and_phase_on_a_date(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/")
    page.get_by_label("Status on").fill("2025-05-20")
    page.get_by_label("Phase on that date").select_option("in_force")
    page.get_by_role("button", name="Apply").click()

    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(3)  # waits for the new page: count() alone may read a half-loaded one
    assert "AI Diffusion Rule" not in page.locator("table.list").inner_text()
    page.get_by_label("Kind").select_option("interim_final_rule")
    page.get_by_label("Phase on that date").select_option("")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("in force, not enforced")

    page.get_by_role("link", name="Permalink").click()
    assert "kind=interim_final_rule" in page.url and "on=2025-05-20" in page.url
    expect(page.locator("table.list tbody tr")).to_have_count(1)


def test_the_changes_page_compares_two_dates(demo_server, page):
    page.goto(f"{demo_server.url}/changes/")
    page.get_by_label("From", exact=True).fill("2025-05-01")
    page.get_by_label("To", exact=True).fill("2025-05-31")
    page.get_by_role("button", name="Apply").click()

    change = page.locator("section.change", has_text="AI Diffusion Rule")
    assert "in force" in change.locator(".transition").inner_text()
    assert "in force, not enforced" in change.locator(".transition").inner_text()
    assert "Enforcement suspended" in change.inner_text()
    page.get_by_role("link", name="Permalink").click()
    assert "from=2025-05-01" in page.url and "to=2025-05-31" in page.url


def test_a_document_page_lists_the_events_it_supports(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/")
    page.locator("#event-published li.best a").first.click()
    expect(page.get_by_role("heading", name="Framework for Artificial Intelligence Diffusion")).to_be_visible()
    assert "90 FR 4544" in page.locator("dl.facts").inner_text()
    assert "this source says 13 January 2025" in page.inner_text("main")


def test_pages_work_without_javascript(demo_server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(java_script_enabled=False)
        page.goto(f"{demo_server.url}/")
        page.get_by_label("Find an instrument").fill("0694-AJ90")
        page.get_by_role("button", name="Search").last.click()
        expect(page.locator("table.list tbody tr")).to_have_count(1)
        page.get_by_role("link", name="AI Diffusion Rule").click()
        expect(page.locator(".drawing-wide svg")).to_be_visible()
        browser.close()


def test_an_editor_previews_a_federal_register_import_then_confirms_it(
    live_server, transactional_db, page, django_user_model
):
    django_user_model.objects.create_superuser("bob", password="editor-password-1")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/timeline/document/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("editor-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import from the Federal Register").click()
    page.get_by_label("or a JSON file").set_input_files(
        str(ROOT / "tests" / "data" / "federal_register" / "regulatory-document.json")
    )
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#content-main").inner_text()
    assert "Preview: what importing 1 document would do" in preview
    # The DATES text with each date marked as what it was read as (the steps are folded away).
    assert "This rule is effective January 30, 2025 [effective]" in preview
    page.get_by_role("button", name="Confirm import").click()
    assert "Imported 1 Federal Register document" in page.locator(".messagelist").inner_text()
    assert "89 FR 107012" in page.locator("#result_list").inner_text()


def test_a_long_agency_name_wraps_in_its_column_instead_of_printing_over_since(demo_server, page):
    # That no page scrolls sideways, at 320, 390 and 1280 px, is checked in test_browser_accessibility.py.
    import datetime

    from policytrack.timeline.models import Agency, Event, Instrument

    agency = Agency.objects.create(
        slug="long-agency",
        name="Office of the Assistant Secretary for Administration and "
        "Management, Occupational Safety and Health Review Commission Liaison Directorate",
    )
    rule = Instrument.objects.create(
        slug="long-one",
        kind="rule",
        title="Interoperabilityrequirementsforcrossjurisdictionalreportingwithoutanyspacesatall regulation",
    )
    rule.agencies.add(agency)
    Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 1))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server.url}/on/2025-05-20/")
        agency = page.locator("tr", has_text="Interoperability").locator("td").nth(2)
        assert "Office of the Assistant Secretary" in agency.inner_text()
        assert agency.evaluate("cell => cell.scrollWidth - cell.clientWidth") <= 0, f"at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_methodology_and_the_sources_are_one_click_from_every_page(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/?on=2025-05-20")
    page.locator(".status-box a.badge").click()
    assert page.url.endswith("/methodology/#phase-not_enforced")
    expect(page.locator("#phase-not_enforced")).to_be_visible()
    page.goto(f"{demo_server.url}/methodology/")
    page.get_by_role("link", name="Sources").first.click()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("link", name="Framework for Artificial Intelligence Diffusion", exact=True)).to_be_visible()
    page.goto(f"{demo_server.url}/methodology/#ranks")
    expect(page.locator("#rank-1")).to_contain_text("Federal Register document")
    page.set_viewport_size({"width": 1280, "height": 900})
