"""propose_claims measured on real statements (tests/data/statements): precision and recall
against an answer key written by reading each text.

Splits: ``dev`` (the rules were written against these), ``heldout`` (read while the rules were
designed, run only once they were written), ``fresh``, ``fresh2``, ``fresh3`` and ``fresh4`` (collected and
keyed after the engine existed, each run once before any rule was changed for them; ``fresh4`` to ``fresh9``
are their own folder, tests/data/statements_2026). The figures of each
split are printed; the thresholds apply to the whole collection and to each split."""

import datetime
import json
import os
from pathlib import Path

import pytest

from policytrack.ingest.statements import propose

from statement_collection import FOLDERS, HERE, answers, read_statement, score

SPLITS = ("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9")
SHARED_SEEDS = Path(os.environ.get("POLICYTRACK_SHARED", "/work/shared")) / "seeds"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: folder.name)
def test_every_text_has_a_source_a_publisher_a_date_and_a_key(folder):
    names = {path.name for path in folder.glob("*.txt")}
    assert names == set(answers(folder))
    for name in names:
        header, text = read_statement(folder / name)
        assert header["source"] and header["publisher"] and header["split"] in SPLITS
        datetime.date.fromisoformat(header["published_on"])
        for expected in answers(folder)[name]:
            assert expected["quote"] in text, (name, expected["quote"])


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: folder.name)
def test_every_quote_is_an_exact_substring_of_its_text(folder):
    for name in answers(folder):
        header, text = read_statement(folder / name)
        for proposal in propose(text, datetime.date.fromisoformat(header["published_on"])):
            assert proposal.quote in text, (name, proposal.quote)


@pytest.mark.parametrize("split", SPLITS)
def test_precision_and_recall_on_each_split(split):
    rows, precision, recall, (right, proposed, expected) = score(split)
    print(
        f"\n{split}: {len(rows)} texts, precision {precision:.1%} ({right}/{proposed}), "
        f"recall {recall:.1%} ({right}/{expected})"
    )
    assert precision >= 0.8
    assert recall >= 0.8


def test_precision_and_recall_on_the_whole_collection():
    right = proposed = expected = 0
    for split in SPLITS:
        _, _, _, counts = score(split)
        right, proposed, expected = right + counts[0], proposed + counts[1], expected + counts[2]
    print(
        f"\nall: precision {right / proposed:.1%} ({right}/{proposed}), recall {right / expected:.1%} "
        f"({right}/{expected})"
    )
    assert right / proposed >= 0.8 and right / expected >= 0.8


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason=f"the shared seed texts are not here ({SHARED_SEEDS})")
def test_the_seed_copies_are_the_shared_seeds_word_for_word():
    copies = {read_statement(path)[1] for path in HERE.glob("seed-*.txt")}
    originals = {path.read_text(encoding="utf-8") for path in SHARED_SEEDS.glob("0*.txt")}
    assert originals and originals == copies


def test_the_key_records_disagreeing_sources_of_one_event():
    # The AI Diffusion Rule's rescission announcement, as five sources date it.
    dates = {e["date"] for items in answers().values() for e in items if e["kind"] == "rescission_announced"}
    assert {"2025-05-08", "2025-05-12", "2025-05-13"} <= dates
    assert json.dumps(answers())  # the key is plain JSON
