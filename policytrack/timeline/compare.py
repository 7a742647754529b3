"""What changed for the portfolio between two dates: the instruments whose phase on one date
differs from their phase on the other, grouped by (from, to), read from the stored status
periods (with every source known) or from the rows over knowledge time (as known on a date).
A fixed number of queries whatever the number of instruments."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from urllib.parse import quote

from django.db import connection

from .models import END_OF_TIME, Instrument, KnownPeriod, StatusPeriod
from .recorded import rows_held_at


@functools.cache
def _sql(narrowed, part, known=False, recorded=False):
    """The candidates are the instruments with a status period starting after the earlier date
    and by the later one (their phase can differ only if one does), found by the index on
    valid_from (period_start_idx); each one's period covering each date is then probed by the
    index on (instrument, valid_from, valid_to) (period_instrument_on_idx). ``part`` is "groups"
    (counts by from, to), "rows" (a page, by from, to, title) or "all" (every row, for a CSV).

    ``known``: the same over the current rows known on a date (``KnownPeriod``), which tile valid
    time on every knowledge date as the periods do: candidates by ``known_period_start_idx``, each
    probed by the partial unique index on (instrument, known_from, valid_from). Each test of
    knowledge takes the date twice, after the valid dates of its row.

    ``recorded``: over the rows as recorded at a moment (open then: written by it and not yet
    closed), which tile valid time as the open rows do; the moment twice, then the knowledge
    date twice (``known``) or the end of time once (every source known)."""
    table = KnownPeriod if known or recorded else StatusPeriod
    periods = connection.ops.quote_name(table._meta.db_table)

    def known_on(alias):
        if not known and not recorded:
            return ""
        when = (
            f" AND {alias}recorded_from <= %s AND ({alias}recorded_to IS NULL OR {alias}recorded_to > %s)"
            if recorded
            else f" AND {alias}recorded_to IS NULL"
        )
        knowing = f" AND {alias}known_from <= %s AND {alias}known_to > %s" if known else f" AND {alias}known_to = %s"
        return when + knowing

    selected = " AND instrument_id IN ({selection})" if narrowed else ""
    candidates = (
        f"SELECT DISTINCT instrument_id, title FROM {periods} "
        f"WHERE valid_from > %s AND valid_from <= %s{known_on('')}{selected}"
    )
    joined = (
        f"FROM ({candidates}) c "
        f"JOIN {periods} pa ON pa.instrument_id = c.instrument_id AND pa.valid_from <= %s AND pa.valid_to > %s"
        f"{known_on('pa.')} "
        f"JOIN {periods} pb ON pb.instrument_id = c.instrument_id AND pb.valid_from <= %s AND pb.valid_to > %s"
        f"{known_on('pb.')} "
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
    then title; ``groups`` counts them by (phase on a, phase on b). Sliced, it reads one page.
    With ``known``, both phases are those known on that date (the sources published by then);
    with ``recorded``, as this tracker recorded them at that moment."""

    def __init__(self, a, b, instruments=None, known=None, recorded=None):
        self.a, self.b, self.instruments, self.known, self.recorded = a, b, instruments, known, recorded

    def _run(self, part, extra=()):
        lo, hi = sorted((self.a, self.b))
        knowing = [] if self.recorded is None else [self.recorded, self.recorded]
        if self.known is not None:
            knowing += [self.known, self.known]
        elif self.recorded is not None:
            knowing.append(END_OF_TIME)
        sql = _sql(self.instruments is not None, part, self.known is not None, self.recorded is not None)
        params = [lo, hi, *knowing]
        if self.instruments is not None:
            selection, selection_params = self.instruments.order_by().values("pk").query.sql_with_params()
            sql = sql.replace("{selection}", selection)
            params += list(selection_params)
        params += [self.a, self.a, *knowing, self.b, self.b, *knowing, *extra]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def names(self, pks):
        """{instrument id: (slug, title, short title)} of the instruments ``pks`` as the comparison
        shows them: as their edit history held them at ``recorded`` (the slug their page had then),
        else as they are now. One query, five as recorded."""
        rows = Instrument.objects.filter(pk__in=pks).values_list("pk", "slug", "title", "short_title")
        found = {pk: tuple(names) for pk, *names in rows}
        if self.recorded is not None:
            found.update((pk, held[:3]) for pk, held in rows_held_at(pks, self.recorded).items())
        return found

    @property
    def row_query(self):
        """The query of a row's link: its instrument's page on ``b``, as known and recorded as
        the comparison is."""
        query = f"?on={self.b.isoformat()}" + (f"&known={self.known.isoformat()}" if self.known else "")
        return query + (f"&recorded={quote(self.recorded.isoformat())}" if self.recorded else "")

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
