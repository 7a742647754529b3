"""The DATES text of a Federal Register document, read sentence by sentence.

Plain Python, no Django. ``read_dates(text, published=…, signed=…)`` splits the text into
sentences (quoted back verbatim, as slices of the text), finds every date a sentence gives —
written out ("March 10, 2025"), or relative ("60 days after publication", "upon publication",
"on the date of signature") — and decides what each one dates from the words that govern it:

- the closest cue before it in its clause ("effective", "comments … on or before",
  "compliance date", "reply comments", "public hearing"…);
- an action verb earlier in the sentence ("is delayed until", "is withdrawn as of", "is stayed",
  "is suspended"), which governs the dates after it;
- a reference tail ("published", "of", "at 90 FR 1234,") that makes a date a mere pointer
  to another document, never a date of this one.

Sentences with a date the reader cannot place are returned in ``not_understood``, never dropped.
Each sentence also gives the FR citations and document numbers it names, for whoever joins a
follow-on document to the instrument it acts on.

Why regular expressions and not ``dateparser``: the Federal Register writes dates one way
(the Document Drafting Handbook's "March 10, 2025"), so the date string is the easy part; the
hard part — which event a date belongs to — is no date library's business. ``dateparser``'s
``search_dates`` costs about a millisecond a call and finds "dates" in "May" and "90 FR 1234",
which would sink the 1,000 documents/s import budget and add false dates.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

# What a finding can date. ``reference`` (a date of another document) and ``other`` (a public
# hearing, an information-collection deadline) are understood but date nothing here.
EFFECTIVE, COMPLIANCE, COMMENTS, REPLY = "effective", "compliance_date", "comment_period_closes", "reply_comments"
DELAYED, WITHDRAWN, STAYED, SUSPENDED, RESCINDED = "delayed", "withdrawn", "stayed", "suspended", "rescinded"
EXPIRED = "expired"
REFERENCE, OTHER = "reference", "other"

_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_NUMBER_WORDS = {
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "one hundred twenty": 120,
    "one hundred and twenty": 120,
    "one hundred eighty": 180,
    "seven": 7,
    "fourteen": 14,
    "forty": 40,
    "seventy-five": 75,
}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"

# One pattern finds every date a sentence gives, written or relative, left to right.
DATE = re.compile(
    rf"(?P<month>{_MONTH})\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<year>\d{{4}})"
    rf"|\[?(?:INSERT\s+DATE\s+)?(?P<n>{_NUMBER})(?:\s*\(\d{{1,3}}\))?\s+(?:calendar\s+)?(?P<unit>days?|months?)\s+"
    r"(?:after|from|following|of)\s+(?:the\s+)?(?:date\s+of\s+)?(?:its\s+|this\s+document's\s+)?"
    r"(?P<rel>publication|signature|signing)(?:\s+(?:of\s+this\s+(?:document|rule|notice)\s+)?"
    r"in\s+the\s+Federal\s+Register)?\]?"
    r"|\[INSERT\s+DATE\s+OF\s+PUBLICATION\s+IN\s+THE\s+FEDERAL\s+REGISTER\]"
    r"|(?P<upon>(?:upon|on\s+the\s+(?:date|day)\s+of|as\s+of\s+the\s+date\s+of|on)\s+(?:its\s+|the\s+)?"
    r"(?P<upon_what>publication|signature|signing|filing\s+for\s+public\s+inspection)"
    r"(?:\s+(?:of\s+this\s+(?:document|rule|notice)\s+)?in\s+the\s+Federal\s+Register)?)"
    r"|(?P<now>\bimmediately\b)",
    re.I,
)
# Most sentences give only written dates: this much cheaper pattern reads them (the lookahead lets
# the scan skip every position that cannot start a month).
WRITTEN = re.compile(rf"(?=[ADFJMNOS])(?P<month>{_MONTH})\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<year>\d{{4}})")
_RELATIVE_WORDS = ("publication", "signature", "signing", "immediately", "insert")
CITATION = re.compile(r"\b(\d{1,3})\s+FR\s+(\d{1,6})\b")
DOCUMENT_NUMBER = re.compile(r"\bFR\s+Doc(?:ument)?\.?\s*(?:No\.?\s*)?((?:E\d-)?\d{2,4}-\d{3,6})\b", re.I)

_ABBREVIATIONS = {
    "a.m",
    "p.m",
    "u.s",
    "no",
    "nos",
    "sec",
    "secs",
    "e.g",
    "i.e",
    "inc",
    "co",
    "corp",
    "st",
    "mr",
    "ms",
    "dr",
    "pt",
    "pts",
    "ch",
    "al",
    "seq",
    "fed",
    "reg",
    "doc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "vol",
    "app",
    "cf",
    "etc",
    "approx",
    "d.c",
    "n.w",
    "s.w",
    "para",
    "par",
    "id",
    "v",
    "u.s.c",
    "c.f.r",
    "a",
    "p",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“(\[]?[A-Z0-9§])|\n\s*\n|\n(?=\s*[A-Z][A-Za-z ]{2,40}:)")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"'”’)]*$")
_LABEL = re.compile(r"^\s*(?P<label>(?:[A-Z][A-Za-z]*(?:\s+[A-Za-z]+){0,3}))\s*:\s+")

# Cues, each a (kind, pattern) pair; for a date, the one ending closest before it wins.
_CUES = [
    (kind, re.compile(pattern, re.I))
    for kind, pattern in [
        (REPLY, r"\brepl(?:y|ies)(?:\s+comments?)?\b|\brebuttal(?:\s+comments?)?"),
        (
            OTHER,
            r"\binformation\s+collection|\bincorporation\s+by\s+reference|"
            r"\bpaperwork\b|\bpublic\s+(?:hearing|meeting)s?\b|\bhearings?\b|\bmeetings?\b"
            r"|\bwebinar|\bworkshop|\brequests?\s+(?:for|to)\b|\bregister\s+to\s+(?:attend|speak)|\bnominations?\b"
            r"|\bapplications?\b|\bpetitions?\b|\bobjections?\b|\bdisposition\b",
        ),
        (COMMENTS, r"\bcomment(?:s|ers?|ing)?\b|\bsubmissions?\b"),
        (
            COMPLIANCE,
            r"\bcompl(?:iance|y|ies)\b|\bapplicab(?:ility|le)\b|\bimplementation\s+date"
            r"|\bappl(?:y|ies)\s+(?:on\s+and\s+after|beginning|starting|as\s+of|on)\b",
        ),
        (EFFECTIVE, r"\beffective(?:ness)?\b|\btakes?\s+effect\b|\bin\s+effect\b|\bbecomes?\s+effective"),
    ]
]
# Verbs that govern every later date of their sentence ("… is delayed until", "… is withdrawn as of").
_ACTIONS = [
    (kind, re.compile(pattern, re.I))
    for kind, pattern in [
        (
            DELAYED,
            r"\b(?:is|are|be|been|being|was|were)\s+(?:further\s+|hereby\s+|temporarily\s+)?"
            r"(?:delayed|postponed|deferred|extended)\b|\bdelays?\s+(?:the\s+)?(?:effective|compliance)\b"
            r"|\bnew\s+effective\s+date\b|\b(?:delays?|postpones?|defers?)\s+(?:until|to|through)\b",
        ),
        (WITHDRAWN, r"\b(?:is|are|be|been|hereby)\s+(?:hereby\s+)?withdrawn\b|\bwithdraws?\b"),
        (STAYED, r"\b(?:is|are|be|been|hereby)\s+(?:administratively\s+|hereby\s+)?stayed\b|\bstays?\s+the\b"),
        (SUSPENDED, r"\b(?:is|are|be|been|hereby)\s+(?:hereby\s+)?suspended\b|\bsuspends?\s+the\b"),
        (RESCINDED, r"\b(?:is|are|be|been|hereby)\s+(?:hereby\s+)?(?:rescinded|revoked|repealed)\b"),
    ]
]
# A date ending one of these is another document's date (or, after "from", a delay's old date).
_PUBLISHED_BEFORE = re.compile(
    r"\b(?:published|issued|dated|appearing)\b[^.;]{0,80}$|\bFederal\s+Register\s+of\s*$"
    r"|\b(?:memorandum|order|letter|decision|opinion)\s+(?:of|dated)\s*$"
    r"|\(\s*$|\b\d{1,3}\s+FR\s+\d{1,6}\s*\)?,?\s*(?:on\s+)?$",
    re.I,
)
# A date followed by a citation points at another document: "extended on January 28, 2019 at 84 FR
# 409", "delayed until March 9, 2009 [74 FR 7179]", "published on May 3, 2024 (89 FR 36000)".
_CITATION_AFTER = re.compile(r"\s*,?\s*(?:\(|\[|\bat\s+)\s*\d{1,3}\s+FR\s+\d{1,6}\b", re.I)
# A comment period's old end, said in the past: "which was set to close on June 10, 2019", "The
# public comment period ended on February 17, 2011", "was scheduled to end".
_OLD_CLOSE = re.compile(
    r"\b(?:(?:was|were|had\s+been)\s+(?:set|scheduled|due)\s+to\s+(?:close|end|expire)"
    r"|(?:closed|ended|expired))\s+(?:on\s+)?$",
    re.I,
)
_PAST_DELAY = re.compile(
    r"\b(?:which|that)\s+(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+)?(?:delayed|postponed)"
    r"\b[^;]*$|\bpreviously\s+(?:delayed|postponed)\b[^;]*$",
    re.I,
)
_COMPLIANCE_DATE = re.compile(r"compliance\s+date", re.I)
_EFFECTIVE_DATE = re.compile(r"effective\s+date", re.I)
_EFFECTIVE_TAIL = re.compile(r"effective\s*$|take\s+effect\s*$", re.I)
_AS_OF_TAIL = re.compile(r"\b(?:as\s+of|on|effective)\s*$", re.I)
_BARE = re.compile(r"[\s,]*(?:on\s+)?")
_THROUGH_TAIL = re.compile(r"\bthrough\s*$", re.I)
# The end of a temporary rule at a time of day: "through 1200 hrs, A.l.t., October 1, 2008",
# "until 12:01 a.m., March 11, 2002", "until 11 p.m. on August 23, 2015". It stops applying on
# that day (unless the time is the day's end).
_TIMED_END_TAIL = re.compile(
    r"\b(?:through|until)\s+(?P<time>\d{1,2}(?::\d{2})?\s*[ap]\.m\.|\d{4}\s*hrs\.?|noon|midnight)"
    r"(?:\s*\([^)]{1,20}\))?(?:[\s,]+(?:A\.l\.t\.|[A-Z][a-z]+\s+(?:local|standard|daylight)\s+time|[A-Z]{2,4}))?"
    r"[\s,]*(?:on\s+)?$",
    re.I,
)
_DAY_END = re.compile(r"^(?:11:59\s*p\.m\.|2359|2400|midnight)", re.I)
_EXCEPT = re.compile(r"\bexcept\b|§", re.I)
_FROM_TAIL = re.compile(r"\bfrom\s*$", re.I)
_ORIGINAL_TAIL = re.compile(
    r"\b(?:originally|previously|formerly|currently|now)(?:\s+(?:scheduled|set|due))?"
    r"(?:\s+(?:for|to\s+be|as))?\s*$",
    re.I,
)
_UNTIL_TAIL = re.compile(r"\b(?:until|through|to|till)\s*$", re.I)
_SCOPE = re.compile(
    r"\bexcept\s+(?:for\s+)?(?P<what>[^,;]+?),\s*which\b|\b(?:amendments?|amendatory\s+instructions?|"
    r"revisions?)\s+to\s+(?P<to>§+\s*[\d.()a-z\-]+)"
    r"|(?:the\s+)?amendments?\s+in\s+(?P<in>[^,]+?)\s+(?:is|are)"
    r"|(?P<sec>§+\s*[\d.()a-zA-Z\-]+(?:\s*(?:and|,)\s*[\d.()a-zA-Z\-]+)*)",
    re.I,
)
_COURT = re.compile(r"\bcourt\b|\bjudge\b|\bvacat", re.I)


@dataclass(frozen=True)
class Finding:
    """One date a sentence gives. ``date`` is what it dates; ``sentence`` the sentence, verbatim.

    ``relative`` says how a computed date was computed ("60 days after publication");
    ``scope`` the part of the rule it is for ("§ 52.220"), empty for the whole;
    for a delay, ``old_date`` the date it moves from and ``target`` what it moves
    (``effective`` or ``compliance_date``); for a stay or suspension, ``until`` its end."""

    kind: str
    date: datetime.date
    sentence: str
    relative: str = ""
    scope: str = ""
    old_date: datetime.date | None = None
    target: str = ""
    until: datetime.date | None = None
    court: bool = False


@dataclass
class Sentence:
    text: str  # verbatim, a slice of the DATES text
    start: int
    findings: list = field(default_factory=list)
    references: list = field(default_factory=list)  # dates of other documents it names
    citations: tuple = ()  # "90 FR 1234", FR document numbers
    understood: bool = True


@dataclass
class Reading:
    sentences: list = field(default_factory=list)

    @property
    def findings(self):
        return [finding for sentence in self.sentences for finding in sentence.findings]

    @property
    def not_understood(self):
        return [sentence.text for sentence in self.sentences if not sentence.understood]

    @property
    def citations(self):
        return tuple(dict.fromkeys(c for sentence in self.sentences for c in sentence.citations))

    def of(self, kind, scoped=False):
        """The findings of one kind, for the whole rule (or also for parts of it, ``scoped``)."""
        return [f for f in self.findings if f.kind == kind and (scoped or not f.scope)]


def date_spans(text, published=None, signed=None):
    """(start, end, date) of every date ``text`` gives, found as ``read_sentence`` finds them (the
    date None where a relative one has no base), for showing where each date was read."""
    lowered = text.lower()
    pattern = DATE if any(word in lowered for word in _RELATIVE_WORDS) else WRITTEN
    return [(m.start(), m.end(), _resolve(m, published, signed)[0]) for m in pattern.finditer(text)]


def split_sentences(text):
    """(start, sentence) pairs: each sentence an exact slice of ``text``, stripped of spaces."""
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()]
        word = _LAST_WORD.search(before)
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and not match.group(0).startswith("\n"):
            continue  # "a.m. Eastern", "U.S. Department", "No. 5"
        pieces.append((start, before))
        start = match.end()
    pieces.append((start, text[start:]))
    out = []
    for offset, piece in pieces:
        stripped = piece.strip()
        if stripped:
            out.append((offset + piece.index(stripped), stripped))
    return out


def _number(raw):
    raw = raw.lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS[re.sub(r"\s+", " ", raw)]


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _resolve(match, published, signed):
    """A date match → (date or None, how it was computed or "")."""
    if match.re is WRITTEN or match.group("month"):
        month = _MONTHS[match.group("month").lower().rstrip(".")]
        try:
            return datetime.date(int(match.group("year")), month, int(match.group("day"))), ""
        except ValueError:
            return None, ""  # "February 30, 2025": not a date
    text = re.sub(r"\s+", " ", match.group(0).strip("[] ")).lower()
    if match.group("now"):
        return published, "immediately (the date of publication)"
    what = (match.group("rel") or match.group("upon_what") or "publication").lower()
    base = signed if what in ("signature", "signing") else published
    if what.startswith("filing"):
        return None, text
    if base is None:
        return None, text
    if match.group("n"):
        n = _number(match.group("n"))
        unit = match.group("unit").lower()
        day = _add_months(base, n) if unit.startswith("month") else base + datetime.timedelta(days=n)
        unit = unit.rstrip("s") + ("s" if n != 1 else "")
        return day, f"{n} {unit} after {'signature' if base is signed else 'publication'}"
    return base, f"on {'signature' if base is signed else 'publication'}"


# A pattern is only run on a sentence holding one of its words: most sentences need two or three.
_CUE_WORDS = {
    REPLY: ("repl", "rebuttal"),
    OTHER: (
        "informat",
        "incorporat",
        "paperwork",
        "hearing",
        "meeting",
        "webinar",
        "workshop",
        "request",
        "register to",
        "nominat",
        "applicat",
        "petition",
        "objection",
        "disposition",
    ),
    COMMENTS: ("comment", "submission"),
    COMPLIANCE: ("compl", "applica", "implementation", "appl"),
    EFFECTIVE: ("effect",),
    DELAYED: ("delay", "postpon", "defer", "extended"),
    WITHDRAWN: ("withdr",),
    STAYED: ("stay",),
    SUSPENDED: ("suspend",),
    RESCINDED: ("rescind", "revoked", "repeal"),
}


def _present(kind, lowered):
    return any(word in lowered for word in _CUE_WORDS[kind])


class _Marks:
    """Where a sentence's cues and action verbs end, found once per sentence."""

    def __init__(self, body, lowered):
        self.cues = sorted(
            (m.start(), m.end(), kind)
            for kind, pattern in _CUES
            if _present(kind, lowered)
            for m in pattern.finditer(body)
        )
        self.actions = sorted(
            (m.end(), kind) for kind, pattern in _ACTIONS if _present(kind, lowered) for m in pattern.finditer(body)
        )

    def cue(self, start, end):
        """The kind whose cue ends last inside body[start:end] (the first listed on a tie), or None."""
        best, kind = -1, None
        for cue_start, cue_end, candidate in self.cues:
            if cue_start >= start and cue_end <= end and cue_end > best:
                best, kind = cue_end, candidate
        return kind

    def cue_before(self, start, end, kind):
        """Whether a cue of ``kind`` lies inside body[start:end]."""
        return any(c == kind and start <= s and e <= end for s, e, c in self.cues)

    def action(self, end):
        """(kind, end) of the last action verb ending by ``end``, or (None, -1)."""
        found = (None, -1)
        for action_end, kind in self.actions:
            if action_end <= end:
                found = (kind, action_end)
        return found


