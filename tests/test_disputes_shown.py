"""A disputed date says so where a status states it — the instrument page's headline, the API
status, the list CSVs — and the drawing shows it as the range its sources claim."""

import csv
import io
import re

from django.urls import reverse

from conftest import text


def rows_of(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_headline_gives_the_range_the_sources_claim_and_links_to_them(demo, client):
    response = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20"})
    box = text(response)
    assert "in force but not enforced since 13 May 2025 (disputed: sources say 12 May to June 2025)" in box
    assert "rescission announced 13 May 2025 (disputed: sources say 8 May to 11 June 2025)" in box
    html = response.content.decode()
    sentence = html[html.index('class="status-sentence"') : html.index("</p>", html.index('class="status-sentence"'))]
    assert 'href="#event-enforcement-suspended"' in sentence


def test_an_undisputed_date_is_stated_flatly(demo, client):
    body = text(client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-02-01"}))
    assert "On 1 February 2025: in force since 13 January 2025 — compliance not required until 15 May 2025" in body
    assert "disputed:" not in body[: body.index("Timeline")]


def test_the_api_status_gives_the_disputed_span_of_its_since_date(demo, client):
    answer = client.get("/api/instruments/ai-diffusion-rule/status/", {"on": "2025-05-20"}).json()
    assert answer["since_disputed"] == {
        "kind": "enforcement_suspended",
        "date": "2025-05-13",
        "from": "2025-05-12",
        "to": "2025-06-30",
    }
    assert (
        client.get("/api/instruments/ai-diffusion-rule/status/", {"on": "2025-02-01"}).json()["since_disputed"] is None
    )
    known = client.get("/api/instruments/ai-diffusion-rule/status/", {"on": "2025-05-20", "known": "2025-05-13"}).json()
    # On 13 May only the release (13 May) and its copy dated 12 May were out: the span is theirs.
    assert (known["since_disputed"]["from"], known["since_disputed"]["to"]) == ("2025-05-12", "2025-05-13")


def test_the_schema_documents_since_disputed(demo, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "since_disputed" in schema and "SinceDisputed" in schema
    assert re.search(r'"from":\s*\{', schema) or "from:" in schema


def test_list_csvs_have_a_disputed_column(demo, client):
    rows = rows_of(client.get("/on/2025-05-20/", {"format": "csv"}))
    rule = next(row for row in rows if row["slug"] == "ai-diffusion-rule")
    assert "rescission_announced: 2025-05-08 to 2025-06-11" in rule["disputed"]
    assert "enforcement_suspended: 2025-05-12 to 2025-06-30" in rule["disputed"]
    rows = rows_of(client.get("/instruments/", {"format": "csv", "on": "2025-02-01"}))
    assert next(row for row in rows if row["slug"] == "ai-diffusion-rule")["disputed"] == ""
    rows = rows_of(client.get("/changes/", {"format": "csv", "from": "2025-05-01", "to": "2025-05-31"}))
    announced = next(row for row in rows if row["event"] == "rescission_announced")
    assert announced["disputed"] == "rescission_announced: 2025-05-08 to 2025-06-11"


def svgs(client, **params):
    html = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), params).content.decode()
    return re.findall(r"<svg viewBox.*?</svg>", html, re.S)


def test_the_drawing_draws_a_disputed_date_as_the_range_its_sources_claim(demo, client):
    for svg in svgs(client, on="2025-05-20"):
        marker = svg[svg.index('href="#event-rescission-announced"') :]
        marker = marker[: marker.index("</a>")]
        assert "dates disputed: sources say 8 May to 11 June 2025" in marker
        width = float(re.search(r'class="span" x="[\d.]+" y="[\d.-]+" width="([\d.]+)"', marker).group(1))
        assert width > 10  # 34 days across


def test_no_marker_is_drawn_over_another(demo, client):
    for svg in svgs(client, on="2025-05-20"):
        centres = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="9">', svg)]
        assert len(centres) >= 5
        for n, (x1, y1) in enumerate(centres):
            for x2, y2 in centres[n + 1 :]:
                assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 18, (x1, y1, x2, y2)


def test_a_phone_gets_a_drawing_of_the_months_around_the_date_asked_about(demo, client):
    wide, narrow = svgs(client, on="2025-05-20")
    assert "in the months around 20 May 2025" in narrow
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', narrow).group(1))
    on_x = float(re.search(r'class="on-line" x1="([\d.]+)"', narrow).group(1))
    assert abs(on_x - width / 2) < 2  # centred
    assert 'id="wide-drawing-title"' in wide and 'id="narrow-drawing-title"' in narrow  # ids unique on the page
