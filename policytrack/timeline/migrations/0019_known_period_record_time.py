from django.db import migrations, models
from django.db.models import Min, Q
from django.utils import timezone

OPEN = Q(recorded_to__isnull=True)


def start_record_time(apps, schema_editor):
    """The store's record time starts now: every existing row was written by then (the one-off
    default gave them all the same moment), and no earlier moment is answered."""
    using = schema_editor.connection.alias
    rows = apps.get_model("timeline", "KnownPeriod").objects.using(using)
    start = rows.aggregate(start=Min("recorded_from"))["start"] or timezone.now()
    apps.get_model("timeline", "DerivedRules").objects.using(using).update(records_from=start)


# The current reads' indexes become partial on the open rows: same names, same columns.
CURRENT_INDEXES = [
    models.Index(
        fields=["listing_rank", "title", "instrument_id", "valid_from", "valid_to", "known_from", "known_to"],
        condition=OPEN,
        name="known_period_listing_idx",
    ),
    models.Index(
        fields=["known_to", "known_from", "valid_from", "valid_to", "phase"],
        condition=OPEN,
        name="known_period_boundary_idx",
    ),
    models.Index(fields=["valid_from", "known_from", "known_to"], condition=OPEN, name="known_period_start_idx"),
    models.Index(
        fields=["phase", "known_to", "valid_to", "known_from", "valid_from"],
        condition=OPEN,
        name="known_period_phase_idx",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0018_event_placed_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="knownperiod",
            name="recorded_from",
            field=models.DateTimeField(default=timezone.now, help_text="When a rebuild wrote this row (UTC)."),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="knownperiod",
            name="recorded_to",
            field=models.DateTimeField(
                blank=True, null=True, help_text="When a rebuild replaced this row (UTC); empty while it is current."
            ),
        ),
        migrations.AddField(
            model_name="derivedrules",
            name="records_from",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(start_record_time, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="knownperiod", name="known_period_starts_once"),
        migrations.AddConstraint(
            model_name="knownperiod",
            constraint=models.UniqueConstraint(
                condition=OPEN,
                fields=("instrument", "known_from", "valid_from"),
                name="known_period_starts_once",
                violation_error_message="Two rows of one instrument's status as known on a date cannot start on "
                "the same day; rebuild them with check_status_periods --repair.",
            ),
        ),
        migrations.AddConstraint(
            model_name="knownperiod",
            constraint=models.CheckConstraint(
                condition=Q(recorded_to__isnull=True) | Q(recorded_from__lt=models.F("recorded_to")),
                name="known_period_recorded_not_empty",
                violation_error_message="A stretch of record time must end after it starts.",
            ),
        ),
        *(migrations.RemoveIndex(model_name="knownperiod", name=index.name) for index in CURRENT_INDEXES),
        *(migrations.AddIndex(model_name="knownperiod", index=index) for index in CURRENT_INDEXES),
        migrations.AddIndex(
            model_name="knownperiod",
            index=models.Index(
                condition=Q(recorded_to__isnull=False),
                fields=["recorded_to", "recorded_from", "valid_from", "valid_to", "known_from", "known_to"],
                name="known_period_closed_idx",
            ),
        ),
    ]
