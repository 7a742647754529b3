"""Writing imported rows so that only real changes are saved (and so enter the history)."""

from django.db import NotSupportedError
from django.db.models import BooleanField, F, Func, Q
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


def rows_where(queryset, match, values):
    """The rows of ``queryset`` matching ``values``, read in chunks (no query for no values).
    ``match`` names the field that is one of them, or makes the filter for a chunk of them."""
    values = sorted(set(values))
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from queryset.filter(match(chunk) if callable(match) else Q(**{f"{match}__in": chunk}))


class HoldsAnyOf(Func):
    """True where the JSON list in ``column`` holds one of ``values``.

    Each row's elements are compared with the values in one pass, exactly; OR-ing ``icontains``
    once per value instead matches every pattern against every row (3.8 s against 10 ms for
    500 values on PostgreSQL at 10,000 instruments). Elements that are not strings never match."""

    output_field = BooleanField()

    def __init__(self, column, values):
        super().__init__(F(column))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"HoldsAnyOf is written for SQLite and PostgreSQL, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof({column}) WHEN 'array' THEN {column} "
                f"ELSE '[]' END) AS element WHERE jsonb_typeof(element) = 'string' AND element #>> '{{}}' = ANY(%s))",
                (*params, *params, self.values))

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        placeholders = ", ".join(["%s"] * len(self.values))
        return (f"EXISTS (SELECT 1 FROM json_each(CASE json_type({column}) WHEN 'array' THEN {column} ELSE '[]' END) "
                f"AS element WHERE element.type = 'text' AND element.value IN ({placeholders}))",
                (*params, *params, *self.values))


def bulk_history_with_m2m(model, instances, update=False):
    """History records for rows just written in bulk, each with the many-to-many links it has
    now — what a ``save()`` and then ``.add()`` record row by row, in one record per row."""
    history = get_history_manager_for_model(model)
    records = history.bulk_history_create(instances, update=update) if instances else None
    if not records:  # nothing written, or history is switched off
        return
    by_instance = {getattr(record, model._meta.pk.attname): record for record in records}
    for field in history.model._history_m2m_fields:
        through, m2m_history = getattr(model, field.name).through, getattr(history.model, field.name).model
        owner = through._meta.get_field(get_m2m_field_name(field)).attname
        columns = [column.attname for column in through._meta.fields]
        m2m_history.objects.bulk_create(
            m2m_history(history=by_instance[row[owner]], **row)
            for row in rows_where(through.objects.values(*columns), owner, by_instance))
