"""Full-text search over instruments: one search document per instrument, indexed by the
database (PostgreSQL: a weighted tsvector with a GIN index; SQLite: an FTS5 table), rebuilt with
the status periods (``periods._rebuild_batch``), so in the same transaction as every change.

Identifiers are written many ways ("90 FR 4544", "90 FR 4,544", "90FR4544"; "15 CFR part 748",
"part 748"; "BIS-2025-0001"). ``identifier_tokens`` reads them into one compact token each
("90fr4544", "15cfr748", "part748", "bis20250001"), at index time and at query time alike, so
that any form finds any other.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models.expressions import RawSQL
from django.db import connections, models, router
from django.db.models import ExpressionWrapper, F, FloatField, Func
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from .models import Claim, Document, Event, Instrument
from .planning import reads_by_index

FTS_TABLE = "timeline_search_fts"  # SQLite only: created by migration 0012
GIN_INDEX = "search_document_vector_gin"  # PostgreSQL only: created by migration 0012
CONFIG = "english"  # PostgreSQL's stemming; SQLite's FTS5 uses the Porter stemmer to match


class SearchDocument(models.Model):
    """What search reads of an instrument: derived, never typed (see ``reindex``)."""

    instrument = models.OneToOneField(
        Instrument, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    identifiers = models.TextField(help_text="Slug, RIN, dockets, CFR parts, FR citations, as compact tokens too.")
    titles = models.TextField(help_text="Title, short title and aliases.")
    body = models.TextField(help_text="Summary, event notes, claim quotes, and the cited documents' text.")
    # PostgreSQL only (NULL on SQLite): the weighted vector behind the GIN index.
    vector = SearchVectorField(null=True)

    class Meta:
        db_table = "timeline_searchdocument"


# -- identifiers -------------------------------------------------------------------------------

_FR_CITATION = re.compile(r"\b(\d{1,3})\s*F\.?\s?R\.?\s*(\d{1,3}(?:,\d{3})+|\d+)", re.I)
_CFR = re.compile(r"\b(\d{1,2})\s*C\.?\s?F\.?\s?R\.?\s*(?:parts?\s*|pt\.?\s*|§+\s*)?(\d{1,4})\b", re.I)
_PART = re.compile(r"\bparts?\s+(\d{1,4})\b", re.I)
_HYPHENATED = re.compile(r"\b[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b")
_FR_DOC_PREFIX = re.compile(r"\bFR\s*Doc(?:ument)?\.?\s*(?:No\.?|number)?\s*", re.I)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def _compact(text):
    return _NOT_ALNUM.sub("", text.lower())


def identifier_tokens(text):
    """The compact tokens of the identifiers in ``text``, in order, each once."""
    found = []
    for match in _FR_CITATION.finditer(text):
        found.append(f"{match[1]}fr{match[2].replace(',', '')}")
    for match in _CFR.finditer(text):
        found += [f"{match[1]}cfr{match[2]}", f"part{match[2]}"]
    found += [f"part{match[1]}" for match in _PART.finditer(text)]
    found += [_compact(match[0]) for match in _HYPHENATED.finditer(text) if _DIGIT.search(match[0])]
    return list(dict.fromkeys(found))


def query_terms(text):
    """A search as index terms: its identifiers as compact tokens, and its other words lowercased.
    Only letters and digits survive, so no operator, quote or NUL reaches the database."""
    text = _FR_DOC_PREFIX.sub(" ", text.replace("\x00", " "))
    identifiers = identifier_tokens(text)
    for pattern in (_FR_CITATION, _CFR, _PART):
        text = pattern.sub(" ", text)
    text = _HYPHENATED.sub(lambda m: " " if _DIGIT.search(m[0]) else m[0], text)
    words = [word.lower() for word in _WORD.findall(text.replace("_", " "))]
    return list(dict.fromkeys(identifiers + words))


# -- the index ---------------------------------------------------------------------------------


def _texts(instrument_ids):
    """(identifiers, titles, body) of each instrument, by id: four queries for the batch."""
    parts = {}
    for pk, slug, title, short_title, aliases, rin, dockets, cfr, summary in Instrument.objects.filter(
        pk__any=instrument_ids
    ).values_list("pk", "slug", "title", "short_title", "aliases", "rin", "docket_ids", "cfr_parts", "summary"):
        parts[pk] = (
            [slug, rin, *map(str, dockets or []), *map(str, cfr or [])],
            [title, short_title, *map(str, aliases or [])],
            [summary],
        )
    # Each instrument's events and claims in their order on its page, without the join to the
    # instruments their default order (by title) takes: 0.14 of a batch's 0.29 s in the database.
    events = Event.objects.filter(instrument_id__any=instrument_ids).order_by("instrument_id", "date", "position")
    for instrument_id, note in events.exclude(note="").values_list("instrument_id", "note"):
        parts[instrument_id][2].append(note)
    cited = defaultdict(set)
    claims = Claim.objects.filter(event__instrument_id__any=instrument_ids).order_by(
        "event__instrument_id", "event__date", "event__position", "position"
    )
    with reads_by_index(router.db_for_read(Claim)):  # by their events' index: not every claim
        claims = list(claims.values_list("event__instrument_id", "quote", "document_id"))
    for instrument_id, quote, document_id in claims:
        if quote:
            parts[instrument_id][2].append(quote)
        cited[document_id].add(instrument_id)
    for pk, title, publisher, citation, number, excerpt, note in Document.objects.filter(
        pk__any=list(cited)
    ).values_list("pk", "title", "publisher", "citation", "fr_document_number", "excerpt", "note"):
        for instrument_id in cited[pk]:
            identifiers, _, body = parts[instrument_id]
            identifiers += [citation, f"FR Doc. {number}" if number else ""]
            body += [title, publisher, strip_tags(excerpt), note]
    documents = {}
    for pk, (identifiers, titles, body) in parts.items():
        identifiers = [text for text in dict.fromkeys(identifiers) if text]
        body = [text for text in dict.fromkeys(body) if text]
        # The identifiers of the text found in notes and excerpts too ("docket BIS-2025-0001"):
        # weighted with the text, below the instrument's own.
        body += identifier_tokens(" \n".join(body))
        documents[pk] = (
            " \n".join(identifiers + identifier_tokens(" \n".join(identifiers))),
            " \n".join(text for text in titles if text),
            " \n".join(body),
        )
    return documents


def reindex(instrument_ids):
    """Bring the search documents of these instruments in step with them: those whose text
    changed (or that have none yet) are written again, those of deleted instruments dropped,
    the others left as they are (a full rebuild, which changes almost none, then writes none)."""
    instrument_ids = list(instrument_ids)
    if not instrument_ids:
        return
    documents = _texts(instrument_ids)
    stored = {
        pk: tuple(texts)
        for pk, *texts in SearchDocument.objects.filter(instrument_id__any=instrument_ids).values_list(
            "instrument_id", "identifiers", "titles", "body"
        )
    }
    gone = [pk for pk in stored if pk not in documents]
    documents = {pk: texts for pk, texts in documents.items() if stored.get(pk) != texts}
    stale = [*documents, *gone]
    if not stale:
        return
    SearchDocument.objects.filter(instrument_id__any=stale).delete()
    SearchDocument.objects.bulk_create(
        SearchDocument(instrument_id=pk, identifiers=ids, titles=titles, body=body)
        for pk, (ids, titles, body) in documents.items()
    )
    connection = connections[router.db_for_write(SearchDocument)]
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(instrument_id__any=list(documents)).update(
            vector=(
                SearchVector("identifiers", weight="A", config=CONFIG)
                + SearchVector("titles", weight="B", config=CONFIG)
                + SearchVector("body", weight="C", config=CONFIG)
            )
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(stale))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", stale)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, identifiers, titles, body) VALUES (%s, %s, %s, %s)",
                [(pk, *texts) for pk, texts in documents.items()],
            )


def drop(instrument_ids):
    """Forget deleted instruments (PostgreSQL's rows go by cascade; FTS5 has no foreign key)."""
    connection = connections[router.db_for_write(SearchDocument)]
    if connection.vendor == "sqlite" and instrument_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(instrument_ids))})",
                list(instrument_ids),
            )


