"""One set of rules for the admin and for timeline files: whatever the admin accepts, a backup
restores; whatever a file refuses, the admin refuses too, with a message saying why."""

import json

import pytest
from django.contrib import admin
from django.test import RequestFactory

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, Topic


def empty_the_database():
    for model in (Claim, Event, InstrumentRelation, Instrument, Document, Topic):
        model.objects.all().delete()
    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()


@pytest.fixture
def admin_form(editor):
    """Fill in a model's admin form as the editor would; returns the bound form."""
    request = RequestFactory().get("/")
    request.user = editor

    def form(model, data, instance=None):
        model_admin = admin.site._registry[model]
        return model_admin.get_form(request, instance)(data, instance=instance)

    return form


@pytest.fixture
def save(admin_form):
    def save(model, **data):
        form = admin_form(model, {k: v for k, v in data.items() if v is not None})
        assert form.is_valid(), form.errors
        return form.save()

    return save


def every_kind_of_record(save):
    """One of each model the admin edits, with values at the edges of what is allowed."""
    parent = save(Agency, slug="d" * 100, name="Département " + "n" * 243, short_name="S" * 50)
    bureau = save(Agency, slug="b_1", name="Bureau", parent=parent.pk)
    topic = save(Topic, slug="T", name="Ünïcode — " + "t" * 90)
    rule = save(
        Instrument,
        slug="r-" + "x" * 198,
        title="T" * 500,
        short_title="s" * 200,
        kind="other",
        aliases='["  Ω rule  ", "", "old_name"]',
        docket_ids="[]",
        cfr_parts='["15 CFR 734"]',
        rin="R" * 20,
        summary="<b>not</b> markup &amp;\nsecond line",
        agencies=[bureau.pk, parent.pk],
        topics=[topic.pk],
    )
    other = save(Instrument, slug="a", title="A", kind="statute")
    save(InstrumentRelation, source=rule.pk, kind="amended_by", target=other.pk)
    old = save(
        Document,
        key="k" * 200,
        kind="court_decision",
        title="D" * 1000,
        publisher="P" * 255,
        url="http://localhost:8000/a_b?c=d#e",
        published_on="1000-01-01",
        retrieved_on="9000-12-31",
        fr_document_number="2025-" + "0" * 25,
        citation="C" * 100,
        excerpt="<p>x</p>",
        rank="99",
        note="why",
    )
    new = save(
        Document,
        key="new_1",
        kind="social_media",
        title="New",
        url="https://example.org/ü",
        published_on="9000-12-31",
        rank="1",
    )
    save(Document, key="uncited", kind="other", title="Cited by nothing", published_on="2025-01-01")
    issued = save(
        Event,
        instrument=rule.pk,
        key="e" * 100,
        kind="issued",
        date="1000-01-01",
        precision="year",
        position="0",
        note="the oldest",
    )
    save(Claim, event=issued.pk, document=old.pk, date="1000-01-01", precision="year", quote="“quoted”", position="0")
    effective = save(
        Event,
        instrument=rule.pk,
        key="effective_2",
        kind="effective",
        date="2025-06-01",
        precision="month",
        position="1",
    )
    save(Claim, event=effective.pk, document=new.pk, date="2025-06-01", precision="month", position="0")
    save(Claim, event=effective.pk, document=old.pk, date="2025-06-01", precision="month", position="1")
    save(
        Event,
        instrument=rule.pk,
        key="delay",
        kind="delayed",
        date="2025-05-01",
        precision="day",
        target=effective.pk,
        new_date="9000-12-31",
        position="2",
    )
    save(Event, instrument=other.pk, key="unsourced", kind="issued", date="9000-01-01", precision="year", position="0")


def test_a_backup_of_everything_the_admin_accepts_restores_every_row(db, save, run, tmp_path):
    every_kind_of_record(save)
    before = {
        model: model.objects.count()
        for model in (Agency, Topic, Instrument, InstrumentRelation, Document, Event, Claim)
    }
    code, first, err = run("export_timeline")
    assert code == 0, err
    backup = tmp_path / "backup.json"
    backup.write_text(first, encoding="utf-8")

    empty_the_database()
    code, out, err = run("import_timeline", backup)
    assert code == 0, err
    assert {model: model.objects.count() for model in before} == before
    code, second, err = run("export_timeline")
    assert code == 0, err
    assert json.loads(second) == json.loads(first)
    rule = Instrument.objects.get(slug__startswith="r-")
    assert rule.aliases == ["Ω rule", "old_name"]  # stored as the file holds them


