"""The home page's "coming up" says how many dates are due and links to all of them."""

import datetime

import time_machine

from conftest import text
from policytrack.timeline.models import Event, Instrument


@time_machine.travel(datetime.date(2025, 3, 1))
def test_coming_up_counts_every_due_date_and_links_to_them_all(demo, client):
    rule = Instrument.objects.create(slug="busy", title="A busy rule", kind="rule")
    for n in range(25):
        Event.objects.create(
            instrument=rule,
            key=f"c{n}",
            kind="compliance_date",
            date=datetime.date(2025, 3, 2) + datetime.timedelta(days=n),
            position=n,
        )
    response = client.get("/")
    body = text(response)
    # 25 of the busy rule's, and the demo's 9 between 13 and 15 May.
    assert "34 dates due by 30 May 2025, the first 20 shown here. See them all" in body
    assert 'href="/changes/?from=2025-03-02&amp;to=2025-05-30">See them all</a>' in response.content.decode()
    assert "Add them to your calendar (.ics)" in body
    everything = text(client.get("/changes/", {"from": "2025-03-02", "to": "2025-05-30"}))
    assert "21st compliance date" in everything and "25th compliance date" in everything and "A busy rule" in everything


@time_machine.travel(datetime.date(2025, 3, 1))
def test_a_short_list_says_it_is_complete(demo, client):
    body = text(client.get("/"))
    assert "9 dates due by 30 May 2025. See them all" in body
