"""What a Federal Register document is, and the events it asserts.

Plain Python, no Django. ``classify(doc)`` names a document's class from its API fields
(``type``, ``action``, ``title``, ``correction_of``, the presidential document type, whether it
is a public-inspection copy) and, as a last word, its DATES text. ``claims_for(doc, cls,
reading)`` turns the class and the reading of the DATES text (``fr_dates``) into the claims
the document makes, one rule per class (``RULES`` below says them in words):

- a claim whose date a sentence gives quotes that sentence, verbatim;
- a claim whose date only a structured field gives (``effective_on``, ``signing_date``…) has
  an empty quote and names the field.

``doc`` is the importer's checked document (see ``fr_document.check``): a dict with
``type``, ``action``, ``title``, ``subtype``, ``presidential_type``, ``correction_of``,
``public_inspection``, ``published``, ``effective``, ``comments_close``, ``signed``, ``filed``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from . import fr_dates

PROPOSED_RULE, FINAL_RULE, INTERIM_FINAL_RULE, DIRECT_FINAL_RULE = (
    "proposed_rule",
    "final_rule",
    "interim_final_rule",
    "direct_final_rule",
)
DELAY, COMMENT_PERIOD, CORRECTION, WITHDRAWAL = "delay", "comment_period", "correction", "withdrawal"
STAY, RESCISSION, NOTICE, PUBLIC_INSPECTION = "stay", "rescission", "notice", "public_inspection"
EXECUTIVE_ORDER, PROCLAMATION, MEMORANDUM, PRESIDENTIAL = (
    "executive_order",
    "proclamation",
    "memorandum",
    "presidential_document",
)
PRESIDENTIAL_CLASSES = {EXECUTIVE_ORDER, PROCLAMATION, MEMORANDUM, PRESIDENTIAL}
# Documents that act on an instrument another document began: they never claim its publication.
FOLLOW_ON = {DELAY, COMMENT_PERIOD, CORRECTION, WITHDRAWAL, STAY, RESCISSION}

# The events each class asserts, in words (the tests hold each one).
RULES = {
    PROPOSED_RULE: "proposed on publication; comment_period_closes (DATES text, else comments_close_on)",
    FINAL_RULE: "published; effective (DATES text, else effective_on); each compliance date; expired",
    INTERIM_FINAL_RULE: "as a final rule, and comment_period_closes",
    DIRECT_FINAL_RULE: "as a final rule, and comment_period_closes (the adverse-comment deadline)",
    DELAY: "delayed (its target, effective or compliance_date, moved to the new date), dated when the "
    "notice takes effect (DATES text, else publication); each compliance date it gives but does not move; "
    "never published, never effective",
    COMMENT_PERIOD: "comment_period_closes at the new date (a later source for the same event)",
    CORRECTION: "corrected, when it takes effect (DATES text, else effective_on); none without one",
    WITHDRAWAL: "withdrawn (DATES text, else effective_on); none without one: left for an editor",
    STAY: "suspended (stayed, when a court ordered it; enforcement_suspended, for a stay of enforcement) from its "
    "date; reinstated (enforcement_resumed) at its end, if given",
    RESCISSION: "rescinded on its effective date (DATES text, else effective_on); none without one",
    NOTICE: "published; effective and comment_period_closes if its DATES text gives them",
    EXECUTIVE_ORDER: "issued when signed; published; effective when signed unless its text says otherwise",
    PROCLAMATION: "as an executive order",
    MEMORANDUM: "as an executive order",
    PRESIDENTIAL: "as an executive order",
    PUBLIC_INSPECTION: "issued when filed for public inspection (when the public could first know); "
    "nothing else: the published document is another record",
}

INSTRUMENT_KIND = {
    PROPOSED_RULE: "proposed_rule",
    INTERIM_FINAL_RULE: "interim_final_rule",
    FINAL_RULE: "rule",
    DIRECT_FINAL_RULE: "rule",
    EXECUTIVE_ORDER: "executive_order",
    PROCLAMATION: "executive_order",
    MEMORANDUM: "executive_order",
    PRESIDENTIAL: "executive_order",
}

_DELAY = re.compile(
    r"\bdelay(?:s|ed|ing)?\s+(?:of\s+|in\s+)?(?:the\s+)?(?:effective|compliance|applicability)\b"
    r"|\b(?:effective|compliance|applicability)\s+dates?\s*(?:;|:)?\s*(?:delay|postpone)"
    r"|\bdelayed\s+(?:effective|compliance)\b"
    # "Postponement of Certain Compliance Dates", "Extension of Compliance Deadlines": a delay too.
    r"|\bpostpone(?:ment|d)?\s+(?:of\s+)?(?:the\s+)?(?:certain\s+)?(?:effective|compliance)"
    r"|\bextension\s+of\s+(?:the\s+)?(?:certain\s+)?compliance\s+(?:dates?|deadlines?)"
    r"|\bextension\s+of\s+(?:the\s+)?deferred\s+effective\s+dates?",
    re.I,
)
_COMMENT_PERIOD = re.compile(
    r"\b(?:extension|reopening|re-opening|extend(?:ed|ing)?|reopen(?:ed|ing|s)?)\s+(?:of\s+)?"
    r"(?:the\s+)?(?:public\s+)?comment\s+period|\bcomment\s+period\s*[;,:]?\s*"
    r"(?:extension|extended|reopen)",
    re.I,
)
_CORRECTION = re.compile(r"\bcorrect(?:ion|ions|ing)\b", re.I)
_WITHDRAWAL = re.compile(r"\bwithdraw(?:al|n|s)?\b", re.I)
_STAY = re.compile(r"\bstay(?:ed)?\b|\bsuspen(?:sion|ded|d)\b", re.I)
_RESCISSION = re.compile(r"\b(?:rescission|rescind(?:ed|ing)?|removal|revocation|repeal)\b", re.I)
_WITHDRAWAL_TITLE = re.compile(r"^withdrawal\b|[;:]\s*withdrawal\b", re.I)
_STAY_TITLE = re.compile(r"[;:]\s*(?:administrative\s+)?(?:stay|suspension)\b", re.I)
_PROPOSED = re.compile(r"\bproposed\s+rule|\bproposed\s+rulemaking", re.I)
# A temporary rule (a closure, a safety zone) is a final rule with an end, not an interim one.
_RULE = re.compile(r"\bfinal\s+rule\b|\binterim\s+rule\b|\btemporary\s+rule\b", re.I)
_RESCISSION_TITLE = re.compile(
    r"^(?:rescission|rescinding|removal|revocation|repeal)\b"
    r"|[;:]\s*(?:rescission|removal|revocation|repeal)\b",
    re.I,
)
_INTERIM = re.compile(r"\binterim\s+(?:final\s+)?rule\b", re.I)
# An emergency rule is interim, unless it says it is a temporary final rule (2011-25936).
_EMERGENCY = re.compile(r"\bemergency\s+(?:rule|action)\b", re.I)
_TEMPORARY = re.compile(r"\btemporary\s+(?:final\s+)?rule\b", re.I)
# "Notice of intent" to withdraw, to prepare a statement…: it announces, it does not act (03-9865).
_INTENT = re.compile(r"\bnotice\s+of\s+intent\b", re.I)
# The Office of the Federal Register numbers a correction it prints after the document corrected:
# "C1-24574" is the first correction to FR Doc. 01-24574.
_CORRECTION_NUMBER = re.compile(r"^C\d-")
_DIRECT = re.compile(r"\bdirect\s+final\b", re.I)
_COURT = re.compile(r"\bcourt\b|\bjudicial\b|\bvacatur\b", re.I)
_ENFORCEMENT = re.compile(r"\benforcement\b", re.I)
_LIFTED = re.compile(
    r"\blift(?:s|ed|ing)?\b|\bterminat|\breinstat"
    r"|\bend(?:s|ing)?\s+(?:of\s+)?(?:the\s+)?(?:stay|susp)",
    re.I,
)


def classify(doc):
    """The class of one checked document (one of the constants above)."""
    if doc.get("public_inspection"):
        return PUBLIC_INSPECTION
    kind = (doc.get("type") or "").strip().lower()
    action, title = doc.get("action") or "", doc.get("title") or ""
    presidential = f"{doc.get('presidential_type') or ''} {doc.get('subtype') or ''}".lower()
    if kind.startswith("presidential") or presidential.strip():
        if "executive order" in presidential:
            return EXECUTIVE_ORDER
        if "proclamation" in presidential:
            return PROCLAMATION
        if "memorandum" in presidential:
            return MEMORANDUM
        return PRESIDENTIAL
    # The action line says what the document does; the title only when the action is silent.
    said = action or title
    # "Final rule; correction and stay of effectiveness." (2023-26751): the stay is what changes the law.
    if (
        doc.get("correction_of")
        or (_CORRECTION.search(action) and not _DELAY.search(action) and not _STAY.search(action))
        or (not action and _CORRECTION_NUMBER.match(doc.get("number") or ""))
    ):
        return CORRECTION
    if _DELAY.search(action) or _DELAY.search(title):
        return DELAY
    if _COMMENT_PERIOD.search(action) or (not action and _COMMENT_PERIOD.search(title)):
        return COMMENT_PERIOD
    if _INTENT.search(action):
        return NOTICE
    # A title that begins "Withdrawal of…" says what the document does even when its action line
    # only names the form ("Direct final rule.", 07-485).
    if _WITHDRAWAL.search(action) or _WITHDRAWAL_TITLE.search(title):
        return WITHDRAWAL
    # A proposed rule to stay or rescind is a proposal (2017-12698, 2025-08344): it changes nothing yet.
    if kind == "proposed rule":
        return PROPOSED_RULE
    if _STAY.search(action) or _STAY_TITLE.search(title):
        return STAY
    # A direct final rule that rescinds other rules is still a direct final rule (2025-08640).
    if _RESCISSION.search(action) or (_RESCISSION_TITLE.search(title) and not _DIRECT.search(action)):
        return RESCISSION
    if kind == "proposed rule" or _PROPOSED.search(said):
        return PROPOSED_RULE
    if kind == "rule" or _RULE.search(said):
        if _DIRECT.search(action) or _DIRECT.search(doc.get("dates_text") or ""):
            return DIRECT_FINAL_RULE
        if _INTERIM.search(action) or (_EMERGENCY.search(action) and not _TEMPORARY.search(action)):
            return INTERIM_FINAL_RULE
        return FINAL_RULE
    return NOTICE


@dataclass(frozen=True)
class Claim:
    """One claim a document makes: an event kind and date, with the sentence that says so
    (``quote``) or, when none does, the structured field it came from (``field``)."""

    kind: str
    date: datetime.date
    quote: str = ""
    field: str = ""
    relative: str = ""  # how a computed date was computed ("60 days after publication")
    target: str = ""  # for a delay: the kind of event it moves
    new_date: datetime.date | None = None  # for a delay: where it moves it


def _first(findings):
    return findings[0] if findings else None


def _from_text_or_field(findings, doc, name, kind, warnings, label):
    """A claim dated by the API field when there is one (the Office of the Federal Register read
    the document to fill it), quoting the sentence that gives the same date if one does; else by
    the first sentence that gives one. A text and field that disagree are named in a warning."""
    value = doc.get(name)
    if value:
        same = next((f for f in findings if f.date == value), None)
        if same is not None:
            return Claim(kind, value, same.sentence, relative=same.relative)
        whole = [f for f in findings if not f.scope]
        if whole:
            warnings.append(
                f"the DATES text gives {label} {whole[0].date}, the {FIELD_NAMES[name]} field {value}: "
                "the field is taken; check the document"
            )
        return Claim(kind, value, field=FIELD_NAMES[name])
    finding = next((f for f in findings if not f.scope), None)
    if finding is not None:
        return Claim(kind, finding.date, finding.sentence, relative=finding.relative)
    return None


FIELD_NAMES = {
    "effective": "effective_on",
    "comments_close": "comments_close_on",
    "signed": "signing_date",
    "published": "publication_date",
    "filed": "filed_at",
}


def claims_for(doc, cls, reading):
    """(claims, warnings): what the document asserts under its class's rule."""
    claims, warnings = [], []
    published = doc["published"]
    effective = _first(reading.of(fr_dates.EFFECTIVE))
    comments = _first(reading.of(fr_dates.COMMENTS))

    def add(claim):
        if claim is not None:
            claims.append(claim)

    def closes():
        return _from_text_or_field(
            reading.of(fr_dates.COMMENTS), doc, "comments_close", "comment_period_closes", warnings, "comments close"
        )

    if cls == PUBLIC_INSPECTION:
        if doc.get("filed"):
            add(Claim("issued", doc["filed"], field="filed_at"))
        return claims, warnings
    if cls in PRESIDENTIAL_CLASSES:
        if doc.get("signed"):
            add(Claim("issued", doc["signed"], field="signing_date"))
        add(Claim("published", published, field="publication_date"))
        if effective is not None:
            add(Claim("effective", effective.date, effective.sentence, relative=effective.relative))
        elif doc.get("effective"):
            add(Claim("effective", doc["effective"], field="effective_on"))
        elif doc.get("signed"):
            add(Claim("effective", doc["signed"], field="signing_date", relative="in force from signing"))
        return claims, warnings
    if cls == PROPOSED_RULE:
        add(Claim("proposed", published, field="publication_date"))
        add(closes())
        return claims, warnings
    if cls in (FINAL_RULE, INTERIM_FINAL_RULE, DIRECT_FINAL_RULE, NOTICE):
        add(Claim("published", published, field="publication_date"))
        if cls != NOTICE:
            add(
                _from_text_or_field(
                    reading.of(fr_dates.EFFECTIVE, scoped=True), doc, "effective", "effective", warnings, "effective"
                )
            )
        elif effective is not None:
            # "Effective Date: April 20, 2016." (2016-09147): a notice that says when it takes effect.
            add(Claim("effective", effective.date, effective.sentence, relative=effective.relative))
        for finding in reading.of(fr_dates.COMPLIANCE, scoped=True):
            add(Claim("compliance_date", finding.date, finding.sentence, relative=finding.relative))
        for finding in reading.of(fr_dates.EXPIRED):
            add(Claim("expired", finding.date, finding.sentence, relative=finding.relative))
        if cls != FINAL_RULE or comments is not None or doc.get("comments_close"):
            add(closes())
        for finding in reading.of(fr_dates.EFFECTIVE, scoped=True):
            if finding.scope:
                warnings.append(
                    f"{finding.scope} is effective {finding.date}, apart from the rule: left for an "
                    f'editor ("{finding.sentence}")'
                )
        return claims, warnings
    if cls == DELAY:
        delays = reading.of(fr_dates.DELAYED, scoped=True)
        since = effective.date if effective is not None else published
        for finding in delays:
            add(
                Claim(
                    "delayed",
                    since,
                    finding.sentence,
                    relative=finding.relative,
                    target=finding.target or "effective",
                    new_date=finding.date,
                )
            )
        # "However, compliance with the section 508-based standards is not required until January 18,
        # 2018" (2017-04059): a compliance date the delay notice gives, not one it moves.
        for finding in reading.of(fr_dates.COMPLIANCE, scoped=True):
            add(Claim("compliance_date", finding.date, finding.sentence, relative=finding.relative))
        if not delays:
            warnings.append(
                "a delay notice whose new date the DATES text does not give in words this reader "
                "understands: no delay recorded, left for an editor"
            )
        return claims, warnings
    if cls == COMMENT_PERIOD:
        add(closes())
        return claims, warnings
    if cls == CORRECTION:
        claim = _dated_by(reading, None, effective, doc, "corrected", fallback=None)
        if claim is None:
            warnings.append("a correction with no date in its DATES text or effective_on: no correction date recorded")
        add(claim)
        return claims, warnings
    if cls == WITHDRAWAL:
        claim = _dated_by(reading, fr_dates.WITHDRAWN, effective, doc, "withdrawn", fallback=None)
        if claim is None:
            warnings.append(
                "a withdrawal with no date in its DATES text or effective_on: no withdrawal recorded, "
                "left for an editor"
            )
        add(claim)
        return claims, warnings
    if cls == STAY:
        stays = reading.of(fr_dates.STAYED) + reading.of(fr_dates.SUSPENDED)
        court = any(f.court for f in stays) or bool(_COURT.search(f"{doc.get('action')} {doc.get('title')}"))
        kind = "stayed" if court else "suspended"
        # "Stay of enforcement": the rule stands, the agency will not enforce it.
        enforcement = bool(_ENFORCEMENT.search(f"{doc.get('action')} {doc.get('title')}"))
        if enforcement:
            kind = "enforcement_suspended"
        if _LIFTED.search(f"{doc.get('action')} {doc.get('title')}"):
            add(
                _dated_by(
                    reading,
                    None,
                    effective,
                    doc,
                    "enforcement_resumed" if enforcement else "reinstated",
                    fallback=published,
                )
            )
            return claims, warnings
        stay = _first(stays)
        if stay is None and effective is not None and reading.of(fr_dates.EXPIRED):
            # "The stay … is effective from April 5, 2025, through July 31, 2025."
            stay = fr_dates.Finding(
                kind, effective.date, effective.sentence, effective.relative, until=reading.of(fr_dates.EXPIRED)[0].date
            )
        if stay is not None:
            add(Claim(kind, stay.date, stay.sentence, relative=stay.relative))
            if stay.until:
                add(Claim("enforcement_resumed" if enforcement else "reinstated", stay.until, stay.sentence))
        else:
            add(_dated_by(reading, None, effective, doc, kind, fallback=published))
        return claims, warnings
    if cls == RESCISSION:
        claim = _dated_by(reading, fr_dates.RESCINDED, effective, doc, "rescinded", fallback=None)
        if claim is None:
            warnings.append(
                "a rescission with no effective date in its DATES text or effective_on: "
                "no rescission recorded, left for an editor"
            )
        add(claim)
        return claims, warnings
    raise ValueError(f"unknown class {cls!r}")


def _dated_by(reading, kind, effective, doc, event_kind, fallback):
    """A claim of ``event_kind`` dated by the text's own finding of ``kind``, else its effective
    date, else ``effective_on``, else ``fallback`` (publication)."""
    finding = _first(reading.of(kind)) if kind else None
    finding = finding or effective
    if finding is not None:
        return Claim(event_kind, finding.date, finding.sentence, relative=finding.relative)
    if doc.get("effective"):
        return Claim(event_kind, doc["effective"], field="effective_on")
    if fallback is not None:
        return Claim(event_kind, fallback, field="publication_date")
    return None
