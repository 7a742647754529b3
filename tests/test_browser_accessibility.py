"""Every page in a real browser (Debian's Chromium, headless), as a reader and as an editor:
axe-core finds no violation (WCAG 2.2 A and AA, and its best practices) at 390 and 1280 px,
no page scrolls sideways at 320, 390 or 1280 px, and each page is photographed into
docs/screenshots at both widths.

One browser; one context per width; one load per page per width. At the phone's width the
page is checked at 390 px, then narrowed to 320 px (the layout reflows without a reload) and
checked again. Every failure is gathered, so one run names every page, rule and element.

Skipped when Chromium is missing, except in CI (POLICYTRACK_REQUIRE_BROWSER=1), where a
missing browser is a failure. The file's name sorts after test_admin_workflow.py: a
transactional test run before that file's serialized_rollback tests would leave content types
(recreated after its flush) that they cannot restore over.
"""

import datetime
import io
import re
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from django.utils.timezone import now

from policytrack.ingest.timeline import import_timeline_file

from conftest import DEMO, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"
FR_FILE = ROOT / "tests" / "data" / "federal_register" / "regulatory-document.json"
# Tall pages are photographed down to this many CSS pixels: enough to see the layout,
# small enough to keep the images in the repository.
SHOT_HEIGHT = 2400
# WCAG 2.2 A and AA (touch targets), and axe's best practices (landmarks, headings, empty headers).
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],  # the passes are not described node by node: a third faster
}
# Django's tabular inlines head their first column (the row's object and its link) with an
# empty <th class="original"> (axe: empty-table-header, minor); the template is Django's.
INLINE_PAGES = {"admin-instrument", "admin-event"}
INLINE_RULES = {**AXE_RULES, "rules": {"empty-table-header": {"enabled": False}}}
# The admin's autocomplete boxes are drawn by select2 (vendored in Django's admin) in markup of
# its own: a combobox named by an empty text box, a <ul> holding a <span>, a search field
# with no label (axe: aria-input-field-name, label, list). Not ours to fix; only those boxes
# are left out, on the admin pages (the <select> they stand for is checked, and labelled).
SELECT2 = {"include": [["body"]], "exclude": [[".select2-container"]]}

pytestmark = pytest.mark.browser

# The element reaching furthest right past the window, described so a reader can find it.
WIDEST = """() => {
  const limit = window.innerWidth; let worst = null, right = limit;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > right + 0.5) { worst = el; right = box.right; }
  }
  if (!worst) return null;
  const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    [...worst.classList].map(c => '.' + c).join('');
  return `${name} reaches ${Math.round(right)} px: ${(worst.textContent || '').trim().slice(0, 80)}`;
}"""


@pytest.fixture
def browser():
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
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, django_user_model):
    """The demo, a rule whose names and addresses are long enough to break a layout, a pending
    proposal and an editor: every page has something to show."""
    from policytrack.review.models import Proposal
    from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument

    import_timeline_file(DEMO)
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
    long_source = Document.objects.create(
        key="long",
        kind="news",
        title="A long address",
        published_on=datetime.date(2025, 3, 1),
        url="https://example.org/" + "a-very-long-path-segment-" * 8,
    )
    event = Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 1))
    Claim.objects.create(event=event, document=long_source, date=datetime.date(2025, 3, 1))
    proposal = Proposal.objects.create(
        kind="new_event",
        origin="editor",
        summary="Formal rescission of the AI Diffusion Rule",
        source_publisher="Federal Register",
        source_title="Rescission of the Framework for Artificial Intelligence Diffusion",
        source_url="https://example.org/rescission",
        payload={
            "instrument": "ai-diffusion-rule",
            "event": {"kind": "rescinded", "date": "2027-01-15"},
            "claims": [
                {
                    "document": {
                        "kind": "federal_register",
                        "title": "Rescission of the Framework for Artificial Intelligence Diffusion",
                        "publisher": "Federal Register",
                        "url": "https://example.org/rescission",
                        "published_on": "2026-12-01",
                    },
                    "date": "2027-01-15",
                }
            ],
        },
    )
    django_user_model.objects.create_superuser("bob", password="editor-password-1")
    demo_rule = Instrument.objects.get(slug="ai-diffusion-rule")
    source = Document.objects.filter(claims__event__instrument=demo_rule, kind="federal_register").first()
    return {
        "url": live_server.url,
        "rule": demo_rule,
        "event": demo_rule.events.order_by("date").first(),
        "source": source,
        "long_source": long_source,
        "proposal": proposal,
    }


