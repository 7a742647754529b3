"""Unit tests of the status engine, rule by rule (DESIGN "Rules the engine follows").

Plain Python: nothing here touches Django or a database.
"""

from datetime import date

import pytest

from policytrack.timeline.engine import (
    DOCUMENT_KIND_RANKS,
    Claim,
    Dated,
    Dispute,
    Event,
    Period,
    best_claim,
    periods,
    rank_for,
    status,
    timeline,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def claim(on: str, published: str, rank: int = 1, precision: str = "day", doc: str = "doc") -> Claim:
    return Claim(document=doc, date=d(on), published_on=d(published), rank=rank, precision=precision)


def ev(key: str, kind: str, on: str, *claims: Claim, **extra) -> Event:
    return Event(key=key, kind=kind, date=d(on), claims=tuple(claims), **extra)


def delay(key: str, target: str, on: str, new: str, *claims: Claim) -> Event:
    return ev(key, "delayed", on, *claims, target=target, new_date=d(new))


def kinds(dated) -> list[str]:
    return [x.kind for x in dated]


# --- the worked example: the AI Diffusion Rule --------------------------------------

FR = dict(doc="fr-2025-00636", rank=1, published="2025-01-15")
BIS = dict(doc="bis-release", rank=2, published="2025-01-13")
COMMERCE = dict(doc="commerce-release", rank=2, published="2025-05-13")
SEED_COPY = dict(doc="seed-release-copy", rank=2, published="2025-05-12")
BLOG = dict(doc="blog", rank=7, published="2025-05-13")
NEWS_JUNE = dict(doc="news-june", rank=6, published="2025-06-12")
NEWS_MAY_8 = dict(doc="news-may-8", rank=6, published="2025-05-08")
NEWS_MAY_7 = dict(doc="news-may-7", rank=6, published="2025-05-07")

AI_DIFFUSION_RULE = [
    ev("issued", "issued", "2025-01-13", claim("2025-01-13", **BIS)),
    ev("effective", "effective", "2025-01-13", claim("2025-01-13", **FR)),
    ev("published", "published", "2025-01-15", claim("2025-01-15", **FR)),
    ev("comments", "comment_period_closes", "2025-05-15", claim("2025-05-15", **FR)),
    ev("compliance", "compliance_date", "2025-05-15", claim("2025-05-15", **FR)),
    ev("compliance-748", "compliance_date", "2026-01-15", claim("2026-01-15", **FR)),
    ev("planned", "rescission_planned", "2025-05-07", claim("2025-05-07", **NEWS_MAY_7)),
    ev(
        "rescission",
        "rescission_announced",
        "2025-05-13",
        claim("2025-05-13", **COMMERCE),
        claim("2025-05-12", **SEED_COPY),
        claim("2025-05-13", **BLOG),
        claim("2025-06-11", **NEWS_JUNE),
        claim("2025-05-08", **NEWS_MAY_8),
    ),
    ev(
        "not-enforced",
        "enforcement_suspended",
        "2025-05-13",
        claim("2025-05-13", **COMMERCE),
        claim("2025-05-12", **SEED_COPY),
        claim("2025-05-13", **BLOG),
        claim("2025-06-01", precision="month", **NEWS_JUNE),
    ),
]


def test_the_ai_diffusion_rule_was_not_yet_issued_in_december_2024():
    assert status(AI_DIFFUSION_RULE, d("2024-12-01")).phase == "not_yet_issued"


def test_the_ai_diffusion_rule_was_in_force_without_obligations_in_february_2025():
    result = status(AI_DIFFUSION_RULE, d("2025-02-01"))
    assert (result.phase, result.in_force, result.enforced) == ("in_force", True, True)
    assert result.obligations_apply is False
    assert result.upcoming == Dated("compliance_date", d("2025-05-15"))
    assert kinds(result.applied) == ["issued", "effective", "published"]


def test_the_ai_diffusion_rule_was_not_enforced_after_the_rescission_announcement():
    result = status(AI_DIFFUSION_RULE, d("2025-05-20"))
    assert result.phase == "not_enforced"
    assert result.in_force is True
    assert result.enforced is False
    assert result.obligations_apply is False
    assert result.rescission_pending is True
    assert result.upcoming == Dated("compliance_date", d("2026-01-15"))


def test_a_reader_on_1_may_expected_the_ai_diffusion_rule_to_apply_on_20_may():
    result = status(AI_DIFFUSION_RULE, d("2025-05-20"), known=d("2025-05-01"))
    assert (result.phase, result.enforced, result.obligations_apply) == ("in_force", True, True)
    assert result.rescission_pending is False
    assert "rescission_planned" not in kinds(result.applied)


def test_the_ai_diffusion_rescission_announcement_is_disputed_with_every_claimed_date():
    # In event order: enforcement_suspended comes before rescission_announced (rule 5).
    result = status(AI_DIFFUSION_RULE, d("2025-05-20"))
    assert result.disputed == (
        Dispute("enforcement_suspended", (d("2025-05-12"), d("2025-05-13"), d("2025-06-01"))),
        Dispute("rescission_announced", (d("2025-05-08"), d("2025-05-12"), d("2025-05-13"), d("2025-06-11"))),
    )


def test_the_ai_diffusion_announcement_is_dated_by_the_later_release_of_equal_rank():
    by_key = {r.event.key: r for r in timeline(AI_DIFFUSION_RULE)}
    announcement = by_key["rescission"]
    assert announcement.date == d("2025-05-13")
    assert announcement.best_claim.document == "commerce-release"
    assert [c.document for c in announcement.known_claims] == [
        "commerce-release",
        "seed-release-copy",
        "news-june",
        "news-may-8",
        "blog",
    ]
    assert announcement.disputed is True


def test_the_ai_diffusion_status_serialises_to_the_api_shape():
    assert status(AI_DIFFUSION_RULE, d("2025-02-01")).as_dict() == {
        "phase": "in_force",
        "in_force": True,
        "enforced": True,
        "obligations_apply": False,
        "rescission_pending": False,
        "applied": [
            {"kind": "issued", "date": "2025-01-13"},
            {"kind": "effective", "date": "2025-01-13"},
            {"kind": "published", "date": "2025-01-15"},
        ],
        "upcoming": {"kind": "compliance_date", "date": "2025-05-15"},
        "disputed": [
            {"kind": "enforcement_suspended", "dates": ["2025-05-12", "2025-05-13", "2025-06-01"]},
            {
                "kind": "rescission_announced",
                "dates": ["2025-05-08", "2025-05-12", "2025-05-13", "2025-06-11"],
            },
        ],
    }


def test_the_ai_diffusion_periods_tell_the_whole_story():
    assert [(p.phase, p.obligations_apply, p.rescission_pending, p.valid_from) for p in periods(AI_DIFFUSION_RULE)] == [
        ("not_yet_issued", False, False, None),
        ("in_force", False, False, d("2025-01-13")),
        ("not_enforced", False, True, d("2025-05-13")),
    ]


# --- rule 1: source rank ------------------------------------------------------------


def test_each_document_kind_has_its_default_rank():
    assert [rank_for(kind, None) for kind in DOCUMENT_KIND_RANKS] == list(range(1, 10))


def test_an_editors_rank_overrides_the_kinds_default():
    assert rank_for("news", 1) == 1
    assert rank_for("federal_register", 9) == 9


def test_an_unknown_document_kind_has_no_rank():
    with pytest.raises(ValueError, match="unknown document kind 'tweet'"):
        rank_for("tweet", None)


# --- rule 2: knowledge --------------------------------------------------------------


def test_a_claim_is_known_from_the_day_its_document_is_published():
    events = [ev("e", "effective", "2025-03-01", claim("2025-03-01", published="2025-02-10"))]
    assert status(events, d("2025-04-01"), known=d("2025-02-09")).phase == "not_yet_issued"
    assert status(events, d("2025-04-01"), known=d("2025-02-10")).phase == "in_force"


def test_an_event_whose_claims_are_all_unknown_plays_no_part():
    events = [
        ev("e", "effective", "2025-01-01", claim("2025-01-01", published="2025-01-01")),
        ev("r", "rescinded", "2025-02-01", claim("2025-02-01", published="2025-03-01")),
        ev("c", "compliance_date", "2025-06-01", claim("2025-06-01", published="2025-03-01")),
    ]
    result = status(events, d("2025-04-01"), known=d("2025-02-15"))
    assert result.phase == "in_force"
    assert result.obligations_apply is True  # the unknown compliance date does not hold them back
    assert kinds(result.applied) == ["effective"]
    assert [r.event.key for r in timeline(events, known=d("2025-02-15"))] == ["e"]


def test_an_unsourced_event_is_always_known_with_its_own_date_and_precision():
    events = [Event("e", "effective", d("2025-03-01"), precision="month")]
    result = status(events, d("2025-03-02"), known=d("2000-01-01"))
    assert result.phase == "in_force"
    (entry,) = timeline(events, known=d("2000-01-01"))
    assert (entry.date, entry.precision, entry.unsourced, entry.best_claim) == (
        d("2025-03-01"),
        "month",
        True,
        None,
    )


def test_a_sourced_event_is_not_flagged_unsourced():
    (entry,) = timeline([ev("e", "effective", "2025-03-01", claim("2025-03-01", published="2025-01-01"))])
    assert entry.unsourced is False


# --- rule 3: best claim -------------------------------------------------------------


def test_a_better_ranked_source_wins_over_a_later_one():
    claims = [
        claim("2025-03-01", "2025-01-01", rank=1, doc="fr"),
        claim("2025-04-01", "2025-02-01", rank=6, doc="news"),
    ]
    assert best_claim(claims).document == "fr"


def test_a_later_notice_of_equal_rank_corrects_an_earlier_one():
    claims = [
        claim("2025-03-01", "2025-01-01", rank=1, doc="first"),
        claim("2025-04-01", "2025-02-01", rank=1, doc="correction"),
    ]
    assert best_claim(claims).document == "correction"
    assert best_claim(claims, known=d("2025-01-31")).document == "first"


def test_equally_good_notices_of_one_day_give_the_earliest_date():
    claims = [claim("2025-04-01", "2025-01-01", doc="a"), claim("2025-03-01", "2025-01-01", doc="b")]
    assert best_claim(claims).document == "b"


def test_there_is_no_best_claim_before_any_is_published():
    assert best_claim([claim("2025-03-01", "2025-02-01")], known=d("2025-01-01")) is None
    assert best_claim([]) is None


def test_an_event_takes_its_best_claims_date_and_precision():
    events = [
        ev(
            "e",
            "effective",
            "2025-01-01",
            claim("2025-06-01", "2025-01-01", rank=6, doc="news"),
            claim("2025-05-01", "2025-02-01", rank=1, precision="month", doc="fr"),
        ),
    ]
    (entry,) = timeline(events)
    assert (entry.date, entry.claimed_date, entry.precision) == (d("2025-05-01"), d("2025-05-01"), "month")
    (early,) = timeline(events, known=d("2025-01-15"))
    assert (early.date, early.precision) == (d("2025-06-01"), "day")


# --- rule 4: delays -----------------------------------------------------------------


def test_a_delay_moves_its_target_to_the_new_date():
    events = [Event("e", "effective", d("2025-03-01")), delay("x", "e", "2025-02-10", "2025-04-01")]
    assert status(events, d("2025-03-15")).phase == "not_yet_issued"
    assert status(events, d("2025-04-01")).phase == "in_force"
    (moved,) = [r for r in timeline(events) if r.event.key == "e"]
    assert (moved.date, moved.claimed_date, moved.delayed_by) == (d("2025-04-01"), d("2025-03-01"), "x")


def test_a_delay_changes_nothing_before_its_own_date():
    # Effective on 1 March; on 10 March the agency moves it to 1 April.
    events = [Event("e", "effective", d("2025-03-01")), delay("x", "e", "2025-03-10", "2025-04-01")]
    assert status(events, d("2025-03-05")).phase == "in_force"
    assert status(events, d("2025-03-10")).phase == "not_yet_issued"
    assert status(events, d("2025-04-01")).phase == "in_force"
    assert [(p.phase, p.valid_from) for p in periods(events)] == [
        ("not_yet_issued", None),
        ("in_force", d("2025-03-01")),
        ("not_yet_issued", d("2025-03-10")),
        ("in_force", d("2025-04-01")),
    ]


def test_a_delay_applies_and_changes_no_flag():
    events = [Event("e", "effective", d("2025-01-01")), delay("x", "missing", "2025-02-01", "2025-05-01")]
    result = status(events, d("2025-03-01"))
    assert result.phase == "in_force"
    assert result.applied == (Dated("effective", d("2025-01-01")), Dated("delayed", d("2025-02-01")))


def test_the_latest_of_several_delays_wins():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("late", "e", "2025-02-20", "2025-05-01"),
        delay("early", "e", "2025-02-10", "2025-04-01"),
    ]
    assert status(events, d("2025-04-15")).phase == "not_yet_issued"
    assert status(events, d("2025-05-01")).phase == "in_force"
    # Before the later delay happened, the earlier one held.
    assert status(events, d("2025-02-15")).phase == "not_yet_issued"
    assert status(events, d("2025-04-15")).applied[-1] == Dated("delayed", d("2025-02-20"))
    assert [(p.phase, p.valid_from) for p in periods(events)] == [
        ("not_yet_issued", None),
        ("in_force", d("2025-05-01")),
    ]


