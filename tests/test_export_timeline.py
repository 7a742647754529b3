"""Exporting timelines: a backup that imports into an empty database and exports the same."""

import json

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument, InstrumentRelation, Topic


def empty_the_database():
    for model in (Claim, Event, InstrumentRelation, Instrument, Document, Topic):
        model.objects.all().delete()
    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()


def test_export_import_export_gives_the_same_json(demo, run, tmp_path):
    code, first, err = run("export_timeline")
    assert code == 0, err
    backup = tmp_path / "backup.json"
    backup.write_text(first, encoding="utf-8")

    empty_the_database()
    assert Instrument.objects.count() == 0
    code, _, err = run("import_timeline", backup)
    assert code == 0, err
    code, second, _ = run("export_timeline")
    assert second == first


def test_export_holds_every_agency_document_and_instrument(demo, run):
    _, out, _ = run("export_timeline")
    data = json.loads(out)
    assert data["format"] == "policytrack-timeline/1"
    assert [a["slug"] for a in data["agencies"]] == ["bis", "commerce"]
    assert len(data["documents"]) == Document.objects.count()
    assert {i["slug"] for i in data["instruments"]} == set(Instrument.objects.values_list("slug", flat=True))
    rule = next(i for i in data["instruments"] if i["slug"] == "ai-diffusion-rule")
    announced = next(e for e in rule["events"] if e["kind"] == "rescission_announced")
    assert announced["date"] == "2025-05-13"
    assert {c["date"] for c in announced["claims"]} == {"2025-05-08", "2025-05-12", "2025-05-13", "2025-06-11"}


def test_exporting_one_instrument_brings_what_it_needs(demo, run, tmp_path):
    code, out, _ = run("export_timeline", "gp10-guidance")
    assert code == 0
    data = json.loads(out)
    slugs = {i["slug"] for i in data["instruments"]}
    assert "gp10-guidance" in slugs and "ai-diffusion-rule" in slugs  # related, so the file stands alone
    assert {a["slug"] for a in data["agencies"]} == {"bis", "commerce"}  # BIS and its parent

    path = tmp_path / "gp10.json"
    path.write_text(out, encoding="utf-8")
    empty_the_database()
    code, _, err = run("import_timeline", path)
    assert code == 0, err


def test_output_option_writes_a_file(demo, run, tmp_path):
    target = tmp_path / "backup.json"
    code, out, err = run("export_timeline", "--output", target)
    assert code == 0
    assert out == ""
    assert f"wrote {target}: 2 agencies" in err
    assert json.loads(target.read_text())["format"] == "policytrack-timeline/1"


def test_an_unknown_slug_is_refused(demo, run):
    code, out, err = run("export_timeline", "no-such-rule")
    assert code == 2
    assert out == ""
    assert "unknown instrument 'no-such-rule'" in err


def test_an_output_in_a_missing_directory_is_refused(demo, run, tmp_path):
    code, _, err = run("export_timeline", "--output", tmp_path / "nowhere" / "backup.json")
    assert code == 2
    assert "no such directory" in err