def public_pages(site):
    """(screenshot name, address) of every page a reader can open."""
    rule, source = site["rule"], site["source"]
    return [
        ("home", "/"),
        ("on-date", "/on/2025-05-20/"),
        ("on-date-known", "/on/2025-05-20/?known=2025-05-01"),
        ("instrument-list", "/instruments/"),
        ("instrument-list-filtered", "/instruments/?on=2025-05-20&kind=interim_final_rule&phase=not_enforced"),
        ("instrument-list-search", "/instruments/?q=diffusion"),
        ("instrument", f"/instruments/{rule.slug}/"),
        ("instrument-on", f"/instruments/{rule.slug}/?on=2025-05-20"),
        ("instrument-known", f"/instruments/{rule.slug}/?on=2025-05-20&known=2025-05-01"),
        ("instrument-long-names", "/instruments/long-one/"),
        (
            "instrument-compare",
            f"/instruments/{rule.slug}/compare/?on=2025-05-20&known_a=2025-05-01&known_b=2025-06-30",
        ),
        ("changes", "/changes/?from=2025-05-01&to=2025-05-31"),
        (
            "changes-recorded",
            f"/changes/?from=2025-05-01&to=2025-05-31&known=2025-05-14&recorded={quote(now().isoformat())}",
        ),
        ("home-recorded", f"/?known=2025-05-14&recorded={quote(now().isoformat())}"),
        ("compare", "/compare/?a=2025-05-01&b=2025-05-20"),
        ("compare-learned", "/compare/?on=2025-05-20&known_a=2025-05-01&known_b=2025-05-14"),
        (
            "compare-recorded",
            f"/compare/?a=2025-05-01&b=2025-05-20&known=2025-05-14&recorded={quote(now().isoformat())}",
        ),
        ("documents", "/documents/"),
        ("documents-known", "/documents/?known=2025-05-01"),
        ("on-date-recorded", f"/on/2025-05-20/?known=2025-05-01&recorded={quote(now().isoformat())}"),
        ("document", f"/documents/{source.pk}/"),
        ("document-long-address", f"/documents/{site['long_source'].pk}/"),
        ("history", "/history/"),
        ("instrument-history", f"/history/?instrument={rule.slug}"),
        ("methodology", "/methodology/"),
        ("not-found", "/instruments/no-such-instrument/"),
        ("bad-date", "/instruments/?on=2025-13-01"),
    ]


def editor_pages(site):
    """(screenshot name, address) of the admin pages an editor works in, after logging in."""
    return [
        ("admin-index", "/admin/"),
        ("admin-instruments", "/admin/timeline/instrument/"),
        ("admin-instrument", f"/admin/timeline/instrument/{site['rule'].pk}/change/"),
        ("admin-event", f"/admin/timeline/event/{site['event'].pk}/change/"),
        ("admin-review-queue", "/admin/review/proposal/"),
        ("admin-proposal", f"/admin/review/proposal/{site['proposal'].pk}/change/"),
        ("admin-record-development", "/admin/review/proposal/record/"),
        ("admin-statement", "/admin/review/proposal/statement/"),
        ("admin-documents", "/admin/timeline/document/"),
        ("admin-import", "/admin/timeline/document/import-federal-register/"),
    ]


class Findings:
    """What is wrong, page by page, reported all at once."""

    def __init__(self):
        self.problems = []

    def axe(self, page, name, width):
        from axe_playwright_python.sync_playwright import Axe

        context = SELECT2 if name.startswith("admin-") else None
        options = INLINE_RULES if name in INLINE_PAGES else AXE_RULES
        for violation in Axe().run(page, context=context, options=options).response["violations"]:
            nodes = "; ".join(
                f"{' '.join(map(str, node['target']))} {node['html'][:120]}" for node in violation["nodes"][:5]
            )
            self.problems.append(
                f"{name} at {width} px: axe {violation['id']} ({violation['impact']}): {violation['help']} — {nodes}"
            )

    def width(self, page, name, width):
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            self.problems.append(f"{name} at {width} px scrolls {wide} px sideways; widest: {page.evaluate(WIDEST)}")

    def status(self, response, name, expected=200):
        if response.status != expected:
            self.problems.append(f"{name}: status {response.status}, expected {expected}")

    def check(self):
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


