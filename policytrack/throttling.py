"""Per-client rate limits: on the API, feeds and calendars (``api``), CSV downloads
(``export``) and searches (``search``), each a number of requests per client address in a
period, counted in Django's cache (Redis in production, so every worker shares the count).

DRF's throttling does the counting, for the API views as for the pages: one implementation,
one kind of cache key and one way of working out Retry-After, and no second library.
"""

from __future__ import annotations

import functools
import math

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework import views
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.throttling import SimpleRateThrottle

from policytrack.clientip import client_ip

WHAT = {"api": "API, feed and calendar requests", "export": "CSV downloads", "search": "searches"}
PERIODS = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}


class ClientRateThrottle(SimpleRateThrottle):
    """At most ``POLICYTRACK_RATE_LIMITS[scope]`` requests per client address (None: no limit).
    The rate is read from the settings at each request, not once at import as DRF does."""

    scope = "api"

    def __init__(self, scope=None):
        if scope is not None:
            self.scope = scope
        super().__init__()

    def get_rate(self):
        return settings.POLICYTRACK_RATE_LIMITS.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def retry_after(wait):
    """DRF's estimated wait as whole seconds, at least one."""
    return max(1, math.ceil(wait or 0))


def limit_message(scope, wait):
    count, period = settings.POLICYTRACK_RATE_LIMITS[scope].split("/")
    return (
        f"Too many requests: policytrack answers at most {count} {WHAT[scope]} {PERIODS[period[0]]} from one "
        f"address. Please try again in {wait} second{'s' if wait != 1 else ''}."
    )


def api_exception_handler(exc, context):
    """DRF's handler (a 429 with Retry-After), with our message rather than "Request was throttled"."""
    if isinstance(exc, Throttled) and exc.wait is not None:
        exc.wait = retry_after(exc.wait)
        exc.detail = ErrorDetail(limit_message(ClientRateThrottle.scope, exc.wait), code=exc.default_code)
    return views.exception_handler(exc, context)


def rate_limited(scope, when=None):
    """Count the requests to ``view`` for which ``when(request)`` is true (all when None) against
    ``scope``'s limit; past it, answer 429 with Retry-After, as a page for a browser and as one
    line of text for a script, a feed reader or a calendar app."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if when is None or when(request):
                throttle = ClientRateThrottle(scope)
                if not throttle.allow_request(request, None):
                    return too_many_requests(request, scope, throttle.wait())
            return view(request, *args, **kwargs)

        return limited

    return decorate


def too_many_requests(request, scope, wait):
    wait = retry_after(wait)
    message = limit_message(scope, wait)
    if "text/html" in request.headers.get("Accept", ""):
        body = render_to_string("web/error.html", {"title": "Too many requests", "message": message}, request)
        response = HttpResponse(body, status=429)
    else:
        response = HttpResponse(message + "\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def searching(request):
    return bool(request.GET.get("q", "").strip())


def exporting(request):
    return request.GET.get("format") == "csv"
