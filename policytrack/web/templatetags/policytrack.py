from html import escape

import nh3
from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from policytrack.timeline.wording import phase_label as _phase_label
from policytrack.web import identifiers
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
    return _phase_label(value)


def _methodology(anchor):
    return f"{reverse('web:methodology')}#{anchor}"


@register.simple_tag
def phase_badge(phase):
    """A phase's badge, linked to what the phase means on the methodology page."""
    if not phase:
        return mark_safe('<span class="muted">no status</span>')
    return mark_safe(
        f'<a class="badge phase-{escape(phase)}" href="{escape(_methodology("phase-" + phase))}">'
        f"{escape(phase_label(phase))}</a>"
    )


@register.simple_tag
def explained(anchor):
    """The address of ``anchor`` on the methodology page."""
    return _methodology(anchor)


@register.simple_tag(takes_context=True)
def changes_feed_url(context):
    """The Atom feed of changes with the page's agency and topic filters, knowledge date and
    record moment (the ones it takes), or "" when there is no feed."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch

    try:
        url = reverse("feeds:changes")
    except NoReverseMatch:
        return ""
    query = context["request"].GET
    pairs = [
        (name, value)
        for name in ("agency", "topic", "known", "recorded")
        for value in query.getlist(name)
        if value.strip()
    ]
    return f"{url}?{urlencode(pairs)}" if pairs else url


_LINKERS = {
    "cfr": identifiers.cfr_url,
    "rin": identifiers.rin_url,
    "docket": identifiers.docket_url,
    "citation": identifiers.fr_citation_url,
    "fr_document": identifiers.fr_document_url,
}


@register.filter
def linked(value, kind):
    """An identifier (or a list of them, comma-separated) linked to where it is kept, as far as
    its form is recognised; the rest as text."""
    values = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in values:
        url = _LINKERS[kind](str(item))
        out.append(f'<a href="{escape(url)}" rel="noopener">{escape(str(item))}</a>' if url else escape(str(item)))
    return mark_safe(", ".join(out))


@register.simple_tag
def options(choices):
    """The ``<option>`` elements of (value, label, chosen) triples. One tag, not a loop of
    template nodes: the filter form's sixty-odd options were a fifth of the time /on/ spent in
    its template."""
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if chosen else ""}>{escape(label)}</option>'
            for value, label, chosen in choices
        )
    )


@register.filter
def abbreviations(names):
    """(name, abbreviation) pairs as ``<abbr>`` elements, comma-separated: a list's agencies."""
    return mark_safe(", ".join(f'<abbr title="{escape(name)}">{escape(short)}</abbr>' for name, short in names))


@register.simple_tag
def phase_rows(rows):
    """The table rows of one phase on /on/<date>/: each instrument (linked, its long title under
    a short one), its kind, agencies, and since when it has been in this phase. Written here
    rather than as a template loop, as Django's admin writes its change list's rows: fifty rows
    took 1.9 ms as template nodes, 0.1 ms as this."""
    html = []
    for row in rows:
        link = escape(row.link)
        subtitle = f'\n          <div class="muted">{escape(row.title)}</div>' if row.short_title else ""
        since = (
            f'<a href="{link}">{_human_date(row.since)}</a>'
            if row.since
            else '<span class="muted">no earlier change</span>'
        )
        html.append(
            f'<tr>\n        <td><a href="{link}">{escape(row.short_title or row.title)}</a>{subtitle}</td>\n'
            f"        <td>{escape(row.kind_label)}</td>\n"
            f"        <td>{abbreviations(row.agency_names)}</td>\n"
            f"        <td>{since}</td>\n      </tr>"
        )
    return mark_safe("\n      ".join(html))


@register.simple_tag
def change_sections(changes, before_label, end_label):
    """The ``<section>`` of each instrument on a page of changes: its name (linked to its
    timeline at the window's end; its full title under a short one), its phase the day before the window against its phase on the
    last day, and its events in the window. Written here for the reason ``phase_rows`` is: as
    template nodes, fifty sections were three quarters of the page's template (3 of 4 ms)."""
    before, end = escape(before_label), escape(end_label)
    html = []
    for change in changes:
        slug = escape(change.instrument.slug)
        unchanged = "" if change.changed else '\n    <span class="muted">(status unchanged)</span>'
        events = (
            f'<ul class="dated-list">\n    {_dated_events(change.events)}\n  </ul>'
            if change.events
            else '<p class="muted">No event is dated in the window: a delay moved a change into it.</p>'
        )
        # Listed by full title: shown under a short one, so that the order can be followed.
        full = (
            f'  <p class="full-title muted">{escape(change.instrument.title)}</p>\n'
            if change.instrument.short_title
            else ""
        )
        html.append(
            f'<section class="change" aria-labelledby="change-{slug}">\n'
            f'  <h2 id="change-{slug}"><a href="{escape(change.link)}">{escape(str(change.instrument))}</a></h2>\n'
            f'{full}  <p class="transition">\n'
            f'    <span class="muted">{before}</span> {_badge(change.before)}\n'
            f'    <span aria-hidden="true">→</span><span class="visually-hidden">then</span>\n'
            f'    <span class="muted">{end}</span> {_badge(change.after)}{unchanged}\n'
            f"  </p>\n  {events}\n</section>"
        )
    return mark_safe("\n".join(html))


def _badge(phase):
    # None: no stored period covers the day (check_status_periods --repair mends that)
    return phase_badge(phase)


def _dated_events(events):
    """The ``<li>`` of each event of an instrument on the changes page: its date, its kind
    (linked to its row on the timeline) and its sources, each saying the date it gives where it
    differs."""
    items = []
    for event in events:
        sources = ""
        if event.sources:
            named = "; ".join(
                f'<a href="{escape(url)}">{escape(name)}</a>' + (f" says {escape(says)}" if says else "")
                for url, name, says in event.sources
            )
            sources = f'<span class="muted">— source{"" if len(event.sources) == 1 else "s"}: {named}</span>'
        items.append(
            f'<li><time datetime="{event.iso_date}">{escape(event.when)}</time>\n'
            f'      <a href="{escape(event.link)}">{escape(event.kind_label)}</a>\n'
            f"      {sources}\n    </li>"
        )
    return "\n    ".join(items)


@register.filter
def sanitized(value):
    """Imported HTML cleaned down to harmless markup (plain text comes out escaped)."""
    return mark_safe(nh3.clean(str(value), tags=EXCERPT_TAGS, link_rel="noopener noreferrer nofollow"))
