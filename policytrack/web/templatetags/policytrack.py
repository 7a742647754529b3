from django import template

from policytrack.timeline.wording import human_date as _human_date

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def human_date(value, precision="day"):
    return _human_date(value, precision) if value else ""


@register.filter
def kind_label(value):
    return str(value).replace("_", " ")
