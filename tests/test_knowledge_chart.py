"""The knowledge chart: valid time across, knowledge time down, one row per date a source came
out, each cell naming its phase; a table, so screen readers read it as one."""

import re

from django.urls import reverse

from conftest import text


def chart(client, **params):
    html = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), params).content.decode()
    return html[
        html.index('<table class="knowledge">') : html.index("</table>", html.index('<table class="knowledge">'))
    ]


def test_each_row_is_a_publication_date_and_says_what_was_known_then(demo, demo_data, client):
    table = chart(client, on="2025-05-20")
    rows = re.findall(r'<tr><th scope="row"><a [^>]*>([^<]+)</a>', table)
    published = sorted({document["published_on"] for document in demo_data["documents"]})
    assert len(rows) == len(published) == 7 or len(rows) == len(published)
    assert rows[0] == "13 January 2025" and rows[-1] == "12 June 2025"
    first, last = table.split('<tr><th scope="row">')[1], table.split('<tr><th scope="row">')[-1]
    assert "in force, not enforced" not in first  # as known in January nobody foresaw it
    assert "in force, not enforced" in last and "pattern-held" in last  # a pattern, not only a colour


def test_it_is_a_table_with_column_dates_for_screen_readers_and_at_most_40_by_20(demo, client):
    table = chart(client, on="2025-05-20")
    columns = re.findall(r'<th scope="col"><span class="visually-hidden">([^<]+)</span>', table)
    assert 10 <= len(columns) <= 40
    assert re.match(r"\d{1,2} \w+ \d{4}", columns[0])
    assert table.count('<tr><th scope="row">') <= 20
    for row in table.split('<tr><th scope="row">')[1:]:
        assert sum(int(n) for n in re.findall(r'colspan="(\d+)"', row)) == len(columns)


def test_as_known_on_a_date_the_chart_has_no_later_rows(demo, client):
    body = text(
        client.get(
            reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20", "known": "2025-05-01"}
        )
    )
    section = body[body.index("When the world learned what") :]
    assert "13 May 2025" not in section and "12 June 2025" not in section