# -- searching ---------------------------------------------------------------------------------


# Ranking reads every match (PostgreSQL's ts_rank its whole vector, FTS5's bm25 a lookup per
# row): a word most instruments contain ("rule") took 0.12–0.2 s at 10,000 instruments and grows
# with the portfolio. Up to this many matches a search is ranked; beyond it, the best of
# thousands is not worth a second of every reader's time, and the matches are listed by title
# (the page says so). Counting stops there too: "more than 1,000 instruments match".
RANKED_AT_MOST = 1000


def search(queryset, text, ranked=True, prefixes=False):
    """The instruments of ``queryset`` matching every term of ``text``: with ``ranked``, best
    first (then by title), each annotated with ``search_rank``; else by title. With ``prefixes``,
    a term matches any word it begins ("diffu" finds "diffusion"), as an editor types in the admin.
    A search with no letter or digit matches nothing."""
    terms = query_terms(text)
    if not terms:
        # Nothing, as a condition that compiles: /changes/ and /compare/ write the selection into
        # SQL of their own, and .none() cannot be written (EmptyResultSet, a 500 for ?q=+%26+).
        return queryset.filter(pk__isnull=True)
    connection = connections[router.db_for_read(SearchDocument)]
    if connection.vendor == "postgresql":
        query = _tsquery(terms, prefixes)
        found = queryset.filter(search_document__vector=query)
        if not ranked:
            return found.order_by("title", "pk")
        return found.annotate(search_rank=SearchRank(F("search_document__vector"), query)).order_by(
            "-search_rank", "title", "pk"
        )
    # FTS5: each term a quoted string (no quote can be in one), ANDed. bm25 is lower for better
    # matches; identifiers weigh 10, titles 4, text 1, as PostgreSQL's A, B and C roughly do.
    # The match is a subquery that names no outer table: /on/ and /changes/ nest the search in
    # subqueries of their own, where Django renames the instruments' table — a join with the FTS
    # table written by hand (extra) broke there ("no such column").
    match = _fts_match(terms, prefixes)
    found = queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))
    if not ranked:
        return found.order_by("title", "pk")
    # The ranks are read in one FTS5 query, best first, as far as the ranked limit, and written
    # into the query as values: a correlated bm25 subquery per row ran the whole match again for
    # each (600 ms for the 607 instruments matching "interim final rule" at 10,000).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, -bm25({FTS_TABLE}, 10.0, 4.0, 1.0) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC LIMIT %s",
            [match, RANKED_AT_MOST],
        )
        scores = cursor.fetchall()
    # One CASE over the id, its numbers written as literals (int and float, so nothing typed
    # reaches the SQL): a Case of When objects took Django longer to build than the query ran.
    cases = " ".join(f"WHEN {int(pk)} THEN {float(score)!r}" for pk, score in scores)
    rank = Func(F("pk"), template=f"CASE %(expressions)s {cases} ELSE 0.0 END" if cases else "0.0")
    return found.annotate(search_rank=ExpressionWrapper(rank, output_field=FloatField())).order_by(
        "-search_rank", "title", "pk"
    )


