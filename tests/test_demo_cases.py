"""The real demo cases: after every document of each case, the status on the dates before and after it
is the one the law gave, and every quote is a source's own words."""

import glob
import json
import re
import shlex

import pytest
from django.urls import reverse

from conftest import ROOT
from policytrack.ingest.timeline import import_timeline_file
from policytrack.timeline.models import Instrument

CASES = sorted((ROOT / "fixtures" / "demo").glob("*.json"))
CORPUS = ROOT / "tests" / "data" / "fr_corpus" / "documents"

# (instrument, on, known or None, phase the law gave, why). Without `known`, with every source held.
EXPECTED = [
    # Interior practices rule: three delays in a row and a fourth reported by the final rule.
    ("interior-practices-ifr", "2025-02-06", None, "issued", "published 10 January, due to take effect 10 February"),
    ("interior-practices-ifr", "2025-02-10", None, "issued", "delayed as of 7 February to 21 March"),
    (
        "interior-practices-ifr",
        "2025-03-01",
        "2025-03-01",
        "issued",
        "as known then: not yet in force (delayed to 21 March)",
    ),
    ("interior-practices-ifr", "2025-03-21", None, "issued", "delayed on 13 March to 5 May"),
    (
        "interior-practices-ifr",
        "2025-03-21",
        "2025-03-01",
        "in_force",
        "what a reader of 1 March expected for 21 March",
    ),
    ("interior-practices-ifr", "2025-05-05", None, "issued", "delayed as of 2 May to 4 June"),
    ("interior-practices-ifr", "2025-06-04", None, "issued", "delayed again to 21 July (reported by the final rule)"),
    ("interior-practices-ifr", "2025-07-20", None, "issued", "the day before it took effect"),
    ("interior-practices-ifr", "2025-07-21", None, "in_force", "'The IFR became effective on July 21, 2025.'"),
    ("interior-practices-ifr", "2026-05-21", None, "in_force", "adopted with changes by the final rule"),
    # NHTSA FMVSS 305a: proposal, final rule, delay.
    ("fmvss-305a", "2024-04-15", None, "proposed", "proposed rule published"),
    ("fmvss-305a", "2024-12-19", None, "proposed", "the day before the final rule"),
    ("fmvss-305a", "2024-12-20", None, "issued", "final rule published, effective 18 February"),
    ("fmvss-305a", "2025-02-18", None, "issued", "delayed on 14 February to 20 March"),
    ("fmvss-305a", "2025-02-18", "2025-02-13", "in_force", "as known before the delay notice"),
    ("fmvss-305a", "2025-03-19", None, "issued", "still delayed"),
    ("fmvss-305a", "2025-03-20", None, "in_force", "the delayed effective date"),
    # EPA Arizona PM10: direct final rule withdrawn; the parallel proposal made final.
    ("az-pm10-direct-final-rule", "2010-11-02", None, "issued", "direct final rule published"),
    ("az-pm10-direct-final-rule", "2010-11-29", None, "withdrawn", "withdrawn as of 29 November 2010"),
    ("az-pm10-direct-final-rule", "2011-01-03", None, "withdrawn", "never took effect"),
    ("az-pm10-direct-final-rule", "2011-01-03", "2010-11-28", "in_force", "as known before the withdrawal"),
    ("az-pm10-attainment-determinations", "2010-12-02", None, "proposed", "comments due 2 December 2010"),
    ("az-pm10-attainment-determinations", "2011-01-11", None, "issued", "final rule published"),
    ("az-pm10-attainment-determinations", "2011-02-09", None, "issued", "the day before it took effect"),
    ("az-pm10-attainment-determinations", "2011-02-10", None, "in_force", "effective 10 February 2011"),
    # FTA Major Capital Investment Projects: stayed by the agency on the day it took effect.
    ("fta-major-capital-investment-projects", "2001-02-04", None, "issued", "due to take effect 5 February"),
    ("fta-major-capital-investment-projects", "2001-02-05", None, "suspended", "stayed from 5 February by the agency"),
    (
        "fta-major-capital-investment-projects",
        "2001-02-06",
        "2001-02-06",
        "in_force",
        "the stay was published only on 9 February",
    ),
    ("fta-major-capital-investment-projects", "2001-03-15", None, "suspended", "stayed until 6 April"),
    ("fta-major-capital-investment-projects", "2001-04-07", None, "in_force", "the stay is over"),
    ("fta-major-capital-investment-projects", "2025-07-01", None, "in_force", "Appendix A removed; part 611 stays"),
    # Commerce concrete masonry order: a delay before the effective date.
    ("concrete-masonry-order", "2020-08-24", None, "proposed", "proposed order published"),
    ("concrete-masonry-order", "2021-09-15", None, "issued", "final rule published"),
    ("concrete-masonry-order", "2021-11-29", None, "issued", "delayed on 16 November to 18 December"),
    ("concrete-masonry-order", "2021-12-17", None, "issued", "still delayed"),
    ("concrete-masonry-order", "2021-12-18", None, "in_force", "the delayed effective date"),
    # CFPB adjudication amendments: proposed rescission, then rescinded.
    ("cfpb-adjudication-rules-amendments", "2025-05-12", None, "in_force", "in force before the proposal"),
    ("cfpb-adjudication-rules-amendments", "2025-10-28", None, "in_force", "a proposed rescission changes nothing yet"),
    ("cfpb-adjudication-rules-amendments", "2025-10-29", None, "rescinded", "rescinded by the final rule"),
    # EPA 2016 methane rule: agency stay, vacated by the D.C. Circuit.
    ("oil-gas-methane-nsps-2016", "2016-08-02", None, "in_force", "took effect 2 August 2016"),
    ("oil-gas-methane-nsps-2016", "2017-06-02", None, "suspended", "EPA's 90-day stay from 2 June 2017"),
    ("oil-gas-methane-nsps-2016", "2017-07-02", None, "suspended", "the day before the court ruled"),
    ("oil-gas-methane-nsps-2016", "2017-07-03", None, "in_force", "the court vacated EPA's stay"),
    # FTC non-compete rule: set aside before it took effect.
    ("ftc-non-compete-rule", "2024-05-07", None, "issued", "published, effective 4 September"),
    ("ftc-non-compete-rule", "2024-08-20", None, "vacated", "set aside by the Northern District of Texas"),
    ("ftc-non-compete-rule", "2024-09-04", None, "vacated", "never took effect"),
    ("ftc-non-compete-rule", "2024-09-04", "2024-08-01", "in_force", "as known before the ruling"),
    # DOL 2024 overtime rule: in force, then vacated.
    ("dol-overtime-rule-2024", "2024-06-30", None, "issued", "announced and published"),
    ("dol-overtime-rule-2024", "2024-07-01", None, "in_force", "first step in force"),
    ("dol-overtime-rule-2024", "2024-11-15", None, "vacated", "vacated by the Eastern District of Texas"),
    ("dol-overtime-rule-2024", "2025-01-01", None, "vacated", "the second step never applied"),
    # FCC 2024 open internet order: stayed by the Sixth Circuit, then set aside.
    ("fcc-open-internet-2024", "2024-07-11", None, "issued", "published, due 22 July"),
    ("fcc-open-internet-2024", "2024-07-22", None, "stayed", "administrative stay of 12 July"),
    ("fcc-open-internet-2024", "2024-08-01", None, "stayed", "stay pending review"),
    ("fcc-open-internet-2024", "2025-01-02", None, "vacated", "set aside by the Sixth Circuit"),
    # SEC climate disclosure rules: a court stay lifted, then the agency's own stay.
    ("sec-climate-disclosure-rules", "2024-03-15", None, "stayed", "Fifth Circuit administrative stay"),
    ("sec-climate-disclosure-rules", "2024-03-22", None, "issued", "the court dissolved its stay"),
    ("sec-climate-disclosure-rules", "2024-04-04", None, "suspended", "the SEC stayed its own rules"),
    ("sec-climate-disclosure-rules", "2024-05-28", None, "suspended", "never applied"),
    # Executive orders: in force from signing; one revoked by a later order.
    ("eo-14430-saltwater-angling", "2026-09-16", None, "not_yet_issued", "the day before signing"),
    ("eo-14430-saltwater-angling", "2026-09-17", None, "in_force", "in force from signing"),
    ("eo-14295-federal-register-efficiency", "2025-05-09", None, "in_force", "signed 9 May 2025"),
    ("eo-13859-ai-leadership", "2019-02-11", None, "in_force", "signed 11 February 2019"),
    ("eo-13839-removal-procedures", "2018-05-25", None, "in_force", "signed 25 May 2018"),
    ("eo-13839-removal-procedures", "2021-01-21", None, "in_force", "the day before it was revoked"),
    ("eo-13839-removal-procedures", "2021-01-22", None, "rescinded", "revoked by Executive Order 14003"),
    ("eo-14003-protecting-federal-workforce", "2021-01-22", None, "in_force", "signed 22 January 2021"),
    ("regulatory-freeze-memorandum-2025", "2025-01-20", None, "in_force", "memorandum of 20 January 2025"),
]


