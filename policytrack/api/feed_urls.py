from django.urls import path

from . import calendar, feeds
from .caching import polled

app_name = "feeds"

urlpatterns = [
    path("feeds/changes.atom", polled(feeds.ChangesFeed()), name="changes"),
    path("instruments/<slug:slug>/changes.atom", polled(feeds.InstrumentChangesFeed()), name="instrument_changes"),
    path("calendar.ics", calendar.upcoming_calendar, name="calendar"),
    path("instruments/<slug:slug>/calendar.ics", calendar.instrument_calendar, name="instrument_calendar"),
]
