"""import_federal_register on sequences of documents: each follow-on changes its rule the way
the law did, and every quote is a sentence of the document."""

import datetime
import json
from pathlib import Path

import pytest

from policytrack.timeline.models import Claim, Document, Event, Instrument

D = datetime.date
RULE = json.loads((Path(__file__).parent / "data" / "federal_register" / "regulatory-document.json").read_text())
RIN = "2060-AW00"


def fr(number, published, type_="Rule", action="Final rule.", dates=None, **extra):
    values = RULE | {
        "document_number": number,
        "publication_date": published,
        "type": type_,
        "action": action,
        "dates": dates,
        "effective_on": None,
        "comments_close_on": None,
        "regulation_id_numbers": [RIN],
        "citation": None,
        "start_page": None,
        "volume": None,
    }
    return values | extra


@pytest.fixture
def load(db, run, tmp_path):
    def load(*docs):
        path = tmp_path / f"{docs[0]['document_number']}.json"
        path.write_text(json.dumps({"results": list(docs)}))
        code, out, err = run("import_federal_register", path)
        assert code == 0, err
        return out, err

    return load


PROPOSAL = fr(
    "2024-12000",
    "2024-06-03",
    "Proposed Rule",
    "Proposed rule.",
    "Comments must be received on or before August 2, 2024.",
    citation="89 FR 47000",
)
FINAL = fr(
    "2024-31396",
    "2024-12-31",
    dates="This rule is effective January 30, 2025.",
    effective_on="2025-01-30",
    citation="89 FR 107012",
)
DELAY = fr(
    "2025-01500",
    "2025-01-28",
    action="Final rule; delay of effective date.",
    effective_on="2025-01-28",
    dates="The effective date of the rule published December 31, 2024 (89 FR 107012) is delayed until March 21, 2025.",
    citation="90 FR 8000",
)
DELAY_AGAIN = fr(
    "2025-04800",
    "2025-03-20",
    action="Final rule; further delay of effective date.",
    dates="The effective date of the rule published December 31, 2024 (89 FR 107012), which was delayed "
    "to March 21, 2025 (90 FR 8000), is further delayed until May 20, 2025.",
    citation="90 FR 13000",
)


def phases(instrument, *days):
    return [instrument.status(day).phase for day in days]


def test_a_proposal_then_its_final_rule_then_two_delays(load):
    load(PROPOSAL)
    rule = Instrument.objects.get()
    assert rule.kind == "proposed_rule"
    assert phases(rule, D(2024, 6, 1), D(2024, 7, 1)) == ["not_yet_issued", "proposed"]
    load(FINAL)
    load(DELAY)
    _, err = load(DELAY_AGAIN)
    assert "not understood" not in err and "could not place" not in err
    assert Instrument.objects.count() == 1
    events = {(e.kind, e.date, e.new_date) for e in rule.events.all()}
    assert events == {
        ("proposed", D(2024, 6, 3), None),
        ("comment_period_closes", D(2024, 8, 2), None),
        ("published", D(2024, 12, 31), None),
        ("effective", D(2025, 1, 30), None),
        ("delayed", D(2025, 1, 28), D(2025, 3, 21)),
        ("delayed", D(2025, 3, 20), D(2025, 5, 20)),
    }
    # the proposal's date stays; nothing is disputed; the delays never claim an effective date
    assert rule.events.get(kind="published").claims.get().document.fr_document_number == "2024-31396"
    assert not rule.status(D(2025, 6, 1)).disputed
    assert phases(rule, D(2024, 9, 1), D(2025, 1, 15), D(2025, 2, 1), D(2025, 3, 22), D(2025, 5, 21)) == [
        "proposed",
        "issued",
        "issued",
        "issued",
        "in_force",
    ]
    # known only what the first delay said: in force from March 21
    assert rule.status(D(2025, 3, 22), known=D(2025, 3, 1)).phase == "in_force"


def test_importing_a_delay_again_changes_nothing(load):
    load(FINAL, DELAY)
    before = (Event.objects.count(), Claim.objects.count())
    out, _ = load(DELAY)
    assert "nothing to do" in out
    assert (Event.objects.count(), Claim.objects.count()) == before


def test_a_delay_whose_rule_is_not_held_is_kept_as_evidence_and_left_to_an_editor(load):
    _, err = load(DELAY)
    assert "instrument was not found" in err
    assert {e.kind for e in Event.objects.all()} == {"published"}


