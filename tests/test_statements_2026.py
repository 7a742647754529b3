"""The statement engine on the sentences of the 2026 collection (tests/data/statements_2026) it
first missed or misread, one rule each: the sentences are quoted from the collected texts, and each
test states what an editor should be offered (no database)."""

import datetime

import pytest

from policytrack.ingest.dates_in_text import find_dates
from policytrack.ingest.statements import InstrumentRef, match_instrument, propose, split_sentences

DEC_24 = datetime.date(2024, 12, 24)


def offered(text, published_on):
    return [(p.kind, p.date.isoformat() if p.date else None) for p in propose(text, published_on)]


def test_a_court_s_stay_of_an_injunction_lets_the_rule_apply_again():
    # Cleary Gottlieb, 24 December 2024
    text = (
        "The district court rejected that motion, but on December 23, 2024, the United States Court of Appeals "
        "for the Fifth Circuit granted the government’s motion, staying the district court’s injunction and "
        "expediting briefing of the appeal."
    )
    assert offered(text, DEC_24) == [("reinstated", "2024-12-23")]


def test_a_stay_granted_across_a_court_s_abbreviated_name_is_still_read():
    # Thompson Coburn, 24 December 2024: "U.S." inside the injunction's owner, and a footnote mark
    text = (
        "On Monday, December 23, 2024, the U.S. Court of Appeals for the Fifth Circuit, in a case styled Texas "
        "Top Cop Shop, Inc. v. Garland, granted the government’s emergency motion for a stay of the U.S. District "
        "Court for the Eastern District of Texas’s preliminary injunction against implementation of the Corporate "
        "Transparency Act (the “CTA”) and its implementing regulations nationwide.[1] This ruling reinstates the "
        "CTA’s reporting and compliance framework, with compliance obligations now back in effect."
    )
    assert len(split_sentences(text)) == 2
    # the second sentence restates the first's consequence: no undated duplicate
    assert offered(text, DEC_24) == [("reinstated", "2024-12-23")]


def test_an_injunction_reinstated_blocks_the_rule_again():
    # Seyfarth Shaw, 27 December 2024; American Bar Association, December 2024
    seyfarth = (
        "However, on December 26, 2024, the Fifth Circuit Court of Appeals issued a new order vacating a stay, "
        "effectively reinstating the nationwide preliminary injunction."
    )
    assert offered(seyfarth, datetime.date(2024, 12, 27)) == [("stayed", "2024-12-26")]
    aba = (
        "Millions of small businesses—and their lawyers—were again relieved of the fast-approaching January "
        "deadline to submit the companies’ beneficial ownership information to the Treasury Department’s Financial "
        "Crimes Enforcement Network (FinCEN) under the Corporate Transparency Act (CTA) when the Fifth Circuit issued "
        "a new order on December 26 reinstating an earlier nationwide injunction that had suspended those "
        "requirements indefinitely before a Fifth Circuit panel briefly lifted the injunction on December 23."
    )
    # not "issued" (an order is no rule), not "suspended" (the injunction's past, in a relative clause)
    assert offered(aba, datetime.date(2024, 12, 30)) == [("stayed", "2024-12-26"), ("reinstated", "2024-12-23")]


def test_an_injunction_with_any_adjectives_is_a_court_s_stay_not_a_rule_issued():
    text = (
        "On December 3, the U.S. District Court for the Eastern District of Texas issued a sweeping nationwide "
        "preliminary injunction in Texas Top Cop Shop v. Garland et al., No. 4:24-cv-478 (E.D. Tex. Dec 3, 2024) "
        "that temporarily blocked the enforcement of the CTA and its implementing regulations."
    )
    assert len(split_sentences(text)) == 1  # "E.D. Tex." ends no sentence
    assert offered(text, datetime.date(2024, 12, 30)) == [("stayed", "2024-12-03")]


def test_defer_is_a_delay_verb():
    # Covington & Burling, 12 May 2025
    (proposal,) = propose(
        "On May 9, 2025, the FTC announced that it is deferring the compliance deadline for the Negative Option "
        "Rule by 60 days to July 14.",
        datetime.date(2025, 5, 12),
    )
    assert (proposal.kind, proposal.date, proposal.target, proposal.new_date) == (
        "delayed",
        datetime.date(2025, 5, 9),
        "compliance_date",
        datetime.date(2025, 7, 14),
    )


