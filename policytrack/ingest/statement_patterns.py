"""The words the statement engine reads: which phrases assert which kind of event, and the
qualifiers (future, hypothetical, negated, reported) that change what a phrase asserts. Plain
regular expressions, no Django; ``statements.py`` applies them sentence by sentence."""

import re

# Kinds that change a status, and so are worth an editor's attention even without a date.
UNDATED_OK = {
    "rescission_announced",
    "rescinded",
    "vacated",
    "stayed",
    "suspended",
    "enforcement_suspended",
    "enforcement_resumed",
    "delayed",
    "withdrawn",
    "reinstated",
    "superseded",
    "expired",
}
# Kinds whose date is a scheduled state ("take effect on"), read only right after the words.
STATE_KINDS = {"effective", "compliance_date", "comment_period_closes", "published"}
# Kinds that may be spoken of in the future and still be news ("announced it will extend").
FUTURE_REPORTED = {"delayed", "enforcement_suspended", "rescission_announced", "suspended"}

_W = r"[\w’'-]+\s+"  # one word and its space
_ACT = r"(?:the\s+|its\s+|their\s+|this\s+|that\s+|both\s+|a\s+|an\s+)?"

# (kind, pattern), tried in order; a later match that overlaps an earlier one is dropped.
TRIGGERS = [
    (kind, re.compile(pattern, re.I))
    for kind, pattern in [
        ("stayed", r"\breinstat(?:ed|es|ing)\s+(?:the|an|its|a)\s+(?:[\w’'-]+\s+){0,3}?injunction\b"),
        (
            "reinstated",
            r"\bgrant(?:ed|s|ing)\b[^.;]{0,80}?\bstay(?:ing)?\s+(?:of\s+)?(?:[^.;]|(?<=\b[A-Z])\.){0,80}?\binjunction\b|"
            r"\b(?:issu(?:ed|ing)|enter(?:ed|ing))\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?stay\s+of\s+[^.;]{0,60}?\binjunction\b|"
            r"\bstay(?:ed|s|ing)\s+(?:the|its)\s+[^.;]{0,60}?\binjunction\b|\bstay\s+of\s+the\s+injunction\b|"
            r"\blift(?:ed|s|ing)?\s+(?:the|its|an?)\s+(?:[\w’'-]+\s+){0,3}?injunction\b|"
            r"\b(?:once\s+)?again\s+(?:required|enforceable|in\s+effect)\b",
        ),
        (
            "stayed",
            r"\bgrant(?:ed|s|ing)\b[^.;]{0,250}?\b(?:motion|request|application)s?\s+(?:for\s+(?:a\s+)?(?:stay|"
            r"(?:preliminary\s+)?injunct\w*)\b|(?:by\s+(?:[^.;]|(?<=\b[A-Z])\.){0,200}?\s+)?to\s+(?:stay|halt|block|enjoin)\b)"
            r"(?![^.;]{0,40}\binjunction\b)|"
            # "preliminary injunctions issued by federal courts", "put on hold the … rule"
            r"\binjunctions?\s+issued\s+by\b|\bput(?:s|ting)?\s+on\s+hold\s+(?:the|its|a)\b|"
            r"\bissued\s+(?:similar|identical|parallel|comparable)\s+(?:orders|injunctions|rulings|stays)\b",
        ),
        (
            "rescission_planned",
            r"\b(?:plans?|planning|intends?|intention|intent|decided|decision|moving|moves?|expects?)"
            r"\s+to\s+(?:formally\s+)?(?:rescind|revoke|repeal)\b",
        ),
        (
            "rescission_announced",
            r"\b(?:initiat(?:ed|es|ing)|announc(?:ed|es|ing)|began|begins)\s+(?:a|the|its)\s+"
            r"(?:formal\s+)?(?:rescission|recission|revocation|repeal)\b",
        ),
        ("rescission_announced", r"\bannounces\s+(?:the\s+)?(?:rescission|recission|revocation|repeal)\b"),
        (
            "rescinded",
            r"\b(?:rescinded|revoked|repealed|rescinds|revokes|repeals)(?:\s+and\s+replaced)?\s+"
            r"(?:the|its|a|an|this|that|both|all)\b",
        ),
        (
            "rescinded",
            r"\b(?:was|were|been|is|are|being)\s+(?:officially\s+|formally\s+)?(?:rescinded|revoked|repealed)\b",
        ),
        (
            "enforcement_suspended",
            r"\bnot\W{0,3}(?:(?:intend|plan|seek)\s+to\s+|take\s+any\s+(?:\w+\s+)?actions?\s+to\s+)?(?:to\s+)?"
            r"(?:be\s+)?enforc(?:e|ed|ing)\b",
        ),
        (
            "enforcement_suspended",
            r"\bnot\s+(?:issue|impose|assess|seek)\s+[\"“]?(?:any\s+)?(?:civil\s+)?(?:fines|penalties)\b|"
            r"\b(?:put(?:s|ting)?|plac(?:ed|es|ing))\s+[^.;]{0,60}?\benforc[^.;]{0,60}?\bon\s+hold\b",
        ),
        ("enforcement_suspended", r"\b(?:suspend(?:ed|s|ing)?|paus(?:ed|es|ing))\s+(?:its\s+|the\s+)?enforcement\b"),
        ("enforcement_resumed", r"\bresum(?:e|ed|es|ing)\s+(?:its\s+|the\s+)?enforc(?:e|ement|ing)\b"),
        (
            "delayed",
            r"\b(?:rule|notice|order)\s+(?:in\s+the\s+federal\s+register\s+)?to\s+(?:extend|delay|postpone)\s+"
            r"(?:the\s+|its\s+)?(?:effective|compliance|applicability)\s+dates?\b",
        ),
        (
            "delayed",
            r"\b(?:delay(?:s|ed|ing)?|postpon(?:e|ed|es|ing)|defer(?:s|red|ring)?|extend(?:s|ed|ing)?|"
            r"push(?:es|ed|ing)?\s+back|stay(?:s|ed|ing)?)\s+(?:indefinitely\s+|by\s+(?:one|two|three|six|\d+)\s+\w+\s+)?"
            + _ACT
            + r"(?:"
            + _W
            + r"){0,3}?"
            r"(?:effective|compliance)\s+(?:dates?|deadlines?)\b",
        ),
        (
            "delayed",
            r"\b(?:delay(?:s|ed|ing)?|postpon(?:e|ed|es|ing)|defer(?:s|red|ring)?|push(?:es|ed|ing)?(?:\s+back)?|"
            r"extend(?:s|ed|ing)?)\s+"
            + _ACT
            + r"(?:[\w’',.-]+\s+){0,4}?(?:implementation|applicability|enforcement)\b",
        ),
        (
            "delayed",
            r"\b(?:announc(?:ed|es)|set|sets|led\s+to|issued)\s+(?:updated|new|revised|extended|later)\s+"
            r"(?:(?:compliance|effective|applicability|reporting|filing)\s+)?(?:dates?|deadlines?)\b|"
            r"\breset(?:s|ting)?\s+(?:[\w()-]+\s+){0,6}?(?:dates?|deadlines?)\b",
        ),
        (
            "delayed",
            r"\b(?:(?:effective|compliance|applicability|implementation)\s+dates?|deadlines?)\s+[^.;,]{0,120}?"
            r"\b(?:was|were|is|are|has\s+been|have\s+been)"
            r"\s+(?:now\s+|again\s+|further\s+)?(?:delayed|postponed|deferred|pushed\s+back|extended|changed)\b|"
            # "the compliance dates … moved from Dec. 31, 2025, to Dec. 31, 2026", "the deadline shifts to 2031"
            r"\b(?:dates?|deadlines?)\s+(?:[^.;]{0,60}?\s+)?(?:shifts?|shifted|moves?|moved)\s+(?:from|to)\b|"
            r"\b(?:released|announced|issued|published)\b[^.;]{0,40}?\b(?:compliance|effective)\s+date\s+extensions?\b",
        ),
        ("delayed", r"\bfurther\s+delay\s+of\b"),
        # "later postponed to July 14, 2025", "recently extended by FinCEN to January 13", "now have until …"
        (
            "delayed",
            r"\b(?:postponed|deferred|extended|pushed\s+back|delayed)\s+(?:again\s+)?(?:by\s+[\w\s]{1,30}?\s+)?"
            r"(?:to|until)\b(?=\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|"
            r"\bnow\s+(?:have|has)\s+(?:until|an\s+additional|additional|more\s+time)\b|"
            r"\bextend(?:ed|s|ing)?\s+(?:the|its)\s+(?:[\w-]+\s+)?dates?\s+(?:to|until)\b",
        ),
        (
            "delayed",
            r"\b(?:has|have|had|was|were|been|be)\s+(?:again\s+|further\s+|since\s+)?(?:pushed\s+back|postponed|delayed|"
            r"deferred)\b",
        ),
        (
            "delayed",
            r"\b(?:announc(?:ed|es)|grant(?:ed|s|ing)|issu(?:ed|es|ing))\s+(?:a|the|its|new)\s+(?:(?!proposed\b)[\w-]+\s+){0,2}?"
            r"(?:delays?|extensions?|postponements?|deferrals?)\b",
        ),
        ("delayed", r"\b(?:interim\s+)?(?:final\s+)?rule\s+(?:extending|delaying|postponing)\b"),
        (
            "delayed",
            r"\b(?:delay(?:s|ed)?|postpon(?:e|ed|es))\s+(?:for\s+(?:"
            + _W
            + r"){1,3}?)?"
            + _ACT
            + r"(?:"
            + _W
            + r"){0,2}?(?:rules?|regulations?|requirements?)\b",
        ),
        (
            "delayed",
            r"\b(?:extend(?:s|ed|ing)?|defer(?:s|red|ring)?|push(?:es|ed|ing)?\s+back)\s+"
            + _ACT
            + r"(?:"
            + _W
            + r"){0,2}?(?:deadlines?|dates\s+by\s+which)\b",
        ),
        ("delayed", r"\bnew\s+(?:effective\s+date|compliance\s+date|deadline)\s+(?:is|will\s+be|of)\b"),
        (
            "delayed",
            r"\b(?:delay(?:s|ed|ing)?|postpon(?:e|ed|es|ing)|defer(?:s|red|ring)?)\b(?=(?:[^.;]|\.(?=\s*\d)){0,60}\b(?:enforc\w*|effective|compliance|"
            r"deadlines?|implementation|applicability|start(?:ing)?\s+date)\b)",
        ),
        ("vacated", r"\bgrant(?:ed|s|ing)?\s+(?:" + _W + r"){0,2}?motion\s+to\s+vacate\b"),
        (
            "vacated",
            r"\bvacat(?:ed|es)\b|\b(?:in|by)\s+vacating\b|\b(?:through|by)\s+(?:a\s+)?vacatur\b|\bscrap(?:ped|s)\b|"
            r"\b(?:chose|decided|voted|agreed)\s+to\s+vacate\b",
        ),
        ("vacated", r"\b(?:set|sets)\s+aside\s+(?:the|its|a)\b|\b(?:was|were|been)\s+set\s+aside\b"),
        (
            "vacated",
            r"\b(?:struck|strikes|striking)\s+down\b|\btoss(?:ed|es)\s+out\b|\b(?:overturned|overturns|"
            r"invalidated|invalidates)\b|\bset\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?aside\b",
        ),
        (
            "stayed",
            r"\b(?:issued|granted|entered|imposed)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:injunction|restraining\s+order)\b",
        ),
        (
            "stayed",
            r"\b(?:order|decision|determined|voted)\s+to\s+stay\b|\border\s+issuing\s+stay\b|"
            r"\b(?:courts?|judges?)\b[^.;]{0,60}\bblock(?:ed|s)\b",
        ),
        ("stayed", r"\b(?:was|were|been|is)\s+stayed\b(?!\s+(?:the|its)\s+(?:effective|compliance))"),
        (
            "stayed",
            r"\binjunction\s+(?:halts|halted|blocks|blocked|bars|barred|prevents|prevented)\b|\b(?:enjoined|enjoins)\b",
        ),
        (
            "stayed",
            r"\b(?:blocked|blocks|blocking)\s+(?:the\s+)?(?:implementation|enforcement)\b|"
            r"\b(?:was|were|been)\s+(?:blocked|halted)\b",
        ),
        (
            "stayed",
            r"\b(?:stayed|stays)\s+" + _ACT + r"(?:[\w’'.-]+\s+){0,6}?(?:rules?|regulations?|orders?|requirements?|"
            r"implementation|plans?)\b",
        ),
        (
            "stayed",
            r"\b(?:announced|issued|granted|imposed|ordered|placing|placed|places)\s+(?:a|the|its\s+own|their\s+own)\s+"
            r"(?:[\w-]+\s+){0,2}?stay\b(?!\s+(?:in|of)\s+(?:the\s+)?(?:case|proceedings?|litigation|lawsuit|suit|appeal)\b)",
        ),
        (
            "stayed",
            r"\bhalt(?:s|ed|ing)?\s+the\s+effective\s+date\b|"
            r"\b(?:have|has|had)\s+stalled\b|\bstalled\s+(?:the|its)\b",
        ),
        # "the reporting deadlines are paused due to the Fifth Circuit Court’s order": a court's, else the agency's
        (
            "stayed",
            r"\b(?:deadlines?|requirements?|dates?|obligations?)\s+(?:are|were|is|was|have\s+been|has\s+been)\s+"
            r"(?:now\s+|again\s+)?paused\b|"
            r"\bpaus(?:ed|es|ing)\s+(?:the\s+)?(?:compliance|effective)\s+(?:dates?|deadlines?)\b",
        ),
        ("suspended", r"\bsuspend(?:ed|s)\s+" + _ACT + r"(?:" + _W + r"){0,3}?(?:rules?|regulations?|requirements?)\b"),
        ("reinstated", r"\breinstat(?:ed|es)\b"),
        (
            "withdrawn",
            r"\bwithdr(?:ew|awn|aws)\s+(?:\w+\s+){0,3}?(?:proposed\s+rules?|proposals?|rules?|regulations?)\b|"
            r"\b(?:is|are|was|were|been)\s+withdrawn\b",
        ),
        ("superseded", r"\b(?:was|were|been|is)\s+superseded\b"),
        (
            "expired",
            r"\b(?:rules?|regulations?|orders?|requirements?|provisions?|authority|program)\s+"
            r"(?:has\s+|have\s+|had\s+)?(?:expired|sunsetted|lapsed)\b",
        ),
        ("proposed", r"\b(?:published|issued|released|unveiled)\s+(?:a|its|the)\s+(?:[\w-]+\s+)?proposed\s+rule\b"),
        (
            "proposed",
            r"\b(?:rules?|regulations?)\s+proposed\s+by\b|\b(?:was|were|been)\s+proposed\b|(?<!the )(?<!a )\bproposed\s+(?:the|a|an|its)\s+(?!proposed)",
        ),
        ("issued", r"\b(?:was|were|placed|put)\s+on\s+public\s+inspection\b|\breauthori[sz]ed\s+(?=the|its)"),
        (
            "issued",
            r"\b(?:was|were|been|is)\s+(?:first\s+|formally\s+)?(?:issued|introduced|finali[sz]ed|signed|adopted|approved|released|"
            r"promulgated|unveiled)\b",
        ),
        (
            "issued",
            r"\bapproved\s+(?=(?:the|its|a|an|new|final)\b)(?!(?:a|an|the)\s+(?:request|budget|bill|plan|merger))",
        ),
        (
            "issued",
            r"(?<!previously )(?<!already )(?<!originally )\b(?:issued|introduced|finali[sz]ed|adopted|promulgated|"
            r"unveiled)\s+(?=(?:the|its|a|an|two|three|four|five|new|final|interim|guidance|on|in|last|this)\b)"
            r"(?!(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,3}?(?:order|ruling|decision|opinion|stay|injunction|notice|statement|"
            r"letter|report|exemption)\b)"
            r"(?!(?:a|an|the)\s+(?:press|news)\s+release|(?:a|an|the)\s+(?:statement|notice|letter|report|"
            r"remand|limited|proposed|order|ruling|decision|opinion|stay|injunction|preliminary|temporary|"
            r"nationwide|request|series))",
        ),
        (
            "issued",
            r"\b(?:announced|released)\s+(?:the|a|its)\s+final\s+(?=[A-Z\w])|"
            r"\b(?:adopted|promulgated|finali[sz]ed)\s+by\s+(?:the\s+)?(?=[A-Z\w])|"
            r"\b(?:rules?|regulations?|standards?)\s+(?:[\w-]+\s+){0,2}?issued\s+by\b|"
            r"\bvoted\s+to\s+(?:adopt|approve|finali[sz]e|issue)\b|\b(?:its|their)\s+adoption\b(?=\s+(?:in|on)\b)",
        ),
        ("published", r"\b\d{1,3}\s*(?:FR|Fed\.?\s*Reg\.?)\s*\d[\d,]*(?=\s*\()"),
        (
            "published",
            r"\b(?:published|publication)\b(?!\s+(?:a|an|the)\s+(?:notice|proposed))"
            r"(?!\s+(?:(?:a|an|the|its)\s+)?(?:new\s+)?(?:guidance|statement|press\s+release|report|alert|faqs?)\b)",
        ),
        (
            "effective",
            r"\b(?:take|takes|took|taken|taking|come|comes|came|coming|go|goes|went|going|gone)\s+into\s+"
            r"(?:full\s+)?effect\b|\b(?:take|takes|taken|taking|took)\s+effect\b",
        ),
        ("effective", r"\b(?:become|becomes|became|becoming)\s+effective\b"),
        (
            "effective",
            r"\b(?:begin|begins|began|commence|commences|commenced)\b(?=\s+(?:on\s+)?(?:jan|feb|mar|apr|may|jun|jul|"
            r"aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
        ),
        (
            "effective",
            r"\beffective\s+dates?\b(?:\s+(?:of|is|was|will\s+be|for))?|\beffective\b(?=\s+(?:on\s+|as\s+of\s+)?"
            r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
        ),
        ("compliance_date", r"\bcompliance\s+(?:date|deadline)s?\b(?:\s+(?:of|is|was|for|will\s+be))?"),
        ("compliance_date", r"\b(?:original\s+)?deadline\s+(?:was|is|of|had\s+been|has\s+been)\b"),
        ("compliance_date", r"\bmust\s+(?:begin\s+to\s+)?comply\b|\bmust\s+be\s+in\s+(?:full\s+)?compliance\b"),
        ("compliance_date", r"(?<=\d)\s+to\s+comply\b|\bnot\s+be\s+required\s+to\s+[^.;]{0,80}?(?=\s+until\b)"),
        # "the March 21 deadline", "the original January 1, 2025 reporting deadline"
        ("compliance_date", r"(?<=\d)\s+(?:(?:reporting|filing|original|compliance)\s+)?deadlines?\b"),
        (
            "compliance_date",
            r"\bbegin(?:s|ning)?\s+(?:to\s+)?enforc(?:e|ing|ement)\b|\b(?:come|comes|coming|came)\s+online\b",
        ),
        ("compliance_date", r"\b(?:become|becomes|became|becoming)\s+applicable\b|\bimplemented\b"),
        # not "the path toward implementation"
        ("compliance_date", r"(?<!toward )(?<!towards )\b(?:implementation|applicability)(?:\s+dates?)?\b"),
        (
            "comment_period_closes",
            r"\bcomments?\s+(?:[\w\s]{0,20}?)until\b|\bcomments?\s+(?:are\s+)?due\b|"
            r"\bcomment\s+period\s+(?:closes|ends|will\s+close|closed|ended)\b",
        ),
    ]
]

