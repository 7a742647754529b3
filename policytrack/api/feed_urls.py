from django.urls import path

from policytrack.times import answers_now_only

from . import calendar, feeds
from .caching import polled

app_name = "feeds"

urlpatterns = [
    path("feeds/changes.atom", answers_now_only(polled(feeds.ChangesFeed())), name="changes"),
    path("instruments/<slug:slug>/changes.atom", answers_now_only(polled(feeds.InstrumentChangesFeed())), name="instrument_changes"),
    path("calendar.ics", answers_now_only(calendar.upcoming_calendar), name="calendar"),
    path("instruments/<slug:slug>/calendar.ics", answers_now_only(calendar.instrument_calendar), name="instrument_calendar"),
]
