"""Site-wide response policies: the Content-Security-Policy and Permissions-Policy headers, and
a 503 page when the database stops answering."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("policytrack")

RETRY_AFTER_SECONDS = 30


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class PermissionsPolicyMiddleware:
    """Tells browsers that no page may use the camera, the microphone, geolocation and the like:
    none needs them, so a script that slipped in could not either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class DatabaseUnavailableMiddleware:
    """Turn "the database went away" into a 503 page with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)) or not _connection_lost(exception):
            return None
        # Django closes a connection that errored and is no longer usable when the request
        # ends (close_if_unusable_or_obsolete), so the next request reconnects by itself.
        logger.error("database unavailable: %s", exception)
        body = render_to_string("web/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS}, request=None)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _connection_lost(exception):
    """OperationalError also covers a locked SQLite table or a bad query plan; those are real
    bugs or contention, reported as such. Only a lost or refused connection is a 503."""
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        marker in text
        for marker in (
            "connection",
            "could not connect",
            "server closed",
            "terminating",
            "unable to open database",
            "the database system is",
            "timeout",
        )
    )


class LoginRequiredMiddleware:
    """With POLICYTRACK_LOGIN_REQUIRED, every page but the login page and static files asks
    anonymous visitors to log in first (for a tracker kept private to a team)."""

    OPEN = ("/admin/login/", "/admin/logout/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            getattr(settings, "POLICYTRACK_LOGIN_REQUIRED", False)
            and not request.user.is_authenticated
            and not request.path.startswith(
                (*self.OPEN, settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}")
            )
        ):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), "/admin/login/")
        return self.get_response(request)