def form_errors(admin_form, model, instance, **changes):
    fields = admin_form(model, None, instance).base_fields
    data = {}
    for name in fields:
        value = getattr(instance, name, None) if hasattr(instance, name) or name.endswith("_id") else None
        if name in ("agencies", "topics"):
            value = [o.pk for o in getattr(instance, name).all()]
        elif hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, list):
            value = json.dumps(value)
        data[name] = "" if value is None else value
    data.update(changes)
    form = admin_form(model, data, instance)
    assert not form.is_valid()
    return form.errors


REFUSED = [
    # (model, field, refused value, what the editor is told)
    (Document, "url", "ftp://ftp.example.org/rule.pdf", "Enter a web address starting http:// or https://."),
    (Document, "rank", "150", "Enter a whole number from 1 (best) to 99."),
    (Document, "rank", "0", "Enter a whole number from 1 (best) to 99."),
    (Document, "key", "Seed-002", "Use only lower-case letters and digits"),
    (Document, "published_on", "0202-05-01", "Enter a date between 1000-01-01 and 9000-12-31."),
    (Event, "key", "Effective_Date", "Use only lower-case letters and digits"),
    (Event, "key", "effective__2", "Use only lower-case letters and digits"),
    (Event, "key", "_effective", "Use only lower-case letters and digits"),
    (Event, "date", "9001-01-01", "Enter a date between 1000-01-01 and 9000-12-31."),
    (Instrument, "slug", "AI-Diffusion-Rule", "Use only lower-case letters and digits"),
    (Instrument, "aliases", '{"name": "AI rule"}', "Enter a list of text in double quotes"),
    (Instrument, "cfr_parts", "[734]", "Enter a list of text in double quotes"),
    (Agency, "slug", "BIS", "Use only lower-case letters and digits"),
]


@pytest.mark.parametrize(
    "model, field, value, message", REFUSED, ids=[f"{m.__name__}.{f}={v}" for m, f, v, _ in REFUSED]
)
def test_the_admin_refuses_what_a_timeline_file_refuses(demo, admin_form, model, field, value, message):
    # A key can be typed only when the record is added (it is generated if left empty, and
    # read-only once saved): a bad one is refused on the add form.
    instance = None if field == "key" else model.objects.order_by("pk").first()
    errors = form_errors(admin_form, model, instance, **{field: value})
    assert any(message in error for error in errors.get(field, [])), errors


def test_the_admin_refuses_a_date_that_is_not_the_start_of_its_precision(demo, admin_form):
    claim = Claim.objects.filter(precision="day").first()
    errors = form_errors(admin_form, Claim, claim, date="2025-06-12", precision="month")
    assert errors["date"] == ["With precision “month” the date must be the first day of its month (2025-06-01)."]
    event = demo.events.get(key="issued")
    errors = form_errors(admin_form, Event, event, date="2025-06-12", precision="year")
    assert errors["date"] == ["With precision “year” the date must be the first day of its year (2025-01-01)."]


def test_the_admin_refuses_an_agency_that_would_be_its_own_ancestor(demo, admin_form):
    commerce = Agency.objects.get(slug="commerce")
    errors = form_errors(admin_form, Agency, commerce, parent=Agency.objects.get(slug="bis").pk)
    assert errors["parent"] == ["An agency cannot be its own parent or ancestor."]


def test_the_admin_refuses_delays_that_move_each_other_in_a_circle(demo, admin_form, save):
    effective = demo.events.get(key="effective")
    first = save(
        Event,
        instrument=demo.pk,
        key="delay-1",
        kind="delayed",
        date="2025-02-01",
        precision="day",
        target=effective.pk,
        new_date="2025-03-01",
        position="20",
    )
    second = save(
        Event,
        instrument=demo.pk,
        key="delay-2",
        kind="delayed",
        date="2025-02-02",
        precision="day",
        target=first.pk,
        new_date="2025-03-02",
        position="21",
    )
    errors = form_errors(admin_form, Event, first, target=second.pk)
    assert errors["target"] == ["Delays cannot move each other in a circle."]


def test_export_refuses_to_write_a_backup_that_would_not_import(demo, run, tmp_path):
    # A value saved before the rules were one (or behind the admin's back).
    Document.objects.filter(key="seed-002").update(url="ftp://ftp.example.org/rule.pdf")
    Event.objects.filter(instrument=demo, key="issued").update(key="Issued")
    target = tmp_path / "backup.json"
    code, out, err = run("export_timeline", "--output", target)
    assert code == 1
    assert out == ""
    assert not target.exists() and not list(tmp_path.iterdir())
    index = sorted(Document.objects.values_list("key", flat=True)).index("seed-002")
    assert (
        f"export: documents[{index}] (seed-002).url: expected a web address starting http:// or https://, "
        "got 'ftp://ftp.example.org/rule.pdf'"
    ) in err
    assert "(ai-diffusion-rule).events[0] (Issued).key: expected a slug of lower-case letters" in err
    assert "Nothing written: this export would not import." in err
