"""Which instrument a statement's sentence concerns: names (title, short title, aliases) and
identifiers (RIN, dockets, FR citations and document numbers) found in the text as texts write
them. Plain Python, no Django; ``statements.propose`` asks it for each proposal."""

import re

_FR_CITATION = re.compile(r"\b(\d{1,3})\s*(?:fr|fed\.?\s*reg\.?)\s*(\d{1,3}(?:,\d{3})+|\d+)\b")


def _normal(value):
    """Lower case, one kind of dash, quotation marks dropped, spaces collapsed, and every FR
    citation in one spelling ("89 Fed. Reg. 32842", "90 FR 4,544", "90FR4544" → "… fr …")."""
    value = re.sub(r"[‐‑‒–—]", "-", value).replace("’", "'")
    value = re.sub(r"\s+", " ", re.sub(r"[“”\"]", "", value)).strip().lower()
    return _FR_CITATION.sub(lambda m: f"{m[1]} fr {m[2].replace(',', '')}", value)


def _words(value):
    """A name as words: "Click-to-Cancel Rule" and "Click to Cancel Rule" are one name."""
    return re.sub(r"[-\s]+", " ", value)


def mentioned(names, identifiers, haystack):
    """Whether any of the names (4 characters or more) or identifiers occurs in ``haystack`` (a
    ``_normal`` text) as ``_score`` looks for it: a necessary condition of scoring, for callers
    that narrow the instruments before asking ``match_instrument``."""
    words = _words(haystack)
    return any(len(n) >= 4 and _words(_normal(n)) in words for n in names) or any(
        _normal(i) in haystack for i in identifiers if i
    )


def _score(ref, haystack):
    best = 0.0
    for identifier in ref.identifiers:
        if identifier and re.search(r"(?<![\w-])" + re.escape(_normal(identifier)) + r"(?![\w-])", haystack):
            best = max(best, 100.0)
    words = _words(haystack)
    for name in ref.names:
        name = _words(_normal(name))
        if len(name) >= 4 and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", words):
            best = max(best, 10.0 + len(name) / 100)
    return best


def match_instrument(sentence, text, instruments):
    """The slug of the instrument the sentence most likely concerns: by identifier, then by the
    longest name, in the sentence and then in the whole text; None when nothing matches or two
    instruments tie."""
    for haystack in (_normal(sentence), _normal(text)):
        scored = sorted(((_score(ref, haystack), ref.slug) for ref in instruments), reverse=True)
        if scored and scored[0][0] > 0:
            if len(scored) > 1 and scored[1][0] == scored[0][0]:
                return None
            return scored[0][1]
    return None