def test_between_two_delays_the_earlier_one_holds():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("early", "e", "2025-02-10", "2025-02-15"),
        delay("late", "e", "2025-02-20", "2025-05-01"),
    ]
    assert status(events, d("2025-02-16")).phase == "in_force"
    assert status(events, d("2025-02-20")).phase == "not_yet_issued"


def test_delays_of_one_date_go_to_the_later_in_the_instrument():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("first", "e", "2025-02-10", "2025-04-01"),
        delay("second", "e", "2025-02-10", "2025-06-01"),
    ]
    (moved,) = [r for r in timeline(events) if r.event.key == "e"]
    assert (moved.date, moved.delayed_by) == (d("2025-06-01"), "second")


def test_a_delay_of_a_missing_or_unknown_target_does_nothing():
    events = [
        Event("e", "effective", d("2025-03-01")),
        ev("future", "rescinded", "2025-03-01", claim("2025-03-01", published="2025-12-01")),
        delay("x", "future", "2025-02-01", "2025-02-15"),
        delay("y", "nowhere", "2025-02-01", "2025-02-15"),
        Event("z", "delayed", d("2025-02-01")),
    ]
    result = status(events, d("2025-02-20"), known=d("2025-06-01"))
    assert result.phase == "not_yet_issued"
    assert kinds(result.applied) == ["delayed", "delayed", "delayed"]


