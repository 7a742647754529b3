"""The statement engine, rule by rule, on sentences an editor would paste (no database)."""

import datetime

import pytest

from policytrack.ingest.dates_in_text import find_dates
from policytrack.ingest.statements import InstrumentRef, match_instrument, propose, split_sentences

TUESDAY = datetime.date(2025, 5, 13)


def only(text, published_on=TUESDAY, instruments=()):
    proposals = propose(text, published_on, instruments)
    assert len(proposals) == 1, proposals
    return proposals[0]


def test_a_bare_weekday_is_resolved_to_the_last_one_and_says_so():
    proposal = only("Tuesday, the Department of Commerce (DOC) initiated a rescission of the AI Diffusion Rule.")
    assert (proposal.kind, proposal.date, proposal.precision) == ("rescission_announced", TUESDAY, "day")
    assert proposal.resolved_from == "Tuesday"


def test_a_weekday_after_words_of_the_future_is_the_next_one():
    monday = datetime.date(2020, 8, 17)
    proposal = only("The rule was due to take effect on Tuesday.", monday)
    assert (proposal.kind, proposal.date, proposal.resolved_from) == (
        "effective",
        datetime.date(2020, 8, 18),
        "Tuesday",
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("today", datetime.date(2025, 5, 13)),
        ("yesterday", datetime.date(2025, 5, 12)),
        ("on May 13", datetime.date(2025, 5, 13)),
        ("last Friday", datetime.date(2025, 5, 9)),
    ],
)
def test_relative_and_yearless_dates_are_resolved_against_publication(words, expected):
    proposal = only(f"The agency announced {words} that it would not enforce the rule.")
    assert proposal.kind == "enforcement_suspended"
    assert proposal.date == expected
    assert proposal.resolved_from is not None


def test_a_yearless_date_takes_the_nearest_year():
    (mention,) = find_dates("became effective on December 1", datetime.date(2016, 1, 21))
    assert mention.date == datetime.date(2015, 12, 1)


def test_early_june_is_a_month():
    proposal = only(
        "On a Tuesday in early June, the DOC announced that it would not enforce the rule.", datetime.date(2025, 6, 12)
    )
    assert (proposal.date, proposal.precision, proposal.resolved_from) == (
        datetime.date(2025, 6, 1),
        "month",
        "early June",
    )


def test_this_year_and_next_month_are_periods():
    assert only("The amendments also took effect this year.").precision == "year"
    proposal = only("The requirements will take effect next month.")
    assert (proposal.date, proposal.precision) == (datetime.date(2025, 6, 1), "month")


def test_one_sentence_may_assert_several_events():
    text = (
        "The AI Diffusion Rule was issued on January 15, 2025, with compliance requirements that were set "
        "to come into effect on May 15, 2025."
    )
    assert [(p.kind, p.date.isoformat()) for p in propose(text, TUESDAY)] == [
        ("issued", "2025-01-15"),
        ("compliance_date", "2025-05-15"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "These new requirements would have stifled American innovation.",
        "BIS plans to publish a Federal Register notice formalizing the rescission.",
        "Commerce plans to rescind the rule.",
        "If the court vacates the rule, the agency may appeal.",
        "In cases where the effective date has been delayed in order to review questions of fact, agencies should act.",
        "Since that Federal Register notice has still not been published, the provisions remain unchanged.",
        "The SEC declined to extend this relief beyond July 1.",
        "Department of Commerce Rescinds Biden-Era Artificial Intelligence Diffusion Rule",
    ],
)
def test_background_opinions_conditions_and_undated_intentions_are_not_proposed(text):
    assert propose(text, TUESDAY) == []


def test_a_dated_intention_to_rescind_is_a_rescission_planned():
    proposal = only("On May 13, 2025, the Department of Commerce formally signaled its intention to rescind the rule.")
    assert (proposal.kind, proposal.date) == ("rescission_planned", TUESDAY)


