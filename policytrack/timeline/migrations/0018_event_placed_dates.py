"""Events carry where the engine places them with every source known (``timeline/placed.py``),
under an index on that date: the calendars and the home page's "coming up" read a window of
them instead of running the engine over the portfolio.

Filled in two steps, the index built after, on the filled rows: every event first as placed on
its own date and precision (what the engine says of any event no delay moves and no end
pre-empts, an event's date being its best claim's), then the engine run over the instruments
with a delay or an end — the only ones where it can say otherwise."""

from django.db import migrations, models
from django.db.models import F

from policytrack.timeline import engine, placed
from policytrack.timeline.models import engine_input

BATCH = 500
# The columns this migration adds: later ones (``placed.REBUILT_EVENT_FIELDS``) are not there yet.
PLACED_FIELDS = ("placed_date", "placed_precision", "placed_delayed")


def fill(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    Event.objects.update(placed_date=F("date"), placed_precision=F("precision"), placed_delayed=False)
    movable = sorted(
        set(
            Event.objects.filter(kind__in={"delayed", *engine.END_KINDS})
            .order_by()
            .values_list("instrument_id", flat=True)
        )
    )
    for start in range(0, len(movable), BATCH):
        batch = movable[start : start + BATCH]
        events = {
            instrument_id: ([pk for pk, _, _ in stored], engine_events)
            for instrument_id, (stored, engine_events) in engine_input(
                Event.objects.filter(instrument_id__in=batch)
            ).items()
        }
        placed.rewrite(batch, events, model=Event, fields=PLACED_FIELDS)
    if schema_editor.connection.vendor == "postgresql":
        # The updates leave deferred foreign-key checks queued, and PostgreSQL refuses to build
        # an index on a table with checks pending in the transaction: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0017_claim_date_index")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="placed_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="placed_delayed",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="placed_precision",
            field=models.CharField(
                choices=[("day", "day"), ("month", "month"), ("year", "year")],
                default="day",
                editable=False,
                max_length=5,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["placed_date", "instrument"], name="event_placed_idx"),
        ),
    ]
