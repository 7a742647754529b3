"""The phase tally over valid × knowledge time (``KnownPhaseTally``, ``timeline/known_tally.py``):
the counts by phase as known on a date read a bounded number of its rows rather than correct the
everything-known tally with the rows whose knowledge changes after that date (half the portfolio).

Filled from the current rows over knowledge time (their corners counted by the database), before
the unique constraint's index is built on the filled table."""

from django.db import migrations, models

from policytrack.timeline import known_tally
from policytrack.timeline.writing import insert_rows


def fill(apps, schema_editor):
    KnownPeriod = apps.get_model("timeline", "KnownPeriod")
    KnownPhaseTally = apps.get_model("timeline", "KnownPhaseTally")
    found = known_tally.corners_of(KnownPeriod.objects.filter(recorded_to__isnull=True))
    insert_rows(known_tally.rows(found), KnownPhaseTally, known_tally.COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("timeline", "0021_known_placings")]

    operations = [
        migrations.CreateModel(
            name="KnownPhaseTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "grain",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "year × year"),
                            (1, "year × month"),
                            (2, "year × day"),
                            (3, "month × year"),
                            (4, "month × month"),
                            (5, "month × day"),
                            (6, "day × year"),
                            (7, "day × month"),
                            (8, "day × day"),
                        ]
                    ),
                ),
                (
                    "valid_bucket",
                    models.DateField(help_text="The first day of the year, month or day (by grain) of valid time."),
                ),
                (
                    "known_bucket",
                    models.DateField(help_text="The first day of the year, month or day (by grain) of knowledge time."),
                ),
                ("phase", models.CharField(max_length=20)),
                ("delta", models.IntegerField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="knownphasetally",
            constraint=models.UniqueConstraint(
                fields=("grain", "valid_bucket", "known_bucket", "phase"),
                name="known_tally_once_per_bucket",
                violation_error_message="This grain, pair of buckets and phase are already tallied.",
            ),
        ),
    ]
