import nh3
from django import template
from django.utils.safestring import mark_safe

from policytrack.timeline.wording import PHASE_LABELS
from policytrack.timeline.wording import human_date as _human_date

register = template.Library()

# What an excerpt may keep of imported HTML: text structure and links, nothing executable.
EXCERPT_TAGS = {"p", "br", "em", "strong", "i", "b", "ul", "ol", "li", "a", "blockquote", "sub", "sup"}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def human_date(value, precision="day"):
    return _human_date(value, precision) if value else ""


@register.filter
def kind_label(value):
    return str(value).replace("_", " ")


@register.filter
def phase_label(value):
    return PHASE_LABELS.get(value, str(value).replace("_", " "))


@register.filter
def sanitized(value):
    """Imported HTML cleaned down to harmless markup (plain text comes out escaped)."""
    return mark_safe(nh3.clean(str(value), tags=EXCERPT_TAGS, link_rel="noopener noreferrer nofollow"))