def test_an_undated_change_of_status_is_proposed_without_a_date():
    proposal = only("The U.S. Department of Commerce has formally rescinded the AI Diffusion Rule.")
    assert (proposal.kind, proposal.date, proposal.precision) == ("rescinded", None, None)


def test_an_undated_fact_that_needs_its_date_is_not_proposed():
    assert propose("Meanwhile, it issued guidance warning companies.", TUESDAY) == []


def test_a_delay_names_the_event_it_moves_and_the_new_date():
    proposal = only(
        "In accordance with that directive, on January 24, 2017, EPA released a notice temporarily "
        "delaying the effective date of 30 regulations until March 21, 2017.",
        datetime.date(2017, 3, 21),
    )
    assert (proposal.kind, proposal.date, proposal.target, proposal.new_date) == (
        "delayed",
        datetime.date(2017, 1, 24),
        "effective",
        datetime.date(2017, 3, 21),
    )
    assert proposal.as_dict()["new_date"] == "2017-03-21"


def test_a_delay_from_one_date_to_another_also_says_when_it_was_due():
    text = "The administration has delayed the rule’s effective date from February 10, 2017 to March 21, 2017."
    delay, due = propose(text, datetime.date(2017, 1, 26))
    assert (delay.kind, delay.date, delay.new_date) == ("delayed", None, datetime.date(2017, 3, 21))
    assert (due.kind, due.date) == ("effective", datetime.date(2017, 2, 10))


def test_a_stay_is_a_court_s_or_the_agency_s():
    court = only("A federal court in Texas stayed implementation of the rule pending appeal.")
    agency = only("The EPA then officially announced the stay on June 5.", datetime.date(2017, 7, 3))
    assert (court.kind, agency.kind) == ("stayed", "suspended")


def test_only_a_delay_carries_target_and_new_date_in_json():
    data = only("On May 8, 2025, the administration announced the revocation of the rule.").as_dict()
    assert set(data) == {"kind", "date", "precision", "quote", "instrument"}


def test_the_quote_is_the_sentence_exactly_as_written():
    text = "WASHINGTON, D.C.— Today, the U.S. Department of Commerce (DOC) initiated a rescission of the rule.  Next."
    proposal = only(text, datetime.date(2025, 5, 12))
    assert proposal.quote in text
    assert proposal.quote.startswith("WASHINGTON") and proposal.quote.endswith("rule.")


def test_sentences_do_not_end_at_abbreviations():
    text = "The U.S. Dept. rule took effect Dec. 1, 2016. It was later vacated."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "The U.S. Dept. rule took effect Dec. 1, 2016.",
        "It was later vacated.",
    ]


AI = InstrumentRef(
    "ai-diffusion-rule",
    ("Framework for Artificial Intelligence Diffusion", "AI Diffusion Rule"),
    ("0694-AJ90", "90 FR 4544"),
)
GP10 = InstrumentRef("gp10-guidance", ("GP10 guidance", "Huawei Ascend guidance"), ())


def test_the_instrument_is_found_by_name_alias_or_identifier():
    assert match_instrument("They rescinded the AI diffusion rule.", "", [AI, GP10]) == "ai-diffusion-rule"
    assert match_instrument("The rule at 90 FR 4544 was rescinded.", "", [AI, GP10]) == "ai-diffusion-rule"
    assert match_instrument("RIN 0694-AJ90 was withdrawn.", "", [GP10, AI]) == "ai-diffusion-rule"
    assert match_instrument("BIS issued the GP10 guidance.", "", [AI, GP10]) == "gp10-guidance"


def test_without_a_name_in_the_sentence_the_text_decides_and_a_tie_decides_nothing():
    text = "About the AI Diffusion Rule.\nIt was rescinded."
    assert match_instrument("It was rescinded.", text, [AI, GP10]) == "ai-diffusion-rule"
    twins = [InstrumentRef("a", ("Same Name",)), InstrumentRef("b", ("Same Name",))]
    assert match_instrument("Same Name was rescinded.", "", twins) is None
    assert match_instrument("Something else was rescinded.", "", [AI]) is None
