"""The Federal Register watcher: asks the API for new documents touching what is tracked and
files each as a proposal in the review queue.

One query per thing tracked — an agency, a RIN, a docket, a CFR part, the citation of a tracked
Federal Register document — each asked from its cursor (the last publication date it saw), oldest
first, following ``next_page_url`` up to a page cap. Every answer is stored with its retrieval
time (``WatchResponse``). A document is filed once, whatever query finds it and however often
(``Proposal.source_ref``), and never when the timeline already holds it.

API: https://www.federalregister.gov/developers/documentation/api/v1 (documents.json search,
``conditions[...]``, ``per_page`` at most 1000, ``next_page_url``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from policytrack.ingest import fr_classify
from policytrack.ingest.federal_register import check
from policytrack.timeline.models import Agency, Document, Instrument

from .models import Proposal, WatchCursor, WatchResponse
from .proposals import preview

PER_PAGE = 100  # the API allows up to 1000; 100 keeps one answer small enough to store and read
MAX_PAGES = 10  # per query and run; the cursor resumes the rest next time
LOOKBACK = datetime.timedelta(days=30)  # a query's first run, without --since
# The fields the importer reads (federal_register.check), asked for explicitly: a search page
# holds only a few by default.
FIELDS = (
    "document_number",
    "title",
    "type",
    "action",
    "subtype",
    "publication_date",
    "effective_on",
    "comments_close_on",
    "signing_date",
    "dates",
    "docket_ids",
    "regulation_id_numbers",
    "html_url",
    "pdf_url",
    "abstract",
    "correction_of",
    "presidential_document_type",
    "citation",
    "volume",
    "start_page",
    "cfr_references",
    "agencies",
)


class WatchError(Exception):
    """The watcher cannot go on (the API cannot be reached or answers nonsense); one line."""


class QueryRefused(Exception):
    """The API refused one query (4xx: e.g. an agency slug it does not know); the others go on."""


@dataclass
class Query:
    name: str  # stable: the cursor's key, e.g. "rin:0694-AJ90"
    conditions: dict


@dataclass
class Outcome:
    queries: int = 0
    pages: int = 0
    documents: int = 0
    filed: list = field(default_factory=list)  # document numbers filed as proposals
    problems: list = field(default_factory=list)  # queries the API refused, in words

    def summary(self):
        n = len(self.problems)
        refused = f", {n} {'query' if n == 1 else 'queries'} refused" if n else ""
        return (
            f"{self.queries} queries, {self.pages} pages, {self.documents} documents seen, "
            f"{len(self.filed)} new proposals{refused}"
        )


def tracked_queries():
    """One query per agency, RIN, docket, CFR part and tracked FR citation, in a stable order."""
    queries = [
        Query(f"agency:{slug}", {"conditions[agencies][]": slug})
        for slug in Agency.objects.order_by("slug").values_list("slug", flat=True)
    ]
    rins, dockets, parts = set(), set(), set()
    for rin, docket_ids, cfr_parts in Instrument.objects.values_list("rin", "docket_ids", "cfr_parts").iterator():
        rins.update(r for r in [rin] if r)
        dockets.update(docket_ids or ())
        parts.update(cfr_parts or ())
    queries += [Query(f"rin:{rin}", {"conditions[regulation_id_number]": rin}) for rin in sorted(rins)]
    queries += [Query(f"docket:{docket}", {"conditions[docket_id]": docket}) for docket in sorted(dockets)]
    for part in sorted(parts):  # stored as "15 CFR 748"
        title, _, number = part.partition(" CFR ")
        if title.strip().isdigit() and number.strip():
            queries.append(
                Query(f"cfr:{part}", {"conditions[cfr][title]": title.strip(), "conditions[cfr][part]": number.strip()})
            )
    citations = Document.objects.filter(kind="federal_register").exclude(citation="").order_by("citation")
    queries += [
        Query(f"cites:{citation}", {"conditions[term]": f'"{citation}"'})
        for citation in citations.values_list("citation", flat=True).distinct()
    ]
    return queries


def _get(client, url, params, query):
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException:
        raise WatchError(f"the Federal Register API at {url} did not answer in time; nothing more was asked") from None
    except httpx.HTTPError as error:
        raise WatchError(f"cannot reach the Federal Register API at {url} ({error}); check the network") from None
    WatchResponse.objects.create(
        query=query.name,
        url=str(response.url),
        status_code=response.status_code,
        body=response.text,
        retrieved_at=timezone.now(),
    )
    if 400 <= response.status_code < 500:
        raise QueryRefused(f"{query.name}: the Federal Register API answered HTTP {response.status_code}")
    if response.status_code != 200:
        raise WatchError(f"the Federal Register API answered HTTP {response.status_code} to {response.url}")
    try:
        page = json.loads(response.text)
    except json.JSONDecodeError:
        raise WatchError(f"the Federal Register API's answer to {response.url} is not JSON") from None
    if not isinstance(page, dict) or not isinstance(page.get("results", []), list):
        raise WatchError(f"the Federal Register API's answer to {response.url} has no list of results")
    return page


def file_document(raw, query_name=""):
    """File one API document as a pending proposal, unless it was filed or imported before.
    Returns the proposal, or None when there was nothing new."""
    number = raw.get("document_number") if isinstance(raw, dict) else None
    if not isinstance(number, str) or not number:
        return None
    ref = f"fr:{number}"
    if Proposal.objects.filter(source_ref=ref).exists() or Document.objects.filter(fr_document_number=number).exists():
        return None
    doc, _ = check(raw, "")
    proposal = Proposal(
        kind=Proposal.Kind.FEDERAL_REGISTER_DOCUMENT,
        origin=Proposal.Origin.WATCHER,
        payload=raw,
        source_publisher="Federal Register",
        source_title=str(raw.get("title") or "")[:1000],
        source_url=raw.get("html_url") if str(raw.get("html_url") or "").startswith("https://") else "",
        source_ref=ref,
        classification=classify(doc),
        summary=f"{number}: {str(raw.get('title') or '')}"[:480] + (f" (found by {query_name})" if query_name else ""),
    )
    proposal.preview = preview(proposal)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # another run filed it meanwhile
        return None
    return proposal


def classify(doc):
    """The Federal Register importer's class for a checked document ("" when it could not be read)."""
    return fr_classify.classify(doc) if doc else ""