@pytest.mark.parametrize(
    ("text", "published_on", "expected"),
    [
        # Butler Snow, March 2025
        (
            "The Treasury Department announced on March 2nd that it does not intend to enforce any penalties or "
            "fines against either U.S. citizens or domestic reporting companies and their beneficial owners under "
            "the Corporate Transparency Act (“CTA”).",
            datetime.date(2025, 3, 4),
            [("enforcement_suspended", "2025-03-02")],
        ),
        # TAG Alliances, February 2025
        (
            'On February 27, 2025, FinCEN announced that it will not issue "any fines or take any other enforcement '
            "actions against any companies based on a failure to file or update beneficial ownership information "
            '(BOI) reports pursuant to the Corporate Transparency Act by the current deadlines" -- which, for most '
            "reporting companies, is March 21, 2025.",
            datetime.date(2025, 2, 28),
            [("enforcement_suspended", "2025-02-27")],
        ),
        # McGuireWoods, February 2025
        (
            "The Financial Crimes Enforcement Network (FinCEN) published new guidance on Feb. 27, 2025, putting its "
            "plan to begin enforcing the Corporate Transparency Act (CTA) on hold.",
            datetime.date(2025, 2, 28),
            [("enforcement_suspended", "2025-02-27")],
        ),
    ],
)
def test_a_pause_of_enforcement_in_other_words(text, published_on, expected):
    assert offered(text, published_on) == expected


def test_a_relative_weekday_resolves_and_an_indefinite_one_names_no_day():
    # The States Pulse, 3 March 2025: "on Sunday"
    (proposal,) = propose(
        "The U.S. Treasury Department announced on Sunday that it will not enforce penalties under the Corporate "
        "Transparency Act (CTA) against U.S. citizens or domestic businesses.",
        datetime.date(2025, 3, 3),
    )
    assert (proposal.date, proposal.resolved_from) == (datetime.date(2025, 3, 2), "Sunday")
    # Cobalt LLP: "on a late Friday afternoon" is a habit, not the Friday before publication
    assert find_dates("drop a press release on a late Friday afternoon", datetime.date(2025, 5, 12)) == []


def test_a_vote_to_extend_is_an_act_and_must_be_in_compliance_by_is_a_compliance_date():
    # Mondaq, 15 May 2025
    text = (
        "On Friday, the Federal Trade Commission voted to extend the deadline for compliance with the updated "
        "Negative Option Rule for 60 days. That means companies must be in full compliance by July 14, 2025."
    )
    assert offered(text, datetime.date(2025, 5, 15)) == [("delayed", "2025-05-09"), ("compliance_date", "2025-07-14")]


def test_a_date_naming_a_thing_is_not_the_date_of_the_act():
    # Checkwriters, 27 November 2024
    text = (
        "Both the July 1, 2024, interim increase (which made approximately one million employees newly eligible "
        "for overtime pay according to Court documents) as well as the January 1, 2025, full increase were "
        "overturned."
    )
    assert offered(text, datetime.date(2024, 11, 27)) == [("vacated", None)]


def test_the_writer_s_own_earlier_notes_do_not_date_the_event():
    # Cleary Gottlieb, 24 December 2024
    text = (
        "In our prior notes of December 4, 9, and 13, 2024, we reported that (1) a district court in Texas issued a "
        "nationwide injunction halting implementation of the Corporate Transparency Act (CTA), (2) the Financial "
        "Crimes Enforcement Network (FinCEN) acknowledged that companies need not file CTA mandated disclosures while "
        "that injunction remained in effect."
    )
    assert offered(text, DEC_24) == [("stayed", None)]


def test_an_opening_date_is_the_main_clause_s_not_a_relative_or_contrasted_clause_s():
    # Winstead, 10 July 2025
    winstead = (
        "On July 8, 2025, the U.S. Court of Appeals for the Eighth Circuit vacated the Federal Trade Commission’s "
        "(“FTC”) Click to Cancel Rule (the “Rule”), which was previously scheduled to take effect on May 14, 2025, "
        "and later postponed to July 14, 2025."
    )
    assert offered(winstead, datetime.date(2025, 7, 10)) == [
        ("vacated", "2025-07-08"),
        ("effective", "2025-05-14"),
        ("delayed", None),
    ]
    # Privacy Daily, 12 May 2025
    privacy_daily = (
        "The rule took effect Jan. 19, but the commission deferred enforcement on some provisions until May 14."
    )
    (effective, delay) = propose(privacy_daily, datetime.date(2025, 5, 12))
    assert (effective.kind, effective.date) == ("effective", datetime.date(2025, 1, 19))
    assert (delay.kind, delay.date, delay.new_date) == ("delayed", None, datetime.date(2025, 5, 14))


