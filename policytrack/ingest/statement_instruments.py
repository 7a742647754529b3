"""The instruments a pasted statement may concern, as ``statements.InstrumentRef``: the thin
Django side of the statement engine (which imports no Django itself).

Identifiers are the strong evidence: RIN, docket ids, and the citation and document number of
every Federal Register document that backs one of the instrument's claims."""

from collections import defaultdict

from policytrack.timeline.models import Claim, Instrument

from .statements import InstrumentRef


def instrument_refs():
    """Every instrument as an ``InstrumentRef``, in two queries."""
    identifiers = defaultdict(set)
    for instrument_id, citation, number in (
        Claim.objects.exclude(document__citation="", document__fr_document_number="")
        .values_list("event__instrument_id", "document__citation", "document__fr_document_number")
        .distinct()
    ):
        identifiers[instrument_id].update(value for value in (citation, number) if value)
    refs = []
    for pk, slug, title, short_title, aliases, rin, dockets in Instrument.objects.values_list(
        "pk", "slug", "title", "short_title", "aliases", "rin", "docket_ids"
    ):
        names = tuple(name for name in (title, short_title, *(aliases or [])) if name)
        ids = tuple(value for value in (rin, *(dockets or []), *sorted(identifiers[pk])) if value)
        refs.append(InstrumentRef(slug, names, ids))
    return refs
