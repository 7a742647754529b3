"""The importer against the corpus of real Federal Register documents and its answer key
(tests/data/fr_corpus; figures and misses: ``python tests/fr_corpus_eval.py``)."""

import json

import pytest

from fr_corpus_eval import CORPUS, documents, figures, read, score


@pytest.fixture(scope="module")
def measured():
    tally, misses = score()
    return figures(tally), misses


def test_every_document_of_the_corpus_is_read(measured):
    found, _ = measured
    assert found["refused"] == 0
    assert found["documents"] >= 60


def test_dates_read_from_real_documents_are_mostly_right(measured):
    """Floors at what was measured: the first time the importer met this corpus, precision
    90.5 %, recall 77 %, classes 85 %; after its misses were studied (so it is no longer held
    out), 92.3 %, 81.8 %, 91.9 %. They only go up. The target is 95 % precision."""
    found, misses = measured
    print(json.dumps(found, indent=1), *misses, sep="\n")
    assert found["precision"] >= 0.92
    assert found["recall"] >= 0.81
    assert found["class"] >= 0.91


def test_the_importer_claims_no_date_a_document_does_not_give(measured):
    found, misses = measured
    unsupported = [miss for miss in misses if miss[1] == "UNSUPPORTED"]
    assert len(unsupported) <= 1, unsupported  # 01-3207's stay end, read as a reinstatement


def test_every_quote_is_the_documents_own_words():
    for key, raw in documents():
        _, claims, _ = read(raw)
        for kind, day, _, quote in claims:
            assert not quote or quote in (raw.get("dates") or ""), (key, kind, quote)


def test_the_corpus_records_where_each_document_came_from():
    for key, raw in documents():
        assert raw["_source"]["url"].startswith("http"), key
    answers = json.loads((CORPUS / "answers.json").read_text(encoding="utf-8"))
    assert set(answers) == {key for key, _ in documents()}
