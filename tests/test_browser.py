"""In a real browser (Debian's Chromium, headless): the analyst's first question, answered.

Skipped when Chromium is missing, except in CI (POLICYTRACK_REQUIRE_BROWSER=1), where a
missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from policytrack.ingest.timeline import import_timeline_file

from conftest import DEMO, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"

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


def test_the_date_picker_answers_what_applied_on_20_may_2025(demo_server, page):
    page.goto(f"{demo_server.url}/")
    page.get_by_role("link", name="AI Diffusion Rule").click()
    page.get_by_label("Status on").fill("2025-05-20")
    page.get_by_role("button", name="Show").click()

    assert "on=2025-05-20" in page.url
    status = page.locator(".status-box")
    assert "in force but not enforced since 13 May 2025" in status.inner_text()
    announced = page.locator("#event-rescission-announced")
    assert "disputed" in announced.inner_text()
    assert "11 June 2025" in announced.inner_text()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "instrument-desktop.png", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "instrument-phone.png", full_page=False)


def test_the_permalink_reproduces_the_knowledge_date(demo_server, page):
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01")
    page.get_by_role("link", name="Permalink to this view").click()
    assert page.url.endswith("?on=2025-05-20&known=2025-05-01")
    assert "compliance obligations apply" in page.locator(".status-box").inner_text()
