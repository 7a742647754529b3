"""Record time: what this tracker said at a past moment, from the history tables."""

import datetime
import json
import re

import time_machine

from policytrack.ingest.timeline import import_timeline_file
from policytrack.timeline.models import Document, Instrument

from conftest import DEMO, text

UTC = datetime.timezone.utc


def phase(run, *args):
    code, out, err = run("status", "ai-diffusion-rule", "--on", "2025-05-20", "--json", *args)
    assert code == 0, err
    return json.loads(out)["phase"]


def test_recorded_shows_the_status_before_a_later_correction(db, run):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        rule = Instrument.objects.get(slug="ai-diffusion-rule")
        rule.events.get(kind="enforcement_suspended").delete()  # an editor removes it

    assert phase(run) == "in_force"
    assert phase(run, "--recorded", "2025-05-20T12:00") == "not_enforced"
    assert phase(run, "--recorded", "2025-05-20") == "not_enforced"  # a bare date: the end of that day
    assert phase(run, "--recorded", "2025-06-01T10:00:00+00:00") == "in_force"


def test_recorded_follows_a_rank_change(db, run):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    with time_machine.travel(datetime.datetime(2025, 7, 1, 9, 0, tzinfo=UTC), tick=False):
        seed = Document.objects.get(key="seed-002")
        seed.rank = 1
        seed.save()  # now the June article decides: enforcement suspended in June

    assert phase(run) == "in_force"
    assert phase(run, "--recorded", "2025-06-30T00:00") == "not_enforced"


def test_before_the_instrument_was_recorded_it_says_so(db, run):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    code, out, err = run("status", "ai-diffusion-rule", "--on", "2025-05-20", "--recorded", "2025-01-01T00:00")
    assert code == 2
    assert "no instrument with slug 'ai-diffusion-rule' was recorded at 2025-01-01T00:00:00+00:00" in err


def test_the_page_shows_the_timeline_as_recorded_at_a_past_moment(db, client):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        Instrument.objects.get(slug="ai-diffusion-rule").events.get(kind="enforcement_suspended").delete()

    now = text(client.get("/instruments/ai-diffusion-rule/", {"on": "2025-05-20"}))
    assert "Enforcement suspended" not in now
    then = client.get("/instruments/ai-diffusion-rule/", {"on": "2025-05-20", "recorded": "2025-05-20T12:00"})
    body = text(then)
    assert "as this tracker recorded it at 20 May 2025, 12:00 UTC" in body
    assert "On 20 May 2025: in force but not enforced since 13 May 2025" in body
    assert "13 May 2025 Enforcement suspended" in body
    assert "recorded=2025-05-20T12%3A00" in then.content.decode()  # the permalink keeps the moment
    history = now[now.index("Edit history") :]
    assert "Deleted the “enforcement suspended” event" in history and "as it was then" in history


def test_the_page_refuses_a_bad_moment_and_one_before_the_instrument_existed(db, client):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    bad = client.get("/instruments/ai-diffusion-rule/", {"recorded": "last week"})
    assert bad.status_code == 400
    assert "recorded must be a date and time like 2025-05-20T14:30, not 'last week'" in text(bad)
    early = client.get("/instruments/ai-diffusion-rule/", {"recorded": "2025-01-01T00:00"})
    assert early.status_code == 404
    assert "This tracker held no instrument “ai-diffusion-rule” at 2025-01-01 00:00 UTC" in text(early)


def test_each_edit_links_to_the_page_as_it_was_just_after_it_with_sources_linked(db, client):
    with time_machine.travel(datetime.datetime(2025, 5, 14, 9, 0, tzinfo=UTC), tick=False):
        import_timeline_file(DEMO)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 30, tzinfo=UTC), tick=False):
        Instrument.objects.get(slug="ai-diffusion-rule").events.get(kind="enforcement_suspended").delete()
    page = client.get("/instruments/ai-diffusion-rule/", {"on": "2025-05-20"}).content.decode()
    history = page[page.index("Edit history") :]
    start = history.index('<ol class="history">')
    newest = history[start : history.index("</li>", start)]
    assert "1 Jun 2025 09:30 UTC" in newest and "Deleted the “enforcement suspended” event" in newest
    link = re.search(r'href="(\?[^"]+)">as it was then', newest).group(1).replace("&amp;", "&")
    assert "recorded=2025-06-01T09%3A30%3A00.000000%2B0000" in link  # the moment, with its offset

    before_the_edit = client.get("/instruments/ai-diffusion-rule/" + link)
    assert "as this tracker recorded it at 1 June 2025, 09:30 UTC" in text(before_the_edit)
    earlier = client.get("/instruments/ai-diffusion-rule/", {"on": "2025-05-20", "recorded": "2025-05-20T12:00"})
    sources = re.findall(r'<span class="claimed-date">[^<]*</span>\s*<a href="([^"]*)">', earlier.content.decode())
    documents = {f"/documents/{pk}/" for pk in Document.objects.values_list("pk", flat=True)}
    assert sources and set(sources) <= documents  # each source of the recorded view links to its document
