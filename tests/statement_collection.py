"""The collections of real statements (tests/data/statements, tests/data/statements_2026) and
their answer keys, read for the precision/recall test and for anyone measuring the engine by hand
(``python -m tests.statement_collection [dev|heldout|fresh|fresh2|fresh3|fresh4]``)."""

import datetime
import json
from pathlib import Path

from policytrack.ingest.statements import propose

HERE = Path(__file__).resolve().parent / "data" / "statements"
# Each folder has its own answers.json; a split lives in one folder.
FOLDERS = (HERE, HERE.parent / "statements_2026")


def read_statement(path):
    """(header dict, text) of one collected statement: ``key: value`` lines, then ``---``."""
    raw = Path(path).read_text(encoding="utf-8")
    head, text = raw.split("\n---\n", 1)
    header = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    return header, text


def answers(folder=HERE):
    return json.loads((folder / "answers.json").read_text(encoding="utf-8"))


def score(split):
    """Per file (name, proposals, expected, matched) for one split, and the totals.

    A proposal is right when its kind and date match an expected one not yet matched (dates
    compared as ISO strings, None for "no date"); each expected item is matched once."""
    rows, proposed_total, expected_total, matched_total = [], 0, 0, 0
    for folder, name, expected in [(f, n, e) for f in FOLDERS for n, e in sorted(answers(f).items())]:
        header, text = read_statement(folder / name)
        if header["split"] != split:
            continue
        proposals = propose(text, datetime.date.fromisoformat(header["published_on"]))
        left = [(e["kind"], e["date"]) for e in expected]
        matched = 0
        for proposal in proposals:
            key = (proposal.kind, proposal.date.isoformat() if proposal.date else None)
            if key in left:
                left.remove(key)
                matched += 1
        rows.append((name, text, proposals, expected, left, matched))
        proposed_total += len(proposals)
        expected_total += len(expected)
        matched_total += matched
    precision = matched_total / proposed_total if proposed_total else 1.0
    recall = matched_total / expected_total if expected_total else 1.0
    return rows, precision, recall, (matched_total, proposed_total, expected_total)


if __name__ == "__main__":
    import sys

    split = sys.argv[1] if len(sys.argv) > 1 else "dev"
    rows, precision, recall, counts = score(split)
    for name, text, proposals, expected, missed, matched in rows:
        print(f"== {name}: {matched}/{len(proposals)} proposed right, {matched}/{len(expected)} expected found")
        for p in proposals:
            print(
                "   +",
                p.kind,
                p.date,
                p.precision,
                p.resolved_from or "",
                p.target or "",
                p.new_date or "",
                "|",
                p.quote[:110],
            )
        for kind, date in missed:
            print("   - MISSED", kind, date)
    print(
        f"{split}: precision {precision:.0%} recall {recall:.0%} (right {counts[0]}, proposed {counts[1]}, "
        f"expected {counts[2]})"
    )
