"""/on/<date>/?known=K: everything as it stood on a date, as the sources published by K told it."""

from policytrack.timeline.models import Claim, Document

from conftest import text
from engine_lists import named_as_known


def test_as_known_on_1_may_the_rule_was_listed_in_force_on_20_may(client, demo):
    response = client.get("/on/2025-05-20/?known=2025-05-01")
    assert response.status_code == 200
    page = text(response)
    assert "Everything as it stood on 20 May 2025, as known on 1 May 2025" in page
    rows = response.context["page"].object_list
    assert [(row.slug, row.phase_on) for row in rows if row.slug == "ai-diffusion-rule"] == [
        ("ai-diffusion-rule", "in_force")
    ]
    # With every source, as before: not enforced since 13 May.
    rows = client.get("/on/2025-05-20/").context["page"].object_list
    assert [row.phase_on for row in rows if row.slug == "ai-diffusion-rule"] == ["not_enforced"]


def test_the_counts_and_the_phase_filter_read_the_same_knowledge(client, demo):
    response = client.get("/on/2025-05-20/?known=2025-05-01")
    counts = {phase: n for phase, _, n in response.context["counts"]}
    assert counts.get("not_enforced") is None and counts["in_force"] >= 1
    filtered = client.get("/on/2025-05-20/?known=2025-05-01&phase=not_enforced")
    assert "ai-diffusion-rule" not in [row.slug for row in filtered.context["page"].object_list]
    filtered = client.get("/on/2025-05-20/?known=2025-05-01&phase=in_force")
    assert "ai-diffusion-rule" in [row.slug for row in filtered.context["page"].object_list]
    assert {phase for phase, _, _ in filtered.context["counts"]} == {"in_force"}


def test_its_links_carry_the_knowledge_date(client, demo):
    page = client.get("/on/2025-05-20/?known=2025-05-01").content.decode()
    assert 'href="/on/2025-05-20/?known=2025-05-01">Permalink' in page
    assert 'name="known" value="2025-05-01"' in page  # the filters keep it
    assert 'href="?known=2025-05-01&amp;format=csv" download>Download CSV' in page
    assert 'href="/changes/?to=2025-05-20&amp;known=2025-05-01">What changed' in page


def test_a_source_published_after_the_knowledge_date_is_not_read(client, demo):
    event = demo.events.get(kind="enforcement_suspended")
    notice = Document.objects.create(
        key="fr-notice", kind="federal_register", title="Notice", published_on="2025-06-20"
    )
    Claim.objects.create(event=event, document=notice, date="2025-06-01")

    def phase(known):
        rows = client.get(f"/on/2025-05-20/?known={known}").context["page"].object_list
        return [row.phase_on for row in rows if row.slug == "ai-diffusion-rule"]

    assert phase("2025-06-19") == ["not_enforced"]
    assert phase("2025-06-20") == ["in_force"]


def test_a_malformed_knowledge_date_is_refused_naming_it(client, demo):
    response = client.get("/on/2025-05-20/?known=2025-13-01")
    assert response.status_code == 400
    assert "known must be a real date written YYYY-MM-DD, not '2025-13-01'." in text(response)


def test_its_csv_answers_known_and_record_time_is_refused_with_a_message(client, demo):
    response = client.get("/on/2025-05-20/?known=2025-05-01&format=csv")
    assert response.status_code == 200
    assert "status-on-2025-05-20-as-known-on-2025-05-01.csv" in response["Content-Disposition"]
    [row] = [row for row in csv_rows(response) if row["slug"] == "ai-diffusion-rule"]
    # Since the compliance date, as the page says (obligations began to apply then).
    assert (row["phase"], row["since"], row["disputed"]) == ("in_force", "2025-05-15", "")
    page = client.get("/on/2025-05-20/?known=2025-05-01").context["page"].object_list
    assert [str(r.since) for r in page if r.slug == "ai-diffusion-rule"] == [row["since"]]
    assert row["url"].endswith("/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01")
    [row] = [row for row in csv_rows(client.get("/on/2025-05-20/?format=csv")) if row["slug"] == "ai-diffusion-rule"]
    assert (row["phase"], row["since"]) == ("not_enforced", "2025-05-13")
    assert "rescission_announced: 2025-05-08 to 2025-06-11" in row["disputed"]
    # Once every source is known, the same disputes, in the same words.
    later = csv_rows(client.get("/on/2025-05-20/?known=2030-01-01&format=csv"))
    assert [r["disputed"] for r in later if r["slug"] == "ai-diffusion-rule"] == [row["disputed"]]
    # Before the rows kept record time: refused, pointing to the instrument's own page.
    response = client.get("/on/2025-05-20/?known=2025-05-01&recorded=2025-05-01T00:00Z")
    assert response.status_code == 400
    assert "too early for the lists" in text(response) and "instrument's own page" in text(response)


