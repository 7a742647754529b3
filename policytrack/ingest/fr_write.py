"""The write half of a Federal Register import: a planned batch (``federal_register._Batch``)
written with bulk statements that record history, in an order that gives every row the keys
it points at."""

from __future__ import annotations

from simple_history.utils import bulk_update_with_history

from policytrack.timeline.models import Agency, Claim, Document, Event, Instrument
from policytrack.timeline.periods import mark_changed, unmarked_bulk_writes

from .rows import create_with_history, record_history


class Writer:
    """Writes what a ``_Batch`` planned: its ``new_*`` and ``changed_*`` rows."""

    def _write(self):
        # The bulk writes mark nothing themselves: the batch knows what it touched, and marks it
        # once at the end (without the lookups of each write's instruments).
        with unmarked_bulk_writes():
            self._write_rows()
        mark_changed({planned.row.pk for planned in self.touched} | self.citing)

    def _write_rows(self):
        self._write_agencies()
        # Updates first: one may free the number a new document takes (a document found by key
        # that had another number).
        _update_versioned(
            Document,
            [row for row, _ in self.changed_documents.values()],
            {name for _, changed in self.changed_documents.values() for name in changed},
        )
        create_with_history(Document, self.new_documents)
        self._write_instruments()
        create_with_history(Event, self.new_events)
        for row in self.new_delays:
            row.target = row.target  # the target's primary key, now that it has one
        create_with_history(Event, self.new_delays)
        create_with_history(Claim, self.new_claims)
        _update_versioned(Claim, list(self.changed_claims.values()), ["date", "quote"])

    def _write_agencies(self):
        """New agencies a generation at a time (a parent is planned before its children), then
        the parents stored agencies lacked."""
        generation = {}
        for row in self.new_agencies:
            parent = row.parent
            generation[row.slug] = generation[parent.slug] + 1 if parent and parent.slug in generation else 0
        for n in sorted(set(generation.values())):
            create_with_history(Agency, [row for row in self.new_agencies if generation[row.slug] == n])
        for row, parent in self.reparented.values():
            row.parent = parent
        bulk_update_with_history([row for row, _ in self.reparented.values()], Agency, ["parent"])

    def _write_instruments(self):
        """New and changed instruments, their new agency links, and then their history: one
        record each, holding the agencies they have now."""
        new = [planned.row for planned in self.new_instruments]
        linked = [planned for planned in self.stored.values() if planned.changed or planned.new_links]
        Instrument.objects.bulk_create(new)
        changed = [planned.row for planned in linked if planned.changed]
        _update_versioned(Instrument, changed, ["docket_ids", "cfr_parts", "kind"], history=False)
        through = Instrument.agencies.through
        through.objects.bulk_create(
            through(instrument=planned.row, agency=agency)
            for planned in [*self.new_instruments, *linked]
            for agency in planned.new_links.values()
        )
        record_history(Instrument, new)
        record_history(Instrument, [planned.row for planned in linked], update=True)


def _update_versioned(model, rows, fields, history=True):
    """Save ``fields`` of Versioned rows in bulk, raising each row's version as ``save()`` does,
    with a history record unless the caller writes its own."""
    for row in rows:
        row.version += 1
    fields = sorted({*fields, "version"})
    if history:
        bulk_update_with_history(rows, model, fields)
    else:
        model.objects.bulk_update(rows, fields)
