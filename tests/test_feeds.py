"""Atom feeds of changes, read with a real XML parser as a feed reader would."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from policytrack.timeline.models import Agency, Event, Instrument, Topic

ATOM = "{http://www.w3.org/2005/Atom}"
UTC = datetime.timezone.utc


def read_feed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed):
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


def test_the_feed_has_an_entry_for_the_enforcement_suspension_naming_its_sources(demo, client):
    feed = read_feed(client, reverse("feeds:changes"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "policytrack: changes"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "policytrack"
    entry = entries(feed)["AI Diffusion Rule: enforcement suspended (13 May 2025)"]
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://testserver/instruments/ai-diffusion-rule/#event-enforcement-suspended"
    summary = entry.findtext(f"{ATOM}summary")
    assert "Department of Commerce Announces Rescission of Biden-Era Artificial Intelligence Diffusion" in summary
    assert "Bureau of Industry and Security, U.S. Department of Commerce" in summary
    assert "WTTL" in summary  # every source is named, not only the best
    assert summary.index("Department of Commerce Announces") < summary.index("WTTL")  # best first
    assert entry.findtext(f"{ATOM}id") == "tag:policytrack,2025:ai-diffusion-rule.enforcement-suspended@policytrack"
    assert entry.findtext(f"{ATOM}published").startswith("2025-05-13")
    assert entry.findtext(f"{ATOM}updated")


def test_federal_register_entries_give_the_citation(demo, client):
    entry = entries(read_feed(client, reverse("feeds:changes")))["AI Diffusion Rule: published (15 January 2025)"]
    assert "Federal Register, 90 FR 4544" in entry.findtext(f"{ATOM}summary")


def test_the_link_points_at_a_row_of_the_timeline_page(demo, client):
    entry = entries(read_feed(client, reverse("feeds:changes")))[
        "AI Diffusion Rule: enforcement suspended (13 May 2025)"
    ]
    page, anchor = entry.find(f"{ATOM}link").get("href").split("#")
    response = client.get(page)
    assert response.status_code == 200
    assert f'id="{anchor}"' in response.content.decode()


def test_entries_are_newest_first_with_unique_ids(demo, client):
    feed = read_feed(client, reverse("feeds:changes"))
    published = [entry.findtext(f"{ATOM}published") for entry in feed.iter(f"{ATOM}entry")]
    assert published == sorted(published, reverse=True)
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == Event.objects.count()


def test_ids_stay_the_same_across_requests(demo, client):
    first = [e.findtext(f"{ATOM}id") for e in read_feed(client, reverse("feeds:changes")).iter(f"{ATOM}entry")]
    second = [e.findtext(f"{ATOM}id") for e in read_feed(client, reverse("feeds:changes")).iter(f"{ATOM}entry")]
    assert first == second


def test_events_still_to_come_are_not_changes_yet(demo, client):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 12, tzinfo=UTC), tick=False):
        titles = entries(read_feed(client, reverse("feeds:changes")))
    assert "AI Diffusion Rule: enforcement suspended (13 May 2025)" in titles
    assert "AI Diffusion Rule: compliance date (15 May 2025)" not in titles


def test_an_edited_event_shows_as_updated(demo, client):
    with time_machine.travel(datetime.datetime(2030, 1, 1, 12, tzinfo=UTC), tick=False):
        event = Event.objects.get(instrument__slug="ai-diffusion-rule", key="enforcement-suspended")
        event.note = "Commerce said it would not enforce the rule."
        event.save()
        entry = entries(read_feed(client, reverse("feeds:changes")))[
            "AI Diffusion Rule: enforcement suspended (13 May 2025)"
        ]
    assert entry.findtext(f"{ATOM}updated").startswith("2030-01-01T12:00")
    assert "Commerce said it would not enforce the rule." in entry.findtext(f"{ATOM}summary")


def test_agency_narrows_the_feed_including_the_agencies_under_it(demo, client):
    other = Agency.objects.create(slug="nasa", name="NASA")
    rule = Instrument.objects.create(slug="moon-rule", title="Moon Rule", kind="rule")
    rule.agencies.add(other)
    Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 1))

    everything = entries(read_feed(client, reverse("feeds:changes")))
    assert "Moon Rule: effective (1 March 2025)" in everything
    for slug in ("bis", "commerce"):
        feed = read_feed(client, reverse("feeds:changes"), agency=slug)
        titles = entries(feed)
        assert "Moon Rule: effective (1 March 2025)" not in titles
        assert "AI Diffusion Rule: enforcement suspended (13 May 2025)" in titles
    assert read_feed(client, reverse("feeds:changes"), agency="bis").findtext(f"{ATOM}title") == (
        "policytrack: changes — BIS"
    )
    assert list(entries(read_feed(client, reverse("feeds:changes"), agency="nasa"))) == [
        "Moon Rule: effective (1 March 2025)"
    ]


def test_topic_narrows_the_feed(demo, client):
    rule = Instrument.objects.create(slug="moon-rule", title="Moon Rule", kind="rule")
    Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 1))
    topic = Topic.objects.get(name="semiconductors")
    titles = entries(read_feed(client, reverse("feeds:changes"), topic=topic.slug))
    assert "Moon Rule: effective (1 March 2025)" not in titles
    assert "AI Diffusion Rule: enforcement suspended (13 May 2025)" in titles


@pytest.mark.parametrize("params", [{"agency": "nasa"}, {"topic": "knitting"}])
def test_an_unknown_agency_or_topic_is_a_bad_request_as_on_the_lists(demo, client, params):
    response = client.get(reverse("feeds:changes"), params)
    assert response.status_code == 400
    assert list(params.values())[0] in response.content.decode()


def test_the_instrument_feed_has_only_its_events(demo, client):
    feed = read_feed(client, reverse("feeds:instrument_changes", args=["gp10-guidance"]))
    assert feed.findtext(f"{ATOM}title").startswith("policytrack: ")
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert links and all("/instruments/gp10-guidance/#event-" in link for link in links)
    assert client.get(reverse("feeds:instrument_changes", args=["no-such-rule"])).status_code == 404


def test_the_feed_links_to_itself_and_to_the_page(demo, client):
    feed = read_feed(client, reverse("feeds:instrument_changes", args=["ai-diffusion-rule"]))
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/instruments/ai-diffusion-rule/changes.atom"
    assert links["alternate"] == "http://testserver/instruments/ai-diffusion-rule/"


def test_an_unchanged_feed_answers_304(demo, client):
    url = reverse("feeds:changes")
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    with time_machine.travel(datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)):
        Instrument.objects.filter(slug="gp10-guidance").first().save()
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_feed_answers_304_to_the_last_modified_it_sent_when_its_entries_are_older(demo, client):
    url = reverse("feeds:changes")
    with time_machine.travel(datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)):
        Topic.objects.create(name="Recorded later", slug="recorded-later")  # after every entry
        first = client.get(url)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_queries_do_not_grow_with_the_number_of_events(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as few:
        read_feed(client, reverse("feeds:changes"), agency="bis")
    bis = Agency.objects.get(slug="bis")
    for number in range(15):
        rule = Instrument.objects.create(slug=f"extra-{number}", title=f"Extra {number}", kind="rule")
        rule.agencies.add(bis)
        Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 4, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        read_feed(client, reverse("feeds:changes"), agency="bis")


def test_markup_in_a_source_or_a_note_reaches_the_reader_as_text(demo, client):
    from policytrack.timeline.models import Claim, Document

    event = Event.objects.get(instrument__slug="ai-diffusion-rule", key="enforcement-suspended")
    event.note = "<b>bold</b> & <script>alert(1)</script>"
    event.save()
    claim = Claim.objects.filter(event=event).first()
    claim.quote = '<img src=x onerror="alert(2)">'
    claim.save()
    Document.objects.filter(pk=claim.document_id).update(
        title="<i>Rescission</i> & more", publisher="A <u>publisher</u>", url='https://example.org/?a=1&b="2"'
    )
    summary = entries(read_feed(client, reverse("feeds:changes")))[
        "AI Diffusion Rule: enforcement suspended (13 May 2025)"
    ].findtext(f"{ATOM}summary")
    assert "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>" in summary
    assert "<q>&lt;img src=x onerror=&quot;alert(2)&quot;&gt;</q>" in summary
    assert (
        '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">“&lt;i&gt;Rescission&lt;/i&gt; &amp; more”</a>'
        in summary
    )
    assert "A &lt;u&gt;publisher&lt;/u&gt;" in summary and "<script>" not in summary and "<u>" not in summary
