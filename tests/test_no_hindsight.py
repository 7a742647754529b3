"""No hindsight on the instrument page: with ``known=K`` nothing the public could not know on K
appears — events, notes, summary, related instruments, documents, edit history, the drawing —
and "scheduled" marks only what had been announced by the date viewed."""

import datetime
import re

import time_machine
from django.urls import reverse

from policytrack.ingest.timeline import import_timeline_file
from policytrack.timeline.models import Event, Instrument

from conftest import DEMO, text

UTC = datetime.timezone.utc
K = datetime.date(2025, 5, 1)
MONTHS = {
    m: n
    for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)
}
DAY_DATE = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def page(client, slug="ai-diffusion-rule", **params):
    return client.get(reverse("web:instrument_detail", args=[slug]), params)


def dates_in(body):
    found = {datetime.date(int(y), MONTHS[m], int(d)) for d, m, y in DAY_DATE.findall(body)}
    return found | {datetime.date(int(y), int(m), int(d)) for y, m, d in ISO_DATE.findall(body)}


def later_documents(demo_data):
    return [document for document in demo_data["documents"] if document["published_on"] > K.isoformat()]


def test_as_known_on_1_may_the_page_shows_no_date_and_no_text_published_later(demo, demo_data, client):
    response = page(client, on="2025-05-20", known=K.isoformat())
    assert response.status_code == 200
    body, html = text(response), response.content.decode()
    # The knowledge chart's columns are a grid of valid dates (an axis, not news); its rows, the
    # knowledge dates, are checked in test_knowledge_chart.py.
    chart = re.search(r'<table class="knowledge">.*?</table>', html, re.S)
    body = text(type("Page", (), {"content": (html[: chart.start()] + html[chart.end() :]).encode()}))
    # After 1 May only the date asked about and the dates the 1 May sources announced in advance
    # (the two compliance dates and the close of comments) may appear.
    # (and 14 May, the last day of the period before the first compliance date).
    announced = {
        datetime.date(2025, 5, 20),
        datetime.date(2025, 5, 14),
        datetime.date(2025, 5, 15),
        datetime.date(2026, 1, 15),
    }
    assert {day for day in dates_in(body) if day > K} <= announced, sorted(dates_in(body))
    later = later_documents(demo_data)
    assert later
    for document in later:
        assert document["title"] not in html
        assert document.get("note", "")[:60] not in html or not document.get("note")
    later_keys = {document["key"] for document in later}
    for instrument in demo_data["instruments"]:
        for event in instrument["events"]:
            for claim in event["claims"]:
                if claim["document"] in later_keys and claim.get("quote"):
                    assert claim["quote"][:60] not in html
    for leak in (
        "On 13 May 2025 Commerce said",
        "Enforcement was suspended on 13 May",
        "dated 12 May",
        "GP10 guidance",
        "Diversion red-flags",
        "Policy statement on chips",
    ):
        assert leak not in body, leak


def test_an_editors_text_is_shown_as_recorded_by_the_knowledge_date_and_a_later_one_hidden(db, client):
    with time_machine.travel(datetime.datetime(2025, 4, 20, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
        rule = Instrument.objects.get(slug="ai-diffusion-rule")
        rule.summary = "The summary as it stood in April."
        rule.save()
        published = Event.objects.get(instrument=rule, key="published")
        published.note = "The note as it stood in April."
        published.save()
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        rule.summary = "Rewritten after the rescission was announced."
        rule.save()
        published.note = "A note written in June."
        published.save()
    then = text(page(client, on="2025-05-20", known=K.isoformat()))
    assert "The summary as it stood in April." in then, then[:3000]
    assert "The note as it stood in April." in then
    assert "Rewritten after" not in then and "A note written in June" not in then
    now = text(page(client, on="2025-05-20"))
    assert "Rewritten after the rescission was announced." in now and "A note written in June." in now


def test_an_editors_summary_written_after_the_knowledge_date_is_replaced_by_a_note(demo, client):
    body = text(page(client, on="2025-05-20", known=K.isoformat()))
    assert "BIS interim final rule that required licences" not in body
    assert "The editor's summary of this instrument was recorded after 1 May 2025; it is hidden" in body
    assert "Announced by BIS on 13 January 2025" not in body  # an event's note, recorded in 2026
    assert "editor's note recorded after 1 May 2025 is hidden" in body


def test_related_instruments_appear_only_once_a_source_about_them_is_published(demo, client):
    assert "Related instruments" not in text(page(client, on="2025-05-20", known=K.isoformat()))
    assert "GP10 guidance" in text(page(client, on="2025-05-20", known="2025-05-13"))


def test_the_edit_history_lists_only_what_was_recorded_by_the_knowledge_date(demo, client):
    body = text(page(client, on="2025-05-20", known=K.isoformat()))
    history = body[body.index("Edit history") :]
    assert "No changes recorded by 1 May 2025" in history
    assert "added a claim" not in history


def test_scheduled_marks_only_events_announced_by_the_date_viewed(demo, client):
    html = page(client, on="2025-05-10").content.decode()
    suspended = html[html.index('id="event-enforcement-suspended"') :][:900]
    assert "scheduled" not in suspended
    assert "reported after 10 May 2025" in suspended
    compliance = html[html.index('id="event-compliance-date"') :][:900]
    assert "tag-scheduled" in compliance  # announced in January
    drawing = html[html.index("<svg") : html.index("</svg>")]
    assert "13 May 2025: Enforcement suspended (scheduled)" not in drawing