def test_an_unknown_delay_does_not_move_its_target():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("x", "e", "2025-02-01", "2025-06-01", claim("2025-02-01", published="2025-02-01")),
    ]
    assert status(events, d("2025-04-01"), known=d("2025-01-31")).phase == "in_force"
    assert status(events, d("2025-04-01")).phase == "not_yet_issued"


def test_a_delay_can_move_another_delay():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("x", "e", "2025-02-01", "2025-06-01"),
        delay("y", "x", "2025-01-15", "2025-04-01"),  # x now happens only on 1 April
    ]
    assert status(events, d("2025-03-15")).phase == "in_force"
    assert status(events, d("2025-04-01")).phase == "not_yet_issued"
    assert status(events, d("2025-06-01")).phase == "in_force"
    by_key = {r.event.key: r for r in timeline(events)}
    assert (by_key["x"].date, by_key["x"].delayed_by) == (d("2025-04-01"), "y")
    assert [(p.phase, p.valid_from) for p in periods(events)] == [
        ("not_yet_issued", None),
        ("in_force", d("2025-03-01")),
        ("not_yet_issued", d("2025-04-01")),
        ("in_force", d("2025-06-01")),
    ]


def test_delays_that_move_each_other_do_not_loop():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("x", "y", "2025-02-01", "2025-02-05"),
        delay("y", "x", "2025-02-02", "2025-02-06"),
        delay("self", "self", "2025-02-03", "2025-09-01"),
    ]
    assert status(events, d("2025-03-01")).phase == "in_force"
    assert len(timeline(events)) == 4
    assert periods(events)[-1].phase == "in_force"


