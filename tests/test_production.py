"""Production set-up: refuses to start half-configured, passes Django's deployment checks,
sends a Content-Security-Policy that needs no inline script, and answers 503 when the
database goes away."""

import os
import re
import subprocess
import sys

import pytest
from django.db import OperationalError

from conftest import ROOT, text

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key",
    "DJANGO_ALLOWED_HOSTS": "policytrack.example.org",
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "missing, message",
    [
        (
            "DJANGO_SECRET_KEY",
            "policytrack is not configured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false",
        ),
        (
            "DJANGO_ALLOWED_HOSTS",
            "policytrack is not configured: DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode == 1
    assert result.stderr.strip() == message  # one line, no traceback


def test_a_bad_boolean_setting_is_named():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode == 1
    assert result.stderr.strip() == "policytrack is not configured: DJANGO_DEBUG must be true or false, not 'maybe'"


def test_the_deployment_checks_pass_with_warnings_as_failures():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_worker_keeps_its_startup_heap_out_of_the_garbage_collectors_sight():
    # Full collections walking the ~120,000 objects of a loaded Django took 75–90 ms: the slowest
    # 5% of the changes page at 100,000 instruments (see policytrack/wsgi.py).
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | PRODUCTION
    result = subprocess.run(
        [sys.executable, "-c", "import gc, policytrack.wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50_000


def test_the_ssl_redirect_can_be_left_to_a_proxy():
    settings = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER)"
    result = manage(
        "shell", "-c", settings, DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_BEHIND_PROXY="true", **PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "False ('HTTP_X_FORWARDED_PROTO', 'https')"


BEHIND_A_REDIRECTING_PROXY = PRODUCTION | {"DJANGO_BEHIND_PROXY": "true", "DJANGO_SSL_REDIRECT_BY_PROXY": "true"}


def test_the_documented_proxy_set_up_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **BEHIND_A_REDIRECTING_PROXY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    settings = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER)"
    result = manage("shell", "-c", settings, **BEHIND_A_REDIRECTING_PROXY)
    assert result.stdout.strip().splitlines()[-1] == "False ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_turning_the_redirect_off_without_saying_the_proxy_does_it_still_fails_the_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_BEHIND_PROXY="true",
        **PRODUCTION,
    )
    assert result.returncode == 1
    assert "security.W008" in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"DJANGO_SSL_REDIRECT_BY_PROXY": "true"},
            "DJANGO_SSL_REDIRECT_BY_PROXY needs DJANGO_BEHIND_PROXY=true: without it Django cannot tell which requests "
            "came over https",
        ),
        (
            BEHIND_A_REDIRECTING_PROXY | {"DJANGO_SECURE_SSL_REDIRECT": "true"},
            "DJANGO_SSL_REDIRECT_BY_PROXY and DJANGO_SECURE_SSL_REDIRECT cannot both be true: either the proxy "
            "redirects to https or Django does",
        ),
    ],
)
def test_a_contradictory_proxy_set_up_is_refused(env, message):
    result = manage("check", **(PRODUCTION | env))
    assert result.returncode == 1
    assert result.stderr.strip() == f"policytrack is not configured: {message}"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/instruments/",
        "/instruments/ai-diffusion-rule/?on=2025-05-20",
        "/on/2025-05-20/",
        "/changes/?from=2025-05-01&to=2025-05-31",
        "/admin/login/",
        "/on/2025-13-01/",
    ],
)
def test_every_page_carries_a_csp_and_needs_no_inline_script(demo, client, address):
    response = client.get(address)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/instruments/?format=csv",
        "/api/instruments/",
        "/calendar.ics",
        "/admin/login/",
        "/no-such-page/",
        "/api/no-such-endpoint/",
        "/on/2025-13-01/",
        "/healthz",
    ],
)
def test_every_response_refuses_the_browsers_powerful_features(demo, client, address):
    policy = client.get(address)["Permissions-Policy"]
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"} <= set(policy.split(", "))


def test_a_lost_database_gives_a_503_page_and_the_next_request_recovers(demo, client, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("policytrack.web.views.recent_events", gone)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "policytrack cannot reach its database just now. Nothing was changed." in text(response)

    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_other_database_errors_are_not_hidden_as_outages(demo, client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError('near "SELEC": syntax error')

    monkeypatch.setattr("policytrack.web.views.recent_events", broken)
    client.raise_request_exception = True
    with pytest.raises(OperationalError):
        client.get("/")


@pytest.mark.django_db(transaction=True)
def test_a_real_database_outage_gives_503_and_the_site_recovers(live_server, settings):
    """PostgreSQL only: the server's connection is killed from outside, as a restart or a
    failover would; the next request gets the 503 page, the one after is served again."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, where a connection can be killed from outside")
    import httpx

    from policytrack.ingest.timeline import import_timeline_file

    from conftest import DEMO

    import_timeline_file(DEMO)
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        assert http.get("/instruments/").status_code == 200  # the server thread now holds a connection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        outage = http.get("/instruments/")
        assert outage.status_code == 503
        assert "cannot reach its database just now" in outage.text
        assert http.get("/instruments/").status_code == 200
