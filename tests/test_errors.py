"""Errors in production are logged, with their traceback, as JSON lines on stderr (and sent
to Sentry when configured); visitors see a friendly 404 or 500 page."""

import json
import logging
import re

from django.template import loader

from conftest import text
from test_production import PRODUCTION, manage

FORCED_ERROR = """
from unittest import mock
from django.test import Client
with mock.patch("policytrack.web.views.phase_counts", side_effect=RuntimeError("forced failure")):
    response = Client(raise_request_exception=False).get("/", secure=True, HTTP_HOST="policytrack.example.org")
print(response.status_code)
"""


def test_an_unhandled_error_in_production_is_logged_with_its_traceback_as_json():
    result = manage("shell", "-c", FORCED_ERROR, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "500"
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    error = next(record for record in records if record["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /"
    assert (error["method"], error["path"], error["status"]) == ("GET", "/", 500)
    assert error["exception"].startswith("Traceback (most recent call last):")
    assert error["exception"].endswith("RuntimeError: forced failure")
    assert "in home" in error["exception"]  # the view's own frame


def test_a_bad_log_level_is_named():
    result = manage("check", DJANGO_LOG_LEVEL="loud")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "policytrack is not configured: DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'LOUD'"
    )


def test_an_unhandled_error_reaches_the_log_in_process(db, client, monkeypatch, caplog):
    monkeypatch.setattr("policytrack.web.views.phase_counts", lambda *args, **kwargs: 1 / 0)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/").status_code == 500
    (record,) = [record for record in caplog.records if record.name == "django.request"]
    assert record.exc_info[0] is ZeroDivisionError


SENTRY = """
from unittest import mock
import sentry_sdk
from django.test import Client
client = sentry_sdk.get_client()
print(client.is_active(), client.options["environment"], client.options["send_default_pii"])
sent = []
client.transport.capture_envelope = sent.append  # what would go to Sentry, kept here instead
with mock.patch("policytrack.web.views.phase_counts", side_effect=RuntimeError("forced failure")):
    Client(raise_request_exception=False).get("/", secure=True, HTTP_HOST="policytrack.example.org")
client.flush()
events = [item.payload.json for envelope in sent for item in envelope.items if item.type == "event"]
print([value["type"] + ": " + value["value"] for event in events for value in event["exception"]["values"]])
"""


def test_with_a_sentry_dsn_an_unhandled_error_is_reported_without_personal_data():
    result = manage(
        "shell",
        "-c",
        SENTRY,
        SENTRY_DSN="https://public@sentry.example.org/42",
        SENTRY_ENVIRONMENT="staging",
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-2:] == ["True staging False", "['RuntimeError: forced failure']"]


def test_without_a_sentry_dsn_nothing_is_reported():
    result = manage(
        "shell", "-c", "import sentry_sdk; print(sentry_sdk.get_client().is_active())", SENTRY_DSN="", **PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_malformed_sentry_dsn_is_named():
    result = manage("check", SENTRY_DSN="sentry.example.org/42")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("policytrack is not configured: SENTRY_DSN is not a Sentry DSN")


# The error pages


def test_an_unhandled_error_shows_the_friendly_500_page(db, client, monkeypatch):
    monkeypatch.setattr("policytrack.web.views.phase_counts", lambda *args, **kwargs: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong policytrack could not answer this request because of an error on our side." in text(
        response
    )
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.content.decode()


def test_the_500_page_needs_no_request_context_or_database():
    # No db fixture: any query would fail the test. Django renders it just so, with no context.
    page = loader.get_template("500.html").render()
    assert "Something went wrong" in page and 'class="site-header"' in page


def test_the_500_page_is_laid_out_as_every_other_page(db, client):
    header = re.compile(
        r'<header class="site-header">\s*<a class="brand" href="/">policytrack</a>\s*'
        r'<nav aria-label="Main">(.*?)</nav>',
        re.S,
    )
    links = [
        re.findall(r'href="([^"]+)"', header.search(page).group(1))
        for page in (client.get("/").content.decode(), loader.get_template("500.html").render())
    ]
    assert links[0] == links[1]


def test_an_unknown_address_shows_the_friendly_404_page(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [template.name for template in response.templates][:2] == ["404.html", "base.html"]
    assert "Not found There is no page at this address. The address may be mistyped" in text(response)


def test_a_missing_instrument_is_named_on_the_404_page(db, client):
    response = client.get("/instruments/no-such-rule/")
    assert response.status_code == 404
    assert "Not found No instrument has the slug “no-such-rule”." in text(response)