def test_a_hard_wrapped_federal_register_paragraph_is_read_as_one_sentence():
    # 90 FR 9010 (EPA, 5 February 2025), as the Government Publishing Office wraps it
    text = (
        "DATES: As of February 5, 2025, the effective dates of the rules\n"
        "published at 89 FR 99727 (December 11, 2024), and 90 FR 573 (January 6,\n"
        "2025), are delayed to March 21, 2025.\n"
        "FOR FURTHER INFORMATION CONTACT: William Nickerson\n"
    )
    proposals = propose(text, datetime.date(2025, 2, 5))
    assert [(p.kind, p.date.isoformat(), p.new_date) for p in proposals] == [
        ("published", "2024-12-11", None),
        ("published", "2025-01-06", None),  # "90 FR 573 (January 6,\n2025)": a citation dates a publication
        ("delayed", "2025-02-05", datetime.date(2025, 3, 21)),
    ]
    assert all("\n" in p.quote and p.quote in text for p in proposals)


def test_a_label_and_an_undated_headline_are_not_proposed():
    assert propose("ACTION: Final rule; delay of effective dates.", datetime.date(2025, 2, 5)) == []
    text = '8th Circuit Vacates FTC\'s "Click to Cancel Rule"\n\n07.10.25\n'
    assert propose(text, datetime.date(2025, 7, 10)) == []


@pytest.mark.parametrize(
    "text",
    [
        # consequences of an event told just before
        "As a result, the reporting requirements of the CTA – that is, requirements to report BOI – are once again "
        "enjoined nationwide, and enforcement remains suspended pending further proceedings.",
        "In essence, FinCEN's latest announcement places CTA enforcement back on hold indefinitely (at least until "
        'the "interim final rule" is issued).',
        # an opening While clause sets the scene
        "While the Treasury’s latest decision pauses enforcement, the debate over the law’s effectiveness and its "
        "impact on businesses is far from over.",
        # an intention without a date (EPA, 29 September 2025)
        "In the first action, EPA will provide steam electric power generation with more time to comply with "
        "existing effluent limitations guidelines (ELGs) in order to affordably meet the nation's growing electricity "
        "demand, including for data centers and manufacturing.",
    ],
)
def test_restatements_scene_setting_and_undated_intentions_are_not_proposed(text):
    assert propose(text, datetime.date(2025, 3, 3)) == []


def test_a_refused_stay_leaves_the_effective_date_it_names():
    # JD Supra, July 2025
    text = (
        "Although the Eighth Circuit refused to stay the rule’s effective date of January 15, 2025, the FTC itself "
        "announced that it would delay enforcement of the rule until July 14, 2025, while the case played out."
    )
    proposals = propose(text, datetime.date(2025, 7, 10))
    assert [(p.kind, p.date) for p in proposals] == [
        ("effective", datetime.date(2025, 1, 15)),
        ("delayed", None),
    ]
    assert proposals[1].new_date == datetime.date(2025, 7, 14)


# fresh5, after its first run


def test_this_monday_ahead_is_the_coming_monday():
    # Constangy, Friday 23 February 2024
    text = (
        "In an order issued yesterday, Judge J. Campbell Barker of the U.S. District Court for the Eastern District "
        "of Texas, issued a two-week stay (through March 11) of the National Labor Relations Board’s new joint "
        "employer regulations, which were scheduled to take effect this Monday."
    )
    assert offered(text, datetime.date(2024, 2, 23)) == [("stayed", "2024-02-22"), ("effective", "2024-02-26")]


def test_extending_the_date_to_a_day_is_a_delay():
    (proposal,) = propose("But the NLRB extended the date to this Monday, February 26.", datetime.date(2024, 2, 23))
    assert (proposal.kind, proposal.date, proposal.new_date) == ("delayed", None, datetime.date(2024, 2, 26))


def test_a_rule_adopted_by_an_agency_on_a_date_was_issued_then():
    # Katten, June 2024
    text = (
        "On June 5, the Fifth Circuit Court of Appeals (Court) vacated the entire set of private fund adviser rules "
        "adopted by the Securities and Exchange Commission (SEC) on August 23, 2023."
    )
    assert offered(text, datetime.date(2024, 6, 6)) == [("vacated", "2024-06-05"), ("issued", "2023-08-23")]


def test_the_end_of_a_stay_is_not_its_date():
    # NLRB news release, March 2024
    text = "Judge Barker had previously stayed the joint-employer rule until March 11, 2024."
    assert offered(text, datetime.date(2024, 3, 11)) == [("stayed", None)]


def test_what_would_have_happened_stays_hypothetical_across_and():
    # McKnight's Senior Living, 11 March 2024
    text = (
        "The rule would have changed the standard used to determine joint-employer status and rescinded a 2020 "
        "version of the rule, promulgated under the previous board, that some viewed as being more favorable to "
        "employers."
    )
    assert propose(text, datetime.date(2024, 3, 11)) == []


