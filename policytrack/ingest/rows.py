"""Writing imported rows so that only real changes are saved (and so enter the history)."""

from django.conf import settings
from django.db import NotSupportedError, connections, router
from django.db.models import BooleanField, F, Func, Q
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model, get_m2m_field_name

# Values per ``__in`` read: Django counts SQLite's limit as 999 parameters a statement.
CHUNK = 500


def apply(instance, values):
    """Set ``values`` on ``instance`` and return the names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def upsert(model, lookup, values, instance=None):
    """Create, update or leave alone the row matching ``lookup`` (or ``instance``, if the
    caller has already read it).

    Returns ``(instance, outcome, changed)``: outcome is "created", "updated" or "unchanged",
    and ``changed`` names the fields an update changed."""
    if instance is None:
        instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created", []
    changed = apply(instance, values)
    if not changed:
        return instance, "unchanged", []
    instance.save()
    return instance, "updated", changed


def rows_where(queryset, match, values, chunk_size=CHUNK):
    """The rows of ``queryset`` matching ``values``, read in chunks (no query for no values).
    ``match`` names the field that is one of them, or makes the filter for a chunk of them."""
    for chunk in _chunks(sorted(set(values)), chunk_size):
        yield from queryset.filter(match(chunk) if callable(match) else Q(**{f"{match}__in": chunk}))


class HoldsAnyOf(Func):
    """True where the JSON list in ``column`` holds one of ``values``.

    Each row's elements are compared with the values in one pass, exactly; OR-ing ``icontains``
    once per value instead matches every pattern against every row (3.8 s against 10 ms for
    500 values on PostgreSQL at 10,000 instruments). Elements that are not strings never match."""

    output_field = BooleanField()
    CHUNK = 100  # values per query that PostgreSQL still looks up in the index

    def __init__(self, column, values):
        super().__init__(F(column))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"HoldsAnyOf is written for SQLite and PostgreSQL, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        # ``?|`` is true where a string element of the array (or, for an object, a key; or a
        # string scalar itself) is one of the values: the array test keeps only lists. The GIN
        # index on the column answers it, for up to a couple of hundred values: PostgreSQL then
        # prices the index above a scan of every row, which takes 600 ms at 100,000 instruments
        # (so read with ``rows_where(..., chunk_size=HoldsAnyOf.CHUNK)``). 500 docket ids in
        # chunks of 100: 85 ms (unnesting every row's list) → 12 ms.
        column, params = compiler.compile(self.source_expressions[0])
        return f"(jsonb_typeof({column}) = 'array' AND {column} ?| %s::text[])", (*params, *params, self.values)

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        placeholders = ", ".join(["%s"] * len(self.values))
        return (
            f"EXISTS (SELECT 1 FROM json_each(CASE json_type({column}) WHEN 'array' THEN {column} ELSE '[]' END) "
            f"AS element WHERE element.type = 'text' AND element.value IN ({placeholders}))",
            (*params, *params, *self.values),
        )


def create_with_history(model, instances):
    """``bulk_create`` the instances, then their history: what ``bulk_create_with_history``
    records, with the database copying the rows instead of Python building a historical
    instance per row."""
    model.objects.bulk_create(instances)
    record_history(model, instances)


def record_history(model, instances, update=False):
    """History records for rows just written in bulk, each holding the row as stored and the
    many-to-many links it has now — what ``save()`` and then ``.add()`` record row by row, in
    one record per row. One ``INSERT … SELECT`` per chunk (and per many-to-many field) copies
    the rows inside the database: building a historical instance per row and compiling it
    back to SQL was a third of a Federal Register import."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = get_history_manager_for_model(model).model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in history.tracked_fields]
    user = history.get_default_history_user(instances[0])
    extra = [timezone.now(), None, "~" if update else "+", getattr(user, "pk", None)]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}, history_date, "
        f"history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(columns)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({{}}) RETURNING history_id"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks([instance.pk for instance in instances]):
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*extra, *chunk])
            history_ids = [row[0] for row in cursor.fetchall()]
            for field in history._history_m2m_fields:
                _record_m2m_history(cursor, quote, model, history, field, history_ids, chunk)


def _record_m2m_history(cursor, quote, model, history, field, history_ids, pks):
    """Copy the links of rows ``pks`` in ``field`` into its history table, against their records
    just made, ``history_ids`` (the rows are named so that their links are read by index)."""
    through, m2m_history = getattr(model, field.name).through, getattr(history, field.name).model
    owner = quote(through._meta.get_field(get_m2m_field_name(field)).column)
    columns = [quote(column.column) for column in through._meta.fields]
    cursor.execute(
        f"INSERT INTO {quote(m2m_history._meta.db_table)} ({', '.join(columns)}, history_id) "
        f"SELECT {', '.join(f'link.{column}' for column in columns)}, record.history_id "
        f"FROM {quote(through._meta.db_table)} link JOIN {quote(history._meta.db_table)} record "
        f"ON record.{quote(model._meta.pk.column)} = link.{owner} "
        f"WHERE link.{owner} IN ({', '.join(['%s'] * len(pks))}) "
        f"AND record.history_id IN ({', '.join(['%s'] * len(history_ids))})",
        [*pks, *history_ids],
    )


def _chunks(values, size=CHUNK):
    values = list(values)
    return [values[start : start + size] for start in range(0, len(values), size)]
