"""Events carry their instrument's title, under the index on their dates, and the periods'
index on their start carries theirs: a month of changes is listed by title without looking
each instrument's title up (see ``changes.ChangeList``). The copies are filled from the
instruments; the indexes are built after, on the filled rows."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    Instrument = apps.get_model("timeline", "Instrument")
    Event.objects.update(
        instrument_title=Subquery(Instrument.objects.filter(pk=OuterRef("instrument_id")).values("title")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0007_importer_lookup_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_date_idx"),
        migrations.RemoveIndex(model_name="statusperiod", name="period_start_idx"),
        migrations.AddField(
            model_name="event",
            name="instrument_title",
            field=models.CharField(default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["date", "instrument"], include=("instrument_title",), name="event_date_idx"),
        ),
        migrations.AddIndex(
            model_name="statusperiod",
            index=models.Index(
                fields=["valid_from", "valid_to", "instrument"], include=("title",), name="period_start_idx"
            ),
        ),
    ]
