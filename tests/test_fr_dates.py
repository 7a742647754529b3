"""fr_dates: the DATES text of a Federal Register document, read sentence by sentence.

The real texts are in data/fr_dates/real_dates.json, each with the address it was read at."""

import datetime
import json
from pathlib import Path

import pytest

from policytrack.ingest.fr_dates import read_dates, split_sentences

D = datetime.date
REAL = json.loads((Path(__file__).parent / "data" / "fr_dates" / "real_dates.json").read_text())
DATED = {
    "effective",
    "compliance_date",
    "comment_period_closes",
    "reply_comments",
    "delayed",
    "withdrawn",
    "stayed",
    "suspended",
    "rescinded",
    "expired",
}


def found(reading):
    out = []
    for f in reading.findings:
        out.append([f.kind, f.date.isoformat(), f.old_date.isoformat()] if f.old_date else [f.kind, f.date.isoformat()])
    return out


@pytest.mark.parametrize("case", REAL, ids=[case["source"].split("//")[-1][:60] for case in REAL])
def test_it_reads_real_dates_texts(case):
    reading = read_dates(case["text"], published=D.fromisoformat(case["published"]), default=case.get("default"))
    assert found(reading) == case["expect"]
    assert reading.not_understood == []
    for finding in reading.findings:
        assert finding.sentence in case["text"]  # verbatim
    for citation in case.get("citations", []):
        assert citation in reading.citations


def test_a_delay_never_takes_the_delayed_rules_publication_date():
    text = "The effective date of the rule published January 10, 2025 (90 FR 1234) is delayed until March 21, 2025."
    reading = read_dates(text, published=D(2025, 1, 28))
    assert found(reading) == [["delayed", "2025-03-21"]]
    assert reading.findings[0].target == "effective"
    assert reading.citations == ("90 FR 1234",)
    assert reading.sentences[0].references == [D(2025, 1, 10)]


def test_it_reads_an_effective_date_after_a_time_of_day():
    reading = read_dates("This rule is effective from 7:30 a.m. on March 10, 2025.", published=D(2025, 2, 1))
    assert found(reading) == [["effective", "2025-03-10"]]
    assert reading.findings[0].sentence == "This rule is effective from 7:30 a.m. on March 10, 2025."


def test_an_exception_is_a_scoped_date_beside_the_rules_own():
    text = "This rule is effective March 10, 2025, except § 52.220, which is effective January 1, 2026."
    reading = read_dates(text, published=D(2025, 2, 1))
    assert found(reading) == [["effective", "2025-03-10"], ["effective", "2026-01-01"]]
    assert [f.scope for f in reading.findings] == ["", "§ 52.220"]
    assert [f.date for f in reading.of("effective")] == [D(2025, 3, 10)]


def test_relative_dates_are_computed_and_keep_their_sentence():
    reading = read_dates(
        "This rule is effective 60 days after publication in the Federal Register. "
        "Comments must be received on or before [INSERT DATE 30 DAYS AFTER DATE OF PUBLICATION "
        "IN THE FEDERAL REGISTER].",
        published=D(2025, 1, 15),
    )
    assert found(reading) == [["effective", "2025-03-16"], ["comment_period_closes", "2025-02-14"]]
    assert reading.findings[0].relative == "60 days after publication"
    assert reading.findings[0].sentence == "This rule is effective 60 days after publication in the Federal Register."


def test_upon_publication_and_on_signature():
    assert found(
        read_dates("This rule is effective upon publication in the Federal Register.", published=D(2025, 4, 2))
    ) == [["effective", "2025-04-02"]]
    reading = read_dates(
        "This order is effective on the date of signature.", published=D(2025, 4, 2), signed=D(2025, 3, 28)
    )
    assert found(reading) == [["effective", "2025-03-28"]]
    assert reading.findings[0].relative == "on signature"


def test_a_signature_date_unknown_is_reported_not_guessed():
    reading = read_dates("This order is effective on the date of signature.", published=D(2025, 4, 2))
    assert reading.findings == []
    assert reading.not_understood == ["This order is effective on the date of signature."]


def test_it_reads_several_compliance_dates():
    text = (
        "This rule is effective March 3, 2025. The compliance date for the reporting requirements is "
        "September 2, 2025. Small entities must comply by March 2, 2026."
    )
    assert found(read_dates(text, published=D(2025, 1, 31))) == [
        ["effective", "2025-03-03"],
        ["compliance_date", "2025-09-02"],
        ["compliance_date", "2026-03-02"],
    ]


