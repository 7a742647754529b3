"""The instrument page's drawing in a real browser (Debian's Chromium, headless), at a phone's
width and a desktop's: readable text, the date asked about in view, no axe violations."""

import os
import shutil
from pathlib import Path

import pytest

from policytrack.ingest.timeline import import_timeline_file

from conftest import DEMO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("POLICYTRACK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_server(live_server, transactional_db):
    import_timeline_file(DEMO)
    return live_server


# Each visible text of the drawing: its content and its rendered font size in CSS pixels.
RENDERED_SIZES = """() => [...document.querySelectorAll('.drawing-scroll svg text')]
  .filter(t => t.getClientRects().length)
  .map(t => { const svg = t.ownerSVGElement;
              const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]; })"""

ON_LINE = """() => { const line = [...document.querySelectorAll('.on-line')].find(l => l.getClientRects().length);
                     const box = line.getBoundingClientRect(); return box.left; }"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_drawing_is_readable_keeps_the_date_in_view_and_passes_axe(demo_server, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(f"{demo_server.url}/instruments/ai-diffusion-rule/?on=2025-05-20")
    sizes = page.evaluate(RENDERED_SIZES)
    assert sizes and min(size for _, size in sizes) >= 11, sorted(sizes, key=lambda item: item[1])[:3]
    assert 0 < page.evaluate(ON_LINE) < width  # without scrolling
    results = Axe().run(page, context={"include": [["figure.drawing"]]})
    assert results.violations_count == 0, results.generate_report()
