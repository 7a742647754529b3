"""Where the engine places each event the calendars show, as known on every date
(``KnownPlacing``, ``timeline/placed.py``): the calendars as known on a date read a window of
these rows instead of running the engine over the portfolio.

Filled by the engine over every instrument with such an event, a batch at a time, before the
constraint's and the date's indexes are built on the filled table."""

import django.db.models.deletion
from django.db import migrations, models

from policytrack.timeline import placed
from policytrack.timeline.models import engine_input
from policytrack.timeline.writing import insert_rows

BATCH = 1000


def fill(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    KnownPlacing = apps.get_model("timeline", "KnownPlacing")
    shown = Event.objects.filter(kind__in=placed.CALENDAR_KINDS).order_by().values_list("instrument_id", flat=True)
    instrument_ids = sorted(set(shown))
    for start in range(0, len(instrument_ids), BATCH):
        batch = instrument_ids[start : start + BATCH]
        inputs = {
            instrument_id: ([pk for pk, _, _ in stored], engine_events)
            for instrument_id, (stored, engine_events) in engine_input(
                Event.objects.filter(instrument_id__in=batch)
            ).items()
        }
        rows = [row for rows in placed.derived_over_knowledge(inputs).values() for row in rows]
        insert_rows(rows, KnownPlacing, placed.KNOWN_PLACING_COLUMNS)
    if schema_editor.connection.vendor == "postgresql":
        # The rows' foreign-key checks are deferred, and PostgreSQL builds no index on a table
        # with checks pending in the transaction: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0020_claims_disagree")]

    operations = [
        migrations.CreateModel(
            name="KnownPlacing",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("known_from", models.DateField()),
                ("known_to", models.DateField()),
                ("placed_date", models.DateField()),
                (
                    "precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day", max_length=5
                    ),
                ),
                (
                    "delayed_from",
                    models.DateField(
                        blank=True,
                        help_text="The date its sources gave before a delay moved it; empty if none did.",
                        null=True,
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="known_placings",
                        to="timeline.event",
                    ),
                ),
            ],
            options={"ordering": ["event", "known_from"]},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="knownplacing",
            constraint=models.UniqueConstraint(
                fields=("event", "known_from"),
                name="known_placing_starts_once",
                violation_error_message="An event's placing as known on a date cannot start twice on one day; "
                "rebuild it with check_status_periods --repair.",
            ),
        ),
        migrations.AddConstraint(
            model_name="knownplacing",
            constraint=models.CheckConstraint(
                condition=models.Q(known_from__lt=models.F("known_to")),
                name="known_placing_known_not_empty",
                violation_error_message="A stretch of knowledge must end after it starts.",
            ),
        ),
        migrations.AddIndex(
            model_name="knownplacing",
            index=models.Index(fields=["placed_date", "known_from", "known_to"], name="known_placing_date_idx"),
        ),
    ]
