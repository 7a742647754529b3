"""The phase tally over valid × knowledge time (``KnownPhaseTally``): how many instruments are in
each phase on D as known on K, from a bounded number of rows whatever the size of the portfolio.

Each current ``KnownPeriod`` rectangle [valid_from, valid_to) × [known_from, known_to) is four
corners: +1 at (valid_from, known_from) and (valid_to, known_to), −1 at (valid_to, known_from)
and (valid_from, known_to). The sum of a phase's corners with valid day ≤ D and knowledge day ≤ K
counts its rectangles with valid_from ≤ D < valid_to and known_from ≤ K < known_to — the rows
``KnownPeriod.objects.covering(D, K)`` reads. Corners on ``END_OF_TIME`` are not stored: the
readers' dates stop at ``dates.LATEST``, so no quadrant reaches them (and a rectangle open on
an axis is, as it should be, never closed on it).

The corners are summed by year, month and day of each axis, nine grains in one table. The
days up to D are the years before D's year, the months of its year before its month and the
days of its month up to D; so are those up to K; the quadrant is the nine pairs of those
ranges, each a range of the table's unique index holding at most a calendar's worth of rows.
Kept in step by the rebuild in ``periods.py``, in the transaction that opens and closes the
rows, after the day and year tallies (the order every transaction locks them in)."""

from __future__ import annotations

import datetime
from collections import Counter
from itertools import product

from django.db import connections, router, transaction
from django.db.models import Count

from .models import END_OF_TIME, KnownPeriod, KnownPhaseTally
from .writing import insert_rows, upsert_deltas

UNITS = ("year", "month", "day")
# Grain n is the pair GRAINS[n] of units: the valid axis's, then the knowledge axis's.
GRAINS = tuple(product(range(len(UNITS)), repeat=2))
_KEYS = {"grain": "smallint", "valid_bucket": "date", "known_bucket": "date"}
COLUMNS = (*_KEYS, "phase", "delta")
# The corners of a rectangle: (valid column, knowledge column, sign).
_CORNERS = (
    ("valid_from", "known_from", +1),
    ("valid_to", "known_from", -1),
    ("valid_from", "known_to", -1),
    ("valid_to", "known_to", +1),
)


def _buckets(day):
    """The first day of ``day``'s year, month and day."""
    return day.replace(month=1, day=1), day.replace(day=1), day


def corners(rectangles, sign=+1):
    """The corners of ``rectangles``, (phase, valid_from, valid_to, known_from, known_to), each
    counted ``sign`` times: (valid day, knowledge day, phase) → n."""
    found = Counter()
    for phase, valid_from, valid_to, known_from, known_to in rectangles:
        for valid, valid_sign in ((valid_from, sign), (valid_to, -sign)):
            if valid == END_OF_TIME:
                continue
            for known, known_sign in ((known_from, valid_sign), (known_to, -valid_sign)):
                if known != END_OF_TIME:
                    found[valid, known, phase] += known_sign
    return found


def _by_grain(found):
    """Corners, (valid day, knowledge day, phase) → n, summed by grain: (grain, valid bucket,
    knowledge bucket, phase) → n."""
    deltas = Counter()
    for (valid, known, phase), n in found.items():
        if n:
            valid_buckets, known_buckets = _buckets(valid), _buckets(known)
            for grain, (valid_unit, known_unit) in enumerate(GRAINS):
                deltas[grain, valid_buckets[valid_unit], known_buckets[known_unit], phase] += n
    return deltas


def add(found):
    """Add corners, (valid day, knowledge day, phase) → n, to the stored tally."""
    if found:
        upsert_deltas(KnownPhaseTally, _KEYS, _by_grain(found))


