"""Statements into proposed claims: read a press release, a statement or a news article and
propose the dated events it asserts, each with the sentence that asserts it.

Plain Python, no Django: ``propose(text, published_on, instruments)`` is a pure function of the
text, its publication date and the instruments it may concern (``InstrumentRef``; the thin
Django layer in ``statement_instruments.py`` builds them from the database).

What it proposes, and what it leaves to the editor:

- One proposal per event a sentence asserts (a sentence may assert several: "issued on
  January 15, 2025, with compliance requirements set to come into effect on May 15, 2025").
  The quote is that sentence, an exact substring of the text.
- The date is read from the sentence: a date opening it ("On May 13, 2025, …"), the date next to
  the verb ("issued on …", "take effect on …"), or the day a report was made ("SEC said
  Tuesday"). Relative and year-less dates are resolved against the publication date and say
  what they were resolved from.
- A sentence that asserts a change of status without a date ("the Department has formally
  rescinded the rule") is proposed with ``date`` None: the editor finds the date. One that
  asserts a date-bound fact without its date ("the rule was issued") is not.
- Background, opinions, conditions and intentions are not proposed: "would have stifled",
  "plans to publish", "if it appeals", "to delay" (a purpose, not an act). A reported intention
  to rescind is a ``rescission_planned`` — only when dated, as it changes nothing.
- Headlines (a line with no closing punctuation) are proposed only when they carry a date: the
  body says the same thing with more care.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass

from .dates_in_text import WEEKDAYS, DateMention, find_dates

from .statement_match import match_instrument
from .statement_patterns import (
    UNDATED_OK,
    STATE_KINDS,
    FUTURE_REPORTED,
    TRIGGERS,
    _COURT,
    _REPORTING,
    _FUTURE,
    _HYPOTHETICAL,
    _NEGATED,
    _INFINITIVE,
    _EXCLUDED_BEFORE,
    _NEW_DATE_BEFORE,
    _CONSEQUENCE,
    _OWN_PUBLICATION,
    _REFUSED,
    _SUBORDINATE,
    _ABBREVIATIONS,
)


@dataclass(frozen=True)
class InstrumentRef:
    """What a text may call an instrument: names (title, short title, aliases) and identifiers
    (RIN, docket ids, FR citations and document numbers), which are stronger evidence."""

    slug: str
    names: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass
class Proposal:
    kind: str
    date: datetime.date | None
    precision: str | None
    quote: str
    instrument: str | None = None
    resolved_from: str | None = None
    target: str | None = None
    new_date: datetime.date | None = None

    def as_dict(self):
        """The JSON shape of ``propose_claims --json``: ``target`` and ``new_date`` only for a
        delay, ``resolved_from`` only for a resolved date."""
        data = {
            key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in asdict(self).items()
        }
        if self.kind != "delayed":
            del data["target"], data["new_date"]
        if self.resolved_from is None:
            del data["resolved_from"]
        return data


def _paragraphs(text):
    """Lines, with a hard-wrapped line joined to the next ("… the rules\npublished at 89 FR 99727
    (December 11, 2024), and 90 FR 573 (January 6,\n2025), are delayed …"): a line that ends
    without closing punctuation continues when the next starts in lower case or with a digit, or
    when it ends on a comma or a word that cannot end a sentence."""
    return re.finditer(
        r"(?:[^\n]*(?:(?<![.!?:;\"”’)\]])\n(?=[a-z0-9(])|(?:,|\b(?:the|of|from|to|by|and|or|a|an|in|on|at|for|with))\n(?=\S)))*"
        r"[^\n]+",
        text,
    )


def split_sentences(text):
    """(start, end) of each sentence: lines are paragraphs (hard-wrapped lines joined), and a full
    stop followed by a capital ends a sentence unless it ends an abbreviation ("U.S.", "Dec.", "v.")."""
    spans = []
    for line in _paragraphs(text):
        start = line.start()
        for stop in re.finditer(r"[.!?][\"”’)\]]*(?:\[\w{1,3}\])?\s+(?=[\"“(\[]?[A-Z0-9])", line.group(0)):
            before = re.search(r"([\w.]+)[.!?]?[\"”’)\]]*(?:\[\w{1,3}\])?\s+$", line.group(0)[: stop.end()])
            word = before.group(1).lower().rstrip(".") if before else ""
            opened = line.group(0)[start - line.start() : stop.start()]
            if opened.count("(") > opened.count(")"):
                continue  # "(Am. Health Care Ass'n, v. Kennedy, … (N.D. Tex. Apr. 7, 2025))": a citation
            if word in ("jr", "sr") and re.match(
                r"(?:The|This|That|These|It|In|On|A|An|He|She|They|We)\b", line.group(0)[stop.end() :]
            ):
                pass
            elif word in _ABBREVIATIONS or re.fullmatch(r"[a-z]|(?:[a-z]{1,2}\.)+[a-z]{1,2}", word):
                continue  # "U.S.", "Dec.", "v.", "E.D. Tex."
            if re.search(r"\b[A-Z][a-z]+\s+\d{1,2}$", line.group(0)[: stop.start()]) and re.match(
                r"(?:19|20)\d\d\b", line.group(0)[stop.end() :]
            ):
                continue  # "On December 23. 2024, …": a date with a slip of the key
            spans.append((start, line.start() + stop.start() + len(stop.group(0).rstrip())))
            start = line.start() + stop.end()
        spans.append((start, line.end()))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if re.search(r"[A-Za-z]", piece):
            trimmed.append((start + lead, start + lead + len(piece)))
    return trimmed


def _is_title(sentence, text, start, end):
    """A whole line without closing punctuation: a headline or a heading."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    # A headline may end on a quoted name ('Vacates FTC's "Click to Cancel Rule"'), never on a full stop.
    return line == sentence and not re.search(r"[.!?:;][\"”’)]*(?:\[\w{1,3}\])?$|[)]$", sentence)


def _triggers(sentence):
    found = []
    for kind, pattern in TRIGGERS:
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for _, start, end in found):
                continue
            if _REFUSED.search(sentence[: match.start()]):
                continue  # "refused to stay the rule’s effective date of January 15": the date stands
            found.append((kind, match.start(), match.end()))
    found.sort(key=lambda item: item[1])
    # "issued an interim final rule extending the reporting period": what was issued is the delay;
    # "issued an injunction delaying the compliance dates": what delays is the injunction.
    return [
        item
        for item in found
        if not (item[0] == "issued" and any(other[0] == "delayed" and 0 < other[1] - item[2] <= 30 for other in found))
        and not (item[0] == "delayed" and any(other[0] == "stayed" and 0 <= item[1] - other[2] <= 3 for other in found))
        # "extended deadlines for summary judgment motions": a court's schedule, not a rule's
        and not (
            item[0] == "delayed"
            and re.match(
                r"[^.;]{0,40}\b(?:motions?|briefs?|summary\s+judgment|hearings?|oral\s+argument)\b",
                sentence[item[2] :],
                re.I,
            )
        )
    ]