def test_a_quoted_alert_s_yesterday_is_not_this_text_s():
    # TheCorporateCounsel.net, 7 June 2024, quoting a Goodwin alert of another day
    text = (
        "This Goodwin alert notes:\n"
        "Yesterday, a three-judge panel of the U.S. Court of Appeals for the Fifth Circuit vacated the “Private "
        "Funds Rules,” which the Securities and Exchange Commission (the “SEC”) adopted on August 23, 2023.\n"
    )
    assert offered(text, datetime.date(2024, 6, 7)) == [("vacated", None), ("issued", "2023-08-23")]
    # the same words as the text's own: yesterday is the day before publication
    assert offered(text.split("\n", 1)[1], datetime.date(2024, 6, 7))[0] == ("vacated", "2024-06-06")


def test_a_bare_weekday_names_the_date_the_text_gave_that_weekday():
    # JD Supra's week in review: the heading dates the Friday the paragraph then calls "Friday"
    text = (
        "Friday, March 8, 2024: U.S. Trial Court Judge Struck Down NLRB Joint Employer Rule\n"
        "Late on Friday, U.S. District Judge J. Campbell Barker of the Eastern District of Texas (in Tyler) struck "
        "down the U.S. National Labor Relations Board’s (“NLRB”) finalized joint employer Rule.\n"
    )
    (heading, body) = propose(text, datetime.date(2024, 3, 15))
    assert (body.kind, body.date, body.resolved_from) == ("vacated", datetime.date(2024, 3, 8), "Friday")


# Which instrument a sentence concerns, as the collected texts name them

NEGATIVE_OPTION = InstrumentRef(
    "ftc-negative-option-rule",
    ("Rule Concerning Subscriptions and Other Negative Option Plans", "Negative Option Rule", "Click to Cancel Rule"),
    ("16 CFR part 425", "89 FR 90476"),
)
OVERTIME = InstrumentRef(
    "dol-overtime-rule-2024",
    (
        "Defining and Delimiting the Exemptions for Executive, Administrative, Professional, Outside Sales, and Computer Employees",
    ),
    ("1235-AA39", "89 FR 32842", "2024-08038"),
)


@pytest.mark.parametrize(
    ("sentence", "slug"),
    [
        # an alias with hyphens where the record has spaces (JD Supra, July 2025)
        (
            "On July 8, 2025, the United States Court of Appeals for the Eighth Circuit vacated the Federal Trade "
            "Commission’s (“FTC”) Click-to-Cancel Rule, resolving the challenges to the rule filed on the heels of its "
            "adoption in October 2024.",
            "ftc-negative-option-rule",
        ),
        # an alias in quotation marks (Henson Legal, July 2025)
        (
            'The Eighth Circuit vacated the Federal Trade Commission\'s "Click to Cancel" rule today.',
            "ftc-negative-option-rule",
        ),
        # a citation written "Fed. Reg." (Roetzel & Andress, November 2024)
        (
            "The Court VACATES and SETS ASIDE, in its entirety, the Department of Labor’s Final Rule “Defining and "
            "Delimiting the Exemptions for Executive, Administrative, Professional, Outside Sales, and Computer "
            "Employees, 89 Fed. Reg. 32842 (Apr. 26, 2024) (codified at 29 C.F.R. §§ 541.0–541.710).",
            "dol-overtime-rule-2024",
        ),
        # the full title (U.S. Small Business Administration, Office of Advocacy, December 2024)
        (
            "On November 15, 2024, the United States District Court of the Eastern District of Texas struck down the "
            "Department of Labor Wage and Hour Division’s (DOL) final rule, Defining and Delimiting the Exemptions for "
            "Executive, Administrative, Professional, Outside Sales, and Computer Employees.",
            "dol-overtime-rule-2024",
        ),
    ],
)
def test_the_instrument_is_found_by_alias_title_or_citation_as_texts_write_them(sentence, slug):
    assert match_instrument(sentence, "", [NEGATIVE_OPTION, OVERTIME]) == slug


def test_a_citation_written_fed_reg_is_the_fr_citation():
    # Roetzel & Andress, November 2024; the instrument known by its citation only
    sentence = (
        "The Court VACATES and SETS ASIDE, in its entirety, the Department of Labor’s Final Rule “Defining and "
        "Delimiting the Exemptions for Executive, Administrative, Professional, Outside Sales, and Computer "
        "Employees, 89 Fed. Reg. 32842 (Apr. 26, 2024) (codified at 29 C.F.R. §§ 541.0–541.710)."
    )
    by_citation = InstrumentRef("dol-overtime-rule-2024", (), ("89 FR 32842",))
    assert match_instrument(sentence, "", [NEGATIVE_OPTION, by_citation]) == "dol-overtime-rule-2024"
    assert match_instrument("See 90 FR 4,544.", "", [InstrumentRef("ai", (), ("90 FR 4544",))]) == "ai"


