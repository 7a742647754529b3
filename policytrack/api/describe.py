"""How an event reads outside the site — in a feed entry or a calendar entry: its title, the
address of its row on the timeline page, a stable identifier, and the sources behind it."""

from __future__ import annotations

from html import escape

from django.utils.safestring import mark_safe

from policytrack.times import times_query
from policytrack.timeline.wording import DOCUMENT_KIND_LABELS, EVENT_KIND_LABELS, human_date
from policytrack.web.paths import path_maker


def event_title(instrument, event, date=None, precision=None):
    """ "AI Diffusion Rule: enforcement suspended (13 May 2025)" """
    when = human_date(date or event.date, precision or event.precision)
    return f"{instrument}: {EVENT_KIND_LABELS.get(event.kind, event.kind)} ({when})"


def event_path_maker(known=None, recorded=None):
    """A function giving an event's row on its timeline page (the page gives each row
    ``id="event-<key>"``), for many events, reversing the address once; the page as known on
    ``known`` and as recorded at ``recorded`` if given."""
    instrument_path = path_maker("web:instrument_detail", "__slug__")
    query = f"?{times_query(known, recorded)}" if known or recorded else ""
    return lambda instrument, event: f"{instrument_path(instrument.slug)}{query}#event-{event.key}"


def event_uid(instrument, event):
    """Stable for as long as the instrument's slug and the event's key are: calendar apps and
    feed readers update the entry they have instead of adding another."""
    return f"{instrument.slug}.{event.key}@policytrack"


def _claims(event):
    # As known on a date, an event read for it carries the claims published by then.
    claims = getattr(event, "known_claims", None)
    return sorted(
        (claim for claim in (event.claims.all() if claims is None else claims) if claim.retracted_at is None),
        key=lambda claim: (claim.document.effective_rank, claim.position, claim.pk),
    )


def _source_parts(claim):
    document = claim.document
    parts = [document.publisher or DOCUMENT_KIND_LABELS.get(document.kind, document.kind)]
    if document.citation:
        parts.append(document.citation)
    return parts


def sources_text(event):
    """The sources as plain lines, best first: who published what, and the date each gives."""
    lines = []
    for claim in _claims(event):
        document = claim.document
        kind = DOCUMENT_KIND_LABELS.get(document.kind, document.kind)
        line = (
            f"{', '.join(_source_parts(claim))}: “{document.title}” ({kind}, "
            f"published {human_date(document.published_on)}) gives {human_date(claim.date, claim.precision)}"
        )
        if document.url:
            line += f" — {document.url}"
        lines.append(line)
    return lines or ["No source recorded for this event yet."]


def _source_html(claim):
    document = claim.document
    title = f"“{escape(document.title)}”"
    if document.url:
        title = f'<a href="{escape(document.url)}">{title}</a>'
    quote = f": <q>{escape(claim.quote)}</q>" if claim.quote else ""
    return (
        f"<li>{escape(', '.join(_source_parts(claim)))}: {title} "
        f"({escape(DOCUMENT_KIND_LABELS.get(document.kind, document.kind))}, published "
        f"{human_date(document.published_on)}) gives {human_date(claim.date, claim.precision)}{quote}</li>"
    )


def sources_html(event):
    """The sources as an HTML list (escaped), best first. Written with ``html.escape``, not
    ``format_html``: a feed of fifty entries built three hundred fragments (1.5 ms)."""
    claims = _claims(event)
    if not claims:
        return mark_safe("<p>No source recorded for this event yet.</p>")
    return mark_safe(f"<p>Sources:</p><ul>{''.join(_source_html(claim) for claim in claims)}</ul>")