def _scope(clause_text, start, end):
    """The part of the rule a date is for, when the words around it name one."""
    around = clause_text[max(0, start - 160) : end]
    if not any(word in around for word in ("xcept", "§", "mendment", "evision", "nstruction")):
        return ""
    match = None
    for match in _SCOPE.finditer(around):
        pass
    if match is None:
        return ""
    what = match.group("what") or match.group("to") or match.group("in") or match.group("sec")
    return re.sub(r"\s+", " ", what.strip())


def _label_kind(label):
    label = label.lower()
    if "comment" in label:
        return COMMENTS
    if "complian" in label or "applicab" in label:
        return COMPLIANCE
    if "effective" in label:
        return EFFECTIVE
    if "hearing" in label or "meeting" in label:
        return OTHER
    return None


def read_sentence(text, start, published=None, signed=None, default=None):
    """One sentence → its Sentence, with findings. ``default`` dates a sentence that is a bare
    date with no cue at all (an "EFFECTIVE DATE:" heading's text)."""
    sentence = Sentence(
        text,
        start,
        citations=tuple([f"{v} FR {p}" for v, p in CITATION.findall(text)] + DOCUMENT_NUMBER.findall(text))
        if "FR" in text
        else (),
    )
    body, label_default = text, None
    if label := _LABEL.match(text):
        label_default = _label_kind(label.group("label"))
    lowered = body.lower()
    pattern = DATE if any(word in lowered for word in _RELATIVE_WORDS) else WRITTEN
    dates = [(m, *_resolve(m, published, signed)) for m in pattern.finditer(body)]
    if not dates:
        return sentence
    marks = _Marks(body, lowered)
    court = any(word in lowered for word in ("court", "judg", "vacat")) and bool(_COURT.search(body))
    clause_starts = [0] + [m.end() for m in re.finditer(";", body)]
    previous_end = 0
    delay_target = (
        COMPLIANCE
        if "compliance" in lowered and _COMPLIANCE_DATE.search(body) and not _EFFECTIVE_DATE.search(body)
        else EFFECTIVE
    )
    pending_delay = None  # a delay's old date, until its new date is read
    for match, day, relative in dates:
        clause_start = max(s for s in clause_starts if s <= match.start())
        window_start = max(previous_end, clause_start)
        window = body[window_start : match.start()]
        previous_end = match.end()
        groups = match.groupdict()
        if groups.get("now") and not _EFFECTIVE_TAIL.search(window):
            continue  # "immediately" that dates nothing
        if day is None:
            sentence.understood = False
            continue
        action, action_end = marks.action(match.start())
        if not relative and (
            _CITATION_AFTER.match(body, match.end()) or (_OLD_CLOSE.search(window) and "comment" in lowered)
        ):
            sentence.references.append(day)
            continue
        reference = _PUBLISHED_BEFORE.search(window)
        # "the rule published at 90 FR 1234 is delayed until May 5": an action verb after the
        # pointer governs the date, which is this document's.
        if (
            reference
            and not groups.get("upon")
            and not relative
            and not (action is not None and action_end > window_start + reference.start())
        ):
            sentence.references.append(day)
            continue
        kind = marks.cue(window_start, match.start()) or marks.cue(clause_start, match.start()) or label_default
        if kind == COMMENTS and marks.cue_before(clause_start, match.start(), OTHER):
            kind = OTHER  # "Under the Paperwork Reduction Act, comments on the information collection …"
        if _ORIGINAL_TAIL.search(window) and marks.actions and marks.actions[-1][1] == DELAYED:
            pending_delay = day  # "The compliance date, originally January 1, 2026, is delayed until …"
            continue
        if action in (DELAYED,) and (action_end >= 0):
            if _PAST_DELAY.search(window):
                sentence.references.append(day)  # "…, which was delayed to March 21, 2025 (90 FR 8000), …"
                continue
            if _FROM_TAIL.search(window):
                pending_delay = day
                continue
            if kind == COMMENTS or (kind == OTHER and action_end < len(body[: match.start()]) - len(window)):
                pass  # "the comment period is extended until …": a comment date, read below
            else:
                sentence.findings.append(
                    Finding(
                        DELAYED,
                        day,
                        text,
                        relative,
                        _scope(body, match.start(), match.end()),
                        old_date=pending_delay,
                        target=delay_target,
                    )
                )
                pending_delay = None
                continue
        elif action in (WITHDRAWN, STAYED, SUSPENDED, RESCINDED):
            if _UNTIL_TAIL.search(window) and action in (STAYED, SUSPENDED):
                # "Effective May 1, 2025, … is stayed until July 31, 2025": the stay runs from the
                # sentence's effective date (else publication) to this one.
                last = (
                    sentence.findings.pop()
                    if sentence.findings and sentence.findings[-1].kind in (EFFECTIVE, STAYED, SUSPENDED)
                    else None
                )
                start_day = last.date if last else published
                if start_day is None:
                    sentence.understood = False
                    continue
                kind = STAYED if action == SUSPENDED and court else action
                sentence.findings.append(
                    Finding(kind, start_day, text, last.relative if last else "on publication", until=day, court=court)
                )
                continue
            if kind not in (COMMENTS, REPLY, OTHER):
                kind = STAYED if action == SUSPENDED and court else action
                sentence.findings.append(Finding(kind, day, text, relative, "", court=court))
                continue
        if kind is None and _UNTIL_TAIL.search(window) is None and _BARE.fullmatch(window):
            kind = default if len(dates) == 1 and not marks.cues else None
        if kind is None and _AS_OF_TAIL.search(window):
            # "As of January 5, 2025, the proposed rule … is withdrawn.": the verb after governs it.
            clause_end = min([s for s in clause_starts if s > match.end()] + [len(body)])
            later = [k for end, k in marks.actions if match.end() < end <= clause_end]
            if later and later[0] == DELAYED:
                kind = EFFECTIVE  # "As of March 21, 2025, the effective date … is delayed": the notice's own date
            elif later:
                kind = STAYED if later[0] == SUSPENDED and court else later[0]
                sentence.findings.append(Finding(kind, day, text, relative, court=court))
                continue
        if kind is None:
            sentence.understood = False
            continue
        if kind == OTHER:
            continue
        timed_end = _TIMED_END_TAIL.search(window) if kind == EFFECTIVE else None
        if timed_end and any(f.kind == EFFECTIVE for f in sentence.findings):
            day_end = bool(_DAY_END.match(timed_end.group("time")))
            sentence.findings.append(
                Finding(
                    EXPIRED,
                    day + datetime.timedelta(days=1) if day_end else day,
                    text,
                    f"ends at {timed_end.group('time')} on {match.group(0)}",
                )
            )
            continue
        if kind == EFFECTIVE and _THROUGH_TAIL.search(window) and any(f.kind == EFFECTIVE for f in sentence.findings):
            # "effective from December 1, 2021, through November 30, 2026": in force on the last day
            sentence.findings.append(
                Finding(
                    EXPIRED,
                    day + datetime.timedelta(days=1),
                    text,
                    f"the day after {match.group(0)}, its last day in force",
                )
            )
            continue
        scope = _scope(body, match.start(), match.end()) if kind in (EFFECTIVE, COMPLIANCE) else ""
        if kind == EFFECTIVE and scope and not _EXCEPT.search(body, clause_start, match.end()):
            scope = ""
        if any(f.kind == kind and f.date == day and f.scope == scope for f in sentence.findings):
            continue  # "effective immediately upon publication": one date, said twice
        sentence.findings.append(Finding(kind, day, text, relative, scope))
    if pending_delay is not None and not any(f.kind == DELAYED for f in sentence.findings):
        sentence.understood = False  # "delayed from March 1" with no new date
    return sentence


def read_dates(text, published=None, signed=None, default=None):
    """The whole DATES text → Reading. ``published``/``signed`` anchor relative dates."""
    reading = Reading()
    for start, piece in split_sentences(text or ""):
        reading.sentences.append(read_sentence(piece, start, published, signed, default))
    return reading