def test_a_rin_with_an_en_dash_is_the_rin():
    assert match_instrument("RIN 1235–AA39 is withdrawn.", "", [NEGATIVE_OPTION, OVERTIME]) == "dol-overtime-rule-2024"


# fresh6, after its first run


def test_a_district_court_granting_a_motion_for_a_stay_stays_the_rule():
    # American Bar Association, Health Law Section, August 2024
    text = (
        "On July 3, 2024, the Southern District of Mississippi issued an order granting 15 states’ (Tennessee, "
        "Mississippi, Alabama, Georgia, Indiana, Kansas, Kentucky, Louisiana, Nebraska, Ohio, Oklahoma, South Carolina, "
        "South Dakota, Virginia, and West Virginia) motion for a stay and preliminary injunctive relief against HHS’s "
        "May 6, 2024 final rule on Nondiscrimination in Health Programs and Activities (May 2024 Rule), 89 Fed. Reg. "
        "37,522 (May 6, 2024)."
    )
    # the citation's date is the rule's publication
    assert offered(text, datetime.date(2024, 8, 1)) == [("stayed", "2024-07-03"), ("published", "2024-05-06")]
    assert offered(
        "The Eastern District of Texas and Middle District of Florida issued similar orders on the same day.",
        datetime.date(2024, 8, 1),
    ) == [("stayed", None)]


def test_a_stay_of_the_lawsuit_and_its_briefing_deadlines_are_not_the_rule_s():
    # Orrick InfoBytes, 27 February 2025
    published_on = datetime.date(2025, 2, 27)
    assert (
        propose(
            "On February 25, the U.S. District Court for the Eastern District of Kentucky granted a 30-day stay in the "
            "case concerning the CFPB’s final rule on open banking, implementing Section 1033, following a joint motion "
            "by the plaintiffs and the CFPB.",
            published_on,
        )
        == []
    )
    assert (
        propose(
            "The revised briefing schedule extended deadlines for summary judgment motions and related filings:",
            published_on,
        )
        == []
    )
    # but a court agreeing to extend the rule's deadlines is a delay, and the original deadline a date
    text = (
        "The court also agreed to extend the rule’s compliance deadlines for 30 days from when they were set to apply "
        "(the earliest deadline was originally April 1, 2026)."
    )
    assert sorted(offered(text, published_on), key=str) == [("compliance_date", "2026-04-01"), ("delayed", None)]


def test_an_injunction_delaying_dates_is_one_court_stay():
    # Ballard Spahr, November 2025
    text = 'A federal judge has issued an injunction delaying the compliance dates of the CFPB\'s open banking rule ("Rule").'
    assert offered(text, datetime.date(2025, 11, 11)) == [("stayed", None)]
    # a deadline that "would have been" is no deadline
    text = (
        "The first compliance deadline for the Rule would have been June 30, 2026, and banking plaintiffs said they "
        "would have to incur significant costs in meeting the compliance deadlines for a Rule that will never go into "
        "effect."
    )
    assert propose(text, datetime.date(2025, 11, 11)) == []


def test_the_path_toward_implementation_is_no_compliance_date():
    # PYMNTS, October 2025
    text = (
        "Open banking’s path toward implementation took another turn on Wednesday (Oct. 29) when the U.S. District "
        "Court for the Eastern District of Kentucky enjoined the Consumer Financial Protection Bureau from enforcing its "
        "Personal Financial Data Rights Rule — the regulation built on Section 1033 of the Dodd-Frank Act — until the "
        "Bureau completes its ongoing reconsideration."
    )
    assert offered(text, datetime.date(2025, 10, 30)) == [("stayed", "2025-10-29")]


def test_a_present_tense_schedule_looks_ahead():
    # Law Dork, Wednesday 3 July 2024
    text = "Some aspects of the rule enforcing Section 1557 of the Affordable Care Act go into effect on Friday."
    assert offered(text, datetime.date(2024, 7, 3)) == [("effective", "2024-07-05")]


def test_a_court_pausing_compliance_deadlines_stays_them_and_now_the_injunction_restates_it():
    # Credit and Collection News, 2 November 2025
    published_on = datetime.date(2025, 11, 2)
    text = (
        "The US District Court for the Eastern District of Kentucky paused compliance deadlines for the Personal "
        "Financial Data Rights Rule after a lawsuit brought by local lender Forcht Bank, the Kentucky Bankers "
        "Association and the Bank Policy Institute."
    )
    assert offered(text, published_on) == [("stayed", None)]
    text = "Now, the preliminary injunction prevents enforcement until the CFPB “has completed its reconsideration of the rule”."
    assert propose(text, published_on) == []


