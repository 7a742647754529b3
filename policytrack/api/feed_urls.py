from django.urls import path

from policytrack.throttling import rate_limited

from . import calendar, feeds
from .caching import polled

# Counted with the API: one budget per client for everything read by a program.
limited = rate_limited("api")

app_name = "feeds"

urlpatterns = [
    path("feeds/changes.atom", limited(polled(feeds.ChangesFeed())), name="changes"),
    path("instruments/<slug:slug>/changes.atom", limited(polled(feeds.InstrumentChangesFeed())),
         name="instrument_changes"),
    path("calendar.ics", limited(calendar.upcoming_calendar), name="calendar"),
    path("instruments/<slug:slug>/calendar.ics", limited(calendar.instrument_calendar), name="instrument_calendar"),
]