def csv_rows(response):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_row_listed_is_the_engines_status_as_known_then(client, db, run):
    """On synthetic data, for random (on, known) around the instruments' own dates: the page of a
    date, the instrument list and the API list."""
    import datetime
    import random

    from policytrack.timeline.models import Instrument

    run("generate_synthetic", "--instruments", "30", "--seed", "5")
    instruments = {i.slug: i for i in Instrument.objects.all()}
    events = {slug: i.engine_events() for slug, i in instruments.items()}
    days = sorted({claim.published_on for evs in events.values() for e in evs for claim in e.claims})
    chance = random.Random(18)
    for _ in range(12):
        on, known = (chance.choice(days) + datetime.timedelta(days=chance.randint(-2, 2)) for _ in "ok")
        # An instrument is listed as known on a date from the day its first source was published.
        expected = {
            slug: instruments[slug].status(on, known).phase
            for slug in instruments
            if named_as_known(events[slug], known)
        }
        response = client.get(f"/on/{on}/?known={known}")
        listed = {row.slug: row.phase_on for row in response.context["page"].object_list}
        assert listed == expected, (on, known)
        assert sum(n for _, _, n in response.context["counts"]) == len(expected)
        response = client.get(f"/instruments/?on={on}&known={known}")
        assert {row.slug: row.phase_on for row in response.context["page"].object_list} == expected, (on, known)
        body = client.get(f"/api/instruments/?on={on}&known={known}&page_size=50").json()
        assert {row["slug"]: row["phase"] for row in body["results"]} == expected, (on, known)
        for url in (f"/on/{on}/?known={known}&format=csv", f"/instruments/?on={on}&known={known}&format=csv"):
            assert {row["slug"]: row["phase"] for row in csv_rows(client.get(url))} == expected, (url, on, known)


def test_the_instrument_list_reads_the_phase_as_known_on_a_date(client, demo):
    response = client.get("/instruments/?on=2025-05-20&known=2025-05-01")
    assert response.status_code == 200
    assert "Status on 20 May 2025 , as known on 1 May 2025 (from the sources published by then" in text(response)
    [row] = [row for row in response.context["page"].object_list if row.slug == "ai-diffusion-rule"]
    assert row.phase_on == "in_force"
    assert row.link == "/instruments/ai-diffusion-rule/?on=2025-05-20&known=2025-05-01"

    def slugs(response):
        return [row.slug for row in response.context["page"].object_list]

    assert "ai-diffusion-rule" in slugs(client.get("/instruments/?on=2025-05-20&known=2025-05-01&phase=in_force"))
    assert "ai-diffusion-rule" not in slugs(
        client.get("/instruments/?on=2025-05-20&known=2025-05-01&phase=not_enforced")
    )
    assert "ai-diffusion-rule" in slugs(client.get("/instruments/?on=2025-05-20&phase=not_enforced"))


def test_the_instrument_list_refuses_a_bad_knowledge_date_and_its_csv_answers_known(client, demo):
    response = client.get("/instruments/?known=2025-02-30")
    assert response.status_code == 400
    assert "known must be a real date written YYYY-MM-DD, not '2025-02-30'." in text(response)
    response = client.get("/instruments/?on=2025-05-20&known=2025-05-01&format=csv")
    assert response.status_code == 200
    assert [row["phase"] for row in csv_rows(response) if row["slug"] == "ai-diffusion-rule"] == ["in_force"]


def test_the_api_list_reads_the_phase_as_known_on_a_date(client, demo):
    body = client.get("/api/instruments/?on=2025-05-20&known=2025-05-01&q=diffusion").json()
    assert (body["on"], body["known"]) == ("2025-05-20", "2025-05-01")
    assert [(row["slug"], row["phase"]) for row in body["results"] if row["slug"] == "ai-diffusion-rule"] == [
        ("ai-diffusion-rule", "in_force")
    ]
    body = client.get("/api/instruments/?on=2025-05-20&q=diffusion").json()
    assert body["known"] is None
    assert [row["phase"] for row in body["results"] if row["slug"] == "ai-diffusion-rule"] == ["not_enforced"]
    response = client.get("/api/instruments/?known=2025-02-30")
    assert response.status_code == 400 and "known" in response.json()
