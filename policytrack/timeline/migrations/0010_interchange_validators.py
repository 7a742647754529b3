# The models now refuse what a timeline file refuses (policytrack/timeline/validators.py). Only the
# rank's range is also a database constraint; rows saved before it with a rank above 99 (accepted
# by the admin, refused by every import) are set to 99: still ranked below every kind's default
# (1 to 9), as their editors meant. Other values now refused (an ftp:// address, a key with
# capitals) are left as they are: export_timeline names each one, and the admin asks for a valid
# value at the record's next save.

import datetime
import django.core.validators
import policytrack.timeline.validators
from django.db import migrations, models


def rank_into_range(apps, schema_editor):
    apps.get_model("timeline", "Document").objects.filter(rank__gt=99).update(rank=99)


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0009_claim_version"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="document",
            name="document_rank_positive",
        ),
        migrations.AlterField(
            model_name="agency",
            name="slug",
            field=models.SlugField(
                max_length=100,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="date",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ]
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="key",
            field=models.SlugField(
                help_text="Stable identifier used in timeline files.",
                max_length=200,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="published_on",
            field=models.DateField(
                help_text="The public could know what this document says from this date.",
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="rank",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Source rank override (1 is best, 99 worst). Empty: the default for the kind. Editors choose between disagreeing sources here.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1, "Enter a whole number from 1 (best) to 99."),
                    django.core.validators.MaxValueValidator(99, "Enter a whole number from 1 (best) to 99."),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="retrieved_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="url",
            field=models.URLField(
                blank=True,
                max_length=1000,
                validators=[
                    django.core.validators.URLValidator(
                        code="invalid_url",
                        message="Enter a web address starting http:// or https://.",
                        schemes=("http", "https"),
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="date",
            field=models.DateField(
                help_text="For a sourced event, the date its best source gives.",
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="key",
            field=models.SlugField(
                help_text="Unique within the instrument; used in timeline files.",
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="new_date",
            field=models.DateField(
                blank=True,
                help_text="For a delay: the target's new date.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalagency",
            name="slug",
            field=models.SlugField(
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="date",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ]
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="key",
            field=models.SlugField(
                help_text="Stable identifier used in timeline files.",
                max_length=200,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="published_on",
            field=models.DateField(
                help_text="The public could know what this document says from this date.",
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="rank",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Source rank override (1 is best, 99 worst). Empty: the default for the kind. Editors choose between disagreeing sources here.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1, "Enter a whole number from 1 (best) to 99."),
                    django.core.validators.MaxValueValidator(99, "Enter a whole number from 1 (best) to 99."),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="retrieved_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="url",
            field=models.URLField(
                blank=True,
                max_length=1000,
                validators=[
                    django.core.validators.URLValidator(
                        code="invalid_url",
                        message="Enter a web address starting http:// or https://.",
                        schemes=("http", "https"),
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="date",
            field=models.DateField(
                help_text="For a sourced event, the date its best source gives.",
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="key",
            field=models.SlugField(
                help_text="Unique within the instrument; used in timeline files.",
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="new_date",
            field=models.DateField(
                blank=True,
                help_text="For a delay: the target's new date.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1000, 1, 1), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(9000, 12, 31), "Enter a date between 1000-01-01 and 9000-12-31."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalinstrument",
            name="aliases",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other names people use.",
                validators=[policytrack.timeline.validators.TextListValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalinstrument",
            name="cfr_parts",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='e.g. ["15 CFR 734"]',
                validators=[policytrack.timeline.validators.TextListValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalinstrument",
            name="docket_ids",
            field=models.JSONField(
                blank=True, default=list, validators=[policytrack.timeline.validators.TextListValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="historicalinstrument",
            name="slug",
            field=models.SlugField(
                max_length=200,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="aliases",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other names people use.",
                validators=[policytrack.timeline.validators.TextListValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="cfr_parts",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='e.g. ["15 CFR 734"]',
                validators=[policytrack.timeline.validators.TextListValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="docket_ids",
            field=models.JSONField(
                blank=True, default=list, validators=[policytrack.timeline.validators.TextListValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="slug",
            field=models.SlugField(
                max_length=200,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(?:[-_][a-z0-9]+)*\\Z",
                        "Use only lower-case letters and digits, in words joined by single hyphens or underscores (e.g. “effective-2”).",
                        code="invalid_key",
                    )
                ],
            ),
        ),
        migrations.RunPython(rank_into_range, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rank__isnull", True), models.Q(("rank__gte", 1), ("rank__lte", 99)), _connector="OR"
                ),
                name="document_rank_in_range",
            ),
        ),
    ]
