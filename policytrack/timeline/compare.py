"""Comparing the portfolio at two times, grouped by (from, to), with a fixed number of queries
whatever the number of instruments:

- what changed between two dates: the instruments whose phase on one date differs from their
  phase on the other, read from the stored status periods (with every source known) or from the
  rows over knowledge time (as known on a date);
- what was learned between two knowledge dates: the instruments whose phase on one date as known
  on one knowledge date differs from their phase on it as known on the other, read from the rows
  over knowledge time; an instrument nothing had been published about yet is "not yet public"."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from urllib.parse import quote

from django.db import connection

from .models import END_OF_TIME, LISTING_RANK, Instrument, KnownPeriod, StatusPeriod
from .recorded import rows_held_at


@functools.cache
def _sql(narrowed, part, known=False, recorded=False, reverse=False):
    """An instrument's phase on the earlier date ``lo`` can differ from its phase on the later
    date ``hi`` only if its period covering ``lo`` ends by ``hi`` and its period covering ``hi``
    starts after ``lo``: the query joins those two ranges, each read from one index
    (period_end_idx by valid_to, period_start_idx by valid_from, each with the phase and the
    listing rank), on the instrument. ``part`` is "groups" (counts by the phase on a, on b),
    "rows" (a page, by those phases, then title), "all" (every row, for a CSV) or "titles"
    (each instrument's id and title, in no order: the changes in a window as known on a date);
    ``reverse`` when ``a`` is the later date.

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
    if part == "titles":
        return f"SELECT hi.instrument_id, hi.title {joined}"
    if part == "groups":
        return f"SELECT {a}.phase, {b}.phase, COUNT(*) {joined} GROUP BY {a}.phase, {b}.phase ORDER BY 3 DESC, 1, 2"
    order = f"ORDER BY {a}.listing_rank, {b}.listing_rank, hi.title, hi.instrument_id"
    limit = " LIMIT %s OFFSET %s" if part == "rows" else ""
    return f"SELECT hi.instrument_id, {a}.phase, {b}.phase {joined} {order}{limit}"


class _Comparison(Sequence):
    """Pairs of phases ``(instrument id, first, second)`` in listing order, read a part at a time
    ("groups", "rows" given LIMIT and OFFSET, "all") by the SQL of ``_query``; ``groups`` counts
    them by (first, second). Sliced, it reads one page."""

    recorded = None

    def _query(self, part):
        """``part``'s SQL and its parameters, but those of the instruments' selection (its end)."""
        raise NotImplementedError

    def statement(self, part, extra=()):
        """``part``'s SQL and parameters (``extra`` last: a page's LIMIT and OFFSET), the
        instruments' selection in it when narrowed."""
        sql, params = self._query(part)
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

    @functools.cached_property
    def groups(self):
        """(first phase, second phase, how many), the largest group first."""
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


class PhaseComparison(_Comparison):
    """The instruments whose phase on ``a`` differs from their phase on ``b`` (either order),
    as ``(instrument id, phase on a, phase on b)``, by phase on a, phase on b (listing order),
    then title. With ``known``, both phases are those known on that date (the sources published
    by then); with ``recorded``, as this tracker recorded them at that moment."""

    def __init__(self, a, b, instruments=None, known=None, recorded=None):
        self.a, self.b, self.instruments, self.known, self.recorded = a, b, instruments, known, recorded

    def _query(self, part):
        lo, hi = sorted((self.a, self.b))
        knowing = [] if self.recorded is None else [self.recorded, self.recorded]
        if self.known is not None:
            knowing += [self.known, self.known]
        elif self.recorded is not None:
            knowing.append(END_OF_TIME)
        sql = _sql(
            self.instruments is not None, part, self.known is not None, self.recorded is not None, self.a > self.b
        )
        return sql, [lo, hi, lo, *knowing, lo, hi, hi, *knowing]

    def titles(self):
        """(instrument id, title) of every instrument compared, in no order."""
        return self._run("titles")

    @property
    def row_query(self):
        """The query of a row's link: its instrument's page on ``b``, as known and recorded as
        the comparison is."""
        query = f"?on={self.b.isoformat()}" + (f"&known={self.known.isoformat()}" if self.known else "")
        return query + (f"&recorded={quote(self.recorded.isoformat())}" if self.recorded else "")


# The phase of an instrument as known on a date before anything about it was published (no row
# over knowledge time covers it): not a phase of the engine's, which would say "not yet issued".
NOT_YET_PUBLIC = "not_yet_public"


def _listing_rank(phase):
    """The SQL of a phase's place in listing order (``LISTING_RANK``); not yet public (NULL) first."""
    ranks = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in LISTING_RANK.items())
    return f"CASE {phase} {ranks} ELSE -1 END"