def matches_at_most(text, limit):
    """How many instruments match ``text``, counting no further than ``limit`` (so ``limit``
    means "that many or more"): one query that stops at the limit, read from the index alone
    for rare words and from the first rows of the table for common ones."""
    terms = query_terms(text)
    if not terms:
        return 0
    connection = connections[router.db_for_read(SearchDocument)]
    if connection.vendor == "postgresql":
        found = SearchDocument.objects.filter(vector=_tsquery(terms))
        return found.values("pk")[:limit].count()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [_fts_match(terms), limit],
        )
        return cursor.fetchone()[0]


def _tsquery(terms, prefixes=False):
    # Each term quoted, so nothing in it is read as tsquery syntax (terms are letters and digits).
    mark = ":*" if prefixes else ""
    return SearchQuery(" & ".join(f"'{term}'{mark}" for term in terms), search_type="raw", config=CONFIG)


def _fts_match(terms, prefixes=False):
    mark = "*" if prefixes else ""
    return " ".join(f'"{term}"{mark}' for term in terms)


def _pattern(term):
    """A regular expression finding a term in running text: an identifier's characters with any
    separators between them ("90fr4544" finds "90 FR 4,544"), a word as a word's beginning
    (so "diffusion" marks "Diffusion", and a stem marks its forms)."""
    if re.search(r"\d", term) and re.search(r"[a-z]|\d{5,}", term):
        return r"(?<![0-9A-Za-z])" + r"[\s,.\-§]*".join(map(re.escape, term)) + r"(?![0-9])"
    stem = term if len(term) < 5 else term[: max(4, len(term) - 2)]
    return r"\b" + re.escape(stem) + r"\w*"


def snippets(instrument_ids, text, width=220):
    """A short extract of each instrument's search document with the search's words marked
    (``<mark>``), by id: one query for the page."""
    terms = query_terms(text)
    if not terms or not instrument_ids:
        return {}
    finder = re.compile("|".join(_pattern(term) for term in terms), re.I)
    found = {}
    for pk, titles, identifiers, body in SearchDocument.objects.filter(instrument_id__any=instrument_ids).values_list(
        "instrument_id", "titles", "identifiers", "body"
    ):
        for source in (identifiers, titles, body):
            source = " · ".join(line for line in source.split(" \n") if not re.fullmatch(r"[0-9a-z]+", line))
            matches = list(finder.finditer(source))
            if matches:
                found[pk] = _marked(source, finder, _best_window(matches, width), width)
                break
    return found


def _best_window(matches, width):
    """Where the extract should centre: the match with the most different words marked after it
    within ``width`` characters (the first such)."""

    def words_after(match):
        return len({m[0].lower() for m in matches if match.start() <= m.start() < match.start() + width * 2 // 3})

    return max(matches, key=lambda match: (words_after(match), -match.start())).start()


def _marked(source, finder, around, width):
    start = max(0, around - width // 3)
    start = source.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(source), start + width)
    if end < len(source):
        end = max(source.rfind(" ", start, end), around + 1)
    piece, out, done = source[start:end], [], 0
    for match in finder.finditer(piece):
        out += [html.escape(piece[done : match.start()]), f"<mark>{html.escape(match[0])}</mark>"]
        done = match.end()
    out.append(html.escape(piece[done:]))
    return mark_safe(("… " if start else "") + "".join(out) + (" …" if end < len(source) else ""))