# fresh7, after its first run


def test_a_long_passive_move_of_a_compliance_date_is_a_delay_and_says_each_old_date():
    # Investment Company Institute, 26 February 2025
    text = (
        "Specifically, the compliance date for the requirement to clear eligible cash market transactions was extended "
        "from December 31, 2025, to December 31, 2026, and the compliance date to clear eligible Treasury repo and "
        "reverse repo transactions was extended from June 30, 2026, to June 30, 2027.[3]"
    )
    assert offered(text, datetime.date(2025, 2, 26)) == [
        ("delayed", None),
        ("compliance_date", "2025-12-31"),
        ("compliance_date", "2026-06-30"),
    ]


def test_dates_moved_or_shifted_are_delays():
    # Orrick InfoBytes, 28 February 2025; Environmental Protection, 15 May 2025
    text = (
        "The compliance dates for cash market transactions moved from Dec. 31, 2025, to Dec. 31, 2026, and for "
        "eligible repo transactions from June 30, 2026, to June 30, 2027."
    )
    assert offered(text, datetime.date(2025, 2, 28))[:2] == [("delayed", None), ("compliance_date", "2025-12-31")]
    text = (
        "Current PFAS water limits remain in effect as the compliance deadline shifts to 2031 to support utilities "
        "with implementation."
    )
    assert offered(text, datetime.date(2025, 5, 15)) == [("delayed", None)]


def test_an_announced_extension_and_a_requirement_not_enforced_until_a_date():
    # Orrick InfoBytes; Investment Company Institute
    text = (
        "On February 25, the SEC released updates regarding a compliance date extension and a temporary exemption, "
        "both for U.S. Treasury securities clearing agencies."
    )
    assert offered(text, datetime.date(2025, 2, 28)) == [("delayed", "2025-02-25")]
    text = "Under the exemption, CCAs will not be required to enforce such policies and procedures until September 30, 2025."
    assert offered(text, datetime.date(2025, 2, 26)) == [("compliance_date", "2025-09-30")]
    # a permission to others not to enforce is no pause of the agency's enforcement
    text = (
        "The temporary relief does not affect the requirement for clearing agencies to establish and maintain such "
        "policies but allows covered clearing agencies not to enforce such policies on participants that are not "
        "ready to comply."
    )
    assert propose(text, datetime.date(2025, 2, 28)) == []


def test_what_a_proposed_rule_would_do_is_not_done_and_a_cancelled_meeting_s_notice_is_no_rule():
    # American Association of Airport Executives, 18 May 2026
    text = (
        "Today, the U.S. Environmental Protection Agency (EPA) released a proposed rule that would extend the deadline "
        "for water utility providers to comply with Biden-era national drinking water standards for two PFAS chemicals, "
        "PFOA and PFOS."
    )
    assert offered(text, datetime.date(2026, 5, 18)) == [("proposed", "2026-05-18")]
    text = (
        "In a separate action today, EPA released a second proposed rule that would rescind the regulatory "
        "determinations and national drinking water standards associated with four other PFAS chemicals."
    )
    assert offered(text, datetime.date(2026, 5, 18)) == [("proposed", "2026-05-18")]
    # Mayer Brown's Free Writings, February 2025
    text = (
        "The SEC issued a cancellation notice for its originally scheduled February 26, 2025, meeting where the "
        "compliance dates were the sole item on the agenda."
    )
    assert propose(text, datetime.date(2025, 2, 26)) == []


def test_a_final_rule_announced_and_a_year_to_comply_by():
    # NCC Washington Report, 16 May 2025
    text = (
        "On April 10, 2024, EPA announced the final National Primary Drinking Water Regulation, including standards for "
        "PFOA and PFOS. At that time, EPA established legally enforceable levels for these PFAS in drinking water and "
        "gave public water systems until 2029 to comply with the Maximum Contaminant Levels (MCLs)."
    )
    proposals = propose(text, datetime.date(2025, 5, 16))
    assert [(p.kind, p.date.isoformat(), p.precision) for p in proposals] == [
        ("issued", "2024-04-10", "day"),
        ("compliance_date", "2029-01-01", "year"),
    ]


def test_a_delay_s_new_date_is_not_also_a_compliance_date_of_its_own():
    # PLANSPONSOR, 4 March 2005 (first collection): "until July 15, 2006" is where the delay moved the deadline
    text = (
        "The US Securities and Exchange Commission (SEC) extended the deadline for those companies until July 15, 2006 "
        "to comply with the Sarbanes-Oxley provision requiring the public disclosure, according to a  SEC Web "
        "statement ."
    )
    proposals = propose(text, datetime.date(2005, 3, 4))
    assert [(p.kind, p.new_date) for p in proposals] == [("delayed", datetime.date(2006, 7, 15))]


