from django.urls import path
from django.views.decorators.http import require_safe

from policytrack.throttling import rate_limited

from . import calendar, feeds
from .caching import polled

# Counted with the API: one budget per client for everything read by a program.
limited = rate_limited("api")


def served(view):
    """A feed or calendar: read only (GET and HEAD; anything else, TRACE and OPTIONS too, is a
    405 before it counts against the rate limit), rate limited. Each answers ``on``, ``known`` and
    ``recorded`` itself."""
    return require_safe(limited(view))


app_name = "feeds"

urlpatterns = [
    path("feeds/changes.atom", served(polled(feeds.ChangesFeed())), name="changes"),
    path(
        "instruments/<slug:slug>/changes.atom", served(polled(feeds.InstrumentChangesFeed())), name="instrument_changes"
    ),
    path("calendar.ics", served(calendar.upcoming_calendar), name="calendar"),
    path("instruments/<slug:slug>/calendar.ics", served(calendar.instrument_calendar), name="instrument_calendar"),
]