# --- rule 5: order ------------------------------------------------------------------


def test_events_of_one_day_apply_in_vocabulary_order():
    # Listed rescinded first, but effective comes first in the vocabulary.
    events = [Event("r", "rescinded", d("2025-03-01")), Event("e", "effective", d("2025-03-01"))]
    result = status(events, d("2025-03-01"))
    assert result.phase == "rescinded"
    assert kinds(result.applied) == ["effective", "rescinded"]
    assert result.preempted == ()


def test_events_of_one_day_and_kind_keep_the_instruments_order():
    events = [
        Event("b", "amended", d("2025-03-01")),
        Event("a", "amended", d("2025-03-01")),
        Event("x", "issued", d("2025-03-02")),
    ]
    assert [r.event.key for r in timeline(events)] == ["b", "a", "x"]
    assert [x.key for x in status(events, d("2025-03-05")).applied] == ["b", "a", "x"]


# --- rules 6 and 7: the fold and the phase ------------------------------------------


def test_the_phase_follows_the_life_of_a_rule():
    events = [
        Event("p", "proposed", d("2024-06-01")),
        Event("i", "issued", d("2025-01-01")),
        Event("e", "effective", d("2025-02-01")),
        Event("x", "expired", d("2025-12-31")),
    ]
    assert [
        status(events, d(on)).phase for on in ("2024-01-01", "2024-07-01", "2025-01-15", "2025-03-01", "2026-01-01")
    ] == [
        "not_yet_issued",
        "proposed",
        "issued",
        "in_force",
        "expired",
    ]