# fresh8, after its first run


def test_the_supreme_court_putting_a_rule_on_hold_by_a_vote_stays_it():
    # NTD, 28 June 2024
    published_on = datetime.date(2024, 6, 28)
    text = (
        "The Supreme Court voted 5–4 on June 27 to temporarily put on hold the U.S. Environmental Protection Agency’s "
        "(EPA) “good neighbor” rule that cracks down on states whose industries are said to be contributing to smog."
    )
    assert offered(text, published_on) == [("stayed", "2024-06-27")]
    text = (
        "The nation’s highest court stayed the plan, pending review by the U.S. Court of Appeals for the District of "
        "Columbia Circuit."
    )
    assert offered(text, published_on) == [("stayed", None)]
    assert offered("Courts have blocked it in 12 states.", published_on) == [("stayed", None)]


def test_a_court_granting_a_request_to_stay_or_to_halt_enforcement_stays_the_rule():
    # Harvard Law School EELP, 2024; Rational Review (Reuters), 27 June 2024
    text = (
        "On June 27, 2024, the Supreme Court granted states and industry applicants’ request to stay EPA’s “Good "
        "Neighbor Plan” (Rule) in Ohio v. EPA while the case proceeds in the D.C. Circuit.[1]"
    )
    assert offered(text, datetime.date(2024, 7, 1)) == [("stayed", "2024-06-27")]
    text = (
        "The 5-4 decision granted requests by Ohio, Indiana and West Virginia, as well as U.S. Steel Corp, pipeline "
        "operator Kinder Morgan and industry groups, to halt enforcement of the EPA’s ‘Good Neighbor’ plan restricting "
        "ozone pollution from upwind states, while they contest the rule’s legality in a lower court."
    )
    assert offered(text, datetime.date(2024, 6, 27)) == [("stayed", None)]


def test_a_plan_named_as_a_noun_is_no_intention_and_a_date_inside_the_words_dates_the_act():
    # NPR, 27 June 2024, whose stored headline runs into its first sentence
    text = (
        "U.S. Supreme Court blocks the EPA’s plan to combat interstate air pollution The U.S. Supreme Court on Thursday "
        'temporarily blocked the Environmental Protection Agency’s “Good Neighbor Plan", which was designed to protect '
        "downwind states from air pollution."
    )
    assert offered(text, datetime.date(2024, 6, 27)) == [("stayed", "2024-06-27")]


def test_a_judge_scrapping_a_regulation_vacates_it_and_a_court_choosing_to_vacate_does():
    # Newser (AP), 9 January 2025; Cullen and Dykman, January 2025
    text = (
        "In a decision issued Thursday, US District Judge Danny C. Reeves scrapped the entire 1,500-page regulation after "
        'deciding it was "fatally" tainted by legal shortcomings.'
    )
    assert offered(text, datetime.date(2025, 1, 9)) == [("vacated", "2025-01-09")]
    text = (
        "Although the Court acknowledged that it had discretion to implement a different remedy, it chose to vacate the "
        "2024 Title IX regulations, thereby blocking the rule from being implemented for any entity to whom the rule "
        "would apply."
    )
    assert offered(text, datetime.date(2025, 1, 13)) == [("vacated", None)]
    # a quoted "Because the Biden rule is vacated altogether, …" restates the ruling
    text = (
        '"Because the Biden rule is vacated altogether, President Trump will be free to take a fresh look at our Title IX '
        'regulations when he returns to office," Skrmetti said in a statement.'
    )
    assert propose(text, datetime.date(2025, 1, 9)) == []


def test_the_intake_s_narrowing_keeps_every_instrument_the_matcher_would_find():
    # review.services.mentioned_refs narrows the instruments with ``mentioned`` before matching: it
    # must keep those the matcher finds by hyphenated alias or "Fed. Reg." citation.
    from policytrack.ingest.statement_match import _normal, mentioned

    haystack = _normal(
        "the Federal Trade Commission’s (“FTC”) Click-to-Cancel Rule, and 89 Fed. Reg. 32842 (Apr. 26, 2024)"
    )
    assert mentioned(NEGATIVE_OPTION.names, (), haystack)
    assert mentioned((), ("89 FR 32842",), haystack)
    assert not mentioned(("Title IX Rule",), ("1235-AA39",), haystack)


# fresh9, after its first run