@pytest.fixture
def cases(db):
    for path in CASES:
        import_timeline_file(path)


def test_each_case_has_the_status_the_law_gave_before_and_after_each_document(cases, client):
    wrong = []
    for slug, on, known, phase, why in EXPECTED:
        params = {"on": on, **({"known": known} if known else {})}
        response = client.get(reverse("api:instrument-status", args=[slug]), params, HTTP_ACCEPT="application/json")
        got = json.loads(response.content).get("phase") if response.status_code == 200 else response.status_code
        if got != phase:
            wrong.append(f"{slug} on {on}{f' known {known}' if known else ''}: {got}, expected {phase} ({why})")
    assert not wrong, "\n".join(wrong)


def test_the_demo_holds_at_least_fifteen_real_instruments_besides_the_worked_example(cases):
    assert Instrument.objects.count() >= 15
    assert not Instrument.objects.filter(slug="ai-diffusion-rule").exists()  # kept in its own file


def test_the_demo_script_loads_every_case_and_the_worked_example(db):
    line = next(line for line in (ROOT / "scripts" / "demo").read_text().splitlines() if "import_timeline" in line)
    paths = [p for word in shlex.split(line) if word.endswith(".json") for p in sorted(glob.glob(str(ROOT / word)))]
    for path in paths:
        import_timeline_file(path)
    assert Instrument.objects.filter(slug="ai-diffusion-rule").exists()
    assert Instrument.objects.count() >= 4 + 15
    assert Instrument.objects.count() == 4 + sum(len(json.loads(p.read_text())["instruments"]) for p in CASES)


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def documents():
    for path in CASES:
        for document in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            yield path.name, document