def watch(since=None, max_pages=MAX_PAGES, per_page=PER_PAGE, base_url=None, transport=None, queries=None):
    """Run every tracked query once. ``since`` overrides every cursor."""
    base = (base_url or settings.FEDERAL_REGISTER_API).rstrip("/")
    outcome = Outcome()
    per_page = max(1, min(per_page, 1000))
    with httpx.Client(transport=transport, timeout=30.0, follow_redirects=True) as client:
        for query in tracked_queries() if queries is None else queries:
            outcome.queries += 1
            cursor = WatchCursor.objects.filter(query=query.name).first()
            start = since or (cursor.since if cursor else timezone.localdate() - LOOKBACK)
            params = {
                **query.conditions,
                "conditions[publication_date][gte]": start.isoformat(),
                "order": "oldest",
                "per_page": per_page,
                "fields[]": list(FIELDS),
            }
            url, latest = f"{base}/documents.json", start
            for _ in range(max_pages):
                try:
                    page = _get(client, url, params, query)
                except QueryRefused as refused:
                    outcome.problems.append(str(refused))
                    break
                outcome.pages += 1
                for raw in page.get("results") or []:
                    outcome.documents += 1
                    if (proposal := file_document(raw, query.name)) is not None:
                        outcome.filed.append(proposal.source_ref.removeprefix("fr:"))
                    published = raw.get("publication_date") if isinstance(raw, dict) else None
                    if isinstance(published, str) and published[:10] > latest.isoformat():
                        latest = datetime.date.fromisoformat(published[:10])
                # Resume from the last day seen (inclusive: that day may have more to come).
                WatchCursor.objects.update_or_create(query=query.name, defaults={"since": latest})
                url, params = page.get("next_page_url"), None
                if not url:
                    break
    return outcome
