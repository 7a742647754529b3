"""What the editor must judge about one Federal Register document before importing it: its
DATES text with every date it gives marked and named, the sentences not understood, the
instrument it joins and why, and old → new for everything it changes.

The importer fills one ``DocumentPreview`` per document as it plans (``federal_register``); the
admin's import page shows them (templates/admin/timeline/document/import_federal_register.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import fr_dates

# How a marked date is named, by what it dates.
LABELS = {
    fr_dates.REFERENCE: "another document's date",
    fr_dates.OTHER: "a date of something else (not an event)",
    fr_dates.REPLY: "reply comments",
    fr_dates.EXPIRED: "expires",
}


@dataclass
class DocumentPreview:
    number: str
    title: str
    kind: str  # the document's class, in words
    dates_text: str = ""
    not_understood: list = field(default_factory=list)
    public_inspection: str = ""  # what a public-inspection copy is, when it is one
    joins: str = ""  # "instrument-slug: why", or "a new instrument slug"
    changes: list = field(default_factory=list)  # "old → new", one per event or field it changes
    editor: str = ""  # why the follow-on needs an editor, when it does
    reading: object = field(default=None, repr=False)  # fr_dates.Reading of dates_text
    published: object = field(default=None, repr=False)
    signed: object = field(default=None, repr=False)

    @property
    def marked(self):
        """dates_text as HTML, each date in a <mark> naming what it dates (made when shown: an
        import that is not previewed never pays for it)."""
        return marked_dates(self.dates_text, self.reading, self.published, self.signed)


def preview_of(doc):
    """The preview of one checked document, before it is planned."""
    preview = DocumentPreview(
        doc["number"],
        doc["title"],
        doc["class"].replace("_", " "),
        doc["dates_text"],
        list(doc["reading"].not_understood),
        reading=doc["reading"],
        published=doc["published"],
        signed=doc["signed"],
    )
    if doc["class"] == "public_inspection":
        preview.public_inspection = (
            f"a public-inspection copy, filed {doc['filed'] or '(no filing time given)'}: the day the public could "
            "first know it. It is not the published document and never overwrites it."
        )
    return preview


def marked_dates(text, reading, published=None, signed=None):
    """``text`` as safe HTML with each date it gives in a ``<mark>`` whose title says what the
    reader took it to date ("effective", "another document's date", "not placed")."""
    out, at = [], 0
    for sentence in reading.sentences:
        for start, end, day in fr_dates.date_spans(sentence.text, published, signed):
            start, end = sentence.start + start, sentence.start + end
            if start < at:
                continue
            label = _label(sentence, day)
            out += [
                escape(text[at:start]),
                f'<mark title="{escape(label)}" data-dates="{escape(label)}">',
                escape(text[start:end]),
                f"</mark><small> [{escape(label)}]</small>",
            ]
            at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))


def _label(sentence, day):
    for finding in sentence.findings:
        if finding.date == day:
            label = LABELS.get(finding.kind, finding.kind.replace("_", " "))
            if finding.kind == fr_dates.DELAYED:
                label = f"new {(finding.target or 'effective').replace('_', ' ')} date (delay)"
            return label + (f", for {finding.scope}" if finding.scope else "")
        if finding.until == day:
            return f"end of the {finding.kind.replace('_', ' ')}"
        if finding.old_date == day:
            return "the date a delay moves from"
    if day in sentence.references:
        return LABELS[fr_dates.REFERENCE]
    return "not placed: left for an editor"
