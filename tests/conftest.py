import html
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import ManagementUtility
from django.db import connections
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from policytrack.ingest.timeline import import_timeline_file

# Property tests run the same examples every time, so CI is repeatable; set
# HYPOTHESIS_PROFILE=explore to search new random examples (and keep any failure found).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def fuzz_examples(thorough):
    """How many examples a long fuzz test tries: all of them in CI (CI=true) and under the
    explore profile, a sixth on a developer's machine, where the suite is run often."""
    if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "explore":
        return thorough
    return max(thorough // 6, 25)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher(django_test_environment):
    """Tests create and log in users by the dozen; the production hasher costs a third of a
    second a time by design. (Deployment checks run in their own process, with the real one.)"""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "ai-diffusion-rule.json"
SHARED = ROOT.parent / "shared"


def text(response):
    """A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture(scope="session", autouse=True)
def no_rate_limits(django_test_environment):
    """Tests ask as often as they need: the rate limits are off, except in test_rate_limits.py,
    which sets its own (a session fixture, so property tests may use it)."""
    with override_settings(
        POLICYTRACK_RATE_LIMITS={"api": None, "export": None, "search": None},
        # Tests move the clock backwards; test_calendar.py turns it on to test it.
        POLICYTRACK_CALENDAR_CACHE=0,
    ):
        yield


@pytest.fixture
def demo(db):
    """The AI Diffusion Rule timeline, imported as a user would."""
    import_timeline_file(DEMO)
    from policytrack.timeline.models import Instrument

    return Instrument.objects.get(slug="ai-diffusion-rule")


@pytest.fixture
def demo_data():
    return json.loads(DEMO.read_text(encoding="utf-8"))


@pytest.fixture
def write_json(tmp_path):
    """Write a timeline (dict, or raw text) to a file and return its path."""

    def write(data, name="timeline.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``manage.py ARGS`` in-process, as a user would; returns (exit status, stdout, stderr)."""
    # manage.py closes every connection when a command ends; inside a test's transaction on
    # PostgreSQL that would end the test's own connection.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run_command(*args):
        try:
            ManagementUtility(["manage.py", *map(str, args)]).execute()
            code = 0
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return code, out, err

    return run_command


@pytest.fixture
def analyst(django_user_model):
    return django_user_model.objects.create_user("alice", password="analyst-password-1")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("bob", password="editor-password-1")