def claims():
    for path in CASES:
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = {d["key"]: d for d in data["documents"]}
        for instrument in data["instruments"]:
            for event in instrument["events"]:
                for claim in event["claims"]:
                    yield instrument["slug"], event, claim, docs[claim["document"]]


def test_every_source_is_cited_by_publisher_title_url_and_date():
    assert CASES
    for name, document in documents():
        assert document["publisher"] and document["title"], (name, document["key"])
        assert document["url"].startswith(("http://", "https://")), (name, document["key"])
        assert document["published_on"], (name, document["key"])


def test_every_quote_is_the_words_of_the_document_it_is_claimed_from():
    quoted = 0
    for slug, event, claim, document in claims():
        if claim["quote"]:
            quoted += 1
            assert squash(claim["quote"]) in squash(document["excerpt"]), (slug, event["kind"], claim["quote"])
    assert quoted >= 40


# Sentences read in the full text of a Federal Register document beyond the fields the held-out corpus
# stores for it (its SUMMARY and DATES): the notice's SUPPLEMENTARY INFORMATION, its header line.
READ_BEYOND_THE_CORPUS = {
    "2025-02472": [
        "The interim final rule, ``Practices Before the Department of the Interior,'' published on January 10, 2025, at 90 FR 2332, included a 30-day public comment period that ends on February 10, 2025.",
        "The effective date of the interim final rule is February 10, 2025.",
    ],
    "2025-08682": ["Executive Order 14295 of May 9, 2025"],
    "2019-02544": ["Executive Order 13859 of February 11, 2019"],
    "2018-11939": ["Executive Order 13839 of May 25, 2018"],
    "2025-01906": ["Memorandum of January 20, 2025"],
}


def test_quotes_from_the_held_out_corpus_are_in_the_corpus_copy():
    checked = 0
    for slug, event, claim, document in claims():
        number = document.get("fr_document_number")
        path = CORPUS / f"{number}.json"
        if not claim["quote"] or not number or not path.exists():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        text = squash(" ".join(str(record.get(k) or "") for k in ("action", "title", "abstract", "dates")))
        if claim["quote"] not in READ_BEYOND_THE_CORPUS.get(number, []):
            assert squash(claim["quote"]) in text, (slug, number, claim["quote"])
            checked += 1
        assert record.get("publication_date") in (None, document["published_on"]), (slug, number)
    assert checked >= 15