def corners_of(rows):
    """The corners of the rows of a ``KnownPeriod`` queryset (current ones, as the caller
    filters them), counted by the database: one grouped query per corner."""
    found = Counter()
    for valid, known, sign in _CORNERS:
        grouped = (
            rows.exclude(**{valid: END_OF_TIME})
            .exclude(**{known: END_OF_TIME})
            .order_by()
            .values(valid, known, "phase")
            .annotate(n=Count("pk"))
            .values_list(valid, known, "phase", "n")
        )
        for valid_day, known_day, phase, n in grouped.iterator(chunk_size=10000):
            found[valid_day, known_day, phase] += sign * n
    return found


def expected():
    """The tally as the current rows say it should be: (grain, valid bucket, knowledge bucket,
    phase) → delta, zeros left out."""
    return {key: delta for key, delta in _by_grain(corners_of(KnownPeriod.objects.current())).items() if delta}


def differences():
    """The (grain, valid bucket, knowledge bucket, phase) entries where the stored tally
    disagrees with the current rows over knowledge time."""
    wanted = expected()
    stored = {
        (grain, valid, known, phase): delta
        for grain, valid, known, phase, delta in KnownPhaseTally.objects.values_list(
            "grain", "valid_bucket", "known_bucket", "phase", "delta"
        ).iterator(chunk_size=10000)
        if delta
    }
    return sorted(key for key in wanted.keys() | stored.keys() if wanted.get(key) != stored.get(key))


def rows(found):
    """Corners as the rows of an empty tally, tuples of ``COLUMNS``."""
    return sorted((*key, delta) for key, delta in _by_grain(found).items() if delta)


def rebuild():
    """Write the tally again from the current rows: into the emptied table with plain inserts
    (COPY on PostgreSQL), which took 15 s at 100,000 instruments against 33 s as upserts."""
    with transaction.atomic():
        KnownPhaseTally.objects.all().delete()
        insert_rows(rows(corners_of(KnownPeriod.objects.current())), KnownPhaseTally, COLUMNS)


def _up_to(day):
    """The bucket ranges, by unit, whose union is every day up to ``day``: (first, last)
    inclusive, None when empty (no year before year 1, no month of January's year before it)."""
    year_start, month_start = day.replace(month=1, day=1), day.replace(day=1)
    one_day = datetime.timedelta(days=1)
    return (
        (datetime.date.min, year_start - one_day) if day.year > 1 else None,
        (year_start, month_start - one_day) if day.month > 1 else None,
        (month_start, day),
    )


def query(connection, on, known):
    """The SQL and parameters of ``counts``: rows of (phase, count)."""
    name = connection.ops.quote_name
    day = connection.ops.adapt_datefield_value
    valid_ranges, known_ranges = _up_to(on), _up_to(known)
    parts, params = [], []
    for grain, (valid_unit, known_unit) in enumerate(GRAINS):
        valid_range, known_range = valid_ranges[valid_unit], known_ranges[known_unit]
        if valid_range is None or known_range is None:
            continue
        parts.append(
            f"SELECT {name('phase')}, {name('delta')} FROM {name(KnownPhaseTally._meta.db_table)} "
            f"WHERE {name('grain')} = %s AND {name('valid_bucket')} BETWEEN %s AND %s "
            f"AND {name('known_bucket')} BETWEEN %s AND %s"
        )
        params += [grain, *map(day, valid_range), *map(day, known_range)]
    sql = (
        f"SELECT {name('phase')}, SUM({name('delta')}) FROM ({' UNION ALL '.join(parts)}) AS deltas "
        f"GROUP BY {name('phase')}"
    )
    return sql, params


def counts(on, known):
    """How many instruments are in each phase on ``on`` as known on ``known``: phase → count.
    One query over at most nine ranges of the tally's unique index, as SQL for the reason
    ``phase_counts_on`` gives."""
    connection = connections[router.db_for_read(KnownPhaseTally)]
    with connection.cursor() as cursor:
        cursor.execute(*query(connection, on, known))
        return {phase: n for phase, n in cursor.fetchall() if n}