@functools.cache
def _learned_sql(narrowed, part, reverse=False):
    """An instrument's phase on ``on`` as known on the earlier knowledge date ``lo`` can differ
    from it as known on the later ``hi`` only if its current row covering ``on`` as known on
    ``hi`` starts in knowledge after ``lo`` (on every knowledge date from its first source on,
    its current rows tile valid time): those rows, read by ``known_period_learned_idx``, are
    joined on the instrument to the rows covering ``on`` as known on ``lo`` that end in
    knowledge by ``hi`` (``known_period_boundary_idx``), the only ones that can have changed. An
    instrument with none of the latter was not yet public on ``lo``; one with neither is not
    listed. (Probing each candidate's two phases by its instrument took 70–94 ms for a year of
    knowledge at 100,000 instruments; the join, 9.) ``reverse`` when ``known_a`` is the later."""
    periods = connection.ops.quote_name(KnownPeriod._meta.db_table)
    selected = " AND h.instrument_id IN ({selection})" if narrowed else ""  # its parameters come last
    covering = "recorded_to IS NULL AND valid_from <= %s AND valid_to > %s"
    learned = (
        f"SELECT instrument_id, phase, title FROM {periods} WHERE {covering} "
        "AND known_from > %s AND known_from <= %s AND known_to > %s"
    )
    held = (
        f"SELECT instrument_id, phase FROM {periods} WHERE {covering} "
        "AND known_from <= %s AND known_to > %s AND known_to <= %s"
    )
    changed = (
        f"FROM ({learned}) h LEFT JOIN ({held}) l ON l.instrument_id = h.instrument_id "
        f"WHERE (l.phase IS NULL OR l.phase <> h.phase){selected}"
    )
    first, second = ("h.phase", "l.phase") if reverse else ("l.phase", "h.phase")
    shown = [f"COALESCE({column}, '{NOT_YET_PUBLIC}')" for column in (first, second)]
    if part == "groups":
        return f"SELECT {shown[0]}, {shown[1]}, COUNT(*) {changed} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
    order = f"ORDER BY {_listing_rank(first)}, {_listing_rank(second)}, h.title, h.instrument_id"
    limit = " LIMIT %s OFFSET %s" if part == "rows" else ""
    return f"SELECT h.instrument_id, {shown[0]}, {shown[1]} {changed} {order}{limit}"


class LearnedComparison(_Comparison):
    """What was learned between two knowledge dates about one valid date: the instruments whose
    phase on ``on`` as known on ``known_a`` differs from their phase on it as known on
    ``known_b`` (either order), as ``(instrument id, phase as known on a, as known on b)``, by
    the first phase, the second (listing order, not yet public first), then title. A phase is
    ``NOT_YET_PUBLIC`` as known on a date before any of the instrument's sources was published;
    one public on neither date is left out. As recorded now."""

    def __init__(self, on, known_a, known_b, instruments=None):
        self.on, self.known_a, self.known_b, self.instruments = on, known_a, known_b, instruments

    def _query(self, part):
        lo, hi = sorted((self.known_a, self.known_b))
        sql = _learned_sql(self.instruments is not None, part, self.known_a > self.known_b)
        return sql, [self.on, self.on, lo, hi, hi, self.on, self.on, lo, lo, hi]

    @property
    def row_query(self):
        """The query of a row's link: its instrument's page on ``on`` as known on ``known_b``."""
        return f"?on={self.on.isoformat()}&known={self.known_b.isoformat()}"

    @property
    def compare_query(self):
        """The query of a row's one-instrument comparison: the same three dates."""
        return f"?on={self.on.isoformat()}&known_a={self.known_a.isoformat()}&known_b={self.known_b.isoformat()}"