def test_an_effective_date_after_the_end_is_preempted_and_names_the_end():
    events = [
        Event("i", "issued", d("2025-01-01")),
        Event("w", "withdrawn", d("2025-02-01")),
        Event("e", "effective", d("2025-03-01")),
        Event("c", "compliance_date", d("2025-04-01")),
    ]
    result = status(events, d("2025-05-01"))
    assert result.phase == "withdrawn"
    assert kinds(result.applied) == ["issued", "withdrawn"]
    end = Dated("withdrawn", d("2025-02-01"))
    assert result.preempted == (
        (Dated("effective", d("2025-03-01")), end),
        (Dated("compliance_date", d("2025-04-01")), end),
    )
    assert [r.preempted_by for r in timeline(events)] == [None, None, end, end]


def test_the_timeline_shows_preemption_by_an_end_after_the_status_date():
    events = [Event("r", "rescinded", d("2025-02-01")), Event("e", "effective", d("2025-03-01"))]
    assert status(events, d("2025-01-15")).preempted == ()
    assert timeline(events)[1].preempted_by == Dated("rescinded", d("2025-02-01"))


def test_a_later_end_replaces_an_earlier_one():
    events = [Event("v", "vacated", d("2025-02-01")), Event("s", "superseded", d("2025-03-01"))]
    assert status(events, d("2025-03-01")).phase == "superseded"


def test_reinstatement_undoes_a_vacatur():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("v", "vacated", d("2025-02-01")),
        Event("r", "reinstated", d("2025-03-01")),
    ]
    assert status(events, d("2025-02-15")).phase == "vacated"
    assert status(events, d("2025-03-01")).phase == "in_force"


def test_reinstatement_does_not_undo_a_rescission():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("x", "rescinded", d("2025-02-01")),
        Event("r", "reinstated", d("2025-03-01")),
    ]
    assert status(events, d("2025-03-01")).phase == "rescinded"


def test_reinstatement_ends_a_suspension_and_a_stay():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("s", "suspended", d("2025-02-01")),
        Event("t", "stayed", d("2025-02-10")),
        Event("r", "reinstated", d("2025-03-01")),
    ]
    assert status(events, d("2025-02-05")).phase == "suspended"
    assert status(events, d("2025-02-15")).phase == "suspended"  # suspension outranks the stay
    assert status(events, d("2025-03-01")).phase == "in_force"


def test_a_stayed_rule_is_neither_in_force_nor_enforced():
    events = [Event("e", "effective", d("2025-01-01")), Event("t", "stayed", d("2025-02-01"))]
    result = status(events, d("2025-02-01"))
    assert (result.phase, result.in_force, result.enforced, result.obligations_apply) == (
        "stayed",
        False,
        False,
        False,
    )


def test_a_rule_suspended_before_its_effective_date_is_suspended_once_issued():
    events = [
        Event("s", "suspended", d("2025-01-01")),
        Event("i", "issued", d("2025-02-01")),
        Event("e", "effective", d("2025-03-01")),
    ]
    assert status(events, d("2025-01-15")).phase == "not_yet_issued"
    assert status(events, d("2025-02-15")).phase == "suspended"
    assert status(events, d("2025-03-15")).phase == "suspended"


