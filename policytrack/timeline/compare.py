"""What changed for the portfolio between two dates: the instruments whose phase on one date
differs from their phase on the other, grouped by (from, to), read from the stored status
periods. A fixed number of queries whatever the number of instruments."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection

from .models import StatusPeriod


@functools.cache
def _sql(narrowed, part):
    """The candidates are the instruments with a status period starting after the earlier date
    and by the later one (their phase can differ only if one does), found by the index on
    valid_from (period_start_idx); each one's period covering each date is then probed by the
    index on (instrument, valid_from, valid_to) (period_instrument_on_idx). ``part`` is "groups"
    (counts by from, to), "rows" (a page, by from, to, title) or "all" (every row, for a CSV)."""
    periods = connection.ops.quote_name(StatusPeriod._meta.db_table)
    selected = " AND instrument_id IN ({selection})" if narrowed else ""
    candidates = (
        f"SELECT DISTINCT instrument_id, title FROM {periods} WHERE valid_from > %s AND valid_from <= %s{selected}"
    )
    joined = (
        f"FROM ({candidates}) c "
        f"JOIN {periods} pa ON pa.instrument_id = c.instrument_id AND pa.valid_from <= %s AND pa.valid_to > %s "
        f"JOIN {periods} pb ON pb.instrument_id = c.instrument_id AND pb.valid_from <= %s AND pb.valid_to > %s "
        f"WHERE pa.phase <> pb.phase"
    )
    if part == "groups":
        return f"SELECT pa.phase, pb.phase, COUNT(*) {joined} GROUP BY pa.phase, pb.phase ORDER BY 3 DESC, 1, 2"
    order = "ORDER BY pa.listing_rank, pb.listing_rank, c.title, c.instrument_id"
    limit = " LIMIT %s OFFSET %s" if part == "rows" else ""
    return f"SELECT c.instrument_id, pa.phase, pb.phase {joined} {order}{limit}"


class PhaseComparison(Sequence):
    """The instruments whose phase on ``a`` differs from their phase on ``b`` (either order),
    as ``(instrument id, phase on a, phase on b)``, by phase on a, phase on b (listing order),
    then title; ``groups`` counts them by (phase on a, phase on b). Sliced, it reads one page."""

    def __init__(self, a, b, instruments=None):
        self.a, self.b, self.instruments = a, b, instruments

    def _run(self, part, extra=()):
        lo, hi = sorted((self.a, self.b))
        sql, params = _sql(self.instruments is not None, part), [lo, hi]
        if self.instruments is not None:
            selection, selection_params = self.instruments.order_by().values("pk").query.sql_with_params()
            sql = sql.replace("{selection}", selection)
            params += list(selection_params)
        params += [self.a, self.a, self.b, self.b, *extra]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @functools.cached_property
    def groups(self):
        """(phase on a, phase on b, how many), the largest group first."""
        return self._run("groups")

    def __len__(self):
        return sum(count for _, _, count in self.groups)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
            return self._run("rows", [max(stop - start, 0), start])
        return self._run("rows", [1, index])[0]

    def __iter__(self):
        return iter(self._run("all"))
