"""/healthz answers 200 when the database and the cache answer, 503 naming what failed when
one does not; it is never cached, never rate limited and open without a login."""

import pytest
from django.core.cache import cache
from django.db import OperationalError

from policytrack.timeline.models import Instrument

from test_production import PRODUCTION, manage


def test_a_healthy_site_says_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The task queue (django-tasks-db, configured in settings) is checked too.
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "task_queue": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_a_database_that_does_not_answer_is_named(db, client, monkeypatch, caplog):
    def gone():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("policytrack.health._database", gone)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed: OperationalError", "cache": "ok", "task_queue": "ok"},
        "failed": ["database"],
    }
    assert "health check failed: database" in caplog.text and "server closed the connection" in caplog.text


def test_a_cache_that_does_not_answer_is_named(db, client, settings):
    # A Redis server that is not there: nothing listens on port 1.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"].startswith("failed: ")


def test_the_task_queue_is_checked_where_one_is_configured(db, client, monkeypatch):
    monkeypatch.setattr("policytrack.health._task_queue_model", lambda: Instrument)  # any table stands in
    assert client.get("/healthz").json()["checks"] == {"database": "ok", "cache": "ok", "task_queue": "ok"}


def test_it_is_never_rate_limited(db, client, settings):
    settings.POLICYTRACK_RATE_LIMITS = {"api": "1/min", "export": "1/min", "search": "1/min"}
    cache.clear()
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}
    cache.clear()


def test_it_is_open_when_pages_ask_for_a_login(db, client, settings):
    settings.POLICYTRACK_LOGIN_REQUIRED = True
    assert client.get("/instruments/").status_code == 302
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(db, client, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_a_probe_over_plain_http_is_not_redirected_in_production():
    script = (
        "from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='policytrack.example.org'); "
        "print(r.status_code, r.get('Location')); "
        "print(Client().get('/', HTTP_HOST='policytrack.example.org').status_code)"
    )
    lines = manage("shell", "-c", script, **PRODUCTION).stdout.strip().splitlines()
    assert lines[-2][:3] in ("200", "503") and lines[-2].endswith("None")  # answered, not redirected
    assert lines[-1] == "301"  # pages still go to HTTPS
