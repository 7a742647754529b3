"""Follow-on documents find the instrument they act on — by the citation or document number
their DATES text names, correction_of, RIN or docket — and add events there, rewriting nothing;
when the instrument cannot be found with confidence, an editor is told what was looked for."""

import datetime

from policytrack.ingest.federal_register import import_documents
from policytrack.timeline.models import Claim, Event, Instrument
from test_fr_import import FINAL, PROPOSAL, fr

D = datetime.date


def final(number, published, citation, **extra):
    return fr(
        number,
        published,
        dates="This rule is effective March 3, 2025.",
        effective_on="2025-03-03",
        citation=citation,
        **({"docket_ids": []} | extra),
    )


def delay(number, published, dates, **extra):
    return fr(
        number,
        published,
        action="Final rule; delay of effective date.",
        dates=dates,
        regulation_id_numbers=[],
        docket_ids=[],
        **extra,
    )


def test_a_delay_that_names_its_rule_by_citation_alone_joins_it(db):
    import_documents([final("2025-01000", "2025-01-10", "90 FR 1234")], "final")
    report = import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The effective date of the final rule published "
                "January 10, 2025 (90 FR 1234) is delayed until May 5, 2025.",
            )
        ],
        "delay",
    )
    rule = Instrument.objects.get()
    delayed = rule.events.get(kind="delayed")
    assert (delayed.target.kind, delayed.target.date, delayed.new_date) == ("effective", D(2025, 3, 3), D(2025, 5, 5))
    assert (
        f"attach to instrument {rule.slug}: its DATES text names 90 FR 1234, a document of this instrument"
        in report.lines
    )
    assert [rule.status(day).phase for day in (D(2025, 3, 3), D(2025, 5, 5))] == ["issued", "in_force"]


def test_a_delay_that_names_a_document_number_joins_its_rule(db):
    import_documents([final("2025-01000", "2025-01-10", "90 FR 1234")], "final")
    import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The effective date of the rule in FR Doc. 2025-01000 is delayed until May 5, 2025.",
            )
        ],
        "delay",
    )
    assert Instrument.objects.get().events.filter(kind="delayed").count() == 1


def test_the_citation_named_wins_over_a_shared_rin(db):
    other = final("2025-00500", "2025-01-05", "90 FR 500") | {
        "regulation_id_numbers": ["1111-AA11"],
        "title": "Another rule",
    }
    target = final("2025-01000", "2025-01-10", "90 FR 1234") | {"regulation_id_numbers": [], "title": "The rule"}
    import_documents([other, target], "finals")
    import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The effective date of the rule published at 90 FR 1234 is delayed until May 5, 2025.",
            )
            | {"regulation_id_numbers": ["1111-AA11"]}
        ],
        "delay",
    )
    assert Event.objects.get(kind="delayed").instrument.title == "The rule"


def test_a_delay_naming_documents_of_two_rules_is_left_for_an_editor(db):
    first = final("2025-00500", "2025-01-05", "90 FR 500") | {"regulation_id_numbers": [], "title": "One"}
    second = final("2025-01000", "2025-01-10", "90 FR 1234") | {"regulation_id_numbers": [], "title": "Two"}
    import_documents([first, second], "finals")
    report = import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The effective dates of the rules published at 90 FR 500 and 90 FR 1234 are delayed until May 5, 2025.",
            )
        ],
        "delay",
    )
    assert not Event.objects.filter(kind="delayed").exists()
    [warning] = [w for w in report.warnings if "needs an editor" in w]
    assert warning.startswith(
        "2025-02000: this follow-on needs an editor: its DATES text names documents of "
        "different instruments: 90 FR 500 (one); 90 FR 1234 (two)"
    )


def test_a_delay_whose_rule_is_not_held_says_what_was_looked_for(db):
    report = import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The effective date of the rule published at 90 FR 1234 is delayed until May 5, 2025.",
            )
            | {"docket_ids": ["EPA-1"]}
        ],
        "d",
    )
    assert (
        "2025-02000: this follow-on needs an editor: a delay whose instrument was not found (looked for the "
        "documents its DATES text names (90 FR 1234); docket EPA-1); recorded as published only, its effect is "
        "left for an editor" in report.warnings
    )
    assert {e.kind for e in Event.objects.all()} == {"published"}


def test_a_docket_written_with_its_label_is_the_same_docket(db):
    import_documents(
        [
            final("2025-01000", "2025-01-10", "90 FR 1234")
            | {"regulation_id_numbers": [], "docket_ids": ["NHTSA-2024-0091"]}
        ],
        "f",
    )
    import_documents(
        [
            delay("2025-02000", "2025-02-20", "The effective date is delayed until May 5, 2025.")
            | {"docket_ids": ["Docket No. NHTSA-2024-0091"]}
        ],
        "delay",
    )
    rule = Instrument.objects.get()
    assert rule.docket_ids == ["NHTSA-2024-0091"]
    assert rule.events.filter(kind="delayed").count() == 1