def test_a_withdrawn_proposal(load):
    withdrawal = fr(
        "2024-22000",
        "2024-10-01",
        "Proposed Rule",
        "Proposed rule; withdrawal.",
        "The proposed rule published June 3, 2024 (89 FR 47000) is withdrawn as of October 1, 2024.",
    )
    load(PROPOSAL, withdrawal)
    rule = Instrument.objects.get()
    assert phases(rule, D(2024, 9, 30), D(2024, 10, 2)) == ["proposed", "withdrawn"]
    assert rule.events.get(kind="withdrawn").claims.get().quote == withdrawal["dates"]


def test_a_rescission_on_its_effective_date(load):
    removal = fr(
        "2025-09000",
        "2025-05-01",
        action="Final rule; rescission.",
        title="Rescission of Air Plan Revisions",
        dates="This rule is effective June 2, 2025.",
        effective_on="2025-06-02",
    )
    load(FINAL, removal)
    rule = Instrument.objects.get()
    assert phases(rule, D(2025, 6, 1), D(2025, 6, 2)) == ["in_force", "rescinded"]
    assert rule.events.get(kind="effective").claims.count() == 1  # the removal never claims the rule's date


def test_the_comment_period_extended(load):
    extension = fr(
        "2024-16000",
        "2024-07-15",
        "Proposed Rule",
        "Proposed rule; extension of comment period.",
        "The comment period for the proposed rule published June 3, 2024 (89 FR 47000) is extended "
        "until September 3, 2024.",
    )
    load(PROPOSAL, extension)
    close = Instrument.objects.get().events.get(kind="comment_period_closes")
    assert close.date == D(2024, 9, 3)  # the later notice's date, the first one's kept as a claim
    assert sorted(c.date for c in close.claims.all()) == [D(2024, 8, 2), D(2024, 9, 3)]


def test_dates_in_the_text_alone_relative_and_several(load):
    text = (
        "This rule is effective 30 days after publication in the Federal Register. The compliance date for "
        "the reporting requirements is September 2, 2025. Small entities must comply by March 2, 2026."
    )
    load(fr("2025-02000", "2025-02-03", dates=text))
    events = sorted((e.kind, e.date) for e in Instrument.objects.get().events.all())
    assert events == [
        ("compliance_date", D(2025, 9, 2)),
        ("compliance_date", D(2026, 3, 2)),
        ("effective", D(2025, 3, 5)),
        ("published", D(2025, 2, 3)),
    ]


def test_every_quote_is_a_sentence_of_the_document_or_empty_with_the_field_named(load):
    load(PROPOSAL, FINAL, DELAY, DELAY_AGAIN)
    texts = {d["document_number"]: d["dates"] for d in (PROPOSAL, FINAL, DELAY, DELAY_AGAIN)}
    for claim in Claim.objects.select_related("event", "document"):
        if claim.quote:
            assert claim.quote in texts[claim.document.fr_document_number]
        else:
            assert "field" in claim.event.note
    assert not Claim.objects.filter(quote__startswith="Published in the Federal Register").exists()


def test_a_public_inspection_copy_never_overwrites_the_published_document(load):
    load(FINAL)
    inspection = {
        "document_number": "2024-31396",
        "title": FINAL["title"],
        "type": "Rule",
        "publication_date": "2024-12-31",
        "filed_at": "2024-12-30T08:45:00.000-05:00",
        "pdf_url": "https://public-inspection.federalregister.gov/2024-31396.pdf",
        "agencies": [],
    }
    load(inspection)
    document = Document.objects.get()
    assert document.citation == "89 FR 107012" and document.excerpt
    rule = Instrument.objects.get()
    assert rule.events.get(kind="issued").date == D(2024, 12, 30)
    assert rule.events.get(kind="published").date == D(2024, 12, 31)


def test_a_later_rule_joining_a_published_rule_amends_it_and_never_moves_its_dates(load):
    amendment = fr("2025-11000", "2025-06-10", dates="This rule is effective June 10, 2025.", citation="90 FR 24000")
    load(FINAL, amendment)
    published = Instrument.objects.get().events.get(kind="published")
    assert published.date == D(2024, 12, 31)
    assert [c.document.fr_document_number for c in published.claims.all()] == ["2024-31396"]
    rule = Instrument.objects.get()
    assert rule.events.get(kind="effective").date == D(2025, 1, 30)  # not disputed by the amendment
    assert rule.events.get(kind="amended").claims.get().quote == "This rule is effective June 10, 2025."