def test_an_order_that_halts_the_effective_date_and_a_court_s_own_stay_are_stays_not_rules_issued():
    # A&O Shearman, July 2024
    published_on = datetime.date(2024, 7, 30)
    text = (
        "On July 25, 2024, the U.S. District Court for the Eastern District of Texas (the “Eastern District of Texas "
        "Court”) issued an opinion and order that halts the effective date of the fiduciary rule issued by the U.S. "
        "Department of Labor (“DOL”) on April 25, 2024 (the “2024 Fiduciary Rule”) and the related amendment to "
        "Prohibited Transaction Exemption (“PTE”) 84-24."
    )
    assert offered(text, published_on) == [("stayed", "2024-07-25"), ("issued", "2024-04-25")]
    text = (
        "The next day, on July 26, 2024, the U.S. District Court for the Northern District of Texas (the “Northern "
        "District of Texas Court”) issued its own stay of the 2024 Fiduciary Rule, along with the remainder of the "
        "exemptions issued by the DOL in connection with the release of the 2024 Fiduciary Rule."
    )
    assert offered(text, published_on) == [("stayed", "2024-07-26")]
    # a consequence keeps its dates to itself
    text = (
        "This means that the 2024 Fiduciary Rule will not take effect in September as originally scheduled, and "
        "retirement advisers will get a temporary reprieve from having to comply with the 2024 Fiduciary Rule, unless "
        "the DOL appeals and succeeds in getting these two court decisions overturned."
    )
    assert propose(text, published_on) == []


def test_a_court_citation_in_parentheses_dates_the_vacatur_it_reports():
    # Morgan Lewis, April 2025: the sentence holds the citation, whose parentheses hold abbreviations
    text = (
        "In one case, the US District Court for the Northern District of Texas vacated the staffing requirements of the "
        "Final Rule, and there looms a possibility of appeal (Am. Health Care Ass'n, v. Kennedy, No. 2:24-CV-114-Z-BR, "
        "2025 WL 1032692 (N.D. Tex. Apr. 7, 2025))."
    )
    assert len(split_sentences(text)) == 1
    assert offered(text, datetime.date(2025, 4, 15)) == [("vacated", "2025-04-07")]


def test_a_rule_published_released_or_proposed_on_a_date():
    # Morgan Lewis, ElderLawAnswers, A&O Shearman
    text = (
        "On May 10, 2024, the Centers for Medicare and Medicaid Services (CMS) published its Final Rule to implement "
        "minimum staffing standards for long-term care (LTC) facilities in the United States."
    )
    assert offered(text, datetime.date(2025, 4, 15)) == [("published", "2024-05-10")]
    text = (
        "In May 2024, CMS released a final rule requiring nursing facilities to have a registered nurse onsite 24 hours "
        "a day, seven days a week, to provide direct resident care (the 24/7 requirement)."
    )
    assert offered(text, datetime.date(2025, 4, 15)) == [("issued", "2024-05-01")]
    assert ("proposed", "2016-01-01") in offered(
        "It vacated a similar rule proposed by President Barack Obama in 2016 (the “2016 Fiduciary Rule”).",
        datetime.date(2024, 7, 30),
    )


def test_decisions_that_stalled_a_rule_and_a_judge_who_stayed_it_across_an_agency_s_dotted_name():
    # Locke Lord, 7 August 2024; PLANADVISER, July 2024
    text = (
        "Two Texas federal court decisions have stalled the U.S. Department of Labor’s (“DOL”) “investment advice "
        "fiduciary rule” under Section 3(21) of the Employee Income Security Act of 1974, as amended (the “Fiduciary "
        "Rule”) from its September 23, 2024 effective date (see our previous alert)."
    )
    assert ("stayed", None) in offered(text, datetime.date(2024, 8, 7))
    text = (
        "A federal judge in Texas has stayed the U.S. Department of Labor’s Retirement Security Rule ahead of its "
        "September 23 effective date."
    )
    assert offered(text, datetime.date(2024, 7, 26)) == [("stayed", None), ("effective", "2024-09-23")]


def test_jr_ends_a_sentence_when_the_next_word_opens_one():
    # Arnall Golden Gregory, April 2025
    text = (
        "On April 7, 2025, the United States District Court for the Northern District of Texas ruled in favor of the "
        "American Health Care Association (“AHCA”) in its lawsuit against Health and Human Services (“HHS”) Secretary "
        "Robert F. Kennedy Jr. The court struck down a Centers for Medicare & Medicaid Services (“CMS”) rule that "
        "mandated minimum staffing levels in nursing homes, deeming it inconsistent with statutes passed by Congress."
    )
    assert len(split_sentences(text)) == 2
    assert offered(text, datetime.date(2025, 4, 10)) == [("vacated", None)]