def test_sentences_it_cannot_place_are_reported_not_dropped():
    text = "This rule is effective March 3, 2025. The Secretary will decide by June 1, 2025."
    reading = read_dates(text, published=D(2025, 1, 31))
    assert found(reading) == [["effective", "2025-03-03"]]
    assert reading.not_understood == ["The Secretary will decide by June 1, 2025."]


def test_an_impossible_date_is_not_understood():
    reading = read_dates("This rule is effective February 30, 2025.", published=D(2025, 1, 31))
    assert reading.findings == [] and reading.not_understood == ["This rule is effective February 30, 2025."]


def test_a_stay_and_its_end():
    text = "Effective May 1, 2025, 40 CFR 60.5398b is stayed until July 31, 2025."
    reading = read_dates(text, published=D(2025, 5, 1))
    assert [(f.kind, f.date, f.until) for f in reading.findings if f.kind != "effective"] == [
        ("stayed", D(2025, 5, 1), D(2025, 7, 31))
    ] or [(f.kind, f.until) for f in reading.findings] == [("effective", None), ("stayed", D(2025, 7, 31))]


def test_sentences_are_split_but_not_at_abbreviations():
    text = "Effective at 12:01 a.m. Eastern Time on April 5, 2025. See 90 FR 1234. Comments close May 1, 2025."
    assert [s for _, s in split_sentences(text)] == [
        "Effective at 12:01 a.m. Eastern Time on April 5, 2025.",
        "See 90 FR 1234.",
        "Comments close May 1, 2025.",
    ]


def test_fr_document_numbers_are_returned_for_the_joiner():
    reading = read_dates(
        "The interim final rule (FR Doc. 2025-00636) is withdrawn as of March 1, 2025.", published=D(2025, 3, 1)
    )
    assert "2025-00636" in reading.citations
    assert found(reading) == [["withdrawn", "2025-03-01"]]


def test_accuracy_on_the_real_texts_is_reported(capsys):
    right = total = 0
    for case in REAL:
        got = found(read_dates(case["text"], published=D.fromisoformat(case["published"]), default=case.get("default")))
        total += len(case["expect"]) + len([g for g in got if g not in case["expect"]])
        right += len([g for g in got if g in case["expect"]])
    assert right / total >= 0.95


def test_a_date_before_its_verb_is_governed_by_the_verb():
    reading = read_dates(
        "As of January 5, 2025, the proposed rule published October 1, 2024 (89 FR 79000) is withdrawn.",
        published=D(2025, 1, 5),
    )
    assert found(reading) == [["withdrawn", "2025-01-05"]]


def test_effective_immediately_upon_publication_is_one_date():
    reading = read_dates(
        "This rule is effective immediately upon publication in the Federal Register.", published=D(2025, 4, 2)
    )
    assert found(reading) == [["effective", "2025-04-02"]]


def test_an_incorporation_by_reference_approval_dates_nothing_here():
    text = (
        "This rule is effective March 21, 2025. The incorporation by reference of certain material listed in "
        "this rule is approved by the Director of the Federal Register as of March 21, 2025."
    )
    reading = read_dates(text, published=D(2025, 2, 19))
    assert found(reading) == [["effective", "2025-03-21"]] and reading.not_understood == []


def test_labelled_parts_of_a_dates_section():
    text = (
        "Effective date: This interim final rule is effective March 3, 2025. Comment date: Comments must be "
        "received on or before May 2, 2025."
    )
    assert found(read_dates(text, published=D(2025, 3, 3))) == [
        ["effective", "2025-03-03"],
        ["comment_period_closes", "2025-05-02"],
    ]


def test_a_delay_dated_as_of_its_own_date():
    reading = read_dates(
        "As of March 21, 2025, the effective date of the rule amending 40 CFR part 63 published "
        "January 10, 2025 (90 FR 1234), is delayed until May 20, 2025.",
        published=D(2025, 3, 20),
    )
    assert found(reading) == [["effective", "2025-03-21"], ["delayed", "2025-05-20"]]


def test_a_compliance_date_delayed_from_its_original_date():
    reading = read_dates(
        "The compliance date for this rule, originally January 1, 2026, is delayed until January 1, 2027.",
        published=D(2025, 6, 2),
    )
    assert found(reading) == [["delayed", "2027-01-01", "2026-01-01"]]
    assert reading.findings[0].target == "compliance_date"


