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
def _sql(narrowed, part, known=False, recorded=False, reverse=False):
    """An instrument's phase on the earlier date ``lo`` can differ from its phase on the later
    date ``hi`` only if its period covering ``lo`` ends by ``hi`` and its period covering ``hi``
    starts after ``lo``: the query joins those two ranges, each read from one index
    (period_end_idx by valid_to, period_start_idx by valid_from, each with the phase and the
    listing rank), on the instrument. ``part`` is "groups" (counts by the phase on a, on b),
    "rows" (a page, by those phases, then title) or "all" (every row, for a CSV); ``reverse``
    when ``a`` is the later date.

    ``known``: the same over the current rows known on a date (``KnownPeriod``), which tile
    valid time on every knowledge date as the periods do. ``recorded``: over the rows as
    recorded at a moment (written by it and not yet closed then). Each side takes the moment
    twice (``recorded``), then the knowledge date twice (``known``) or the end of time once."""
    table = KnownPeriod if known or recorded else StatusPeriod
    periods = connection.ops.quote_name(table._meta.db_table)

    def known_on(alias):
        if not known and not recorded:
            return ""
        when = (
            f" AND {alias}.recorded_from <= %s AND ({alias}.recorded_to IS NULL OR {alias}.recorded_to > %s)"
            if recorded
            else f" AND {alias}.recorded_to IS NULL"
        )
        knowing = f" AND {alias}.known_from <= %s AND {alias}.known_to > %s" if known else f" AND {alias}.known_to = %s"
        return when + knowing

    selected = " AND hi.instrument_id IN ({selection})" if narrowed else ""
    joined = (
        f"FROM {periods} lo JOIN {periods} hi ON hi.instrument_id = lo.instrument_id "
        f"WHERE lo.valid_to > %s AND lo.valid_to <= %s AND lo.valid_from <= %s{known_on('lo')} "
        f"AND hi.valid_from > %s AND hi.valid_from <= %s AND hi.valid_to > %s{known_on('hi')}{selected} "
        f"AND lo.phase <> hi.phase"
    )
    a, b = ("hi", "lo") if reverse else ("lo", "hi")
    if part == "groups":
        return f"SELECT {a}.phase, {b}.phase, COUNT(*) {joined} GROUP BY {a}.phase, {b}.phase ORDER BY 3 DESC, 1, 2"
    order = f"ORDER BY {a}.listing_rank, {b}.listing_rank, hi.title, hi.instrument_id"
    limit = " LIMIT %s OFFSET %s" if part == "rows" else ""
    return f"SELECT hi.instrument_id, {a}.phase, {b}.phase {joined} {order}{limit}"


class PhaseComparison(Sequence):
    """The instruments whose phase on ``a`` differs from their phase on ``b`` (either order),
    as ``(instrument id, phase on a, phase on b)``, by phase on a, phase on b (listing order),
    then title; ``groups`` counts them by (phase on a, phase on b). Sliced, it reads one page.
    With ``known``, both phases are those known on that date (the sources published by then);
    with ``recorded``, as this tracker recorded them at that moment."""

    def __init__(self, a, b, instruments=None, known=None, recorded=None):
        self.a, self.b, self.instruments, self.known, self.recorded = a, b, instruments, known, recorded

    def statement(self, part, extra=()):
        """The SQL of ``part`` (see ``_sql``) and its parameters."""
        lo, hi = sorted((self.a, self.b))
        knowing = [] if self.recorded is None else [self.recorded, self.recorded]
        if self.known is not None:
            knowing += [self.known, self.known]
        elif self.recorded is not None:
            knowing.append(END_OF_TIME)
        sql = _sql(
            self.instruments is not None, part, self.known is not None, self.recorded is not None, self.a > self.b
        )
        params = [lo, hi, lo, *knowing, lo, hi, hi, *knowing]
        if self.instruments is not None:
            selection, selection_params = self.instruments.order_by().values("pk").query.sql_with_params()
            sql = sql.replace("{selection}", selection)
            params += list(selection_params)
        return sql, [*params, *extra]

    def _run(self, part, extra=()):
        with connection.cursor() as cursor:
            cursor.execute(*self.statement(part, extra))
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