def test_a_rule_stayed_before_its_effective_date_is_stayed_once_issued():
    events = [
        Event("i", "issued", d("2025-02-01")),
        Event("t", "stayed", d("2025-02-10")),
        Event("e", "effective", d("2025-03-01")),
    ]
    assert status(events, d("2025-02-15")).phase == "stayed"
    assert status(events, d("2025-03-15")).phase == "stayed"


def test_suspended_enforcement_leaves_a_rule_in_force_but_not_enforced():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("s", "enforcement_suspended", d("2025-02-01")),
        Event("r", "enforcement_resumed", d("2025-03-01")),
    ]
    suspended = status(events, d("2025-02-01"))
    assert (suspended.phase, suspended.in_force, suspended.enforced) == ("not_enforced", True, False)
    assert status(events, d("2025-03-01")).phase == "in_force"


def test_the_no_op_kinds_change_nothing_but_are_applied():
    no_ops = ["comment_period_closes", "amended", "corrected", "rescission_planned"]
    events = [Event("e", "effective", d("2025-01-01"))] + [Event(k, k, d("2025-02-01")) for k in no_ops]
    result = status(events, d("2025-02-01"))
    assert (result.phase, result.rescission_pending) == ("in_force", False)
    assert kinds(result.applied) == [
        "effective",
        "comment_period_closes",
        "amended",
        "corrected",
        "rescission_planned",
    ]
    assert len(periods(events)) == 2


def test_a_rescission_is_pending_from_its_announcement_until_it_is_rescinded():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("a", "rescission_announced", d("2025-02-01")),
        Event("r", "rescinded", d("2025-03-01")),
    ]
    assert status(events, d("2025-02-01")).rescission_pending is True
    assert status(events, d("2025-02-01")).phase == "in_force"
    assert status(events, d("2025-03-01")).rescission_pending is False


def test_nothing_is_pending_once_rescinded_even_after_a_late_announcement():
    events = [Event("r", "rescinded", d("2025-03-01")), Event("a", "rescission_announced", d("2025-04-01"))]
    assert status(events, d("2025-04-01")).rescission_pending is False


# --- rule 8: obligations ------------------------------------------------------------


def test_with_no_compliance_date_being_in_force_is_enough():
    assert status([Event("e", "effective", d("2025-01-01"))], d("2025-01-01")).obligations_apply is True


def test_obligations_wait_for_a_compliance_date_after_the_status_date():
    events = [Event("e", "effective", d("2025-01-01")), Event("c", "compliance_date", d("2025-06-01"))]
    assert status(events, d("2025-05-31")).obligations_apply is False
    assert status(events, d("2025-06-01")).obligations_apply is True


def test_the_first_of_several_compliance_dates_is_enough():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("c1", "compliance_date", d("2025-06-01")),
        Event("c2", "compliance_date", d("2026-01-01")),
    ]
    assert status(events, d("2025-06-01")).obligations_apply is True


def test_a_compliance_date_reached_before_the_effective_date_counts_once_effective():
    events = [Event("c", "compliance_date", d("2025-01-01")), Event("e", "effective", d("2025-02-01"))]
    assert status(events, d("2025-01-15")).obligations_apply is False
    assert status(events, d("2025-02-01")).obligations_apply is True


def test_a_preempted_compliance_date_no_longer_holds_obligations_back():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("v", "vacated", d("2025-02-01")),
        Event("c", "compliance_date", d("2025-03-01")),
        Event("r", "reinstated", d("2025-04-01")),
    ]
    result = status(events, d("2025-04-01"))
    assert (result.phase, result.obligations_apply) == ("in_force", True)
    assert status(events, d("2025-01-15")).obligations_apply is False


def test_obligations_do_not_apply_when_enforcement_is_suspended():
    events = [Event("e", "effective", d("2025-01-01")), Event("s", "enforcement_suspended", d("2025-02-01"))]
    assert status(events, d("2025-02-01")).obligations_apply is False


# --- rule 9: upcoming ---------------------------------------------------------------


def test_upcoming_is_the_next_foreseeable_change():
    events = [
        Event("e", "effective", d("2025-01-01")),
        Event("cpc", "comment_period_closes", d("2025-02-01")),
        Event("a", "amended", d("2025-02-15")),
        Event("c", "compliance_date", d("2025-03-01")),
        Event("x", "expired", d("2025-12-31")),
    ]
    assert status(events, d("2025-01-15")).upcoming == Dated("compliance_date", d("2025-03-01"))
    assert status(events, d("2025-03-01")).upcoming == Dated("expired", d("2025-12-31"))
    assert status(events, d("2025-12-31")).upcoming is None


