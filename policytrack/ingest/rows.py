"""Writing imported rows so that only real changes are saved (and so enter the history)."""


def upsert(model, lookup, values, instance=None):
    """Create, update or leave alone the row matching ``lookup`` (or ``instance``, if the
    caller has already read it).

    Returns ``(instance, outcome, changed)``: outcome is "created", "updated" or "unchanged",
    and ``changed`` names the fields an update changed."""
    if instance is None:
        instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created", []
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged", []
    for name in changed:
        setattr(instance, name, values[name])
    instance.save()
    return instance, "updated", changed
