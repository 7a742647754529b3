"""The importer's reading of the held-out corpus of real Federal Register documents
(tests/data/fr_corpus), scored against the answer key written by reading each document.

Run it as a script to print the figures and every miss:

    .venv/bin/python tests/fr_corpus_eval.py

Scored: the class, and every date other than the publication date (which the API gives as a
field). A date the importer claims is *right* when the key gives the same kind and date for
the document, and *unsupported* when the key gives that date for no kind at all — a date the
document does not give.

The end of a temporary rule: the key gives the last day named (``until``, with ``until_time``
when the text fixes one) and, in the newer sets, ``expires``, the day the rule stops applying. An
``expired`` claim is right on that day: ``expires`` where the key gives it, else the day after
``until`` ("through April 26" stops applying on April 27), or ``until`` itself when a time of day
before midnight ends it ("through 1200 hrs, A.l.t., December 31"). Expiries are not counted in
recall: the older keys do not list them as dates. Likewise the end of a stay (a stay entry's
``until``; the day after it for "through") is where a ``reinstated`` or ``enforcement_resumed``
claim is right.

A claim is matched to a key entry not yet found when there is one, so two claims of one kind and
date (one delay sentence for each of two targets) find two entries.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import Counter
from pathlib import Path

CORPUS = Path(os.environ.get("POLICYTRACK_FR_CORPUS") or Path(__file__).resolve().parent / "data" / "fr_corpus")

# The key's kinds that are events in policytrack's vocabulary, as the importer names them.
KEY_KINDS = {
    "effective": "effective",
    "comment_period_closes": "comment_period_closes",
    "delayed": "delayed",
    "withdrawn": "withdrawn",
    "rescinded": "rescinded",
    "stayed": "stayed",
    "signed": "issued",
    "compliance_date": "compliance_date",
    "compliance": "compliance_date",
    "comment_period_reopened": None,
}
# Kinds the importer may use for what the key calls stayed (a stay by the agency is a suspension).
SAME = {"stayed": {"stayed", "suspended", "enforcement_suspended"}}
# What the key and the tracker's vocabulary name differently for one class of document: a
# correction's effective date is when the correction takes effect (``corrected``); a
# presidential document is in force from its signing unless it says otherwise.
EQUIVALENT = {
    "correction": {("effective", "corrected")},
    **{
        cls: {("issued", "effective")}
        for cls in ("executive_order", "proclamation", "memorandum", "presidential_document")
    },
}
CLASSES = {
    "comment_period": "comment_extension",
    "executive_order": "presidential_document",
    "proclamation": "presidential_document",
    "memorandum": "presidential_document",
}


def expiries(answer):
    """The days on which the rules a key entry brings into force stop applying (see above)."""
    days = set()
    for entry in answer["dates"]:
        if entry["kind"] == "expires" and entry.get("date"):
            days.add(entry["date"])
        elif entry["kind"] == "effective" and entry.get("expires"):
            days.add(entry["expires"])
        elif entry["kind"] == "effective" and entry.get("until"):
            until = datetime.date.fromisoformat(entry["until"])
            time = entry.get("until_time") or ""
            ends_in_the_day = time and not time.startswith(("23:59", "24:00"))
            days.add((until if ends_in_the_day else until + datetime.timedelta(days=1)).isoformat())
    return days


def stay_ends(answer):
    """The days on which the stays a key entry records end: the rule applies again."""
    days = set()
    for entry in answer["dates"]:
        if entry["kind"] in ("stayed", "suspended") and entry.get("until"):
            until = datetime.date.fromisoformat(entry["until"])
            through = re.search(r"\bthrough\s+[A-Z][a-z]+\.?\s+\d", entry.get("quote", "")) is not None
            days.add((until + datetime.timedelta(days=1) if through else until).isoformat())
    return days


def documents():
    for path in sorted((CORPUS / "documents").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        key = path.stem if ".public-inspection" not in path.name else path.name.removesuffix(".json")
        yield key, raw


def read(raw):
    """(class, [(kind, date, new_date, quote)]) as the importer reads one document."""
    from policytrack.ingest import fr_classify
    from policytrack.ingest.federal_register import check

    raw = {k: v for k, v in raw.items() if not k.startswith("_")}
    # Most of the corpus was read from document pages, not the API: agencies without the API's
    # slugs, and a few pages without a title or a publication date. The reading of dates is what
    # is scored here, so those gaps are filled as harmlessly as possible.
    raw["agencies"] = [a for a in raw.get("agencies") or [] if isinstance(a, dict) and a.get("slug")]
    raw.setdefault("title", raw.get("action") or "(untitled)")
    raw.setdefault("document_number", "unnumbered")
    doc, problems = check(raw, "")
    if doc is None:
        return None, [], problems
    claims, _ = fr_classify.claims_for(doc, doc["class"], doc["reading"])
    return doc["class"], [(c.kind, c.date, c.new_date, c.quote) for c in claims], []


def score():
    answers = json.loads((CORPUS / "answers.json").read_text(encoding="utf-8"))
    tally, misses = Counter(), []
    for key, raw in documents():
        answer = answers.get(key)
        if answer is None:
            continue
        if not raw.get("publication_date"):
            published = [d["date"] for d in answer["dates"] if d["kind"] == "published" and d.get("date")]
            if not published:
                tally["no publication date"] += 1
                continue
            raw = {**raw, "publication_date": published[0]}
        cls, claims, problems = read(raw)
        if problems:
            misses.append((key, "refused", problems))
            tally["refused"] += 1
            continue
        tally["documents"] += 1
        if CLASSES.get(cls, cls) == answer["class"]:
            tally["class right"] += 1
        else:
            misses.append((key, "class", f"{cls} (key: {answer['class']})"))
        expected = [
            (KEY_KINDS.get(d["kind"], d["kind"]), d.get("date"), d.get("new_date"), d["kind"])
            for d in answer["dates"]
            if d["kind"] != "published"
        ]
        ends, resumes = expiries(answer), stay_ends(answer)
        given = {d.get("date") for d in answer["dates"]} | {d.get("new_date") for d in answer["dates"]}
        given |= ends | resumes
        found = set()
        for kind, day, new_date, quote in claims:
            if kind in ("published", "proposed") and raw.get("publication_date") == day.isoformat():
                continue  # the publication date, from its field
            tally["claimed"] += 1
            if (kind == "expired" and day.isoformat() in ends) or (
                kind in ("reinstated", "enforcement_resumed") and day.isoformat() in resumes
            ):
                tally["claimed right"] += 1
                continue
            matches = [
                i
                for i, (k, d, n, _) in enumerate(expected)
                if (k == kind or kind in SAME.get(k, ()) or (k, kind) in EQUIVALENT.get(cls, ()))
                and (d == day.isoformat() or (kind == "delayed" and d is None))
                and (kind != "delayed" or n == (new_date and new_date.isoformat()))
            ]
            match = next((i for i in matches if i not in found), matches[0] if matches else None)
            if match is not None:
                tally["claimed right"] += 1
                found.add(match)
            else:
                misses.append((key, "claimed", f"{kind} {day} new={new_date} «{quote[:90]}»"))
                if day.isoformat() not in given and (new_date is None or new_date.isoformat() not in given):
                    tally["unsupported"] += 1
                    misses.append((key, "UNSUPPORTED", f"{kind} {day}: the key gives this date for nothing"))
        for index, (kind, day, new_date, key_kind) in enumerate(expected):
            if kind is None or key_kind not in KEY_KINDS:
                continue  # a date the key records that is no event of ours (hearings, IBR approvals…)
            tally["expected"] += 1
            if index in found:
                tally["expected found"] += 1
            else:
                misses.append((key, "missed", f"{key_kind} {day} new={new_date}"))
    return tally, misses


def figures(tally):
    def share(a, b):
        return tally[a] / tally[b] if tally[b] else 1.0

    return {
        "documents": tally["documents"],
        "refused": tally["refused"],
        "no publication date": tally["no publication date"],
        "class": share("class right", "documents"),
        "precision": share("claimed right", "claimed"),
        "claimed": tally["claimed"],
        "recall": share("expected found", "expected"),
        "expected": tally["expected"],
        "unsupported": tally["unsupported"],
    }


if __name__ == "__main__":
    import sys

    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policytrack.settings")
    django.setup()
    tally, misses = score()
    for miss in misses:
        print(*miss, sep="\t")
    print(json.dumps(figures(tally), indent=1, default=str))