def _leading(mentions):
    return next((m for m in mentions if m.start <= 45 and m.end - m.start < 40), None)


def _refine(kind, sentence, start, end):
    """Kinds that depend on the words around: a stay by a court or by the agency; a "take
    effect" said of compliance requirements; which event a delay moves."""
    if kind == "vacated" and sentence[start:end].lower().startswith("scrap") and not _COURT.search(sentence):
        return "rescinded"
    if kind == "stayed" and not _COURT.search(sentence) and "injunction" not in sentence[start:end].lower():
        return "suspended"
    if kind == "delayed" and sentence[start:end].lower().startswith("stay") and _COURT.search(sentence[:start]):
        return "stayed"
    if kind == "published" and re.search(r"\bproposed\b", sentence[max(0, start - 40) : start], re.I):
        return "proposed"
    if kind == "effective" and re.search(r"complian|obligation", sentence[max(0, start - 50) : start], re.I):
        return "compliance_date"
    return kind


def _delay_target(sentence, start, end):
    window = sentence[max(0, start - 60) : end + 60].lower()
    if re.search(r"complian|comply|deadline|applicab|implement|enforc", window):
        return "compliance_date"
    return "effective" if "effective" in window else None


# A date that names a thing rather than the act ("the July 1, 2024, interim increase", "the
# original January 1, 2025 deadline") is not the date of the act the sentence reports, unless the
# thing is the act itself ("the December 3, 2024 district court decision", "the Feb. 27 guidance").
_ACT_NOUNS = (
    r"decision|order|ruling|opinion|announcement|statement|notice|guidance|release|stay|injunction|"
    r"memo(?:randum)?|letter|vote|action|press|edition|issue"
)