def test_the_final_rule_of_a_proposal_makes_it_a_rule_and_history_remembers(db):
    import_documents([PROPOSAL], "proposal")
    report = import_documents([FINAL], "final")
    rule = Instrument.objects.get()
    assert rule.kind == "rule"
    assert f"change instrument {rule.slug} kind: proposed rule → rule" in report.lines
    assert [h.kind for h in rule.history.order_by("history_date", "history_id")] == ["proposed_rule", "rule"]
    # the proposal's events stay as they were, the final rule's beside them
    assert sorted((e.kind, e.date) for e in rule.events.all()) == [
        ("comment_period_closes", D(2024, 8, 2)),
        ("effective", D(2025, 1, 30)),
        ("proposed", D(2024, 6, 3)),
        ("published", D(2024, 12, 31)),
    ]


def test_a_delay_of_the_compliance_date_moves_the_compliance_date(db):
    rule = fr(
        "2025-01000",
        "2025-01-10",
        dates="This rule is effective March 3, 2025. The compliance date is June 2, 2025.",
        citation="90 FR 1234",
    )
    import_documents([rule], "final")
    import_documents(
        [
            delay(
                "2025-02000",
                "2025-02-20",
                "The compliance date of the rule published at 90 FR 1234 is delayed until December 1, 2025.",
            )
        ],
        "delay",
    )
    delayed = Event.objects.get(kind="delayed")
    assert (delayed.target.kind, delayed.target.date, delayed.new_date) == (
        "compliance_date",
        D(2025, 6, 2),
        D(2025, 12, 1),
    )
    assert Event.objects.get(kind="effective").date == D(2025, 3, 3)  # untouched


def test_a_second_sentence_on_the_same_delay_never_overwrites_the_first(db):
    import_documents([final("2025-01000", "2025-01-10", "90 FR 1234")], "final")
    text = (
        "The effective date of the rule published at 90 FR 1234 is delayed until May 5, 2025. The incorporation "
        "by reference approval of certain publications listed in the rule is delayed until May 5, 2025."
    )
    import_documents([delay("2025-02000", "2025-02-20", text)], "delay")
    assert Claim.objects.get(event__kind="delayed").quote == text.split(" The incorporation")[0]


def test_an_extension_of_the_comment_period_found_by_citation_is_a_later_claim(db):
    import_documents([PROPOSAL | {"regulation_id_numbers": [], "docket_ids": []}], "proposal")
    extension = fr(
        "2024-16000",
        "2024-07-15",
        "Proposed Rule",
        "Proposed rule; extension of comment period.",
        "The comment period for the proposed rule published June 3, 2024 (89 FR 47000) is extended "
        "until September 3, 2024.",
        regulation_id_numbers=[],
        docket_ids=[],
    )
    import_documents([extension], "extension")
    close = Instrument.objects.get().events.get(kind="comment_period_closes")
    assert sorted(c.date for c in close.claims.all()) == [D(2024, 8, 2), D(2024, 9, 3)]


def test_a_rule_published_after_its_docket_s_rule_was_withdrawn_starts_a_new_instrument(db):
    # EPA's pattern (docket EPA-R09-OAR-2010-0718): a direct final rule withdrawn after an adverse
    # comment, then the final rule on the parallel proposal.
    direct = fr(
        "2010-27634",
        "2010-11-02",
        action="Direct final rule.",
        effective_on="2011-01-03",
        citation="75 FR 67220",
        regulation_id_numbers=[],
        docket_ids=["EPA-R09-OAR-2010-0718"],
    )
    withdrawal = fr(
        "2010-29937",
        "2010-11-29",
        action="Withdrawal of direct final rule.",
        regulation_id_numbers=[],
        docket_ids=[],
        dates="The direct final rule published at 75 FR 67220 on November 2, 2010, is "
        "withdrawn as of November 29, 2010.",
    )
    final_rule = fr(
        "2011-221",
        "2011-01-11",
        dates="This rule is effective on February 10, 2011.",
        citation="76 FR 1532",
        regulation_id_numbers=[],
        docket_ids=["EPA-R09-OAR-2010-0718"],
    )
    import_documents([direct, withdrawal], "earlier")
    report = import_documents([final_rule], "final")
    withdrawn, new = Instrument.objects.order_by("pk")
    assert [withdrawn.status(day).phase for day in (D(2010, 11, 29), D(2011, 2, 10))] == ["withdrawn", "withdrawn"]
    assert [new.status(day).phase for day in (D(2011, 1, 11), D(2011, 2, 10))] == ["issued", "in_force"]
    assert report.warnings == [
        f"2011-221: shares docket EPA-R09-OAR-2010-0718 with {withdrawn.slug}, withdrawn 2010-11-29: a withdrawn "
        "rule never comes back into force, so this starts a new instrument; link them if they are one rulemaking"
    ]
