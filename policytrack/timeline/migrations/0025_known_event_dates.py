"""Each event's date as its sources known on every date give it (``KnownEventDate``,
``timeline/placed.py``): the changes as known on a date read a window of these rows instead of
every event dated in it with its claims.

Filled from every instrument's events and claims, a batch at a time, before the constraint's and
the date's indexes are built on the filled table."""

import django.db.models.deletion
from django.db import migrations, models

from policytrack.timeline import placed
from policytrack.timeline.models import engine_input
from policytrack.timeline.writing import insert_rows

BATCH = 1000


def fill(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    Instrument = apps.get_model("timeline", "Instrument")
    KnownEventDate = apps.get_model("timeline", "KnownEventDate")
    instrument_ids = sorted(set(Event.objects.order_by().values_list("instrument_id", flat=True)))
    for start in range(0, len(instrument_ids), BATCH):
        batch = instrument_ids[start : start + BATCH]
        events = Event.objects.filter(instrument_id__in=batch)
        inputs = {
            instrument_id: ([pk for pk, _, _ in stored], engine_events)
            for instrument_id, (stored, engine_events) in engine_input(events).items()
        }
        titles = dict(Instrument.objects.filter(pk__in=batch).values_list("pk", "title"))
        positions = dict(events.order_by().values_list("pk", "position"))
        derived = placed.derived_dates_over_knowledge(inputs, titles, positions)
        insert_rows([row for rows in derived.values() for row in rows], KnownEventDate, placed.KNOWN_EVENT_DATE_COLUMNS)
    if schema_editor.connection.vendor == "postgresql":
        # The rows' foreign-key checks are deferred, and PostgreSQL builds no index on a table
        # with checks pending in the transaction: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0024_known_period_learned_idx")]

    operations = [
        migrations.CreateModel(
            name="KnownEventDate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("known_from", models.DateField()),
                ("known_to", models.DateField()),
                ("date", models.DateField()),
                (
                    "precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day", max_length=5
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("kind", models.CharField(max_length=30)),
                ("title", models.CharField(help_text="The instrument's title.", max_length=500)),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="known_dates",
                        to="timeline.event",
                    ),
                ),
                (
                    "instrument",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="timeline.instrument",
                    ),
                ),
            ],
            options={"ordering": ["event", "known_from"]},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="knowneventdate",
            constraint=models.UniqueConstraint(
                fields=("event", "known_from"),
                name="known_event_date_starts_once",
                violation_error_message="An event's date as known on a date cannot start twice on one day; "
                "rebuild it with check_status_periods --repair.",
            ),
        ),
        migrations.AddConstraint(
            model_name="knowneventdate",
            constraint=models.CheckConstraint(
                condition=models.Q(known_from__lt=models.F("known_to")),
                name="known_event_date_known_not_empty",
                violation_error_message="A stretch of knowledge must end after it starts.",
            ),
        ),
        migrations.AddIndex(
            model_name="knowneventdate",
            index=models.Index(
                fields=["date", "known_from", "known_to"],
                include=("event", "instrument", "position", "kind", "precision", "title"),
                name="known_event_date_idx",
            ),
        ),
    ]