# "the Southern District of Mississippi issued an order": a district is a court
_COURT = re.compile(
    r"\b(?:court|judges?|circuit|panel|justices?)\b|\bdistrict\s+(?:of|court)\b|"
    # "Courts have blocked it", not "until the courts have the opportunity to review" (the SEC's own stay)
    r"\bcourts\s+(?:have\s+|had\s+)?(?:blocked|stayed|enjoined|vacated|halted)\b",
    re.I,
)
_REPORTING = re.compile(
    r"\b(?:said|says|saying|announced|announces|stated|states|statement|release|indicated|notice)\b", re.I
)
_FUTURE = re.compile(
    # "the EPA’s plan to combat …" is a noun, not an intention
    r"\b(?:will|would|shall|(?<!’s )(?<!'s )(?<!the )(?<!a )plans?\s+to|intends?\s+to|going\s+to|expected\s+to|set\s+to|"
    r"scheduled\s+to|slated\s+to|due\s+to|were\s+to|was\s+to|to\s+be)\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:would\s+have|could|might|may|should|must\s+be|if|unless|whether|"
    r"in\s+cases\s+where|possibility\s+of|option\s+of|consider(?:s|ed|ing)?|"
    r"required\s+to|needs?\s+to)\b",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:not|never|no\s+longer|declin(?:ed|es|ing)\s+to|refus(?:ed|es|ing)\s+to)\s+"
    r"(?!(?:the|a|an)\b)(?:\w+\s+){0,2}$",
    re.I,
)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+|further\s+|also\s+)?$", re.I)
_EXCLUDED_BEFORE = re.compile(
    r"\b(?:between|and|instead\s+of|beyond|(?<!on or )before|(?<!on or )after|since|"
    r"prior\s+to|from|by)\s+$",
    re.I,
)
_REFUSED = re.compile(r"\b(?:refus(?:ed|es|ing)|declin(?:ed|es|ing))\s+to\s+$", re.I)
# "In our prior notes of December 4, 9, and 13, 2024, we reported …": the date of the writer's own
# earlier piece, not of what it reported.
_OWN_PUBLICATION = re.compile(
    r"\b(?:our|my)\s+(?:[\w-]+\s+){0,2}?(?:notes?|alerts?|updates?|posts?|articles?|memos?|blogs?)\s+"
    r"(?:of|dated|on|from)\s+$",
    re.I,
)
_CONSEQUENCE = re.compile(
    r"(?:Now,\s+(?:the|this)\s+(?:[\w-]+\s+)?(?:ruling|decision|order|opinion|injunction|stay)\b|"
    r"(?:The|This)\s+(?:[\w-]+\s+)?(?:ruling|decision|order|opinion|injunction|stay),\s+(?:therefore|thus),|As\s+a\s+result|This\s+(?:means|ruling|decision|order|action)|In\s+essence|In\s+effect|"
    r"In\s+the\s+meantime)\b"
)
_SUBORDINATE = re.compile(
    r"[\"“]?(?:Because|While|Although|Though|Even\s+though|Whereas|(?:Shortly\s+|Soon\s+|Just\s+)?[Aa]fter|Before|Following|Once|"
    r"When|Since)\b"
)
_NEW_DATE_BEFORE = re.compile(r"\b(?:until|to|through|is|will\s+be|of)\s+$", re.I)
_ABBREVIATIONS = {
    "u.s",
    "d.c",
    "no",
    "inc",
    "corp",
    "co",
    "mr",
    "ms",
    "mrs",
    "dr",
    "st",
    "v",
    "vs",
    "j",
    "e.g",
    "i.e",
    "sen",
    "rep",
    "gov",
    "gen",
    "jr",
    "sr",
    "fig",
    "fed",
    "reg",
    "u.s.c",
    "c.f.r",
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
    "approx",
    "est",
    "ltd",
    "llc",
    "tex",
    "cir",
    "cal",
    "fla",
    "ky",
    "la",
    "pa",
    "va",
    "ill",
    "mass",
    "mich",
    "wash",
    "okla",
    "tenn",
    "wis",
    "ariz",
    "colo",
    "conn",
}
