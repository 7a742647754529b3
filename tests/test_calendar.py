"""iCalendar feeds of upcoming dates, read with the icalendar parser as a calendar app would."""

import datetime

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from django.urls import reverse
from icalendar import Calendar
from icalendar.parser import foldline

from conftest import DEMO
from django.core.cache import cache

from policytrack.api.calendar import _folded
from policytrack.ingest.timeline import import_timeline_file
from policytrack.timeline.models import Agency, Event, Instrument

UTC = datetime.timezone.utc
# On 1 May 2025 the rule's enforcement suspension, compliance date and comment deadline are ahead.
FIRST_OF_MAY = datetime.datetime(2025, 5, 1, 12, tzinfo=UTC)


def read_calendar(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def may(demo):
    with time_machine.travel(FIRST_OF_MAY, tick=False):
        yield


def test_the_calendar_has_all_day_events_for_the_dates_ahead(may, client):
    calendar = read_calendar(client, reverse("feeds:calendar"))
    assert str(calendar["X-WR-CALNAME"]) == "policytrack: upcoming dates"
    due = events(calendar)
    compliance = due["ai-diffusion-rule.compliance-date@policytrack"]
    assert str(compliance["SUMMARY"]) == "AI Diffusion Rule: compliance date"
    assert compliance.decoded("DTSTART") == datetime.date(2025, 5, 15)  # a date: an all-day event
    assert compliance.decoded("DTEND") == datetime.date(2025, 5, 16)
    assert str(compliance["URL"]) == "http://testserver/instruments/ai-diffusion-rule/#event-compliance-date"
    assert "90 FR 4544" in str(compliance["DESCRIPTION"])
    assert "ai-diffusion-rule.comment-period-closes@policytrack" in due
    suspended = due["ai-diffusion-rule.enforcement-suspended@policytrack"]
    assert suspended.decoded("DTSTART") == datetime.date(2025, 5, 13)
    assert "Department of Commerce Announces Rescission" in str(suspended["DESCRIPTION"])
    assert "gp10-guidance.effective@policytrack" in due


def test_dates_already_past_and_pre_empted_are_left_out(demo, client):
    with time_machine.travel(datetime.datetime(2025, 12, 1, 12, tzinfo=UTC), tick=False):
        due = events(read_calendar(client, reverse("feeds:calendar")))
    assert set(due) == {"ai-diffusion-rule.compliance-date-748-supp10@policytrack"}
    assert due["ai-diffusion-rule.compliance-date-748-supp10@policytrack"].decoded("DTSTART") == datetime.date(
        2026, 1, 15
    )


def test_uids_and_contents_are_stable_across_requests(may, client):
    first = client.get(reverse("feeds:calendar")).content
    second = client.get(reverse("feeds:calendar")).content
    assert first == second
    uids = list(events(Calendar.from_ical(first)))
    assert len(uids) == len(set(uids)) > 0


def test_a_moved_date_keeps_its_uid(may, client):
    before = events(read_calendar(client, reverse("feeds:calendar")))
    with time_machine.travel(FIRST_OF_MAY + datetime.timedelta(minutes=5), tick=False):
        Event.objects.filter(instrument__slug="gp10-guidance", key="effective").update(date=datetime.date(2025, 6, 2))
        Event.objects.get(instrument__slug="gp10-guidance", key="effective").claims.update(
            date=datetime.date(2025, 6, 2)
        )
        after = events(read_calendar(client, reverse("feeds:calendar")))
    uid = "gp10-guidance.effective@policytrack"
    assert before[uid].decoded("DTSTART") == datetime.date(2025, 5, 13)
    assert after[uid].decoded("DTSTART") == datetime.date(2025, 6, 2)
    assert set(before) == set(after)


@pytest.mark.parametrize(
    "params, instruments",
    [
        ({"kind": "guidance"}, {"gp10-guidance", "ai-training-policy-statement", "diversion-red-flags-guidance"}),
        ({"agency": "commerce", "kind": "interim_final_rule"}, {"ai-diffusion-rule"}),
        ({"agency": "bis", "kind": "rule"}, set()),
        ({"q": "0694-AJ90"}, {"ai-diffusion-rule"}),  # its RIN: "AI Diffusion" is in the text of the guidance too
    ],
)
def test_the_calendar_takes_the_instrument_list_filters(may, client, params, instruments):
    due = events(read_calendar(client, reverse("feeds:calendar"), **params))
    assert {uid.split(".")[0] for uid in due} == instruments


def test_a_bad_filter_is_a_400_naming_the_parameter(may, client):
    response = client.get(reverse("feeds:calendar"), {"agency": "nasa", "on": "tomorrow"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "agency:" in text and "on must be a real date written YYYY-MM-DD, not 'tomorrow'." in text


def test_the_instrument_calendar_has_only_its_dates(may, client):
    calendar = read_calendar(client, reverse("feeds:instrument_calendar", args=["ai-diffusion-rule"]))
    assert str(calendar["X-WR-CALNAME"]) == "policytrack: AI Diffusion Rule"
    assert {uid.split(".")[0] for uid in events(calendar)} == {"ai-diffusion-rule"}
    assert client.get(reverse("feeds:instrument_calendar", args=["no-such-rule"])).status_code == 404


def test_a_month_precise_date_says_so(may, client):
    rule = Instrument.objects.create(slug="moon-rule", title="Moon Rule", kind="rule")
    Event.objects.create(
        instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 6, 1), precision="month"
    )
    due = events(read_calendar(client, reverse("feeds:instrument_calendar", args=["moon-rule"])))
    assert str(due["moon-rule.effective@policytrack"]["SUMMARY"]) == "Moon Rule: effective (some time in June 2025)"


def test_an_unchanged_calendar_answers_304(may, client):
    url = reverse("feeds:calendar")
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_queries_do_not_grow_with_the_number_of_instruments(may, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        read_calendar(client, reverse("feeds:calendar"), agency="bis")
    bis = Agency.objects.get(slug="bis")
    for number in range(15):
        rule = Instrument.objects.create(slug=f"extra-{number}", title=f"Extra {number}", kind="rule")
        rule.agencies.add(bis)
        Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 6, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        calendar = read_calendar(client, reverse("feeds:calendar"), agency="bis")
    assert "extra-14.effective@policytrack" in events(calendar)


def valid_rfc5545(body):
    """What RFC 5545 (3.4, 3.6, 3.6.1) requires of a calendar, checked on the parsed object."""
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    assert calendar.subcomponents, "a calendar must hold at least one component"
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    return calendar


def test_every_calendar_is_valid_even_with_nothing_coming(demo, client):
    addresses = [
        "/calendar.ics",
        "/calendar.ics?kind=statute",
        *(f"/instruments/{slug}/calendar.ics" for slug in Instrument.objects.values_list("slug", flat=True)),
    ]
    empty = 0
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        calendar = valid_rfc5545(response.content)
        empty += not calendar.walk("VEVENT")
    assert empty >= 2  # most instruments (and every one on this day) have no date coming


def test_a_calendar_is_built_once_per_state_of_the_record(db, client, settings, django_assert_num_queries):
    # Cached in service; the other tests turn the cache off, as they move the clock backwards
    # (which a cache keyed on the last recorded moment cannot see) and edit with update().
    settings.POLICYTRACK_CALENDAR_CACHE = 3600
    cache.clear()
    with time_machine.travel(FIRST_OF_MAY, tick=True):
        import_timeline_file(DEMO)
        first = client.get(reverse("feeds:calendar")).content
        with django_assert_num_queries(1):  # when the record last changed: the cached copy is current
            assert client.get(reverse("feeds:calendar")).content == first
        event = Event.objects.get(key="compliance-date")
        event.note = "Moved by a later notice."
        event.save()
        second = client.get(reverse("feeds:calendar")).content
        assert b"Moved by a later notice." in second
        with django_assert_num_queries(1):
            assert client.get(reverse("feeds:calendar")).content == second


def test_the_events_are_written_as_icalendar_writes_them(demo, client, run):
    # Written by hand for speed: read back and written again by icalendar, the same bytes.
    code, _, err = run("generate_synthetic", "--instruments", "60", "--seed", "4")
    assert code == 0, err
    with time_machine.travel(datetime.datetime(2020, 6, 1, 12, tzinfo=UTC), tick=False):
        body = client.get(reverse("feeds:calendar")).content
    assert body.count(b"BEGIN:VEVENT") > 10
    assert "“".encode() in body and b"\\n" in body and b"\r\n " in body  # non-ASCII, escaped, folded
    assert Calendar.from_ical(body).to_ical() == body
    with time_machine.travel(FIRST_OF_MAY, tick=False):
        body = client.get(reverse("feeds:calendar"), {"known": "2025-05-01"}).content
    assert b"BEGIN:VEVENT" in body and Calendar.from_ical(body).to_ical() == body


@given(st.text().filter(lambda line: "\n" not in line))
def test_a_line_is_folded_as_icalendar_folds_it(line):
    assert _folded(line) == (foldline(line) + "\r\n").encode()