def test_upcoming_skips_a_scheduled_date_that_an_end_preempts():
    events = [
        Event("i", "issued", d("2025-01-01")),
        Event("w", "withdrawn", d("2025-01-20")),
        Event("e", "effective", d("2025-03-01")),
    ]
    assert status(events, d("2025-02-01")).upcoming is None
    assert status(events, d("2025-01-10")).upcoming == Dated("withdrawn", d("2025-01-20"))


def test_upcoming_skips_a_date_preempted_by_an_end_scheduled_before_it():
    events = [
        Event("r", "rescinded", d("2025-02-01")),
        Event("c", "compliance_date", d("2025-03-01")),
        Event("x", "enforcement_resumed", d("2025-04-01")),
    ]
    on = d("2025-02-15")
    assert status(events, on).upcoming == Dated("enforcement_resumed", d("2025-04-01"))


def test_upcoming_ignores_sources_published_after_the_status_date():
    events = [
        Event("e", "effective", d("2025-01-01")),
        ev("c", "compliance_date", "2025-06-01", claim("2025-06-01", published="2025-03-01")),
    ]
    on = d("2025-02-01")
    assert status(events, on, known=d("2025-04-01")).upcoming is None
    assert status(events, on).upcoming is None
    assert status(events, d("2025-03-01")).upcoming == Dated("compliance_date", d("2025-06-01"))


def test_upcoming_ignores_sources_published_after_the_knowledge_date():
    events = [
        Event("e", "effective", d("2025-01-01")),
        ev("c", "compliance_date", "2025-06-01", claim("2025-06-01", published="2025-03-01")),
    ]
    assert status(events, d("2025-05-01"), known=d("2025-02-01")).upcoming is None
    assert status(events, d("2025-05-01"), known=d("2025-03-01")).upcoming == Dated("compliance_date", d("2025-06-01"))


def test_upcoming_counts_a_known_delay_dated_after_the_status_date():
    events = [
        Event("e", "effective", d("2025-03-01")),
        delay("x", "e", "2025-02-20", "2025-05-01", claim("2025-02-20", published="2025-01-20")),
    ]
    result = status(events, d("2025-02-01"))
    assert result.phase == "not_yet_issued"
    assert result.upcoming == Dated("effective", d("2025-05-01"))


# --- rule 10: disputes --------------------------------------------------------------


def test_claims_of_different_days_are_disputed():
    events = [
        ev(
            "e",
            "effective",
            "2025-03-01",
            claim("2025-03-01", "2025-01-01", doc="a"),
            claim("2025-03-02", "2025-01-01", doc="b"),
        )
    ]
    assert status(events, d("2025-01-01")).disputed == (Dispute("effective", (d("2025-03-01"), d("2025-03-02"))),)


def test_a_month_claim_agrees_with_a_day_inside_it():
    events = [
        ev(
            "e",
            "effective",
            "2025-06-01",
            claim("2025-06-01", "2025-01-01", precision="month", doc="news"),
            claim("2025-06-30", "2025-01-01", doc="fr"),
        ),
    ]
    assert status(events, d("2025-01-01")).disputed == ()
    assert timeline(events)[0].disputed is False


def test_a_month_claim_disputes_a_day_outside_it():
    events = [
        ev(
            "e",
            "effective",
            "2025-06-01",
            claim("2025-06-01", "2025-01-01", precision="month", doc="news"),
            claim("2025-07-01", "2025-01-01", doc="fr"),
        ),
    ]
    assert status(events, d("2025-01-01")).disputed == (Dispute("effective", (d("2025-06-01"), d("2025-07-01"))),)


def test_a_year_claim_agrees_with_a_month_inside_it():
    events = [
        ev(
            "e",
            "effective",
            "2025-01-01",
            claim("2025-01-01", "2025-01-01", precision="year", doc="a"),
            claim("2025-11-01", "2025-01-01", precision="month", doc="b"),
            claim("2025-11-30", "2025-01-01", doc="c"),
        ),
    ]
    assert status(events, d("2025-01-01")).disputed == ()


