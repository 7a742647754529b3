"""The OpenAPI schema is true: every response to generated requests matches it.

schemathesis generates requests from /api/schema/ — values that fit the schema and values
that do not, for every parameter, with random path parameters and with the demo's own slugs
and document ids — and sends them to the Django app in-process over WSGI, on the demo
timeline. Each response is checked against the schema: no server error, a documented status
code, content type and headers, and a body that validates."""

import json

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from policytrack.timeline.models import Document, Instrument

from conftest import fuzz_examples

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def strategies(operation, known):
    """Requests for one operation: valid and invalid ones, with generated path parameters and,
    so that most requests reach real data, with the demo's own slugs and document ids."""
    found = [operation.as_strategy(generation_mode=mode) for mode in MODES]
    for name in ("slug", "id"):
        if f"{{{name}}}" in operation.path:
            found += [
                operation.as_strategy(generation_mode=mode, path_parameters={name: value})
                for value in known[name]
                for mode in MODES
            ]
    return st.one_of(found)


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection open across WSGI requests, as Django's test client
    does: the end of a request closes connections found outside autocommit, which on
    PostgreSQL is the test's own transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_response_matches_the_schema(demo, in_test_transaction):
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi(reverse("api:schema") + "?format=json", app)
    known = {
        "slug": list(Instrument.objects.values_list("slug", flat=True)),
        "id": list(Document.objects.values_list("pk", flat=True)[:3]),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8

    for operation in operations:
        # The record is only read, so one demo timeline serves every generated request.
        @given(case=strategies(operation, known))
        @settings(
            max_examples=fuzz_examples(150),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def responds_as_documented(case):
            case.call_and_validate(checks=CHECKS)

        responds_as_documented()


def test_the_schema_is_openapi_3_and_describes_every_endpoint(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/instruments/",
        "/api/instruments/{slug}/",
        "/api/instruments/{slug}/status/",
        "/api/changes/",
        "/api/documents/",
        "/api/documents/{id}/",
        "/api/agencies/",
        "/api/compare/",
    }
    list_params = {p["name"] for p in document["paths"]["/api/instruments/"]["get"]["parameters"]}
    assert {"q", "agency", "kind", "topic", "on", "phase", "sort", "page"} <= list_params
    status = document["paths"]["/api/instruments/{slug}/status/"]["get"]
    assert {p["name"]: p["schema"].get("format") for p in status["parameters"] if p["in"] == "query"} == {
        "on": "date",
        "known": "date",
        "recorded": "date-time",
    }
    assert set(status["responses"]) == {"200", "400", "404"}


def test_the_docs_are_served_from_our_own_static_files(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    # The page's own script is a separate file too: no inline script for the CSP to refuse.
    assert "<script>" not in page.replace(" ", "")
