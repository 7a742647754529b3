"""No input makes any endpoint answer 500: generated values — valid, odd and hostile — of every
parameter, sent to every URL of the URLconf, on both databases."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.timeline.models import Document

from conftest import fuzz_examples

# ``q`` is left out: capping search terms is its own change (policytrack/timeline/filters.py).
PARAMETERS = [
    "on",
    "known",
    "recorded",
    "from",
    "to",
    "agency",
    "kind",
    "topic",
    "phase",
    "sort",
    "page",
    "page_size",
    "format",
    "date",
]

VALID = [
    "2025-05-20",
    "2025-05-20T14:30",
    "2025-05-20T14:30:00+05:00",
    "2025-05-20T14:30Z",
    "ai-diffusion-rule",
    "bis",
    "commerce",
    "rule",
    "guidance",
    "in_force",
    "not_enforced",
    "title",
    "-phase",
    "csv",
    "1",
    "2",
    "500",
]
ODD = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "501",
    "1e3",
    "null",
    "true",
    "[]",
    "{}",
    "0001-01-01",
    "9999-12-31",
    "1000-01-01",
    "9000-12-31",
    "0999-12-31",
    "9001-01-01",
    "2025-02-30",
    "2025-5-20",
    "20250520",
    "2025-05-20T25:00",
    "2025-05-20T14:30+15:59",
    "2025-05-20T14:30-23:59",
    "0001-01-01T00:00+05:00",
    "9999-12-31T23:59-05:00",
    "99999999999999999999",
    "-99999999999999999999",
    "٢٠٢٥-٠٥-٢٠",
    "2025‐05‐20",
    "１",
    "rule,guidance",
]
HOSTILE = [
    "\x00",
    "a\x00b",
    "2025-05-20\x00",
    "'; DROP TABLE timeline_instrument; --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "x" * 5000,
    "2025-05-20" * 500,
    "\ud7ff\ue000",
    "🙂",
    "ǅ",
    "\u202e",
    "\r\n",
    "\t",
]
VALUES = st.one_of(
    st.sampled_from(VALID + ODD + HOSTILE),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(str),
    st.text(max_size=30),
)


def paths(patterns=None, prefix=""):
    """Every URL of the URLconf (the admin and the API's catch-all aside), path parameters
    filled in by ``fill``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if route.startswith(("admin/", "^")):
            continue
        if isinstance(pattern, URLResolver):
            yield from paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


SEGMENTS = {
    "<slug:slug>": ["ai-diffusion-rule", "no-such-rule"],
    "<int:pk>": ["{document}", "0", "2147483648", "99999999999999999999"],
    "<str:date>": ["2025-05-20", "0001-01-01", "9999-12-31", "9000-12-31", "tomorrow", "2025-02-30", "%00", "🙂"],
}


def concrete(route, document):
    """The addresses of a route, each path parameter given each of its sample values."""
    found = [route]
    for segment, samples in SEGMENTS.items():
        if segment in route:
            found = [
                address.replace(segment, sample.format(document=document)) for address in found for sample in samples
            ]
    return found


def test_the_urlconf_is_covered():
    routes = set(paths())
    for expected in [
        "/",
        "/instruments/",
        "/instruments/<slug:slug>/",
        "/on/<str:date>/",
        "/changes/",
        "/documents/<int:pk>/",
        "/api/instruments/",
        "/api/changes/",
        "/feeds/changes.atom",
        "/calendar.ics",
        "/instruments/<slug:slug>/calendar.ics",
        "/healthz",
    ]:
        assert expected in routes


@pytest.mark.django_db
@settings(
    max_examples=fuzz_examples(600),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_parameter_makes_any_url_answer_500(demo, client, data):
    document = Document.objects.order_by("pk").values_list("pk", flat=True).first()
    addresses = [address for route in sorted(paths()) for address in concrete(route, document)]
    address = data.draw(st.sampled_from(addresses), label="address")
    query = data.draw(
        st.dictionaries(st.sampled_from(PARAMETERS), st.lists(VALUES, min_size=1, max_size=3), max_size=4),
        label="query",
    )
    response = client.get(address, query)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code < 500, (address, query, response.status_code)