def test_equal_claimed_dates_are_listed_once():
    events = [
        ev(
            "e",
            "effective",
            "2025-03-01",
            claim("2025-03-01", "2025-01-01", doc="a"),
            claim("2025-03-01", "2025-01-02", doc="b"),
            claim("2025-02-01", "2025-01-03", doc="c"),
        ),
    ]
    assert status(events, d("2025-01-01")).disputed[0].dates == (d("2025-02-01"), d("2025-03-01"))


def test_only_known_claims_can_dispute():
    events = [
        ev(
            "e",
            "effective",
            "2025-03-01",
            claim("2025-03-01", "2025-01-01", doc="a"),
            claim("2025-04-01", "2025-02-01", doc="b"),
        )
    ]
    assert status(events, d("2025-05-01"), known=d("2025-01-31")).disputed == ()
    assert len(status(events, d("2025-05-01"), known=d("2025-02-01")).disputed) == 1


def test_disputes_are_reported_in_event_order_whatever_their_date():
    two = lambda a, b: (claim(a, "2025-01-01", doc="x"), claim(b, "2025-01-01", doc="y"))  # noqa: E731
    events = [
        ev("late", "expired", "2026-01-01", *two("2026-01-01", "2026-02-01")),
        ev("early", "issued", "2025-01-01", *two("2025-01-01", "2025-01-05")),
    ]
    assert kinds(status(events, d("2024-01-01")).disputed) == ["issued", "expired"]


# --- timeline and periods -----------------------------------------------------------


def test_the_timeline_lists_known_claims_best_first():
    events = [
        ev(
            "e",
            "effective",
            "2025-03-01",
            claim("2025-03-05", "2025-01-01", rank=6, doc="news"),
            claim("2025-03-01", "2025-01-01", rank=1, doc="fr"),
            claim("2025-03-02", "2025-01-10", rank=6, doc="later-news"),
            claim("2025-03-09", "2025-09-01", rank=1, doc="unknown"),
        ),
    ]
    (entry,) = timeline(events, known=d("2025-06-01"))
    assert [c.document for c in entry.known_claims] == ["fr", "later-news", "news"]


def test_periods_cover_all_time_and_merge_equal_neighbours():
    events = [
        Event("i", "issued", d("2025-01-01")),
        Event("p", "published", d("2025-01-03")),
        Event("e", "effective", d("2025-02-01")),
        Event("a", "amended", d("2025-03-01")),
        Event("r", "rescinded", d("2025-04-01")),
    ]
    assert periods(events) == [
        Period("not_yet_issued", False, False, False, False, None, d("2025-01-01")),
        Period("issued", False, False, False, False, d("2025-01-01"), d("2025-02-01")),
        Period("in_force", True, True, True, False, d("2025-02-01"), d("2025-04-01")),
        Period("rescinded", False, False, False, False, d("2025-04-01"), None),
    ]


def test_an_instrument_without_events_has_one_endless_period():
    assert periods([]) == [Period("not_yet_issued", False, False, False, False, None, None)]


def test_periods_respect_knowledge():
    events = [
        Event("e", "effective", d("2025-01-01")),
        ev("r", "rescinded", "2025-02-01", claim("2025-02-01", "2025-03-01")),
    ]
    assert [p.phase for p in periods(events, known=d("2025-02-15"))] == ["not_yet_issued", "in_force"]
    assert [p.phase for p in periods(events)] == ["not_yet_issued", "in_force", "rescinded"]


# --- invalid input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([Event("e", "enacted", d("2025-01-01"))], "unknown kind 'enacted'"),
        ([Event("e", "effective", d("2025-01-01"), precision="week")], "unknown precision 'week'"),
        (
            [ev("e", "effective", "2025-01-01", claim("2025-01-01", "2025-01-01", precision="decade"))],
            "unknown precision 'decade'",
        ),
        (
            [Event("e", "issued", d("2025-01-01")), Event("e", "effective", d("2025-01-02"))],
            "duplicate event key 'e'",
        ),
        (
            [Event("e", "issued", d("2025-01-01")), Event("x", "delayed", d("2025-01-02"), target="e")],
            "no new_date",
        ),
    ],
)
def test_invalid_events_are_refused_with_a_message(events, message):
    for call in (lambda: status(events, d("2025-01-01")), lambda: timeline(events), lambda: periods(events)):
        with pytest.raises(ValueError, match=message):
            call()
