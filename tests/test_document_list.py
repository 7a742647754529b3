"""/documents/: every source, newest first, by kind, publisher and year, a page at a time."""

import datetime
import re

import pytest
from django.db import connection

from conftest import text
from policytrack.timeline.models import Document


@pytest.fixture
def many(demo):
    Document.objects.bulk_create(
        Document(
            key=f"note-{n}",
            kind="statement",
            title=f"Statement number {n}",
            publisher="Office of Examples",
            published_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )
        for n in range(60)
    )


def test_it_lists_every_source_newest_first(demo, client):
    response = client.get("/documents/")
    assert response.status_code == 200
    body = text(response)
    assert "10 documents." in body
    assert body.index("Trump Administration Ditches Biden’s AI Export Rules") < body.index("Framework for Artificial")
    assert "Federal Register document, 90 FR 4544 (FR Doc. 2025-00636)" in body
    assert 'href="?publisher=Reuters"' in response.content.decode()


def test_it_filters_by_kind_publisher_and_year(many, client):
    assert "4 documents match the filters." in text(client.get("/documents/", {"kind": "news"}))
    reuters = text(client.get("/documents/", {"publisher": "Reuters"}))
    assert "1 document matches the filters." in reuters and "Trump administration to rescind" in reuters
    assert "60 documents match the filters." in text(client.get("/documents/", {"year": "2024", "kind": "statement"}))
    assert "0 documents match the filters. " in text(client.get("/documents/", {"year": "1999"}))


def test_it_pages_fifty_at_a_time_in_a_few_queries(many, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        first = text(client.get("/documents/", {"kind": "statement"}))
    assert "Page 1 of 2" in first and "Statement number 59" in first and "Statement number 9 " not in first
    second = text(client.get("/documents/", {"kind": "statement", "page": "2"}))
    assert "Statement number 9 " in second and "Statement number 0 " in second


def test_as_known_on_a_date_it_lists_only_the_sources_published_by_then(demo, demo_data, client):
    """The list a reader could have had on 1 May 2025: nothing published later, in the rows, the
    count or the years to choose from; the filters and "Clear" keep the date."""
    known = "2025-05-01"
    response = client.get("/documents/", {"known": known})
    assert response.status_code == 200
    body, html = text(response), response.content.decode()
    held = [document for document in demo_data["documents"] if document["published_on"] <= known]
    later = [document for document in demo_data["documents"] if document["published_on"] > known]
    assert held and later
    assert "Sources, as known on 1 May 2025" in body
    assert f"{len(held)} documents." in body
    for document in held:
        assert document["title"] in html
    for document in later:
        assert document["title"] not in html
    assert '<input type="hidden" name="known" value="2025-05-01">' in html
    assert 'href="/documents/?known=2025-05-01">Clear' in html
    # The same filters as known on the date narrow the sources published by then only.
    news = text(client.get("/documents/", {"known": known, "kind": "news"}))
    expected = [d for d in held if d["kind"] == "news"]
    assert f"{len(expected)} document{'s' if len(expected) != 1 else ''} match" in news


def test_as_known_on_a_date_the_years_to_choose_from_end_with_its_year(many, client):
    years = re.findall(r'<option value="(\d{4})"', client.get("/documents/").content.decode())
    assert years == ["2025", "2024"]
    known = client.get("/documents/", {"known": "2024-02-01"}).content.decode()
    assert re.findall(r'<option value="(\d{4})"', known) == ["2024"]
    assert "32 documents." in text(client.get("/documents/", {"known": "2024-02-01"}))  # 1 January to 1 February


def test_as_known_on_a_date_before_every_source_it_says_none_was_published(demo, client):
    body = text(client.get("/documents/", {"known": "1990-01-01"}))
    assert "No source we hold was published by 1 January 1990." in body


def test_a_bad_known_date_or_record_time_is_refused_naming_it(demo, client):
    response = client.get("/documents/", {"known": "2025-13-01"})
    assert response.status_code == 400 and "known" in text(response)
    response = client.get("/documents/", {"recorded": "2025-05-01T25:00Z"})
    assert response.status_code == 400 and "recorded must be a date and time" in text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "tweet"}, "kind: “tweet” is not a kind of document"),
        ({"year": "25"}, "year: “25” is not a year written with four digits"),
    ],
)
def test_bad_filters_are_named(demo, client, params, message):
    response = client.get("/documents/", params)
    assert response.status_code == 400 and message in text(response)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is read from SQLite's EXPLAIN QUERY PLAN")
def test_a_page_of_one_kind_or_publisher_is_read_from_an_index(db):
    for field, value, index in (
        ("kind", "news", "document_kind_published_idx"),
        ("publisher", "Reuters", "document_publisher_idx"),
    ):
        query = Document.objects.filter(**{field: value}).order_by("-published_on", "-id")[:50]
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert index in plan and "TEMP B-TREE" not in plan, plan
