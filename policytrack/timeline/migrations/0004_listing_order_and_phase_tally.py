"""Status periods carry their instrument's title and their phase's place in a point-in-time
page, under one index; the phase tally counts a portfolio on any date. Both are filled from
the periods already stored."""

from collections import Counter

from django.db import migrations, models
from django.db.models import Case, OuterRef, Subquery, Value, When

LISTING_ORDER = (
    "in_force",
    "not_enforced",
    "suspended",
    "stayed",
    "issued",
    "proposed",
    "rescinded",
    "vacated",
    "superseded",
    "expired",
    "withdrawn",
    "not_yet_issued",
)


def fill(apps, schema_editor):
    StatusPeriod = apps.get_model("timeline", "StatusPeriod")
    Instrument = apps.get_model("timeline", "Instrument")
    PhaseTally = apps.get_model("timeline", "PhaseTally")
    PhaseTallyYear = apps.get_model("timeline", "PhaseTallyYear")
    StatusPeriod.objects.update(
        title=Subquery(Instrument.objects.filter(pk=OuterRef("instrument_id")).values("title")[:1]),
        listing_rank=Case(
            *[When(phase=phase, then=Value(rank)) for rank, phase in enumerate(LISTING_ORDER)],
            default=Value(len(LISTING_ORDER)),
        ),
    )
    tally = Counter()
    for phase, valid_from, valid_to in StatusPeriod.objects.values_list("phase", "valid_from", "valid_to").iterator():
        tally[valid_from, phase] += 1
        tally[valid_to, phase] -= 1
    years = Counter()
    for (day, phase), delta in tally.items():
        years[day.year, phase] += delta
    PhaseTally.objects.bulk_create(
        [PhaseTally(day=day, phase=phase, delta=delta) for (day, phase), delta in sorted(tally.items()) if delta],
        batch_size=2000,
    )
    PhaseTallyYear.objects.bulk_create(
        [
            PhaseTallyYear(year=year, phase=phase, delta=delta)
            for (year, phase), delta in sorted(years.items())
            if delta
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0003_editor_and_analyst_groups")]

    operations = [
        migrations.AddField(
            model_name="statusperiod",
            name="listing_rank",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="statusperiod",
            name="title",
            field=models.CharField(default="", max_length=500),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="PhaseTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("phase", models.CharField(max_length=20)),
                ("delta", models.IntegerField()),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("day", "phase"), name="tally_once_per_day_and_phase")],
            },
        ),
        migrations.CreateModel(
            name="PhaseTallyYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("phase", models.CharField(max_length=20)),
                ("delta", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("year", "phase"), name="tally_once_per_year_and_phase")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="statusperiod",
            index=models.Index(
                fields=["listing_rank", "title", "instrument_id", "valid_from", "valid_to"], name="period_listing_idx"
            ),
        ),
    ]