def _attributive(sentence, m, before_the_act=True):
    before, after = sentence[: m.start], sentence[m.end :]
    if re.match(r",?\s+(?:[\w-]+\s+)?deadlines?\b", after, re.I):
        return True
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
        return True  # "90 FR 573 (January 6, 2025)": the date of a cited document
    if re.search(r"\bon\s+or\s+(?:after|before)\s+$", before, re.I):
        return True
    return before_the_act and bool(
        re.search(r"(?:\b(?:the|its|their|this|that)|[’']s)\s+$", before, re.I)
        and not re.match(r",?\s+(?:[\w’'-]+\s+){0,3}?(?:" + _ACT_NOUNS + r")\b", after, re.I)
    )


def _background(sentence, start, kind):
    """Sentences and clauses that restate or set the scene rather than report an act: a
    consequence ("As a result, …", "This ruling reinstates …"), an opening "While …" or "After …"
    clause, a pluperfect relative ("that had suspended")."""
    if _CONSEQUENCE.match(sentence):
        return True  # the caller also drops a consequence's dated proposals
    if _SUBORDINATE.match(sentence) and "," in sentence and start < sentence.index(","):
        return True
    return bool(re.search(r"\b(?:that|which|who)\s+had\s+(?:\w+ly\s+)?$", sentence[:start], re.I))


