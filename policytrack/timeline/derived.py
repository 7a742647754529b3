"""Which rules the stored periods were derived by, and rebuilding them when the rules change.

The engine's ``RULES_VERSION`` is recorded in one row (``DerivedRules``) once every instrument's
periods agree with those rules. When the code's version differs from the row's:

- ``migrate`` rebuilds every instrument's periods (a ``post_migrate`` step, so a deploy that
  migrates cannot forget it) and then records the code's version;
- ``manage.py check --database default`` warns (``timeline.W001``);
- ``check_status_periods`` reports it, and ``--repair`` (over every instrument) rebuilds and
  records it.
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError, connections, models, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone

from . import engine

ONE_ROW = 1


class DerivedRules(models.Model):
    """Derived, never typed: the rules version (``engine.RULES_VERSION``) that every stored
    status period, row over knowledge time and search document was last rebuilt by.

    One row, not a column on each period: checking it is one read by primary key (a column
    would be read, or indexed, across millions of rows), and a new version rewrites only the
    periods whose answer changed (a column would rewrite them all to stamp it)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONE_ROW)
    rules_version = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    # The first moment the rows over knowledge time answer "as recorded at" for: when they began
    # to keep record time, moved on when the rules change (rows derived by older rules would
    # disagree with an instrument page rebuilt by today's) and when an instrument is deleted
    # (its rows, closed ones too, go with it). Earlier moments are refused, never guessed.
    records_from = models.DateTimeField(null=True)

    class Meta:
        db_table = "timeline_derivedrules"
        verbose_name_plural = "derived rules"
        constraints = [
            # One version for all the derived rows: a second row could only contradict it.
            models.CheckConstraint(
                condition=Q(id=ONE_ROW),
                name="derived_rules_one_row",
                violation_error_message="One rules version is recorded for all the derived data, in row 1.",
            ),
        ]

    def __str__(self):
        return f"rules version {self.rules_version}"


def stored_rules_version():
    """The version the stored periods were derived by (None when none is recorded)."""
    return DerivedRules.objects.filter(pk=ONE_ROW).values_list("rules_version", flat=True).first()


def record_rules_version(version=None):
    version = engine.RULES_VERSION if version is None else version
    now = timezone.now()
    defaults = {"rules_version": version, "recorded_at": now}
    if stored_rules_version() != version:  # rows recorded under other rules are not answered for
        defaults["records_from"] = now
    DerivedRules.objects.update_or_create(pk=ONE_ROW, defaults=defaults)


def records_from():
    """The first moment the stored rows over knowledge time answer for (see
    ``DerivedRules.records_from``), or None when no rules version is recorded."""
    return DerivedRules.objects.filter(pk=ONE_ROW).values_list("records_from", flat=True).first()


def forget_records_before(moment):
    """Answer for no moment before ``moment`` (an instrument deleted then took its rows)."""
    DerivedRules.objects.filter(pk=ONE_ROW).update(records_from=moment)


def rebuild_for_rules(progress=None):
    """If the stored periods were derived by other rules than the code's, rebuild every
    instrument (only those whose periods differ are rewritten) and record the code's version.
    Returns the version found and how many instruments were rebuilt, or None when they agree."""
    from .periods import CORES, rebuild_status_periods

    stored = stored_rules_version()
    if stored == engine.RULES_VERSION:
        return None
    rebuilt = rebuild_status_periods(progress=progress, jobs=CORES)
    record_rules_version()
    return stored, rebuilt


def _fully_migrated(using):
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


@receiver(post_migrate)
def _rebuild_after_migrate(sender, using, verbosity=1, plan=None, stdout=None, **kwargs):
    """After ``migrate`` (or ``flush``), rebuild the periods if the rules changed. Not half-way
    through a migration history (``migrate timeline 0010``): today's code could not read it."""
    if sender.label != "timeline" or using != router.db_for_write(DerivedRules):
        return
    if plan is not None and not _fully_migrated(using):
        return
    from .periods import reindex_status_periods

    found = rebuild_for_rules()
    if not found:
        return
    # New rules may have rewritten most periods, leaving their indexes twice their size (as
    # check_status_periods --repair knows): rebuilt without locking the site out, on PostgreSQL.
    reindexed = reindex_status_periods()
    if verbosity and stdout is not None:
        stored, rebuilt = found
        stdout.write(
            f"Rebuilt the status periods of {rebuilt:,} instruments: they were derived by rules version "
            f"{stored if stored is not None else '(none recorded)'}, this code's is {engine.RULES_VERSION}."
            + (" Reindexed them." if reindexed else "")
        )


@checks.register(checks.Tags.database)
def check_rules_version(app_configs=None, databases=None, **kwargs):
    """Warn when the stored periods were derived by other rules than the code's (run by
    ``check --database default`` and by ``migrate``, before it rebuilds them)."""
    using = router.db_for_read(DerivedRules)
    if not databases or using not in databases:
        return []
    try:
        with transaction.atomic(using=using):  # on PostgreSQL a failed read would spoil the next
            stored = stored_rules_version()
    except DatabaseError:
        return []  # not migrated yet: migrate creates the table and records the version
    if stored == engine.RULES_VERSION:
        return []
    found = f"rules version {stored}" if stored is not None else "no recorded rules version"
    return [
        checks.Warning(
            f"The stored status periods were derived by {found}; the status engine's rules are "
            f"version {engine.RULES_VERSION}, so lists and counts may disagree with instrument pages.",
            hint="Run manage.py migrate, which rebuilds them (25–40 s at 100,000 instruments), or "
            "manage.py check_status_periods --repair.",
            id="timeline.W001",
        )
    ]
