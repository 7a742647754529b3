# Claims can be retracted (kept, with who, when and why, but no longer counting); keys may be left
# empty in forms (they are generated); every constraint gets words for editors
# (violation_error_message: AlterConstraint changes no table).

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0011_document_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="retracted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="retracted_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="retracted_claims",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="retraction_reason",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="retracted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="retracted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="retraction_reason",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="document",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Stable identifier used in timeline files. Leave empty: it is made from the FR document number, or from the publisher, date and title.",
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
            model_name="event",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Unique within the instrument; used in timeline files. Leave empty: it is made from the kind and date.",
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
            model_name="historicaldocument",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Stable identifier used in timeline files. Leave empty: it is made from the FR document number, or from the publisher, date and title.",
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
            model_name="historicalevent",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Unique within the instrument; used in timeline files. Leave empty: it is made from the kind and date.",
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
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("retracted_at__isnull", True), ("retraction_reason", "")),
                    models.Q(("retracted_at__isnull", False), models.Q(("retraction_reason", ""), _negated=True)),
                    _connector="OR",
                ),
                name="claim_retraction_has_reason",
                violation_error_message="A retracted claim needs the reason it was retracted.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="claim",
            name="claim_once_per_document",
            constraint=models.UniqueConstraint(
                fields=("event", "document"),
                name="claim_once_per_document",
                violation_error_message="This document already has a claim on this event.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="document",
            name="document_fr_number_once",
            constraint=models.UniqueConstraint(
                condition=models.Q(("fr_document_number", ""), _negated=True),
                fields=("fr_document_number",),
                name="document_fr_number_once",
                violation_error_message="Another document already has this FR document number.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="document",
            name="document_rank_in_range",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rank__isnull", True), models.Q(("rank__gte", 1), ("rank__lte", 99)), _connector="OR"
                ),
                name="document_rank_in_range",
                violation_error_message="The rank must be a whole number from 1 (best) to 99, or empty.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="event",
            name="event_key_once_per_instrument",
            constraint=models.UniqueConstraint(
                fields=("instrument", "key"),
                name="event_key_once_per_instrument",
                violation_error_message="This instrument already has an event with this key.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="event",
            name="event_delay_has_target_and_new_date",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "delayed"), ("target__isnull", False), ("new_date__isnull", False)),
                    models.Q(
                        models.Q(("kind", "delayed"), _negated=True),
                        ("target__isnull", True),
                        ("new_date__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="event_delay_has_target_and_new_date",
                violation_error_message="A delay needs the event it moves and its new date; other kinds of event have neither.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="instrumentrelation",
            name="relation_once",
            constraint=models.UniqueConstraint(
                fields=("source", "kind", "target"),
                name="relation_once",
                violation_error_message="This relation is already recorded.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="instrumentrelation",
            name="relation_not_to_itself",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", models.F("target")), _negated=True),
                name="relation_not_to_itself",
                violation_error_message="An instrument cannot be related to itself.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="phasetally",
            name="tally_once_per_day_and_phase",
            constraint=models.UniqueConstraint(
                fields=("day", "phase"),
                name="tally_once_per_day_and_phase",
                violation_error_message="This day and phase are already tallied.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="phasetallyyear",
            name="tally_once_per_year_and_phase",
            constraint=models.UniqueConstraint(
                fields=("year", "phase"),
                name="tally_once_per_year_and_phase",
                violation_error_message="This year and phase are already tallied.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="statusperiod",
            name="period_starts_once",
            constraint=models.UniqueConstraint(
                fields=("instrument", "valid_from"),
                name="period_starts_once",
                violation_error_message="Two status periods of one instrument cannot start on the same day.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="statusperiod",
            name="period_not_empty",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_from__lt", models.F("valid_to"))),
                name="period_not_empty",
                violation_error_message="A status period must end after it starts.",
            ),
        ),
    ]
