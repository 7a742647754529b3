"""Writing derived rows in bulk: the status periods, the rows over knowledge time and the
events' placings as known on each date, and the tallies that count them."""

from __future__ import annotations

from django.db import connections, router


def insert_rows(rows, model, column_names):
    """Write derived rows (tuples of ``column_names``) of ``model`` with plain SQL (COPY on
    PostgreSQL): bulk_create spends more time compiling SQL than the database spends writing
    (the rows are derived, have no history and fire no signals)."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg formats the rows in C; arrays for UNNEST were quoted element by
            # element in Python (a fifth of a rewrite's time).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(column_names))})", rows
            )


def upsert_deltas(model, keys, deltas, chunk=2000):
    """Add ``deltas``, (*key values, phase) → n, to a tally ``model`` whose rows are unique by
    ``keys`` (column → PostgreSQL type, in order) and phase: a few multi-row upserts, in a fixed
    order so that two transactions touching the same rows lock them in the same order."""
    rows = sorted((*key, delta) for key, delta in deltas.items() if delta)
    connection = connections[router.db_for_write(model)]
    name = connection.ops.quote_name
    table = name(model._meta.db_table)
    columns = ", ".join(name(column) for column in (*keys, "phase", "delta"))
    unique = ", ".join(name(column) for column in (*keys, "phase"))
    upsert = f"ON CONFLICT ({unique}) DO UPDATE SET delta = {table}.delta + EXCLUDED.delta"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if rows:
                # One statement over one array per column: a statement per row (executemany)
                # cost a round trip each, and a multi-row VALUES list a parse of thousands of
                # placeholders.
                types = (*keys.values(), "varchar", "integer")
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST("
                    f"{', '.join(f'%s::{kind}[]' for kind in types)}) {upsert}",
                    [list(column) for column in zip(*rows)],
                )
            return
        placeholders = f"({', '.join(['%s'] * (len(keys) + 2))})"
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(part))} {upsert}",
                [value for row in part for value in row],
            )
