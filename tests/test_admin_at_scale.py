"""The admin with many instruments: a delay's target is chosen among its own instrument's
events, lists are paged without counting the whole table, search finds an instrument by any
of its identifiers, and keys are generated, never typed."""

import re

import pytest
from django.urls import reverse

from policytrack.timeline.models import Document, Event, Instrument

from conftest import text


@pytest.fixture
def others(demo):
    """Many more instruments, each with events a careless page would offer as delay targets."""
    for n in range(30):
        instrument = Instrument.objects.create(slug=f"other-{n}", title=f"Other rule {n}", kind="rule")
        for day in (1, 2, 3):
            Event.objects.create(
                instrument=instrument, key=f"effective-{day}", kind="effective", date=f"2024-0{day}-01", position=day
            )
    return Event.objects.exclude(instrument=demo)


def options(html, name):
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    return [int(value) for value in re.findall(r'<option value="(\d+)"', select.group(1))]


def test_a_delay_target_is_chosen_among_the_instruments_own_events(
    demo, others, client, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    own = set(demo.events.values_list("pk", flat=True))
    with django_assert_max_num_queries(60):
        page = client.get(reverse("admin:timeline_instrument_change", args=[demo.pk]))
    html = page.content.decode()
    rows = page.context["inline_admin_formsets"][0].formset.forms
    assert len(rows) == len(own) == 9
    for form in rows:
        assert set(options(html, f"{form.prefix}-target")) == own
    assert len(re.findall(r"<option ", html)) < 400  # with every event of every instrument: 9 × 99 targets alone


def test_the_event_page_offers_only_the_same_instruments_events(demo, others, client, editor):
    client.force_login(editor)
    event = demo.events.get(key="effective")
    html = client.get(reverse("admin:timeline_event_change", args=[event.pk])).content.decode()
    assert set(options(html, "target")) == set(demo.events.exclude(pk=event.pk).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "term",
    [
        "Framework for Artificial",
        "AI diffusion framework",
        "0694-AJ90",
        "250107-0007",
        "15 CFR 740",
        "90 FR 4544",
        "2025-00636",
        "Framew artif",  # words as they are typed: each a prefix
        "BIS-2025",
    ],
)
def test_admin_search_finds_an_instrument_by_any_identifier(demo, others, client, editor, term):
    client.force_login(editor)
    page = client.get(reverse("admin:timeline_instrument_changelist"), {"q": term})
    assert [row.slug for row in page.context["cl"].result_list] == ["ai-diffusion-rule"]


def test_admin_search_finds_an_instrument_by_its_slug_among_those_that_mention_it(demo, others, client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:timeline_instrument_changelist"), {"q": "ai-diffusion-rule"})
    found = [row.slug for row in page.context["cl"].result_list]
    # The rule, and the guidance and statements that name "AI Diffusion Rule" in their text.
    assert "ai-diffusion-rule" in found and "ai-training-policy-statement" in found


@pytest.mark.parametrize("name", ["instrument", "event", "claim", "document", "statusperiod"])
def test_lists_are_paged_and_do_not_count_the_whole_table(
    demo, others, client, editor, name, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(15):  # none per row
        page = client.get(reverse(f"admin:timeline_{name}_changelist"))
    assert page.status_code == 200
    assert page.context["cl"].list_per_page == 50 and page.context["cl"].show_full_result_count is False


def test_an_event_added_without_a_key_gets_one(demo, client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:timeline_event_add"),
        {
            "instrument": demo.pk,
            "kind": "effective",
            "date": "2025-01-13",
            "precision": "day",
            "position": "9",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert "was added successfully" in text(response)
    event = demo.events.get(kind="effective", position=9)
    assert event.key == "effective-2025-01-13"
    change = client.get(reverse("admin:timeline_event_change", args=[event.pk]))
    assert "key" not in change.context["adminform"].form.fields  # shown, not editable: files cite it


def test_a_document_added_without_a_key_gets_one(db, client, editor):
    client.force_login(editor)
    for number in ("2025-01234", ""):
        response = client.post(
            reverse("admin:timeline_document_add"),
            {
                "kind": "federal_register" if number else "press_release",
                "title": "Delay of the Effective Date",
                "publisher": "Bureau of Industry and Security",
                "published_on": "2025-05-13",
                "fr_document_number": number,
            },
            follow=True,
        )
        assert "was added successfully" in text(response)
    assert sorted(Document.objects.values_list("key", flat=True)) == [
        "bureau-of-industry-and-security-2025-05-13-delay-of-the-effective-date",
        "fr-2025-01234",
    ]
