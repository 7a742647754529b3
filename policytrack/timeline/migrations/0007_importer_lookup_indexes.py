from django.db import migrations, models

DOCKET_INDEX = "instrument_docket_ids_idx"


def index_docket_ids(apps, schema_editor):
    """A GIN index on docket_ids, on PostgreSQL only: the Federal Register importer asks which
    instruments hold one of a batch's docket ids (``?|``), and without it reads every row.
    SQLite has no such index; there the importer's query reads the rows' lists in turn. Built
    CONCURRENTLY, so that a large portfolio stays writable meanwhile (hence a migration that is
    not one transaction)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {DOCKET_INDEX} ON timeline_instrument USING gin (docket_ids)"
        )


def drop_docket_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {DOCKET_INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("timeline", "0006_change_window_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="instrument",
            index=models.Index(fields=["rin"], name="instrument_rin_idx"),
        ),
        migrations.RunPython(index_docket_ids, drop_docket_index, elidable=False),
    ]
