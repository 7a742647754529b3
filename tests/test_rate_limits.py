"""Per-client rate limits on the API (with feeds and calendars), CSV downloads and searches:
past the limit a 429 with Retry-After and a message saying what the limit is; another address,
or the same one a period later, is served."""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from conftest import text
from test_production import PRODUCTION, manage


@pytest.fixture
def limits(settings):
    settings.POLICYTRACK_RATE_LIMITS = {"api": "3/min", "export": "2/min", "search": "2/hour"}
    cache.clear()
    yield settings.POLICYTRACK_RATE_LIMITS
    cache.clear()


def test_the_api_answers_429_with_retry_after_past_its_limit(demo, client, limits):
    assert [client.get("/api/instruments/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/agencies/")  # one budget for the whole API
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json() == {
        "detail": "Too many requests: policytrack answers at most 3 API, feed and calendar "
        f"requests a minute from one address. Please try again in "
        f"{refused['Retry-After']} seconds."
    }


def test_feeds_and_calendars_count_with_the_api(demo, client, limits):
    statuses = [
        client.get(address).status_code
        for address in ("/api/", "/feeds/changes.atom", "/calendar.ics", "/instruments/ai-diffusion-rule/calendar.ics")
    ]
    assert statuses == [200, 200, 200, 429]


def test_another_address_has_its_own_count(demo, client, limits):
    for _ in range(3):
        client.get("/api/", REMOTE_ADDR="192.0.2.1")
    assert client.get("/api/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/api/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_limit_lifts_when_its_period_has_passed(demo, client, limits):
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        for _ in range(3):
            client.get("/api/")
        assert client.get("/api/").status_code == 429
        traveller.shift(datetime.timedelta(seconds=61))
        assert client.get("/api/").status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/instruments/?format=csv",
        "/on/2025-05-20/?format=csv",
        "/changes/?from=2025-05-01&to=2025-05-31&format=csv",
    ],
)
def test_csv_downloads_are_limited_and_the_pages_are_not(demo, client, limits, address):
    assert [client.get(address).status_code for _ in range(2)] == [200, 200]
    refused = client.get(address)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert refused.content.decode().startswith(
        "Too many requests: policytrack answers at most 2 CSV downloads a minute from one address."
    )
    page = address.replace("format=csv", "")
    assert [client.get(page).status_code for _ in range(3)] == [200, 200, 200]


def test_a_browser_searching_too_often_gets_a_page_saying_so(demo, client, limits):
    for words in ("diffusion", "guidance"):
        assert client.get("/instruments/", {"q": words}).status_code == 200
    refused = client.get("/instruments/", {"q": "chips"}, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert (
        "Too many requests Too many requests: policytrack answers at most 2 searches an hour from one address. "
        "Please try again in"
    ) in text(refused)
    assert client.get("/instruments/").status_code == 200  # listing without searching is not a search


def test_the_limits_and_the_redis_cache_are_read_from_the_environment():
    script = (
        "from django.conf import settings; print(settings.POLICYTRACK_RATE_LIMITS); "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = manage(
        "shell",
        "-c",
        script,
        POLICYTRACK_API_RATE="1000/hour",
        POLICYTRACK_SEARCH_RATE="off",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-2:] == [
        "{'api': '1000/hour', 'export': '10/min', 'search': None}",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "POLICYTRACK_EXPORT_RATE",
            "lots",
            "POLICYTRACK_EXPORT_RATE must be a number of requests per s, min, hour or "
            "day (e.g. 10/min), or off, not 'lots'",
        ),
        (
            "REDIS_URL",
            "127.0.0.1:6379",
            "REDIS_URL must start with redis://, rediss:// or unix://, not '127.0.0.1:6379'",
        ),
    ],
)
def test_a_malformed_limit_or_cache_address_is_named(name, value, message):
    result = manage("check", **{name: value})
    assert result.returncode == 1
    assert result.stderr.strip() == f"policytrack is not configured: {message}"


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of our own, on a free port, gone after the test."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_count_is_kept_in_redis_when_configured(demo, client, limits, redis_url):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "policytrack",
        }
    }
    with override_settings(CACHES=redis):
        assert [client.get("/api/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert len(cache.get("throttle_api_127.0.0.1")) == 3  # read back from the server
