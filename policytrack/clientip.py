"""The client's address, read exactly where django-axes reads it for login lockouts."""

from __future__ import annotations

from axes.helpers import get_client_ip_address


def client_ip(request):
    """The address a request came from: axes' own reading (django-ipware, with the proxy
    settings given to axes, when ipware is installed; else ``REMOTE_ADDR``), so a rate limit and
    a lockout never disagree about who a client is. Works on DRF's requests too."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"
