"""Which of the three times a view answers.

An instrument's page and its status in the API answer any valid time, knowledge time and
record time. The portfolio's lists, exports, feeds and calendars read the stored rows over
knowledge time (``KnownPeriod``) and the claims' publication dates, so they answer ``known``.
The rows keep record time too, from ``records_from()`` on: /on/<date>/, /instruments/ and
/compare/, their CSVs and their API answer ``recorded`` from them (and the edit history: the
CSVs' disputes from the claims as they were recorded then); /changes/ (page, CSV and API), the
home page, the feeds and the calendars answer it from the edit history, the instruments edited
since the moment rebuilt as they were then (``timeline/recorded_changes.py``); /documents/ and
its API from the documents' own history, from any moment. What was learned between two
knowledge dates takes them as ``known_a`` and ``known_b``, as recorded now, and refuses
``known`` and ``recorded``. A request that asks a view for a time it cannot answer is refused
with a message saying so, never
answered as if the parameter had been read.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from policytrack.timeline.dates import BadDate, parse_datetime
from policytrack.timeline.derived import records_from

TIMES = ("known", "recorded")


def counted_from(on, known, recorded=None):
    """The day a view counted from today (the home page, the feeds, the calendars) counts from:
    ``on`` if given; else, as known on K, K — the view a reader could have had that day — or
    today if K is later; else today. As recorded at a moment, "today" is that moment's day (UTC):
    the view as it stood then."""
    if on is not None:
        return on
    today = recorded.astimezone(datetime.timezone.utc).date() if recorded else timezone.localdate()
    return min(known, today) if known else today


def times_label(on, known, on_words="on", recorded=None):
    """ " (on 2025-05-20, as known on 2025-05-01, as recorded at 2026-12-05 10:00 UTC)": the times
    a feed's or a calendar's title names."""
    parts = ([f"{on_words} {on:%Y-%m-%d}"] if on else []) + ([f"as known on {known:%Y-%m-%d}"] if known else [])
    if recorded:
        parts.append(f"as recorded at {recorded.astimezone(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    return f" ({', '.join(parts)})" if parts else ""


def times_query(known=None, recorded=None):
    """ "known=2025-05-01&recorded=2026-12-05T10%3A00%3A00%2B00%3A00": the times a link carries
    (empty when neither is given)."""
    return urlencode({name: value.isoformat() for name, value in (("known", known), ("recorded", recorded)) if value})


def times_suffix(known=None, recorded=None):
    """``times_query`` after a link's own parameters: "&known=…" (empty when neither is given)."""
    query = times_query(known, recorded)
    return f"&{query}" if query else ""


# The changes between two dates take their valid time as a window: a single ``on`` is refused.
WINDOW_NOT_ON = (
    "The changes between two dates take “from” and “to” (both days included), not “on”: "
    "for everything as it stood on one date, open /on/<date>/."
)


# What was learned between two knowledge dates (/compare/ and /api/compare/ given these) takes
# its knowledge times as known_a and known_b; what changed between two dates takes a and b.
LEARNED = ("on", "known_a", "known_b")
TWO_DATES = ("a", "b")


# A comparison lists the instruments whose phase differs between its two dates, counted by both
# phases, in its own order: the list's "phase" and "sort" would mean something else there.
NOT_COMPARED = {
    "phase": (
        "A comparison lists the instruments whose phase differs between its two dates, counted by both "
        "phases: leave out “phase” (the instrument list takes “on” and “phase” for one date)."
    ),
    "sort": "A comparison is ordered by its two phases, then by title: leave out “sort”.",
}


def comparison_refusals(query):
    """{parameter: why it is refused} for either comparison (``/compare/``, ``/api/compare/``):
    what was learned refuses what ``learned_refusals`` names too; both refuse ``NOT_COMPARED``."""
    refused = learned_refusals(query) if asks_learned(query) else {}
    refused.update((name, NOT_COMPARED[name]) for name in given(query, NOT_COMPARED))
    return refused


def asks_learned(query):
    """Whether a comparison's query asks what was learned between two knowledge dates."""
    return bool(given(query, LEARNED))


def learned_refusals(query):
    """{parameter: why it is refused} for a query asking what was learned between two knowledge
    dates: ``a`` and ``b`` (the other comparison's dates), ``known`` and ``recorded``. Empty when
    there is nothing to refuse."""
    refused = {}
    if mixed := given(query, TWO_DATES):
        names = " and ".join(f"“{name}”" for name in mixed)
        message = (
            f"Give either “a” and “b” (what changed between two dates) or “on”, “known_a” and “known_b” "
            f"(what was learned about one date between two knowledge dates), not both: leave out {names}."
        )
        refused.update((name, message) for name in mixed)
    if asked := given(query, TIMES):
        names = " and ".join(f"“{name}”" for name in asked)
        message = (
            f"What was learned between two knowledge dates takes them as “known_a” and “known_b”, as "
            f"recorded now: leave out {names}."
        )
        refused.update((name, message) for name in asked)
    return refused


def given(query, names):
    """The ``names`` given a value in ``query``."""
    return [name for name in names if query.get(name, "").strip()]


def unanswered_times(request, times=TIMES):
    """The ``times`` asked of a view that cannot answer them."""
    return given(request.GET, times)


def refusal_message(asked, what="list"):
    names = " and ".join(f"“{name}”" for name in asked)
    shows = "as recorded now" if "known" not in asked else "what every source we hold says, as recorded now"
    elsewhere = (
        " (/on/<date>/, /instruments/, /compare/ and /changes/ with their CSVs — the last three in the API "
        "too — /documents/, the home page, the feeds and the calendars answer “recorded”)"
        if "recorded" in asked
        else ""
    )
    return (
        f"This {what} cannot answer {names} yet: it shows {shows}. An instrument's own page (and its "
        "status in the API) answers “as known on” and “as recorded at”: open the instrument and add "
        f"the same parameters there{elsewhere}."
    )


def recorded_moment(request):
    """``?recorded=`` as the moment a list answers for (None when absent), read as an
    instrument's page reads it. Raises BadDate when it is malformed, or earlier than the first
    moment the stored rows keep (``records_from``): that is refused, never answered from rows
    recorded later."""
    raw = request.GET.get("recorded", "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw, "recorded")
    start = records_from()
    if start is None or moment < start:
        since = f"from {start:%-d %b %Y %H:%M:%S} UTC" if start else "from no moment yet"
        raise BadDate(
            f"recorded {moment:%-d %b %Y %H:%M:%S} UTC is too early for the lists: they keep what they "
            f"recorded {since} on. An instrument's own page rebuilds any earlier moment from the edit "
            f"history: open the instrument with recorded={raw}"
        )
    return moment


def answers_now_only(view, times=TIMES, what="list"):
    """Refuse ``known`` and ``recorded`` with a 400 in the view's own format (``what`` the view
    is called in the message: "list", "page")."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        asked = unanswered_times(request, times)
        if not asked:
            return view(request, *args, **kwargs)
        message = refusal_message(asked, what)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [message] for name in asked}, status=400)
        if request.path.endswith((".atom", ".ics")):
            return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
        from policytrack.web.views import bad_request

        return bad_request(request, message=message)

    return wrapped
