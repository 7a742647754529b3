"""Which instrument a Federal Register document joins, and why; and what is left to an editor.

A document joins, in this order of confidence:

1. the instrument it was imported into before (a re-import);
2. the instrument of the document its ``correction_of`` names;
3. the instrument of the documents its DATES text names, by FR citation ("90 FR 2332") or FR
   document number — the words a follow-on uses to say what it acts on. If the documents it
   names belong to different instruments, a follow-on is left for an editor; any other
   document looks no further than its RIN and docket ids;
4. the first instrument sharing a RIN, else a docket id — unless that instrument was withdrawn
   before a rule or proposal sharing it was published: a withdrawn rule never comes back into
   force, so the later one starts a new instrument (EPA's direct final rule withdrawn, then the
   final rule on its parallel proposal, docket EPA-R09-OAR-2010-0718), and the editor is told.

Every step is a dictionary lookup: the importer reads all the rows a page of documents could
name in a fixed number of queries first (``federal_register._Batch._read_documents``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import fr_classify

_DOCKET_PREFIX = re.compile(r"^(?:docket|dkt\.?)\s*(?:id\.?\s*)?(?:no\.?|number|nos\.?)?\s*[:.]?\s*", re.I)
_SPACES = re.compile(r"\s+")


def docket_id(raw):
    """A docket id as agencies name it, without the "Docket No." some sources print before it:
    "Docket No. NHTSA-2024-0091" and "NHTSA-2024-0091" are one docket."""
    return _DOCKET_PREFIX.sub("", raw.strip()).strip() or raw.strip()


def citation_key(citation):
    """One spelling of an FR citation ("90  FR 2332" → "90 FR 2332"), for lookups."""
    return _SPACES.sub(" ", citation.strip()).upper()


def references(doc):
    """The FR citations and document numbers the document's DATES text names, other than its own."""
    own = {citation_key(doc["citation"]), doc["number"].upper()}
    return [ref for ref in (citation_key(ref) for ref in doc["reading"].citations) if ref not in own]


def needs_editor(number, why):
    """The one wording of "this follow-on needs an editor", for the import report (and, later,
    the review queue): what the document is, and what was looked for and not found."""
    return f"{number}: this follow-on needs an editor: {why}"


@dataclass
class Match:
    """The instrument a document joins (None: a new one), in words an editor can check, and why
    a follow-on could not be placed (empty when it was)."""

    planned: object = None
    why: str = ""
    unplaced: str = ""
    note: str = ""  # for the editor, when a new instrument was started on purpose


def find(batch, doc, existing):
    """The ``Match`` for one checked document, from the batch's indexes (see the module's
    docstring for the order)."""
    if existing is not None and (earlier := batch.instrument_of.get(existing.key)):
        return Match(earlier, f"it was imported into it before, as {existing.fr_document_number or existing.key}")
    corrected_number = doc["correction_of"].rstrip("/").split("/")[-1]
    corrected = batch.by_number.get(corrected_number)
    if corrected is not None and (instrument := batch.instrument_of.get(corrected.key)):
        return Match(instrument, f"it corrects FR Doc. {corrected_number} (correction_of)")
    follow_on = doc["class"] in fr_classify.FOLLOW_ON
    named, missing = {}, []
    for ref in references(doc):
        held = batch.by_citation.get(ref) or batch.by_number.get(ref)
        instrument = batch.instrument_of.get(held.key) if held is not None else None
        if instrument is None:
            missing.append(ref)
        else:
            named.setdefault(instrument, []).append(ref)
    if len(named) == 1:
        [(instrument, refs)] = named.items()
        return Match(instrument, f"its DATES text names {', '.join(refs)}, a document of this instrument")
    if len(named) > 1 and follow_on:
        which = "; ".join(f"{', '.join(refs)} ({planned.row.slug})" for planned, refs in named.items())
        return Match(unplaced=f"its DATES text names documents of different instruments: {which}")
    shared = None
    if found := [(batch.by_rin[rin], rin) for rin in doc["rins"] if rin in batch.by_rin]:
        planned, rin = min(found, key=lambda pair: pair[0].order)
        shared = Match(planned, f"it shares RIN {rin}" + _not_held(missing))
    else:
        shared = next(
            (
                Match(batch.by_docket[docket], f"it shares docket {docket}" + _not_held(missing))
                for docket in doc["dockets"]
                if docket in batch.by_docket
            ),
            None,
        )
    if shared is not None:
        withdrawn = _withdrawn_before(shared.planned, doc["published"])
        if withdrawn is None or doc["class"] not in NEW_AFTER_WITHDRAWAL:
            return shared
        return Match(
            note=f"{shared.why[3:]} with {shared.planned.row.slug}, withdrawn {withdrawn}: a withdrawn rule "
            "never comes back into force, so this starts a new instrument; link them if they are one "
            "rulemaking"
        )
    if follow_on:
        looked = (
            ([f"the documents its DATES text names ({', '.join(missing)})"] if missing else [])
            + ([f"FR Doc. {corrected_number} (correction_of)"] if corrected_number else [])
            + ([f"RIN {', '.join(doc['rins'])}"] if doc["rins"] else [])
            + ([f"docket {', '.join(doc['dockets'])}"] if doc["dockets"] else [])
        )
        return Match(
            unplaced=f"a {doc['class'].replace('_', ' ')} whose instrument was not found (looked for "
            f"{'; '.join(looked) or 'a citation, correction_of, RIN or docket: it gives none'})"
        )
    return Match()


NEW_AFTER_WITHDRAWAL = {
    fr_classify.PROPOSED_RULE,
    fr_classify.FINAL_RULE,
    fr_classify.INTERIM_FINAL_RULE,
    fr_classify.DIRECT_FINAL_RULE,
}


def _withdrawn_before(planned, day):
    """The date the instrument was withdrawn, if on or before ``day``; else None."""
    return min(
        (event.row.date for event in planned.events if event.row.kind == "withdrawn" and event.row.date <= day),
        default=None,
    )


def _not_held(missing):
    return f" (the {', '.join(missing)} its DATES text names is not held)" if missing else ""
