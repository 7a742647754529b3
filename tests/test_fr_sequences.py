"""Real sequences of Federal Register documents (tests/data/fr_corpus/sequences.json): each
imported in order, and after each one the status on the key's dates is the one the law gave.

The corpus was collected as a held-out set; these checkpoints are now used in development, so
they measure progress, not the importer on documents it has never seen."""

import datetime
import json

import pytest

from fr_corpus_eval import CORPUS
from policytrack.ingest.federal_register import FederalRegisterError, import_documents
from policytrack.timeline.models import Claim, Instrument

if not (CORPUS / "sequences.json").exists():  # another corpus (POLICYTRACK_FR_CORPUS) may hold none
    pytest.skip(f"no sequences.json in {CORPUS}", allow_module_level=True)
SEQUENCES = json.loads((CORPUS / "sequences.json").read_text(encoding="utf-8"))["sequences"]
ANSWERS = json.loads((CORPUS / "answers.json").read_text(encoding="utf-8"))
# The key's phases in the engine's words (docs/design.md, "Phase"): a delayed rule is issued and
# not in effect; a stay the agency ordered is a suspension.
PHASES = {"delayed": {"issued"}, "stayed": {"stayed", "suspended"}}
# Checkpoints that pass today; the floor only goes up.
FLOOR = 46


def corpus_document(key):
    """The corpus document as the API would give it: the fields the corpus's sources lacked filled
    as harmlessly as ``fr_corpus_eval.read`` fills them (slug-less agencies dropped, a missing title
    or number taken from the action or file name, a missing publication date from the key)."""
    raw = json.loads((CORPUS / "documents" / f"{key}.json").read_text(encoding="utf-8"))
    raw = {name: value for name, value in raw.items() if not name.startswith("_")}
    raw["agencies"] = [a for a in raw.get("agencies") or [] if isinstance(a, dict) and a.get("slug")]
    raw.setdefault("title", raw.get("action") or "(untitled)")
    raw.setdefault("document_number", key.split(".")[0])
    if not raw.get("publication_date") and ".public-inspection" not in key:
        published = [d["date"] for d in ANSWERS[key]["dates"] if d["kind"] == "published" and d.get("date")]
        raw["publication_date"] = published[0] if published else None
    return raw


def run_sequence(sequence):
    """[(document, day, expected phase, phase found)] after each document of the sequence."""
    checks, instrument = [], None
    for step in sequence["steps"]:
        key = step["after"]
        try:
            import_documents([corpus_document(key)], key)
        except FederalRegisterError:
            pass  # refused: the status is what the earlier documents made it
        number = key.split(".")[0]
        claim = Claim.objects.filter(document__fr_document_number=number).select_related("event").first()
        if claim is not None:
            instrument = Instrument.objects.get(pk=claim.event.instrument_id)
        for day, expected in step["status"].items():
            found = instrument.status(datetime.date.fromisoformat(day)).phase if instrument else None
            checks.append((key, day, expected, found, found in PHASES.get(expected, {expected})))
    return checks


@pytest.mark.parametrize("sequence", SEQUENCES, ids=[s["documents"][0] for s in SEQUENCES])
def test_a_real_sequence(db, sequence, record_property):
    checks = run_sequence(sequence)
    for check in checks:
        print(*check[:4], "ok" if check[4] else "MISS", sep="\t")
    record_property("passed", sum(check[4] for check in checks))


def test_sequence_checkpoints_pass(db):
    checks = [check for sequence in SEQUENCES for check in run_sequence(sequence)]
    passed = [check for check in checks if check[4]]
    print(f"{len(passed)} of {len(checks)} checkpoints pass")
    assert len(passed) >= FLOOR
