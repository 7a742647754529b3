"""Bulk writes of the rows the derived data is built from: instruments, events, claims, documents.

``save()`` and ``delete()`` of one row send signals, and ``periods.py`` rebuilds the instruments
concerned. ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` send none: here each
works out the instruments it touched (one query, or none when the rows carry their instrument)
and marks them, in the write's own transaction, so the periods are rebuilt as after a save —
at once, or at the end of a ``deferred_rebuilds()`` block. A queryset's ``delete()`` does send
the rows' signals; it is made one deferred block, so each instrument is rebuilt once rather than
once per row.

Callers that rebuild what they write themselves (the synthetic generator) say so with
``periods.unmarked_bulk_writes()``. ``bulk_create`` with ``ignore_conflicts`` or
``update_conflicts`` cannot tell which rows it wrote, and is refused outside such a block.
Migrations use historical models, whose plain managers are not these: a data migration that
changes what the engine reads rebuilds the instruments itself, or raises ``engine.RULES_VERSION``
(see docs/design.md).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

CHUNK = 900  # ids per IN (…): under SQLite's oldest limit on query parameters


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class RebuildingQuerySet(models.QuerySet):
    """A queryset whose bulk writes rebuild the derived data of the instruments they touch."""

    # The path from a row to its instrument's id, for ``values_list``.
    instrument_path = "pk"
    # Foreign keys on that path: changing one moves a row from one instrument to another.
    moving_fields = frozenset()
    # Copies the rebuild itself writes (an event's copy of its instrument's title): writing only
    # these changes nothing the engine or search reads.
    derived_fields = frozenset()

    def _instruments_here(self):
        return set(self.order_by().values_list(self.instrument_path, flat=True).distinct())

    def _instruments_of(self, pks):
        manager = self.model._base_manager.using(self.db)
        found = set()
        for chunk in _chunks(pks):
            found |= set(manager.filter(pk__in=chunk).order_by().values_list(self.instrument_path, flat=True))
        return found

    def _marks(self, fields=None):
        """Whether this write marks its instruments: not inside ``unmarked_bulk_writes`` or a
        rebuild, nor when it writes only ``derived_fields`` (``fields``; None: whole rows)."""
        from .periods import bulk_writes_marked

        if fields is not None and {self._field_name(name) for name in fields} <= self.derived_fields:
            return False
        return bulk_writes_marked()

    def _field_name(self, name):
        try:
            return self.model._meta.get_field(name).name  # "instrument_id" is "instrument"
        except FieldDoesNotExist:
            return name  # the write itself says what is wrong with it

    def _moves(self, fields):
        return bool({self._field_name(name) for name in fields} & self.moving_fields)

    def update(self, **kwargs):
        from .periods import mark_changed

        if not self._marks(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            touched = self._instruments_here()
            moved = list(self.values_list("pk", flat=True)) if self._moves(kwargs) else []
            count = super().update(**kwargs)
            if moved:
                touched |= self._instruments_of(moved)
            mark_changed(touched)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from .periods import mark_changed

        objs = list(objs)
        if not objs or not self._marks():
            return super().bulk_create(objs, *args, **kwargs)
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts") or any(args[1:3]):
            raise TypeError(
                f"{self.model.__name__}.objects.bulk_create() with ignore_conflicts or update_conflicts "
                "cannot tell which rows it wrote, so the status periods would not be rebuilt. Save the rows "
                "one by one, or write them inside periods.unmarked_bulk_writes() and call "
                "periods.rebuild_status_periods() for their instruments."
            )
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            mark_changed(self._instruments_of_new(created))
        return created

    def _instruments_of_new(self, objs):
        return self._instruments_of([obj.pk for obj in objs])

    def bulk_update(self, objs, fields, *args, **kwargs):
        from .periods import mark_changed, unmarked_bulk_writes

        objs = list(objs)
        if not objs or not self._marks(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        with transaction.atomic(using=self.db):
            pks = [obj.pk for obj in objs]
            touched = self._instruments_of(pks) if self._moves(fields) else set()
            with unmarked_bulk_writes():  # it runs update() a batch at a time
                count = super().bulk_update(objs, fields, *args, **kwargs)
            mark_changed(touched | self._instruments_of(pks))
        return count

    def delete(self):
        from .periods import deferred_rebuilds

        with deferred_rebuilds():
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class InstrumentRebuilding(RebuildingQuerySet):
    def _instruments_here(self):
        return set(self.order_by().values_list("pk", flat=True))

    def _instruments_of(self, pks):
        return set(pks)


class EventRebuilding(RebuildingQuerySet):
    instrument_path = "instrument_id"
    moving_fields = frozenset({"instrument"})
    derived_fields = frozenset(
        {"instrument_title", "placed_date", "placed_precision", "placed_delayed", "claims_disagree"}
    )

    def _instruments_of_new(self, objs):
        return {obj.instrument_id for obj in objs}


class ClaimRebuilding(RebuildingQuerySet):
    instrument_path = "event__instrument_id"
    moving_fields = frozenset({"event"})


class DocumentRebuilding(RebuildingQuerySet):
    # A document counts through the claims citing it; a new one is cited by none yet.
    instrument_path = "claims__event__instrument_id"

    def _instruments_of_new(self, objs):
        return set()
