"""Hints to PostgreSQL's planner, for the few reads whose plan its default costs get wrong."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def reads_by_index(using):
    """On PostgreSQL, let the enclosed reads look rows up by index at the cost of an SSD.

    A batch's claims are a few thousand rows out of a million, found through the index on their
    event. With the default cost of a random read (4: a spinning disk), PostgreSQL prefers to
    scan every claim: it did so for freshly imported instruments in the rebuild (100 ms against
    10 ms for 500 instruments at 100,000). ``random_page_cost`` is lowered for these reads only
    (SET LOCAL, in a savepoint) — lowered for every query, it slowed the changes page — and put
    back after."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost'), set_config('random_page_cost', '1.1', true)")
        previous = cursor.fetchone()[0]
        yield
        # On an error the savepoint's rollback puts the setting back by itself.
        cursor.execute("SELECT set_config('random_page_cost', %s, true)", [previous])
