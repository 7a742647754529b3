"""The shipped AI Diffusion Rule timeline holds what the sources say, disagreements included."""

import re

import pytest

from policytrack.timeline.models import Claim, Document, Instrument

from conftest import DEMO, SHARED

SEEDS = {
    "seed-000": ("000_10f01e7785394f06.txt", "press_release"),
    "seed-001": ("001_61c0208ade94c4ee.txt", "blog"),
    "seed-002": ("002_4129fc1eed527589.txt", "news"),
    "seed-003": ("003_9e854472bae8f86e.txt", "news"),
    "seed-004": ("004_12cb024df52d3818.txt", "news"),
}


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def test_every_seed_is_a_document_of_its_kind(demo):
    for key, (filename, kind) in SEEDS.items():
        document = Document.objects.get(key=key)
        assert document.kind == kind
        assert filename in (DEMO.parent / "README.md").read_text(encoding="utf-8")  # named for editors, not readers
        assert "seed" not in document.note.lower() and "seed" not in document.publisher.lower()


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="shared/seeds is not beside the project")
def test_quotes_from_the_seeds_are_verbatim(demo):
    for key, (filename, _) in SEEDS.items():
        source = squash((SHARED / "seeds" / filename).read_text(encoding="utf-8"))
        for claim in Claim.objects.filter(document__key=key).exclude(quote=""):
            for part in claim.quote.split("…"):
                assert squash(part).strip(" .") in source, (key, claim.quote)


def test_the_federal_register_facts_are_held(demo):
    fr = Document.objects.get(fr_document_number="2025-00636")
    assert (fr.citation, fr.published_on.isoformat(), fr.kind) == ("90 FR 4544", "2025-01-15", "federal_register")
    assert (demo.rin, demo.docket_ids, demo.kind) == ("0694-AJ90", ["250107-0007"], "interim_final_rule")
    assert [f"15 CFR {n}" for n in (732, 734, 740, 742, 744, 748, 750, 762, 772, 774)] == demo.cfr_parts
    assert [a.slug for a in demo.agencies.all()] == ["bis"]
    assert demo.agencies.get().parent.slug == "commerce"


def test_every_event_of_the_rule_is_there_with_its_date(demo):
    dates = sorted((e.kind, e.date.isoformat()) for e in demo.events.all())
    assert dates == sorted(
        [
            ("issued", "2025-01-13"),
            ("effective", "2025-01-13"),
            ("published", "2025-01-15"),
            ("comment_period_closes", "2025-05-15"),
            ("compliance_date", "2025-05-15"),
            ("compliance_date", "2026-01-15"),
            ("rescission_planned", "2025-05-07"),
            ("rescission_announced", "2025-05-13"),
            ("enforcement_suspended", "2025-05-13"),
        ]
    )
    assert not demo.events.filter(kind="rescinded").exists()  # never formally published


def test_the_conflicting_dates_are_kept_with_their_sources(demo):
    claims = {
        (c.document.key, c.date.isoformat())
        for c in Claim.objects.filter(event__instrument=demo, event__kind="rescission_announced")
    }
    assert ("seed-000", "2025-05-12") in claims
    assert ("seed-001", "2025-05-13") in claims  # "Tuesday"
    assert ("seed-002", "2025-06-11") in claims
    assert ("seed-004", "2025-05-08") in claims
    tuesday = Claim.objects.get(event__instrument=demo, event__kind="rescission_announced", document__key="seed-001")
    assert tuesday.quote.startswith("Tuesday")


def test_the_guidance_of_the_same_day_is_related_to_the_rule(demo):
    guidance = Instrument.objects.filter(relations__target=demo, relations__kind="related")
    assert sorted(g.slug for g in guidance) == [
        "ai-training-policy-statement",
        "diversion-red-flags-guidance",
        "gp10-guidance",
    ]
    for item in guidance:
        assert item.kind == "guidance"
        assert item.events.get(kind="issued").date.isoformat() == "2025-05-13"
