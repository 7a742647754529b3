"""How an event reads outside the site — in a feed entry or a calendar entry: its title, the
address of its row on the timeline page, a stable identifier, and the sources behind it."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from policytrack.timeline.models import Document, Event
from policytrack.timeline.wording import human_date
from policytrack.web.paths import path_maker

# Labels by value: ``get_kind_display()`` rebuilds its dictionary of choices on every call, and a
# feed of fifty entries calls it hundreds of times.
EVENT_KINDS = dict(Event.Kind.choices)
DOCUMENT_KINDS = dict(Document.Kind.choices)


def event_title(instrument, event, date=None, precision=None):
    """ "AI Diffusion Rule: enforcement suspended (13 May 2025)" """
    when = human_date(date or event.date, precision or event.precision)
    return f"{instrument}: {EVENT_KINDS.get(event.kind, event.kind)} ({when})"


def event_path_maker():
    """A function giving an event's row on its timeline page (the page gives each row
    ``id="event-<key>"``), for many events, reversing the address once."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    return lambda instrument, event: f"{instrument_path(instrument.slug)}#event-{event.key}"


def event_uid(instrument, event):
    """Stable for as long as the instrument's slug and the event's key are: calendar apps and
    feed readers update the entry they have instead of adding another."""
    return f"{instrument.slug}.{event.key}@policytrack"


def _claims(event):
    return sorted(event.claims.all(), key=lambda claim: (claim.document.effective_rank, claim.position, claim.pk))


def _source_parts(claim):
    document = claim.document
    parts = [document.publisher or DOCUMENT_KINDS.get(document.kind, document.kind)]
    if document.citation:
        parts.append(document.citation)
    return parts


def sources_text(event):
    """The sources as plain lines, best first: who published what, and the date each gives."""
    lines = []
    for claim in _claims(event):
        document = claim.document
        kind = DOCUMENT_KINDS.get(document.kind, document.kind)
        line = f"{', '.join(_source_parts(claim))}: “{document.title}” ({kind}, " \
               f"published {human_date(document.published_on)}) gives {human_date(claim.date, claim.precision)}"
        if document.url:
            line += f" — {document.url}"
        lines.append(line)
    return lines or ["No source recorded for this event yet."]


def _source_html(claim):
    document = claim.document
    title = format_html("<a href=\"{}\">“{}”</a>", document.url, document.title) if document.url \
        else format_html("“{}”", document.title)
    quote = format_html(": <q>{}</q>", claim.quote) if claim.quote else ""
    return format_html("<li>{}: {} ({}, published {}) gives {}{}</li>", ", ".join(_source_parts(claim)), title,
                       DOCUMENT_KINDS.get(document.kind, document.kind), human_date(document.published_on),
                       human_date(claim.date, claim.precision), quote)


def sources_html(event):
    """The sources as an HTML list (escaped), best first."""
    claims = _claims(event)
    if not claims:
        return mark_safe("<p>No source recorded for this event yet.</p>")
    return format_html("<p>Sources:</p><ul>{}</ul>", format_html_join("", "{}", ((_source_html(c),) for c in claims)))
