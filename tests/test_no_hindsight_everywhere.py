"""No hindsight anywhere: with ``known=2025-05-01`` no page, export, API answer, feed or calendar
that names the AI Diffusion Rule shows anything published after 1 May 2025 — no later
document's title, address or quote, no instrument first made public later (the guidance and the
policy statement of 13 May), and no date after 1 May but those the sources of 1 May announced
in advance and those the request itself names. (The instrument page has its own, finer test in
test_no_hindsight.py.)"""

import datetime
import html

from urllib.parse import urlencode

from test_no_hindsight import K, dates_in, later_documents

# The dates after 1 May that the sources published by then gave in advance: the comment period
# closing and the first compliance date on 15 May (so the period before it ends on 14 May), the
# second compliance date.
ANNOUNCED = {datetime.date(2025, 5, 14), datetime.date(2025, 5, 15), datetime.date(2026, 1, 15)}

# Every view that names the rule; the dates its request names (in its path or parameters) it
# may show. (The instrument page has its own test, which also reads its knowledge chart.)
ON, FROM, TO, BEFORE = "2025-05-20", "2025-05-01", "2025-05-31", "2025-01-01"
VIEWS = [
    # The home page's coming dates run 90 days from the date it is read as of, and link there.
    ("/", {"to": "2025-07-30", "from": "2025-05-02"}),
    (f"/on/{ON}/", {}),
    (f"/on/{ON}/", {"format": "csv"}),
    ("/instruments/", {"on": ON}),
    ("/instruments/", {"on": ON, "format": "csv"}),
    ("/instruments/", {"on": ON, "q": "diffusion"}),
    ("/changes/", {"from": FROM, "to": TO}),
    ("/changes/", {"from": FROM, "to": TO, "format": "csv"}),
    ("/compare/", {"a": BEFORE, "b": ON}),
    ("/compare/", {"a": BEFORE, "b": ON, "format": "csv"}),
    # What was learned about 20 May between 1 January and 1 May: known on 1 May is its known_b.
    ("/compare/", {"on": ON, "known_a": BEFORE, "known_b": FROM}),
    ("/compare/", {"on": ON, "known_a": BEFORE, "known_b": FROM, "format": "csv"}),
    ("/documents/", {}),
    ("/api/instruments/", {"on": ON}),
    ("/api/instruments/ai-diffusion-rule/status/", {"on": ON}),
    ("/api/changes/", {"from": FROM, "to": TO}),
    ("/api/compare/", {"a": BEFORE, "b": ON}),
    ("/api/compare/", {"on": ON, "known_a": BEFORE, "known_b": FROM}),
    ("/api/documents/", {}),
    ("/feeds/changes.atom", {}),
    ("/instruments/ai-diffusion-rule/changes.atom", {}),
    ("/calendar.ics", {}),
    ("/instruments/ai-diffusion-rule/calendar.ics", {}),
]

# Instruments nobody could know of on 1 May: their first sources were published on 13 May.
NOT_YET_PUBLIC = ("gp10-guidance", "ai-training-policy-statement", "diversion-red-flags-guidance")


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(content.decode())


def asked_dates(path, params):
    return dates_in(" ".join([path, *params.values()]))


def hindsight(response, path, params, demo_data):
    """What ``response`` shows that was published after 1 May, in words (empty: nothing)."""
    if response.status_code != 200:
        return [f"answered {response.status_code}"]
    shown, found = body(response), []
    if "ai-diffusion-rule" not in shown and "Diffusion" not in shown:
        found.append("does not name the rule (the request should be one that does)")
    later = later_documents(demo_data)
    for document in later:
        if document["title"][:50] in shown or (document.get("url") and document["url"] in shown):
            found.append(f"names {document['publisher']}'s “{document['title'][:50]}” of {document['published_on']}")
    later_keys = {document["key"] for document in later}
    for instrument in demo_data["instruments"]:
        for event in instrument["events"]:
            for claim in event["claims"]:
                if claim["document"] in later_keys and claim.get("quote") and claim["quote"][:60] in shown:
                    found.append(f"quotes “{claim['quote'][:60]}”")
    found += [f"names {slug}, not yet public" for slug in NOT_YET_PUBLIC if slug in shown]
    today = datetime.date.today()  # a page may say when it was made
    allowed = ANNOUNCED | asked_dates(path, params) | {today}
    found += [f"shows {day}" for day in sorted(dates_in(shown)) if day > K and day not in allowed]
    return found


def test_as_known_on_1_may_nothing_published_later_shows_on_any_view(demo, demo_data, client):
    assert later_documents(demo_data)
    found = {}
    for path, params in VIEWS:
        asked = {} if path == "/" else params  # the home page's dates are its own
        # What was learned between two knowledge dates takes them as known_a and known_b.
        times = {} if "known_b" in params else {"known": K.isoformat()}
        response = client.get(path, {**asked, **times})
        if problems := hindsight(response, path, params, demo_data):
            found[f"{path}?{urlencode(asked)}"] = problems
    assert found == {}