def _sentence_proposals(sentence, published_on, title):
    triggers = _triggers(sentence)
    if not triggers:
        return []
    mentions = find_dates(sentence, published_on)
    # The qualifier checks read the sentence with its dates blanked out: "May 13" is no modal.
    masked = list(sentence)
    for m in mentions:
        masked[m.start : m.end] = "0" * (m.end - m.start)
    masked = "".join(masked)
    usable = [
        m
        for m in mentions
        if not _EXCLUDED_BEFORE.search(sentence[: m.start]) and not _OWN_PUBLICATION.search(sentence[: m.start])
    ]
    leading = (
        _leading(usable)
        if usable and sentence[usable[0].end : usable[0].end + 3].lstrip()[:1] in (",", "—", "–", "-")
        else None
    )
    proposals = []
    used = []  # dates a scheduled state took: not also the date of an act in the same sentence
    for index, (kind, start, end) in enumerate(triggers):
        previous_end = triggers[index - 1][2] if index else 0
        next_start = triggers[index + 1][1] if index + 1 < len(triggers) else len(sentence)
        before_text = masked[max(previous_end, start - 60) : start]
        clause = masked[max(0, start - 60) : start]
        lead = next((m.start for m in mentions if 0 <= start - m.end <= 2), start)
        if (
            kind not in ("enforcement_suspended", "rescission_planned")
            and _NEGATED.search(masked[:lead].rstrip() + " ")
            and not re.match(r"\s+until\b", sentence[end:], re.I)
            and not (
                kind in STATE_KINDS
                and re.search(r"\bas\s+(?:originally\s+)?(?:scheduled|planned)\b", sentence[end:], re.I)
            )
        ):
            continue
        if (
            kind == "delayed"
            and re.match(r"delay\b(?!\s+of\b)", sentence[start:end], re.I)
            and re.search(
                r"\b(?:the|a|an|this|that|its|further|additional|proposed|final|any|[\w]+-(?:year|month|week|day))\s+$",
                sentence[:start],
                re.I,
            )
        ):
            continue  # "the delay", "a three month delay": a noun, not an act
        if (
            kind == "delayed"
            and re.match(r"delay\s+of\b", sentence[start:end], re.I)
            and re.search(r"(?:^|[;:])\s*$", sentence[:start])
        ):
            continue  # "ACTION: Final rule; delay of effective dates.": a label
        if kind == "delayed" and re.match(r"delayed\s+(?:rules|regulations|requirements)\b", sentence[start:end], re.I):
            continue  # "Delayed regulations include …": an adjective
        if _HYPOTHETICAL.search(clause):
            continue
        if re.search(r"\b(?:that|which)\s+would\s+$", masked[:start], re.I):
            continue  # "released a proposed rule that would extend the deadline": what the proposal would do
        if kind == "enforcement_suspended" and re.search(
            r"\ballow(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,5}$", masked[:start], re.I
        ):
            continue  # "allows covered clearing agencies not to enforce such policies": a permission to others
        if re.search(r"\b(?:would|could|might)\s+(?:not\s+)?have\b[^.;]*\band\s+$", masked[:start], re.I):
            continue  # "would have changed … and rescinded a 2020 version": still what would have been
        if (
            kind not in STATE_KINDS | {"rescission_planned", "enforcement_suspended", "vacated"}
            and _INFINITIVE.search(masked[:start])
            and not re.search(r"\b(?:voted\b[^.;]{0,40}?|agreed\s+|chose\s+)to\s+(?:\w+ly\s+)?$", masked[:start], re.I)
        ):
            continue
        if start == 0 and re.match(r"\w+ing\b", sentence):
            continue  # a gerund subject ("Extending implementation … is necessary") asserts nothing
        future = bool(_FUTURE.search(before_text))
        reported = bool(_REPORTING.search(masked[:start]))
        scheduled = (
            future and kind not in STATE_KINDS | {"rescission_planned"} and not (kind in FUTURE_REPORTED and reported)
        )
        if scheduled and kind != "delayed":
            continue
        if (
            kind in ("effective", "compliance_date")
            and re.search(r"dates?\s+(?:of|for)$", sentence[start:end], re.I)
            and not any(m.start - end <= 5 for m in mentions if m.start >= end)
            and any(other[0] == "delayed" for other in triggers[index + 1 :])
        ):
            continue
        if _CONSEQUENCE.match(sentence) and kind in STATE_KINDS:
            continue  # "This means that the rule will not take effect in September as originally scheduled"
        kind = _refine(kind, sentence, start, end)
        after = [
            m
            for m in mentions
            if end <= m.start < next_start
            and (m in usable or (kind == "compliance_date" and re.search(r"\bby\s+$", sentence[: m.start], re.I)))
        ]
        reporting = [m for m in usable if _REPORTING.search(masked[max(0, m.start - 30) : m.start])]
        chosen, new_date, old_date = None, None, None
        if kind in STATE_KINDS or kind == "issued":
            # A state's date, and an issue date, stand next to their words ("issued on …").
            words = sentence[start:end].lower()
            reach = 110 if "comply" in words else 80 if kind == "issued" else 60 if "enforc" in words else 30
            chosen = next(
                (
                    m
                    for m in after
                    if m not in reporting
                    and (
                        m.start - end <= reach
                        or re.fullmatch(
                            r"[^.;]{0,80}\b(?:is|are|was|were|will\s+be)\s+(?:now\s+)?|\s+in\s+the\s+federal\s+register\s+"
                            r"(?:on\s+)?",
                            sentence[end : m.start],
                            re.I,
                        )
                    )
                ),
                None,
            )
            # "the rule's April 10 applicability date", "Jan. 1, 2018, implementation"
            adjacent = next((m for m in usable if 0 <= start - m.end <= 2), None)
            if chosen is None and adjacent is not None and kind != "issued":
                chosen = adjacent
            # "As of January 1, 2006, … goes into effect": a verb may take the opening date, a noun
            # ("the applicability dates") may not.
            if (
                chosen is None
                and index == 0
                and (
                    kind != "published"
                    or re.match(r"\s+(?:its|the|a|an)\s+(?:[\w-]+\s+)?(?:rule|regulation)", sentence[end:], re.I)
                )
                and not re.search(r"dates?$|implementation$|applicability$|deadlines?$", sentence[start:end], re.I)
            ):
                chosen = leading
            if chosen is not None and re.search(
                r"\b(?:would|could|might)\s+(?:not\s+)?have\b", sentence[end : chosen.start], re.I
            ):
                continue  # "The first compliance deadline for the Rule would have been June 30, 2026"
            if chosen is not None:
                used.append(chosen)
        else:
            after = [m for m in after if m not in used and not _attributive(sentence, m)]
            if kind == "delayed":
                # A date inside or right before the words is the date being moved, not the delay's.
                old_date = next(
                    (
                        m
                        for m in mentions
                        if start - 2 <= m.end <= end
                        and m.start >= start - 40
                        and (
                            m.start >= start
                            or sentence[start:end].split()[0].lower()
                            in ("effective", "compliance", "applicability", "implementation")
                        )
                    ),
                    None,
                )
                for m in [m for m in mentions if end <= m.start < next_start]:
                    if new_date is None and _NEW_DATE_BEFORE.search(sentence[: m.start]) and m not in reporting:
                        new_date = m
                    elif old_date is None and re.search(r"(?<!starting )\bfrom\s+$", sentence[: m.start], re.I):
                        old_date = m
                after = [m for m in after if m is not new_date]
            if leading is new_date:
                leading = None
            befores = [
                m
                for m in usable
                if previous_end <= m.start
                and (m.end <= start or (kind != "delayed" and m.end <= end))
                # "the Feb. 17 order by the … Court … made the CTA once again enforceable"
                and (
                    start - m.end <= 90
                    or (start - m.end <= 180 and re.match(r"\s+(?:" + _ACT_NOUNS + r")\b", sentence[m.end :], re.I))
                )
                and not re.search(r",\s+(?:yet|but|while|although|though)\b|;", sentence[m.end : start])
                and not _NEW_DATE_BEFORE.search(sentence[: m.start])
                and m is not leading
                and m is not new_date
                and m is not old_date
                and m not in used
                and not _attributive(sentence, m)
            ]
            opening = (
                leading
                if leading is not None
                and leading not in used
                and not _attributive(sentence, leading)
                # the opening date is the main clause's: not that of a relative clause ("…, which was
                # later postponed") or of a clause after "but"
                and not re.search(
                    r",\s+(?:which|that|who)\b|,\s+(?:but|yet)\b|;",
                    sentence[leading.end : start],
                )
                else None
            )
            chosen = (
                # A date after an earlier act in the sentence is nearer this one than the opening date.
                (befores[-1] if befores and index and opening is not None else None)
                or opening
                or (befores[-1] if befores else None)
                or (reporting[0] if kind == "delayed" and reporting else None)
                or next(
                    (
                        m
                        for m in after
                        if m.start - end <= 90
                        and not re.search(r"\b(?:until|through|till)\s+$", sentence[: m.start], re.I)
                        and (kind != "delayed" or re.search(r"\bon\s+$", sentence[: m.start], re.I))
                    ),
                    None,
                )
                or (reporting[0] if reporting else None)
            )
        if chosen is None and kind in ("vacated", "stayed", "reinstated"):
            chosen = next(
                (
                    m
                    for m in mentions
                    if m.start > end
                    and re.search(r"\((?:[A-Z0-9][\w.’']*\.?\s+){1,4}$", sentence[: m.start])
                    and sentence[m.end : m.end + 1] == ")"
                ),
                None,
            )
        if chosen is None and (kind not in UNDATED_OK or title or kind == "rescission_planned" or scheduled):
            continue
        if chosen is None and _background(sentence, start, kind):
            continue
        # one event a sentence ("enjoined … and stayed …", a second "not enforce" of the same date),
        # though a second "was extended from June 30, 2026" still says when that was due
        if chosen is not None:
            proposals = [p for p in proposals if not (p.kind == kind and p.date is None)]
        repeated = any(p.kind == kind and (chosen is None or (p.date == chosen.date)) for p in proposals)
        proposal = Proposal(
            kind,
            chosen.date if chosen else None,
            chosen.precision if chosen else None,
            sentence,
            resolved_from=chosen.resolved_from if chosen else None,
        )
        if kind == "delayed":
            proposal.target = _delay_target(sentence, start, end)
            proposal.new_date = new_date.date if new_date else None
        if not repeated:
            proposals.append(proposal)
        if kind in STATE_KINDS and chosen is not None:
            # "will be July 1, 2026, January 1, 2027, and October 1, 2027, respectively"
            last = chosen
            for m in [m for m in mentions if m.start > chosen.start]:
                if not re.fullmatch(r"\s*[,;]?\s*(?:and|or)?\s*", sentence[last.end : m.start]):
                    break
                proposals.append(Proposal(kind, m.date, m.precision, sentence, resolved_from=m.resolved_from))
                last = m
        if old_date is not None and proposal.target:
            # "delayed the effective date from February 10 to March 21" also says when it was due.
            proposals.append(
                Proposal(
                    proposal.target, old_date.date, old_date.precision, sentence, resolved_from=old_date.resolved_from
                )
            )
    # "extended the deadline … until July 15, 2006 to comply": the new date is the delay's, not a claim of its own
    moved_to = {p.new_date for p in proposals if p.kind == "delayed" and p.new_date}
    return [p for p in proposals if not (p.kind in STATE_KINDS and p.date in moved_to)]


