"""The analyst's pages: home, the instrument list, a date, the changes between two dates, a
document — what a reader sees on the demo timeline, and how bad addresses are refused."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument

from conftest import text

DIFFUSION = "AI Diffusion Rule"
DIFFUSION_TITLE = "Framework for Artificial Intelligence Diffusion"
GUIDANCE = (
    "GP10 guidance on PRC advanced-computing ICs",
    "Policy statement on chips used to train AI models",
    "Diversion red-flags guidance",
)


def get(client, name, *args, **params):
    return client.get(reverse(f"web:{name}", args=args), params)


def rows_of(response):
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))


# Home


@time_machine.travel(datetime.datetime(2025, 4, 1, 12, tzinfo=datetime.timezone.utc), tick=False)
def test_home_lists_the_dates_coming_in_the_next_90_days(demo, client):
    body = text(get(client, "home"))
    upcoming = body[body.index("Coming up in the next 90 days") : body.index("Recent changes")]
    assert "15 May 2025 AI Diffusion Rule : comment period closes" in upcoming
    assert "15 May 2025 AI Diffusion Rule : first compliance date" in upcoming
    assert "2026" not in upcoming  # the second compliance date is more than 90 days away


@time_machine.travel(datetime.datetime(2025, 4, 1, 12, tzinfo=datetime.timezone.utc), tick=False)
def test_home_lists_recent_changes_newest_first_with_their_source(demo, client):
    body = text(get(client, "home"))
    recent = body[body.index("Recent changes") :]
    assert recent.index("15 January 2025 AI Diffusion Rule : published") < recent.index(
        "13 January 2025 AI Diffusion Rule : effective"
    )
    assert "— Federal Register" in recent
    assert "May 2025" not in recent  # nothing dated after today is "recent"


def test_home_has_a_date_picker_and_a_search_box_that_lead_to_answers(demo, client):
    response = get(client, "home")
    assert b'name="date"' in response.content and b'name="q"' in response.content
    picked = client.get(reverse("web:go_to_date"), {"date": "2025-05-20"})
    assert picked.status_code == 302 and picked["Location"] == "/on/2025-05-20/"
    bad = client.get(reverse("web:go_to_date"), {"date": "20/05/2025"})
    assert bad.status_code == 400
    assert "date must be a real date written YYYY-MM-DD, not '20/05/2025'" in text(bad)


def test_asking_another_date_keeps_the_times_and_filters_the_page_was_read_with(demo, client):
    """On /on/20 May as known on 1 May, of interim final rules only, the "Another date" form asks
    for 1 June as known on 1 May, of interim final rules only — not as known today, of everything."""
    page = client.get(
        "/on/2025-05-20/", {"known": "2025-05-01", "kind": "interim_final_rule", "page": "1"}
    ).content.decode()
    form = re.search(r'<form method="get" action="(/on/)"[^>]*>(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input[^>]*name="(\w+)" value="([^"]*)"', form.group(2)))
    assert fields == {"date": "2025-05-20", "known": "2025-05-01", "kind": "interim_final_rule"}  # not the page number
    asked = client.get(form.group(1), {**fields, "date": "2025-06-01"})
    assert asked.status_code == 302 and asked["Location"] == "/on/2025-06-01/?known=2025-05-01&kind=interim_final_rule"
    body = text(client.get(asked["Location"]))
    assert "as known on 1 May 2025" in body and "AI Diffusion Rule" in body


# The instrument list


def listed(response):
    """The demo instruments on the page, in the order the page shows them."""
    body = text(response)
    return sorted((title for title in (DIFFUSION, *GUIDANCE) if title in body), key=body.index)


def test_the_list_shows_every_instrument_with_its_status_on_the_date(demo, client):
    body = text(get(client, "instrument_list", on="2025-05-20"))
    assert "Status on 20 May 2025" in body
    assert (
        f"{DIFFUSION} Framework for Artificial Intelligence Diffusion RIN 0694-AJ90 Interim final rule BIS in force, not enforced"
        in body
    )
    assert body.count("in force ") >= 3


@pytest.mark.parametrize(
    "query, expected",
    [
        ("0694-AJ90", [DIFFUSION]),  # RIN
        ("90 FR 4544", [DIFFUSION]),  # a citation of its evidence
        ("250107-0007", [DIFFUSION]),  # docket
        ("diffusion framework", [DIFFUSION]),  # every word, anywhere in the title
        ("GP10", [GUIDANCE[0], "…"]),  # named first; the others mention it in their text
        ("nothing-like-this", []),
    ],
)
def test_free_text_search_covers_titles_rins_dockets_and_citations(demo, client, query, expected):
    found = listed(get(client, "instrument_list", q=query))
    assert found == expected if "…" not in expected else found[0] == expected[0] and len(found) > 1


def test_an_agency_filter_includes_the_agencies_under_it(demo, client):
    Agency.objects.create(
        slug="nist", name="National Institute of Standards and Technology", parent=Agency.objects.get(slug="commerce")
    )
    assert len(listed(get(client, "instrument_list", agency="commerce"))) == 4  # BIS is under Commerce
    assert listed(get(client, "instrument_list", agency="nist")) == []


def test_kind_and_phase_on_a_date_filter_the_list(demo, client):
    assert listed(get(client, "instrument_list", kind="interim_final_rule")) == [DIFFUSION]
    assert listed(get(client, "instrument_list", on="2025-05-20", phase="not_enforced")) == [DIFFUSION]
    assert listed(get(client, "instrument_list", on="2025-02-01", phase="in_force")) == [DIFFUSION]
    assert listed(get(client, "instrument_list", on="2024-12-01", phase="in_force")) == []


@pytest.mark.parametrize("name", ["instrument_list", "changes"])
def test_the_form_shows_the_filters_chosen(demo, client, name):
    page = get(client, name, agency="commerce", kind="interim_final_rule", phase="not_enforced").content.decode()
    selected = re.findall(r'<option value="([^"]*)" selected>', page)
    assert selected == ["commerce", "interim_final_rule"] + (["not_enforced"] if name == "instrument_list" else [])


def test_blank_form_fields_mean_any(demo, client):
    response = get(client, "instrument_list", q="", agency="", kind="", topic="", phase="", on="2025-05-20")
    assert response.status_code == 200 and len(listed(response)) == 4


@pytest.mark.parametrize(
    "params, message",
    [
        ({"on": "2025-02-30"}, "on must be a real date written YYYY-MM-DD, not '2025-02-30'."),
        ({"agency": "nasa"}, "agency: Select a valid choice. nasa is not one of the available choices."),
        ({"kind": "decree"}, "kind: Select a valid choice. decree is not one of the available choices."),
        ({"phase": "alive"}, "phase: Select a valid choice. alive is not one of the available choices."),
    ],
)
def test_bad_filters_get_a_400_page_naming_them(demo, client, params, message):
    response = get(client, "instrument_list", **params)
    assert response.status_code == 400
    assert message in text(response)


def test_the_list_sorts_by_a_column_and_back(demo, client):
    ascending = listed(get(client, "instrument_list", sort="title"))
    descending = listed(get(client, "instrument_list", sort="-title"))
    body = text(get(client, "instrument_list", sort="title"))
    titles = [Instrument.objects.get(short_title=t).title for t in ascending]
    assert titles == sorted(titles) and descending == ascending[::-1]
    assert "Instrument ↑" in body


def test_the_list_is_paginated_and_pages_keep_the_filters(demo, client):
    for n in range(55):
        Instrument.objects.create(slug=f"extra-{n:02}", title=f"Extra guidance {n:02}", kind="guidance")
    first = get(client, "instrument_list", kind="guidance")
    assert "Page 1 of 2" in text(first)
    assert 'href="?kind=guidance&amp;page=2"' in first.content.decode()
    second = text(get(client, "instrument_list", kind="guidance", page="2"))
    assert "58 instruments match the filters" in second and "Extra guidance 54" in second


def test_the_list_downloads_as_csv_with_every_row(demo, client):
    response = get(client, "instrument_list", on="2025-05-20", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="instruments-on-2025-05-20.csv"' in response["Content-Disposition"]
    rows = {row["slug"]: row for row in rows_of(response)}
    assert set(rows) == {
        "ai-diffusion-rule",
        "gp10-guidance",
        "ai-training-policy-statement",
        "diversion-red-flags-guidance",
    }
    assert rows["ai-diffusion-rule"]["phase"] == "not_enforced"
    assert rows["ai-diffusion-rule"]["status"] == "in force, not enforced"
    assert rows["ai-diffusion-rule"]["url"] == "http://testserver/instruments/ai-diffusion-rule/?on=2025-05-20"


# A date


def test_a_date_groups_everything_by_phase(demo, client):
    body = text(get(client, "on_date", "2025-05-20"))
    assert "Everything as it stood on 20 May 2025" in body
    in_force = body.index("in force Instrument")
    not_enforced = body.index("in force, not enforced Instrument")
    assert in_force < not_enforced
    assert all(in_force < body.index(title) < not_enforced for title in GUIDANCE)
    assert not_enforced < body.index(DIFFUSION + " Framework")
    assert "in force 3" in body and "in force, not enforced 1" in body


def test_a_date_lists_each_phase_by_title_and_follows_a_renaming(demo, client):
    guidance = list(Instrument.objects.filter(short_title__in=GUIDANCE).order_by("title"))
    body = text(get(client, "on_date", "2025-05-20"))
    assert sorted(guidance, key=lambda i: body.index(i.short_title)) == guidance  # all three in force
    guidance[0].title = "Zeta"  # the first by title becomes the last
    guidance[0].save()
    body = text(get(client, "on_date", "2025-05-20"))
    assert sorted(guidance, key=lambda i: body.index(i.short_title)) == [*guidance[1:], guidance[0]]


def test_a_date_pages_through_a_phase_in_title_order(demo, client):
    for n in range(55):
        Instrument.objects.create(slug=f"extra-{n:02}", title=f"Extra guidance {n:02}", kind="guidance")
    names = [i.short_title or i.title for i in Instrument.objects.order_by("title")]  # all not yet issued
    first, second = text(get(client, "on_date", "2024-12-01")), text(get(client, "on_date", "2024-12-01", page="2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert [name in first for name in names] == [True] * 50 + [False] * (len(names) - 50)
    assert [name in second for name in names] == [False] * 50 + [True] * (len(names) - 50)
    assert sorted(names[:50], key=first.index) == names[:50]


def test_a_date_links_to_the_previous_and_next_change(demo, client):
    response = get(client, "on_date", "2025-02-01")
    body = text(response)
    assert "← Previous change of status: 13 January 2025" in body
    assert "Next change of status: 13 May 2025 →" in body
    assert 'href="/on/2025-05-13/"' in response.content.decode()
    assert "No earlier change" in text(get(client, "on_date", "2024-12-01"))


def test_the_previous_and_next_change_are_those_of_the_instruments_listed(demo, client):
    rule = Instrument.objects.create(slug="a-rule", title="A rule", kind="rule")
    Event.objects.create(instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 1))
    everything = text(get(client, "on_date", "2025-02-01"))
    assert (
        "← Previous change of status: 13 January 2025" in everything
        and "Next change of status: 1 March 2025 →" in everything
    )
    diffusion = text(get(client, "on_date", "2025-02-01", kind="interim_final_rule"))
    assert (
        "← Previous change of status: 13 January 2025" in diffusion
        and "Next change of status: 13 May 2025 →" in diffusion
    )
    nothing = text(get(client, "on_date", "2025-02-01", kind="statute"))
    assert "No instrument matches these filters" in nothing
    assert "No earlier change of status" in nothing and "No later change of status on record" in nothing


def test_a_date_before_anything_shows_everything_not_yet_issued(demo, client):
    body = text(get(client, "on_date", "2024-12-01"))
    assert "not yet issued Instrument" in body and "no earlier change" in body


def test_a_date_takes_filters_and_downloads_as_csv(demo, client):
    assert listed(get(client, "on_date", "2025-05-20", kind="interim_final_rule")) == [DIFFUSION]
    rows = rows_of(get(client, "on_date", "2025-05-20", format="csv"))
    assert [row["phase"] for row in rows] == ["in_force", "in_force", "in_force", "not_enforced"]
    # The columns the page shows: since when each has been in its phase, and its page as of that date.
    diffusion = rows[-1]
    assert (diffusion["slug"], diffusion["since"]) == ("ai-diffusion-rule", "2025-05-13")
    assert diffusion["url"] == "http://testserver/instruments/ai-diffusion-rule/?on=2025-05-20"
    before = rows_of(get(client, "on_date", "2024-12-01", format="csv"))
    assert {row["since"] for row in before} == {""}  # not yet issued from before the first event


@pytest.mark.parametrize("address", ["/on/2025-13-01/", "/on/yesterday/", "/on/2025-5-1/"])
def test_a_bad_date_in_the_address_gets_a_400_page(demo, client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "the date in the address must be a real date written YYYY-MM-DD" in text(response)


# Changes


def test_changes_compare_the_status_before_and_after_the_window(demo, client):
    body = text(get(client, "changes", **{"from": "2025-05-01", "to": "2025-05-31"}))
    assert "What changed from 1 May 2025 to 31 May 2025" in body
    section = body[body.index(f"{DIFFUSION} {DIFFUSION_TITLE} 30 April 2025") :]
    assert section.startswith(
        f"{DIFFUSION} {DIFFUSION_TITLE} 30 April 2025 in force → then 31 May 2025 in force, not enforced"
    )
    assert "13 May 2025 Enforcement suspended — sources: Bureau of Industry and Security" in section
    assert "AI Sigil (aisigil.com) says 11 June 2025" in section  # disputed dates named


def test_changes_on_the_first_day_of_the_window_count(demo, client):
    body = text(get(client, "changes", **{"from": "2025-05-13", "to": "2025-05-13"}))
    assert f"{DIFFUSION} {DIFFUSION_TITLE} 12 May 2025 in force → then 13 May 2025 in force, not enforced" in body


def test_changes_page_through_instruments_in_title_order_and_follow_a_renaming(demo, client):
    notice = Document.objects.create(
        key="extra-fr", kind="federal_register", title="Extra rules", published_on=datetime.date(2025, 3, 1)
    )
    for n in range(55):
        rule = Instrument.objects.create(slug=f"extra-{n:02}", title=f"Extra rule {n:02}", kind="rule")
        event = Event.objects.create(
            instrument=rule, key="effective", kind="effective", date=datetime.date(2025, 3, 10)
        )
        Claim.objects.create(event=event, document=notice, date=datetime.date(2025, 3, 10))
    names = [f"Extra rule {n:02}" for n in range(55)]
    window = {"from": "2025-03-01", "to": "2025-03-31"}
    first, second = text(get(client, "changes", **window)), text(get(client, "changes", **window, page="2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert [name in first for name in names] == [True] * 50 + [False] * 5
    assert sorted(names[:50], key=first.index) == names[:50]
    assert "10 March 2025 Effective — source: Extra rules" in first
    renamed = Instrument.objects.get(slug="extra-00")
    renamed.title = "Zeta rule"  # the first by title becomes the last
    renamed.save()
    second = text(get(client, "changes", **window, page="2"))
    assert second.index("Extra rule 54") < second.index("Zeta rule")
    quiet = text(get(client, "changes", **{"from": "2025-03-11", "to": "2025-03-31"}))
    assert "Nothing changed between 11 March 2025 and 31 March 2025." in quiet


def test_changes_list_each_instruments_events_by_date_whatever_order_they_were_entered_in(db, client):
    notice = Document.objects.create(
        key="late-fr", kind="federal_register", title="A late notice", published_on=datetime.date(2025, 3, 1)
    )
    rule = Instrument.objects.create(slug="late", title="A rule entered backwards", kind="rule")
    for key, kind, day in [("effective", "effective", 20), ("published", "published", 12), ("issued", "issued", 5)]:
        event = Event.objects.create(instrument=rule, key=key, kind=kind, date=datetime.date(2025, 3, day))
        Claim.objects.create(event=event, document=notice, date=event.date)
    body = text(get(client, "changes", **{"from": "2025-03-01", "to": "2025-03-31"}))
    dated = ["5 March 2025 Issued", "12 March 2025 Published", "20 March 2025 Effective"]
    assert all(line in body for line in dated)
    assert sorted(dated, key=body.index) == dated


def test_a_long_list_of_changes_is_read_in_chunks_to_the_same_answer(demo):
    from policytrack.timeline.changes import ChangeList

    changes = ChangeList(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), Instrument.objects.all())
    whole = [(change.instrument.slug, change.before, change.after) for change in changes.read(changes.listed)]
    assert len(whole) >= 3 and ("ai-diffusion-rule", "not_yet_issued", "not_enforced") in whole
    assert [
        (change.instrument.slug, change.before, change.after) for change in changes.read(changes.listed, chunk=2)
    ] == whole


def test_changes_say_no_status_where_the_stored_periods_are_missing(demo, client):
    from policytrack.timeline.models import StatusPeriod

    StatusPeriod.objects.filter(instrument=demo).delete()  # as a bad restore might leave it
    body = text(get(client, "changes", **{"from": "2025-05-01", "to": "2025-05-31"}))
    assert f"{DIFFUSION} {DIFFUSION_TITLE} 30 April 2025 no status → then 31 May 2025 no status" in body


def test_a_quiet_window_says_nothing_changed(demo, client):
    body = text(get(client, "changes", **{"from": "2025-03-01", "to": "2025-03-31"}))
    assert "Nothing changed between 1 March 2025 and 31 March 2025." in body


def test_changes_refuse_a_backwards_window_and_bad_dates(demo, client):
    backwards = get(client, "changes", **{"from": "2025-06-01", "to": "2025-05-01"})
    assert backwards.status_code == 400
    assert "from (2025-06-01) is after to (2025-05-01)" in text(backwards)
    bad = get(client, "changes", **{"from": "2025-06-31"})
    assert bad.status_code == 400 and "from must be a real date" in text(bad)


def test_changes_download_as_csv(demo, client):
    rows = rows_of(get(client, "changes", **{"from": "2025-05-13", "to": "2025-05-13"}, format="csv"))
    suspended = next(row for row in rows if row["event"] == "enforcement_suspended")
    assert suspended["instrument"] == "ai-diffusion-rule"
    assert (suspended["phase_before"], suspended["phase_after"]) == ("in_force", "not_enforced")
    assert "Bureau of Industry and Security" in suspended["sources"]
    assert suspended["url"].endswith("/instruments/ai-diffusion-rule/?on=2025-05-13#event-enforcement-suspended")


# Documents


def test_a_document_page_shows_its_metadata_and_the_events_it_supports(demo, client):
    document = Document.objects.get(key="fr-2025-00636")
    body = text(client.get(document.get_absolute_url()))
    assert "90 FR 4544" in body and "Published 15 January 2025" in body
    assert "AI Diffusion Rule : Effective — this source says 13 January 2025" in body


def test_imported_html_never_brings_a_script_to_the_page(demo, client):
    document = Document.objects.get(key="fr-2025-00636")
    document.excerpt = (
        '<p>Interim final rule <strong>with</strong> comments.</p><script>alert("x")</script>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">link</a>'
    )
    document.save()
    content = client.get(document.get_absolute_url()).content.decode()
    assert "<strong>with</strong>" in content
    assert "<script>alert" not in content and "onerror" not in content and "javascript:" not in content


def test_an_unknown_document_or_instrument_gets_a_404_page(demo, client):
    assert client.get("/documents/999999/").status_code == 404
    missing = client.get("/instruments/no-such-rule/")
    assert missing.status_code == 404 and "No instrument has the slug “no-such-rule”." in text(missing)


# Query counts do not grow with the portfolio


def grow_portfolio(n):
    """Add ``n`` instruments, each with two sourced events, through the ORM (periods rebuilt)."""
    bis = Agency.objects.get(slug="bis")
    document = Document.objects.get(key="fr-2025-00636")
    for i in range(n):
        instrument = Instrument.objects.create(slug=f"rule-{i}", title=f"Rule {i}", kind="rule")
        instrument.agencies.add(bis)
        for key, kind, day in (("issued", "issued", 10), ("effective", "effective", 20)):
            event = Event.objects.create(instrument=instrument, key=key, kind=kind, date=datetime.date(2025, 5, day))
            event.claims.create(document=document, date=event.date)


PAGES = [
    ("/", {}),
    ("/instruments/", {"on": "2025-05-20"}),
    ("/instruments/", {"agency": "commerce", "q": "rule", "phase": "in_force"}),
    ("/on/2025-05-20/", {}),
    ("/changes/", {"from": "2025-05-01", "to": "2025-05-31"}),
    ("/instruments/ai-diffusion-rule/", {"on": "2025-05-20"}),
    ("/documents/{fr}/", {}),
]


@time_machine.travel(datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.timezone.utc), tick=False)
@pytest.mark.parametrize("address, params", PAGES)
def test_queries_per_page_do_not_grow_with_the_number_of_instruments(
    demo, client, address, params, django_assert_max_num_queries
):
    address = address.format(fr=Document.objects.get(key="fr-2025-00636").pk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(address, params).status_code == 200
    grow_portfolio(25)
    with django_assert_max_num_queries(len(small)):
        assert client.get(address, params).status_code == 200


def test_markup_in_titles_agencies_and_topics_is_shown_as_text_in_lists_and_filters(demo, client):
    from policytrack.timeline.models import Topic

    agency = Agency.objects.create(slug="odd", name='Office of <b>"Odd"</b> & Co', short_name="<i>O&C</i>")
    topic = Topic.objects.create(slug="markup", name="<u>Markup</u>")
    rule = Instrument.objects.create(
        slug="odd-rule", title="<script>alert(1)</script> rule", short_title="<em>Odd</em>", kind="rule"
    )
    rule.agencies.add(agency)
    rule.topics.add(topic)
    for page in (get(client, "on_date", "2025-05-20"), get(client, "instrument_list", on="2025-05-20")):
        html = page.content.decode()
        assert "<script>alert(1)" not in html and "<em>Odd" not in html and "<i>O&C" not in html
        assert "&lt;em&gt;Odd&lt;/em&gt;</a>" in html and "&lt;script&gt;alert(1)&lt;/script&gt; rule" in html
        assert (
            '<abbr title="Office of &lt;b&gt;&quot;Odd&quot;&lt;/b&gt; &amp; Co">&lt;i&gt;O&amp;C&lt;/i&gt;</abbr>'
            in html
        )
        assert '<option value="odd">&lt;i&gt;O&amp;C&lt;/i&gt;</option>' in html  # the agency filter
        assert '<option value="markup">&lt;u&gt;Markup&lt;/u&gt;</option>' in html  # the topic filter
    chosen = get(client, "on_date", "2025-05-20", agency="odd", topic="markup").content.decode()
    assert '<option value="odd" selected>' in chosen and '<option value="markup" selected>' in chosen


def test_markup_in_a_source_or_a_title_is_shown_as_text_on_the_changes_page(demo, client):
    claim = Claim.objects.filter(event__key="enforcement-suspended").first()
    Document.objects.filter(pk=claim.document_id).update(publisher='<b>"Bold"</b> & Co')
    demo.short_title = "<em>Diffusion</em> & co"
    demo.save()
    html = get(client, "changes", **{"from": "2025-05-01", "to": "2025-05-31"}).content.decode()
    assert "&lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co</a>" in html and "<b>" not in html
    assert "&lt;em&gt;Diffusion&lt;/em&gt; &amp; co</a></h2>" in html and "<em>" not in html
