"""Atom feeds of changes: one entry per event, newest first, each naming its sources and
linking to the event's row on the instrument's timeline."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe

from policytrack.times import counted_from, recorded_moment, times_label
from policytrack.timeline.changes import recent_events
from policytrack.timeline.dates import BadDate, parse_date
from policytrack.timeline.filters import InstrumentFilter, agency_and_descendants, error_messages
from policytrack.timeline.models import Agency, Claim, Event, Instrument, Topic
from policytrack.timeline.recorded import instrument_as_recorded
from policytrack.timeline.recorded_changes import Record
from policytrack.web.hindsight import knowledge_moment, notes_as_known
from policytrack.web.views import query_without_blanks

from .describe import event_path_maker, event_title, event_uid, sources_html


@dataclass
class Selection:
    """What one feed request follows."""

    title: str
    link: str  # the HTML page the feed mirrors
    feed_url: str
    events: Q  # the events it follows, as a filter on Event
    known: datetime.date | None = None  # as known on this date (None: with every source)
    on: datetime.date | None = None  # up to this date (None: counted from K, or today)
    claims: Q = Q()  # the same condition, on Claim
    instruments: Q = Q()  # the same condition, on Instrument
    recorded: datetime.datetime | None = None  # as recorded at this moment (None: now)


def _midnight(date):
    return datetime.datetime.combine(date, datetime.time.min, tzinfo=datetime.timezone.utc)


class ChangesFeed(Feed):
    """All changes; ``?agency=SLUG`` (with the agencies under it) and ``?topic=SLUG`` narrow it."""

    feed_type = Atom1Feed
    limit = 50
    author_name = "policytrack"  # Atom requires an author for the feed or for every entry

    def __call__(self, request, *args, **kwargs):
        # An unknown agency or topic is a bad parameter, as on the lists and in the calendar (a
        # 400 naming it), not a missing page; blanks are dropped, as a form sends them.
        filterset = InstrumentFilter(query_without_blanks(request.GET), queryset=Instrument.objects.none())
        problems = error_messages(filterset, only=("agency", "topic", "known", "on"))
        try:  # read once, checked here; ``get_object`` finds it on the request
            request.recorded = recorded_moment(request)
        except BadDate as error:
            problems.append(f"{error}.")
        if problems:
            return HttpResponseBadRequest("\n".join(problems) + "\n", content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        # Each condition asks the link table directly, per event: "does this event's instrument
        # have one of these agencies?" is one probe of the index on (agency, instrument) — no
        # join with the instruments, no DISTINCT (18 → 4 ms for one agency at 100,000).
        # The same conditions on claims (as known on a date, the feed walks claims by date too).
        events, claims, instruments, names, query = Q(), Q(), Q(), [], {}
        for slug in filter(str.strip, request.GET.getlist("agency")):
            agency = Agency.objects.filter(slug=slug).first()
            if agency is None:
                raise Http404(f"No agency has the slug “{slug}”.")
            tree = agency_and_descendants([slug])
            links = Instrument.agencies.through.objects
            events &= Q(Exists(links.filter(instrument_id=OuterRef("instrument_id"), agency_id__in=tree)))
            claims &= Q(Exists(links.filter(instrument_id=OuterRef("event__instrument_id"), agency_id__in=tree)))
            instruments &= Q(Exists(links.filter(instrument_id=OuterRef("pk"), agency_id__in=tree)))
            names.append(agency.short_name or agency.name)
            query.setdefault("agency", []).append(slug)
        for slug in filter(str.strip, request.GET.getlist("topic")):
            topic = Topic.objects.filter(slug=slug).first()
            if topic is None:
                raise Http404(f"No topic has the slug “{slug}”.")
            links = Instrument.topics.through.objects
            events &= Q(Exists(links.filter(instrument_id=OuterRef("instrument_id"), topic=topic)))
            claims &= Q(Exists(links.filter(instrument_id=OuterRef("event__instrument_id"), topic=topic)))
            instruments &= Q(Exists(links.filter(instrument_id=OuterRef("pk"), topic=topic)))
            names.append(topic.name)
            query.setdefault("topic", []).append(slug)
        on, known, recorded = _date(request, "on"), _date(request, "known"), request.recorded
        query.update(_times_query(on, known, recorded))
        query_string = f"?{urlencode(query, doseq=True)}" if query else ""
        # The page it mirrors: the changes up to the feed's day (/changes/ takes it as ``to``).
        page = {name: value for name, value in query.items() if name != "on"}
        if on:
            page["to"] = on.isoformat()
        page_string = f"?{urlencode(page, doseq=True)}" if page else ""
        title = "policytrack: changes" + (f" — {', '.join(names)}" if names else "")
        title += times_label(on, known, "up to", recorded)
        feed_url = reverse("feeds:changes") + query_string
        return Selection(
            title, reverse("web:changes") + page_string, feed_url, events, known, on, claims, instruments, recorded
        )

    def title(self, selection):
        return selection.title

    def link(self, selection):
        return selection.link

    def feed_url(self, selection):
        return selection.feed_url

    def subtitle(self, selection):
        subtitle = "Dated, sourced changes in the status of regulations, newest first"
        if selection.on or selection.known or selection.recorded:
            subtitle += f", up to {counted_from(selection.on, selection.known, selection.recorded):%Y-%m-%d}"
        if selection.known:
            subtitle += f", as the sources published by {selection.known:%Y-%m-%d} told them"
        if selection.recorded:
            subtitle += f", as this tracker recorded them at {selection.recorded:%Y-%m-%d %H:%M} UTC"
        return subtitle + "."

    def items(self, selection):
        # As known on K the feed is the one a reader could have had on K: up to K (unless ``on``
        # says up to when), from what was published by then; as recorded at T, from what this
        # tracker held at T (the instruments edited since as they were then).
        known, recorded = selection.known, selection.recorded
        on = counted_from(selection.on, known, recorded)
        where, claims = selection.events, selection.claims
        record = Record(recorded, Instrument.objects.filter(selection.instruments)) if recorded else None
        if record and record.edited:
            where &= ~Q(instrument_id__in=record.edited)
            claims &= ~Q(event__instrument_id__in=record.edited)
        events = recent_events(on, limit=self.limit, where=where, known=known, claims=claims)
        if record:
            events = sorted(events + record.dated(None, on, known), key=lambda e: (e.date, e.position, e.pk))
            events = events[::-1][: self.limit]
        notes_as_known(events, known, recorded)
        _note_when_recorded(events, known, recorded)
        path = event_path_maker(known, recorded)
        for event in events:  # worked out once: the framework asks for an item's link twice
            event.path = path(event.instrument, event)
        return events

    def item_title(self, event):
        return event_title(event.instrument, event)

    def item_link(self, event):
        return event.path

    def item_guid(self, event):
        return f"tag:policytrack,2025:{event_uid(event.instrument, event)}"

    def item_description(self, event):
        note = f"<p>{escape(event.note)}</p>" if event.note else ""
        return mark_safe(note + sources_html(event))

    def item_pubdate(self, event):
        return _midnight(event.date)

    def item_updateddate(self, event):
        return max(filter(None, (event.recorded_at, _midnight(event.date))))

    def item_categories(self, event):
        return [event.kind, event.instrument.slug]


class InstrumentChangesFeed(ChangesFeed):
    """One instrument's changes."""

    def get_object(self, request, slug):
        """The instrument with this slug (as recorded at the moment asked, if one is)."""
        on, known, recorded = _date(request, "on"), _date(request, "known"), request.recorded
        instrument = instrument_by_slug(slug, recorded)
        query_string = f"?{urlencode(_times_query(on, known, recorded))}" if on or known or recorded else ""
        return Selection(
            f"policytrack: {instrument}{times_label(on, known, 'up to', recorded)}",
            instrument.get_absolute_url() + query_string,
            reverse("feeds:instrument_changes", args=[slug]) + query_string,
            Q(instrument_id=instrument.pk),
            known,
            on,
            Q(event__instrument_id=instrument.pk),
            Q(pk=instrument.pk),
            recorded,
        )