def test_a_paperwork_deadline_is_not_the_comment_period():
    reading = read_dates(
        "Comments must be received on or before April 7, 2025. Under the Paperwork Reduction Act, "
        "comments on the information collection provisions are best assured of consideration if "
        "OMB receives a copy of your comments on or before March 7, 2025.",
        published=D(2025, 2, 5),
    )
    assert found(reading) == [["comment_period_closes", "2025-04-07"]] and reading.not_understood == []


from hypothesis import given, settings, strategies as st  # noqa: E402

WORDS = st.sampled_from(
    [
        "This rule is",
        "effective",
        "delayed until",
        "withdrawn as of",
        "comments",
        "published",
        "March 10, 2025",
        "February 30, 2025",
        "60 days after publication",
        "upon publication",
        "a.m.",
        "(90 FR 1234)",
        "except § 52.220, which is",
        ";",
        ".",
        ", ",
        "\n",
        "stayed until",
        "[INSERT DATE 30 DAYS AFTER DATE OF PUBLICATION IN THE FEDERAL REGISTER]",
        "through",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=30), st.booleans())
def test_any_text_is_read_without_error_and_every_quote_is_verbatim(parts, signed):
    text = " ".join(parts)
    reading = read_dates(text, published=D(2025, 1, 15), signed=D(2025, 1, 10) if signed else None)
    for finding in reading.findings:
        assert finding.sentence in text
    for sentence in reading.not_understood:
        assert sentence in text


def test_an_old_closing_date_is_a_reference_not_the_new_one():
    # https://www.govinfo.gov/content/pkg/FR-2019-05-14/html/2019-09841.htm
    text = "The period for public comments, which was set to close on June 10, 2019, will be extended to June 25, 2019."
    reading = read_dates(text, published=D(2019, 5, 14))
    assert found(reading) == [["comment_period_closes", "2019-06-25"]]
    assert reading.sentences[0].references == [D(2019, 6, 10)]


def test_a_date_followed_by_its_citation_points_at_another_document():
    # https://www.govinfo.gov/content/pkg/FR-2019-02-14/html/2019-02566.htm
    text = (
        "The comment period for the proposed rule published November 29, 2018 at 83 FR 61462, and extended on "
        "January 28, 2019 at 84 FR 409, is reopened. Comments must be submitted to the Department on February 15, 2019."
    )
    reading = read_dates(text, published=D(2019, 2, 14))
    assert found(reading) == [["comment_period_closes", "2019-02-15"]]
    assert reading.sentences[0].references == [D(2018, 11, 29), D(2019, 1, 28)]


@pytest.mark.parametrize(
    "source,text,published,expired",
    [
        (
            "https://lexbuild.dev/fr/2002/02/02-2545",
            "This temporary deviation is effective from 12:01 a.m., January 20, 2002, until 12:01 a.m., March 11, 2002.",
            D(2002, 2, 1),
            "2002-03-11",
        ),
        (
            "https://webarchive.library.unt.edu/eot2008/20081011225423/http://edocket.access.gpo.gov/2008/E8-21465.htm",
            "Effective 1200 hrs, Alaska local time (A.l.t.), September 11, 2008, through 1200 hrs, A.l.t., "
            "October 1, 2008.",
            D(2008, 9, 15),
            "2008-10-01",
        ),
        (
            "https://thefederalregister.org/80-FR/48692 (2015-20116)",
            "This rule is effective without actual notice from 12:01 a.m. on August 14, 2015 until 11 p.m. on "
            "August 23, 2015.",
            D(2015, 8, 14),
            "2015-08-23",
        ),
        (
            "http://www.gpo.gov/fdsys/pkg/FR-2013-11-04/html/2013-26318.htm",
            "Effective October 30, 2013, through April 30, 2014.",
            D(2013, 11, 4),
            "2014-05-01",
        ),
    ],
)
def test_a_temporary_rule_expires_the_day_it_stops_applying(source, text, published, expired):
    reading = read_dates(text, published=published)
    assert [kind for kind, _ in found(reading)] == ["effective", "expired"]
    assert found(reading)[1] == ["expired", expired]
    assert reading.not_understood == []


def test_paragraph_ranges_are_not_ends():
    # https://regulations.justia.com/regulations/fedreg/2023/12/14/2023-26751.html
    text = (
        "Effective December 14, 2023, 7 CFR 4279.190(a), (c)(1) through (3) and (5), (d)(1) through (3), (h), "
        "(k)(1) through (3), (m) introductory text, and (m)(4) are stayed until February 12, 2024."
    )
    reading = read_dates(text, published=D(2023, 12, 14))
    assert [(f.kind, f.date, f.until) for f in reading.findings] == [("stayed", D(2023, 12, 14), D(2024, 2, 12))]
