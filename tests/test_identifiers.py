"""Identifiers link to where they are kept, and the facts block gives the FR citation."""

import pytest
from django.urls import reverse

from conftest import text
from policytrack.timeline.models import Document
from policytrack.web import identifiers


def test_the_facts_block_links_every_identifier(demo, client):
    response = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]))
    html = response.content.decode()
    assert "Federal Register 90 FR 4544 (FR Doc. 2025-00636 )" in text(response)
    assert '<a href="https://www.federalregister.gov/citation/90-FR-4544" rel="noopener">90 FR 4544</a>' in html
    assert '<a href="https://www.federalregister.gov/d/2025-00636" rel="noopener">2025-00636</a>' in html
    assert (
        '<a href="https://www.reginfo.gov/public/do/eAgendaViewRule?RIN=0694-AJ90" rel="noopener">0694-AJ90</a>' in html
    )
    assert '<a href="https://www.ecfr.gov/current/title-15/part-748" rel="noopener">15 CFR 748</a>' in html
    assert "<dd>250107-0007</dd>" in html  # an agency docket number, not a regulations.gov docket: left as text


def test_the_document_page_links_its_citation_and_number(demo, client):
    document = Document.objects.get(kind="federal_register")
    html = client.get(reverse("web:document_detail", args=[document.pk])).content.decode()
    assert 'href="https://www.federalregister.gov/citation/90-FR-4544"' in html
    assert 'href="https://www.federalregister.gov/d/2025-00636"' in html


@pytest.mark.parametrize(
    ("kind", "value", "url"),
    [
        ("cfr", "15 CFR part 748", "https://www.ecfr.gov/current/title-15/part-748"),
        ("cfr", "40 C.F.R. 60.5", "https://www.ecfr.gov/current/title-40/part-60"),
        ("cfr", "part 748", ""),
        ("rin", "0694-aj90", "https://www.reginfo.gov/public/do/eAgendaViewRule?RIN=0694-AJ90"),
        ("rin", "not a rin", ""),
        ("docket", "BIS-2025-0001", "https://www.regulations.gov/docket/BIS-2025-0001"),
        ("docket", "EPA-HQ-OAR-2021-0317", "https://www.regulations.gov/docket/EPA-HQ-OAR-2021-0317"),
        ("docket", "250107-0007", ""),
        ("citation", "90 FR 4,544", "https://www.federalregister.gov/citation/90-FR-4544"),
        ("fr_document", "FR Doc. 2025-00636", "https://www.federalregister.gov/d/2025-00636"),
    ],
)
def test_only_recognised_forms_become_links(kind, value, url):
    linker = {
        "cfr": identifiers.cfr_url,
        "rin": identifiers.rin_url,
        "docket": identifiers.docket_url,
        "citation": identifiers.fr_citation_url,
        "fr_document": identifiers.fr_document_url,
    }[kind]
    assert linker(value) == url