def shoot(page, name, suffix):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_HEIGHT)
    width = page.viewport_size["width"]
    page.screenshot(
        path=SCREENSHOTS / f"{name}-{suffix}.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
    )


def visit(page, site, findings, name, address, widths, suffix, response=None, axe=True):
    """Check the page loaded (or about to load) at each width; the first width is the page's own."""
    first, *narrower = widths
    if response is None:
        response = page.goto(site["url"] + address)
    findings.status(response, name, {"not-found": 404, "bad-date": 400}.get(name, 200))
    if axe:
        findings.axe(page, name, first)
    findings.width(page, name, first)
    shoot(page, name, suffix)
    for width in narrower:
        page.set_viewport_size({"width": width, "height": 844})
        findings.width(page, name, width)
    if narrower:
        page.set_viewport_size({"width": first, "height": 844})


def log_in(page, site, findings, widths, suffix):
    response = page.goto(site["url"] + "/admin/login/")
    visit(page, site, findings, "admin-login", "/admin/login/", widths, suffix, response)
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("editor-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize(
    "widths, suffix",
    [((390, 320), "phone"), ((1280,), "desktop")],
    ids=["phone", "desktop"],
)
def test_every_page_passes_axe_and_never_scrolls_sideways(site, browser, widths, suffix):
    findings = Findings()
    context = browser.new_context(viewport={"width": widths[0], "height": 844})
    page = context.new_page()
    for name, address in public_pages(site):
        visit(page, site, findings, name, address, widths, suffix)

    log_in(page, site, findings, widths, suffix)
    for name, address in editor_pages(site):
        visit(page, site, findings, name, address, widths, suffix)
    # The Federal Register import's preview: what an editor reads before confirming.
    page.get_by_label("or a JSON file").set_input_files(str(FR_FILE))
    with page.expect_navigation() as preview:
        page.get_by_role("button", name="Preview").click()
    assert "Preview: what importing 1 document would do" in page.locator("#content-main").inner_text()
    visit(page, site, findings, "admin-import-preview", None, widths, suffix, preview.value)
    context.close()
    findings.check()


def test_the_list_pages_hold_with_2000_instruments(site, browser):
    """Long lists, long generated names and many agencies: the list pages pass axe at 1280 px,
    never scroll sideways at 320, 390 or 1280 px, and are photographed as NAME-2000-phone.png
    and NAME-2000-desktop.png. (axe at 390 px is left to the demo's pages: the markup is the
    same, and the suite stays quick.)"""
    from django.core.management import call_command

    call_command("generate_synthetic", "--instruments", "2000", stdout=io.StringIO(), stderr=io.StringIO())
    findings = Findings()
    for widths, suffix in [((390, 320), "phone"), ((1280,), "desktop")]:
        context = browser.new_context(viewport={"width": widths[0], "height": 844})
        page = context.new_page()
        for name, address in [
            ("home-2000", "/"),
            ("instrument-list-2000", "/instruments/?on=2025-05-20"),
            ("instrument-list-page-3-2000", "/instruments/?on=2025-05-20&sort=-title&page=3"),
            ("on-date-2000", "/on/2025-05-20/"),
            ("changes-2000", "/changes/?from=2025-01-01&to=2025-06-30"),
            ("compare-2000", "/compare/?a=2020-01-01&b=2025-05-20"),
            ("documents-2000", "/documents/"),
            ("history-2000", "/history/"),
        ]:
            visit(page, site, findings, name, address, widths, suffix, axe=suffix == "desktop")
        context.close()
    findings.check()
    # Counts in the thousands are written as people read them.
    page = browser.new_page()
    page.goto(site["url"] + "/instruments/?on=2025-05-20")
    assert re.search(r"\b2,0\d\d instruments\.", page.inner_text("main")), page.inner_text("main")[:300]
    page.close()