_RELATIVE = re.compile(
    r"^(?:(?:this|last|next)\s+)?(?:today|yesterday|tomorrow|tonight|this\s+\w+|(?:last|next)\s+\w+|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))$",
    re.I,
)
_QUOTE_INTRODUCED = re.compile(
    r"\b(?:notes|noted|states|stated|said|says|writes|wrote|reads|adds|added|explains|observes)\s*:\s*$", re.I
)


def _quoted(text, start):
    """Whether the paragraph holding ``start`` is a quotation introduced by the one before
    ("This Goodwin alert notes:"): its "Yesterday" is its author's, not this text's."""
    line_start = text.rfind("\n", 0, start) + 1
    previous = text[:line_start].rstrip().rsplit("\n", 1)[-1]
    return bool(_QUOTE_INTRODUCED.search(previous))


def propose(text, published_on, instruments=()):
    """Proposed events in ``text``, published on ``published_on``, in the order of the text."""
    proposals = []
    explicit = []  # full dates the text gives, which a later bare weekday may name again
    for start, end in split_sentences(text):
        sentence = text[start:end]
        for proposal in _sentence_proposals(sentence, published_on, _is_title(sentence, text, start, end)):
            relative = proposal.resolved_from and _RELATIVE.match(proposal.resolved_from)
            if relative and _quoted(text, start):
                proposal.date = proposal.precision = proposal.resolved_from = None
            elif relative and proposal.resolved_from.lower() in WEEKDAYS:
                # "Friday, March 8, 2024: … struck down …" then "Late on Friday, …": that Friday
                proposal.date = next(
                    (
                        d
                        for d in reversed(explicit)
                        if d.weekday() == proposal.date.weekday() and 0 < (proposal.date - d).days <= 7
                    ),
                    proposal.date,
                )
            proposal.instrument = match_instrument(sentence, text, instruments) if instruments else None
            proposals.append(proposal)
        explicit += [
            m.date for m in find_dates(sentence, published_on) if m.resolved_from is None and m.precision == "day"
        ]
    return proposals


__all__ = ["DateMention", "InstrumentRef", "Proposal", "match_instrument", "propose", "split_sentences"]