def instrument_by_slug(slug, recorded=None):
    """The instrument with this slug, as recorded at ``recorded`` if given (a historical record,
    under the slug and title it had then); a 404 naming the slug when there is none."""
    if recorded is None:
        instrument = Instrument.objects.filter(slug=slug).first()
    else:
        instrument = instrument_as_recorded(slug, recorded)
    if instrument is None:
        when = f"had the slug “{slug}” at {recorded:%Y-%m-%d %H:%M} UTC" if recorded else f"has the slug “{slug}”"
        raise Http404(f"No instrument {when}.")
    return instrument


def _times_query(on, known, recorded):
    """The times a feed's or a calendar's addresses carry."""
    times = (("on", on), ("known", known), ("recorded", recorded))
    return {name: value.isoformat() for name, value in times if value}


def _date(request, name):
    """``?on=`` or ``?known=`` as a date (checked already: ``ChangesFeed.__call__`` refuses a bad one)."""
    value = request.GET.get(name, "").strip()
    return parse_date(value, name) if value else None


@functools.cache
def _historical(model):
    # ``Model.history`` builds a manager class on every use.
    return model.history.model


def _note_when_recorded(events, known=None, recorded=None):
    """Set ``recorded_at`` on each event: the last time it or one of its claims was edited, so a
    feed reader sees a corrected entry as updated. Two queries whatever the number of events.
    As known on a date, only the edits recorded by the end of that day count; as recorded at a
    moment, only those recorded by then."""
    ids = [event.pk for event in events]
    moment = knowledge_moment(known, recorded) or recorded
    events_history = _historical(Event).objects.filter(id__in=ids)
    claims_history = _historical(Claim).objects.filter(event_id__in=ids)
    if moment is not None:
        events_history = events_history.filter(history_date__lte=moment)
        claims_history = claims_history.filter(history_date__lte=moment)
    latest = dict(events_history.values_list("id").annotate(Max("history_date")).order_by())
    by_claims = claims_history.values_list("event_id").annotate(Max("history_date")).order_by()
    for event_id, moment in by_claims:
        latest[event_id] = max(filter(None, (latest.get(event_id), moment)))
    for event in events:
        event.recorded_at = latest.get(event.pk)
